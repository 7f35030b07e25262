/**
 * The signed-in caller of a function that acts for a user: the access token (HS256, the
 * project's JWT secret) must be valid and carry role `authenticated` and a uuid `sub`.
 * The anon key, a service key or no token at all is a 401.
 */
import { jwtVerify } from 'jose';
import { jwtSecret } from './env.ts';
import { fail } from './fail.ts';

const key = new TextEncoder().encode(jwtSecret);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function callerUserId(req: Request): Promise<string> {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '');
  if (!m) throw fail('unauthorized');
  try {
    const { payload } = await jwtVerify(m[1]!, key, { algorithms: ['HS256'] });
    if (payload.role !== 'authenticated' || typeof payload.sub !== 'string' || !UUID.test(payload.sub)) throw new Error('not a user token');
    return payload.sub;
  } catch {
    throw fail('unauthorized');
  }
}
