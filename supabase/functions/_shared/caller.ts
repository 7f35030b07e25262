/**
 * The signed-in caller of a function that acts for a user: the access token must verify against
 * the project's JWKS (ES256, the signing key's kid; HS256 under the legacy switch) and carry role
 * `authenticated` and a uuid `sub`. The anon key, a service key or no token at all is a 401.
 * These functions check their callers here, so config.toml sets verify_jwt = false for them:
 * the hosted gateway's check knows only the project's own keys, not ours.
 */
import { verifyJwt } from './jwt.ts';
import { fail } from './fail.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function callerUserId(req: Request): Promise<string> {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '');
  if (!m) throw fail('unauthorized');
  try {
    const payload = await verifyJwt(m[1]!);
    if (payload.role !== 'authenticated' || typeof payload.sub !== 'string' || !UUID.test(payload.sub)) throw new Error('not a user token');
    return payload.sub;
  } catch {
    throw fail('unauthorized');
  }
}
