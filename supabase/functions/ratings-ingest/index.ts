// Entry point under Supabase's edge runtime (`supabase functions deploy ratings-ingest`).
import { handler } from './handler.ts';

Deno.serve(handler);
