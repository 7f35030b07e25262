// Entry point under Supabase's edge runtime (`supabase functions deploy auth-wechat`).
import { handler } from './handler.ts';

Deno.serve(handler);
