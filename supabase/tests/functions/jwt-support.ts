/**
 * Access tokens in the functions tests, the way an outside verifier sees them: checked against
 * the JWK set auth-jwks publishes (ES256), or the shared secret under the HS256 switch.
 */
import { createLocalJWKSet, importJWK, jwtVerify, type JWK, type JWTPayload, type SignJWT } from 'jose';
import { handler as jwksHandler } from '../../functions/auth-jwks/handler.ts';

const signingKey = Deno.env.get('HCP_JWT_SIGNING_KEY');
const secret = Deno.env.get('HCP_JWT_SECRET');

export async function publishedJwks(): Promise<{ keys: JWK[] }> {
  const res = await jwksHandler(new Request('http://functions.local/auth-jwks'));
  if (res.status !== 200) throw new Error(`auth-jwks answered ${res.status}`);
  return await res.json();
}

export async function verifyAccessToken(token: string): Promise<JWTPayload> {
  if (signingKey) return (await jwtVerify(token, createLocalJWKSet(await publishedJwks()), { algorithms: ['ES256'] })).payload;
  return (await jwtVerify(token, new TextEncoder().encode(secret!), { algorithms: ['HS256'] })).payload;
}

/** Signs a test token (e.g. an expired one) with the stack's own key. */
export async function signTestToken(jwt: SignJWT): Promise<string> {
  if (!signingKey) return jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret!));
  const jwk = JSON.parse(signingKey);
  return jwt.setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: jwk.kid }).sign(await importJWK({ ...jwk, alg: 'ES256' }, 'ES256'));
}
