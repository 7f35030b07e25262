/**
 * The local stack's JWTs. One signing secret (`jwtSecret` throughout the stack, `JWT_SECRET` in
 * `npm run status`) decides the scheme:
 * - an EC P-256 private JWK with its `kid` (the default, .local/keys/jwt-signing-key.json or
 *   HCP_JWT_SIGNING_KEY): tokens are ES256 with that kid, and PostgREST, the gateway and the
 *   functions verify against the public JWK set — what hosted Supabase's asymmetric signing
 *   keys are;
 * - any other string (the switch: HCP_JWT_SECRET, ≥ 32 characters): HS256 with that shared
 *   secret, as a self-hosted stack on the legacy secret signs.
 *
 * The API keys a Supabase project hands out are JWTs whose `role` claim PostgREST switches to
 * (Supabase's legacy anon/service_role keys, and what the self-hosted compose still issues):
 * signed here with the same key, so PostgREST accepts them with no extra key. The same signing
 * key always yields the same API keys across restarts (the H5 app and a developer's .env keep
 * working): HS256 keys have a fixed issue time; ES256 signatures are randomized, so those keys
 * are minted once per signing key and kept in .local/keys/ (local-keys.ts apiKey).
 *
 * This module reads no files, so tests can import it.
 */
import { createHmac, createPrivateKey, sign } from 'node:crypto';
import { createLocalJWKSet, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { parseSigningJwk, type EcPrivateJwk } from '../../supabase/functions/_shared/signing-jwk.ts';

// One check of the signing key's shape for the stack and the functions.
export { parseSigningJwk, type EcPrivateJwk };

const TEN_YEARS_S = 10 * 365 * 24 * 3600;
/** Fixed issue time so that the same secret always yields the same keys. */
const ISSUED_AT = 1_767_225_600; // 2026-01-01T00:00:00Z

export type ApiRole = 'anon' | 'service_role';

/** True when the signing secret is a JWK (ES256), false for an HS256 shared secret. */
export function isJwkSecret(secret: string): boolean {
  return secret.trimStart().startsWith('{');
}

/** Checks a signing secret of either scheme; answers it unchanged. */
export function checkJwtSecret(secret: string, name: string): string {
  if (isJwkSecret(secret)) parseSigningJwk(secret, name);
  else if (secret.length < 32) throw new Error(`${name} must be at least 32 characters (HS256)`);
  return secret;
}

/**
 * Which signing secret a stack uses (the switch): `HCP_JWT_SIGNING_KEY` (a private JWK with its
 * kid → ES256); else `HCP_JWT_SECRET` (≥ 32 characters → HS256); else `localKey()` (ES256).
 */
export function chooseJwtSecret(env: Record<string, string | undefined>, localKey: () => string): string {
  const key = env.HCP_JWT_SIGNING_KEY;
  if (key) {
    if (!isJwkSecret(key)) throw new Error('HCP_JWT_SIGNING_KEY must be a private JWK (JSON) with its kid');
    return checkJwtSecret(key, 'HCP_JWT_SIGNING_KEY');
  }
  const secret = env.HCP_JWT_SECRET;
  if (secret) {
    if (isJwkSecret(secret)) throw new Error('HCP_JWT_SECRET is an HS256 shared secret; put a JWK in HCP_JWT_SIGNING_KEY');
    return checkJwtSecret(secret, 'HCP_JWT_SECRET');
  }
  return localKey();
}

/** The public JWK set of the signing secret (never `d`); empty for an HS256 secret. */
export function publicJwks(secret: string): { keys: JWK[] } {
  if (!isJwkSecret(secret)) return { keys: [] };
  const { kty, crv, x, y, kid } = parseSigningJwk(secret);
  return { keys: [{ kty, crv, x, y, kid, alg: 'ES256', use: 'sig' }] };
}

/** PostgREST's `jwt-secret`: the public JWK set (PostgREST 12 takes a JWKS), or the HS256 secret. */
export function postgrestJwtSecret(secret: string): string {
  return isJwkSecret(secret) ? JSON.stringify(publicJwks(secret)) : secret;
}

/** The functions' setting for this secret (supabase/functions/_shared/env.ts reads it). */
export function functionsJwtEnv(secret: string): { HCP_JWT_SIGNING_KEY: string } | { HCP_JWT_SECRET: string } {
  return isJwkSecret(secret) ? { HCP_JWT_SIGNING_KEY: secret } : { HCP_JWT_SECRET: secret };
}

/** Signs `jwt` with the secret's scheme: ES256 with the key's kid, or HS256. */
export async function signJwt(jwt: SignJWT, secret: string): Promise<string> {
  if (!isJwkSecret(secret)) return jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret));
  const jwk = parseSigningJwk(secret);
  return jwt.setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: jwk.kid }).sign(await importJWK({ ...jwk, alg: 'ES256' }, 'ES256'));
}

/** A check that accepts only tokens of this secret's one scheme (never HS256 next to ES256). */
export function jwtVerifier(secret: string): (token: string) => Promise<JWTPayload> {
  if (isJwkSecret(secret)) {
    const keys = createLocalJWKSet(publicJwks(secret));
    return async (token) => (await jwtVerify(token, keys, { algorithms: ['ES256'] })).payload;
  }
  const key = new TextEncoder().encode(secret);
  return async (token) => (await jwtVerify(token, key, { algorithms: ['HS256'] })).payload;
}

/**
 * An API key (anon or service_role) minted now, synchronously: HS256 keys come out the same
 * every time, ES256 ones differ (local-keys.ts apiKey keeps the first).
 */
export function mintApiKey(role: ApiRole, secret: string): string {
  const claims = { role, iss: 'supabase-local', iat: ISSUED_AT, exp: ISSUED_AT + TEN_YEARS_S };
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  if (!isJwkSecret(secret)) {
    const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  }
  const jwk = parseSigningJwk(secret);
  const input = `${part({ alg: 'ES256', typ: 'JWT', kid: jwk.kid })}.${part(claims)}`;
  const key = createPrivateKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d }, format: 'jwk' });
  // JOSE's raw r‖s form of an ECDSA signature.
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

/** A user's access token as the login functions mint it (tests use it to act as a user). */
export async function userToken(userId: string, secret: string, ttlSeconds = 3600): Promise<string> {
  return signJwt(
    new SignJWT({ role: 'authenticated', aud: 'authenticated' }).setSubject(userId).setIssuedAt().setExpirationTime(`${ttlSeconds}s`),
    secret,
  );
}
