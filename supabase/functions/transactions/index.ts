// Entry point under Supabase's edge runtime (`supabase functions deploy transactions`).
import { handler } from './handler.ts';

Deno.serve(handler);
