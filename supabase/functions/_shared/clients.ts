/** Database clients for functions. The service client is for what no user may do themselves. */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { serviceRoleKey, supabaseUrl } from './env.ts';

let service: SupabaseClient | undefined;

export function serviceClient(): SupabaseClient {
  service ??= createClient(supabaseUrl, serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  return service;
}
