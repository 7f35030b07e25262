/**
 * The API tests' callers: one supabase-js client per persona, logged in through auth-dev once
 * before the file's first test, RPCs through them, and the check that a call was refused with
 * the contract's code, status and Chinese message.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { ERRORS, type ErrorCode } from '../../shared/errors.ts';
import type { PersonaKey } from '../../shared/personas.ts';
import { client, login } from './api.ts';

/** A persona, or a caller with no login at all. */
export type Caller = PersonaKey | 'anon';

/**
 * Registers a beforeAll that logs `personas` in ('anon': the anon key alone); `rpc(who, fn, args)`
 * calls through who's client (answer as it came, errors included), `clientOf(who)` is that client
 * for other calls.
 */
export function personaClientsPerFile(personas: readonly Caller[]) {
  const clients = {} as Record<Caller, SupabaseClient>;
  beforeAll(async () => {
    for (const p of personas) clients[p] = p === 'anon' ? client() : client((await login(p)).access_token);
  });
  const clientOf = (who: Caller): SupabaseClient => {
    const c = clients[who];
    if (!c) throw new Error(`${who} is not among this file's personas (or beforeAll has not run)`);
    return c;
  };
  const rpc = async (who: Caller, fn: string, args: Record<string, unknown> = {}) => clientOf(who).rpc(fn, args);
  return { rpc, clientOf };
}

/** Expects the call to be refused with `code`, its status and its Chinese message. */
export async function refused(call: PromiseLike<{ error: unknown; status: number }>, code: ErrorCode): Promise<void> {
  const res = await call;
  expect(res.error).toMatchObject({ code, message: ERRORS[code].message });
  expect(res.status).toBe(ERRORS[code].status);
}
