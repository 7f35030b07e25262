// Entry point under Supabase's edge runtime (`supabase functions deploy auth-dev`).
import { handler } from './handler.ts';

Deno.serve(handler);
