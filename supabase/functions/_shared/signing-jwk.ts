/**
 * The ES256 signing key's shape (README "Tokens"), checked in one place for the functions
 * (_shared/env.ts, at load) and for the local stack (scripts/stack/keys.ts, at start): pure, no
 * Deno or Node API, so both runtimes import it.
 */

/** An EC P-256 private key as a JSON Web Key, with the `kid` its tokens carry. */
export interface EcPrivateJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  d: string;
  kid: string;
  alg?: 'ES256';
  use?: 'sig';
}

const JWK_SHAPE = 'an EC P-256 private JSON Web Key with "kty", "crv", "x", "y", "d" and a non-empty "kid"';

/** Parses and checks a signing key; a wrong one throws, naming the setting it came from. */
export function parseSigningJwk(raw: string, name = 'HCP_JWT_SIGNING_KEY'): EcPrivateJwk {
  let jwk: Record<string, unknown>;
  try {
    jwk = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    throw new Error(`${name} must be ${JWK_SHAPE} (JSON)`);
  }
  const text = (k: string) => typeof jwk?.[k] === 'string' && jwk[k] !== '';
  if (typeof jwk !== 'object' || jwk === null || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !['x', 'y', 'd', 'kid'].every(text)) {
    throw new Error(`${name} must be ${JWK_SHAPE}`);
  }
  if (jwk.alg !== undefined && jwk.alg !== 'ES256') throw new Error(`${name} is for alg ${String(jwk.alg)}; ES256 is required`);
  return { kty: 'EC', crv: 'P-256', x: jwk.x as string, y: jwk.y as string, d: jwk.d as string, kid: jwk.kid as string };
}
