// Entry point under Supabase's edge runtime (`supabase functions deploy kiosk-pair`).
import { handler } from './handler.ts';

Deno.serve(handler);
