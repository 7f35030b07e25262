/**
 * auth-jwks: the public keys that verify this project's user access tokens, as a JWK set
 * (`GET /functions/v1/auth-jwks`). Whoever checks our tokens outside the functions (a
 * self-hosted PostgREST's PGRST_JWT_SECRET, another service) takes the keys from here; the
 * local gateway also serves them at Supabase Auth's path `/auth/v1/.well-known/jwks.json`.
 * Only the public half is ever answered; under the HS256 switch the set is empty (a shared
 * secret is never published).
 */
import { handle, HttpError, json } from '../_shared/http.ts';
import { publicJwks } from '../_shared/jwt.ts';

export const handler = handle('auth-jwks', async (req) => {
  if (req.method !== 'GET') throw new HttpError(405, 'method_not_allowed');
  const res = json(publicJwks);
  // Verifiers may cache it; a rotated key reaches them within five minutes.
  res.headers.set('cache-control', 'public, max-age=300');
  return res;
});
