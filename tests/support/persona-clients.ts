/**
 * The API tests' callers: one supabase-js client per persona, logged in through auth-dev once
 * before the file's first test, RPCs through them, and the check that a call was refused with
 * the contract's code, status and Chinese message.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { ERRORS, type ErrorCode } from '../../shared/errors.ts';
import type { PersonaKey } from '../../shared/personas.ts';
import { client, login } from './api.ts';

/**
 * Registers a beforeAll that logs `personas` in; `rpc(who, fn, args)` calls through who's client
 * (answer as it came, errors included), `clientOf(who)` is that client for other calls.
 */
export function personaClientsPerFile(personas: readonly PersonaKey[]) {
  const clients = {} as Record<PersonaKey, SupabaseClient>;
  beforeAll(async () => {
    for (const p of personas) clients[p] = client((await login(p)).access_token);
  });
  const clientOf = (who: PersonaKey): SupabaseClient => {
    const c = clients[who];
    if (!c) throw new Error(`${who} is not among this file's personas (or beforeAll has not run)`);
    return c;
  };
  const rpc = async (who: PersonaKey, fn: string, args: Record<string, unknown> = {}) => clientOf(who).rpc(fn, args);
  return { rpc, clientOf };
}

/** Expects the call to be refused with `code`, its status and its Chinese message. */
export async function refused(call: PromiseLike<{ error: unknown; status: number }>, code: ErrorCode): Promise<void> {
  const res = await call;
  expect(res.error).toMatchObject({ code, message: ERRORS[code].message });
  expect(res.status).toBe(ERRORS[code].status);
}
