/** supabase-js against the gateway, as the mini-program uses it. */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import ws from 'ws';
import { SessionResponse } from '../../shared/auth.ts';
import { DevLoginResponse } from '../../shared/schemas.ts';
import type { PersonaKey } from '../../shared/personas.ts';
import { stackEnv } from './env.ts';

/** A client that sends `token` (or only the anon key when none is given). */
export function client(token?: string): SupabaseClient {
  return createClient(stackEnv.apiUrl, stackEnv.anonKey, {
    accessToken: token ? async () => token : undefined,
    auth: { persistSession: false, autoRefreshToken: false },
    // Node 20 has no WebSocket; realtime is unused, but supabase-js builds its client eagerly.
    realtime: { transport: ws as never },
  });
}

export function functionUrl(name: string): string {
  return `${stackEnv.apiUrl}/functions/v1/${name}`;
}

/** Logs in through auth-dev as the mini-program does locally. */
export async function login(persona: PersonaKey): Promise<DevLoginResponse> {
  const res = await fetch(functionUrl('auth-dev'), {
    method: 'POST',
    headers: { apikey: stackEnv.anonKey, 'content-type': 'application/json' },
    body: JSON.stringify({ persona }),
  });
  if (res.status !== 200) throw new Error(`auth-dev answered ${res.status}: ${await res.text()}`);
  return DevLoginResponse.parse(await res.json());
}

/**
 * A brand-new WeChat account, as anyone gets one: a login code the WeChat stand-in has never seen
 * (`dev-<name>` answers a stable openid of its own) through the real auth-wechat.
 */
export async function newWechatAccount(): Promise<SessionResponse> {
  const code = `dev-stranger-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const res = await fetch(functionUrl('auth-wechat'), {
    method: 'POST',
    headers: { apikey: stackEnv.anonKey, 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  if (res.status !== 200) throw new Error(`auth-wechat answered ${res.status}: ${await res.text()}`);
  return SessionResponse.parse(await res.json());
}
