/**
 * Signing and checking user access tokens with the key env.ts chose: ES256 with the signing
 * key's `kid` (default), or HS256 under the legacy switch. Verification accepts only that one
 * algorithm, so under ES256 a token HMAC-signed with any secret is refused, and a token signed
 * by another EC key is refused even when it copies our `kid`.
 */
import { createLocalJWKSet, importJWK, jwtVerify, type JWK, type JWTPayload, type SignJWT } from 'jose';
import { jwtSetting, type EcPrivateJwk, type JwtSetting } from './env.ts';

export interface AccessTokenKeys {
  alg: 'ES256' | 'HS256';
  /** What auth-jwks publishes: the ES256 public key, or no key at all under HS256 (a secret is never published). */
  publicJwks: { keys: JWK[] };
  sign(jwt: SignJWT): Promise<string>;
  /** The claims of a token this project signed; throws on any other token (bad signature, alg, expiry). */
  verify(token: string): Promise<JWTPayload>;
}

/** The public half only: never `d`. */
export function publicJwk(jwk: EcPrivateJwk): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid: jwk.kid, alg: 'ES256', use: 'sig' };
}

export async function accessTokenKeys(setting: JwtSetting): Promise<AccessTokenKeys> {
  if (setting.alg === 'HS256') {
    const key = new TextEncoder().encode(setting.secret);
    return {
      alg: 'HS256',
      publicJwks: { keys: [] },
      sign: (jwt) => jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key),
      verify: async (token) => (await jwtVerify(token, key, { algorithms: ['HS256'] })).payload,
    };
  }
  const key = await importJWK({ ...setting.jwk, alg: 'ES256' }, 'ES256');
  const publicJwks = { keys: [publicJwk(setting.jwk)] };
  const keySet = createLocalJWKSet(publicJwks);
  return {
    alg: 'ES256',
    publicJwks,
    sign: (jwt) => jwt.setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: setting.jwk.kid }).sign(key),
    verify: async (token) => (await jwtVerify(token, keySet, { algorithms: ['ES256'] })).payload,
  };
}

/** This deployment's keys, imported once when a function loads. */
export const keys = await accessTokenKeys(jwtSetting);
export const publicJwks = keys.publicJwks;
export const signJwt = (jwt: SignJWT): Promise<string> => keys.sign(jwt);
export const verifyJwt = (token: string): Promise<JWTPayload> => keys.verify(token);
