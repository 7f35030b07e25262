/**
 * Environment, read and checked once when a function module loads: a missing setting stops
 * the function at start instead of failing a citizen's request later.
 */
import { parseSigningJwk, type EcPrivateJwk } from './signing-jwk.ts';

export { parseSigningJwk, type EcPrivateJwk };

function required(name: string): string {
  const value = Deno.env.get(name);
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is required`);
  return value;
}

/** Injected by Supabase into every function (locally by the stack). */
export const supabaseUrl = required('SUPABASE_URL');
export const serviceRoleKey = required('SUPABASE_SERVICE_ROLE_KEY');

/**
 * How user access tokens are signed and checked (README "Tokens"). By default ES256: the
 * private key `HCP_JWT_SIGNING_KEY` (a JWK with its `kid`, e.g. from `supabase gen signing-key
 * --algorithm ES256`), whose public half is published by auth-jwks and given to PostgREST —
 * hosted Supabase has moved projects to asymmetric keys and is retiring the shared secret. The
 * switch for a self-hosted stack that still shares one HS256 secret: leave HCP_JWT_SIGNING_KEY
 * unset and set `HCP_JWT_SECRET` (≥ 32 characters). With the key set, the secret is ignored, so
 * an HS256 token is never accepted next to ES256 ones.
 */
export type JwtSetting = { alg: 'ES256'; jwk: EcPrivateJwk } | { alg: 'HS256'; secret: string };

export function readJwtSetting(get: (name: string) => string | undefined = (n) => Deno.env.get(n)): JwtSetting {
  const key = get('HCP_JWT_SIGNING_KEY');
  if (key) return { alg: 'ES256', jwk: parseSigningJwk(key) };
  const secret = get('HCP_JWT_SECRET');
  if (secret) {
    if (secret.length < 32) throw new Error('HCP_JWT_SECRET must be at least 32 characters (HS256)');
    return { alg: 'HS256', secret };
  }
  throw new Error(
    'environment variable HCP_JWT_SIGNING_KEY (an ES256 private JWK with its kid) is required; ' +
      'a self-hosted stack that still signs with a shared HS256 secret sets HCP_JWT_SECRET instead',
  );
}

export const jwtSetting: JwtSetting = readJwtSetting();

/** The HS256 secret under the legacy switch, '' under ES256 (an empty key verifies nothing). */
export const jwtSecret = jwtSetting.alg === 'HS256' ? jwtSetting.secret : '';

/** Demo logins exist only where this is exactly "true" (the local stack); production never sets it. */
export const allowDevLogin = Deno.env.get('ALLOW_DEV_LOGIN') === 'true';
