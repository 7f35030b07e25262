// Entry point under Supabase's edge runtime (`supabase functions deploy auth-alipay`).
import { handler } from './handler.ts';

Deno.serve(handler);
