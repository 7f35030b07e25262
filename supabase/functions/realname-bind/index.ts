// Entry point under Supabase's edge runtime (`supabase functions deploy realname-bind`).
import { handler } from './handler.ts';

Deno.serve(handler);
