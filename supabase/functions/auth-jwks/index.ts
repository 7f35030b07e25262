// Entry point under Supabase's edge runtime (`supabase functions deploy auth-jwks`).
import { handler } from './handler.ts';

Deno.serve(handler);
