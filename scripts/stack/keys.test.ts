/**
 * The local stack's token schemes (keys.ts): ES256 with a kid by default, HS256 only through the
 * documented switch, and never both at once.
 */
import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, SignJWT } from 'jose';
import { chooseJwtSecret, functionsJwtEnv, jwtVerifier, mintApiKey, postgrestJwtSecret, publicJwks, signJwt, userToken } from './keys.ts';

function ecJwk(kid: string): string {
  const { kty, crv, x, y, d } = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  return JSON.stringify({ kty, crv, x, y, d, kid });
}

const key = ecJwk('kid-1');
const HS = 'a-self-hosted-legacy-secret-of-at-least-32-chars';
const local = () => key;
/** Supabase CLI's well-known local HS256 secret, which the stack signed with before ES256. */
const OLD_LOCAL_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

test('the switch: HCP_JWT_SIGNING_KEY → ES256; else HCP_JWT_SECRET → HS256; else the local ES256 key', () => {
  const other = ecJwk('kid-2');
  expect(chooseJwtSecret({ HCP_JWT_SIGNING_KEY: other, HCP_JWT_SECRET: HS }, local)).toBe(other);
  expect(chooseJwtSecret({ HCP_JWT_SECRET: HS }, local)).toBe(HS);
  expect(chooseJwtSecret({}, local)).toBe(key);
  expect(() => chooseJwtSecret({ HCP_JWT_SECRET: 'short' }, local)).toThrow(/at least 32/);
  expect(() => chooseJwtSecret({ HCP_JWT_SIGNING_KEY: 'not-a-jwk-but-long-enough-to-be-a-secret' }, local)).toThrow(/JWK/);
  expect(() => chooseJwtSecret({ HCP_JWT_SIGNING_KEY: JSON.stringify({ ...JSON.parse(key), d: undefined }) }, local)).toThrow(/"d"/);
  expect(() => chooseJwtSecret({ HCP_JWT_SECRET: key }, local)).toThrow(/HCP_JWT_SIGNING_KEY/);
});

test('ES256: PostgREST and the JWKS get the public key only; functions get the private key', () => {
  const jwks = publicJwks(key);
  expect(jwks.keys).toHaveLength(1);
  expect(jwks.keys[0]).toEqual({ kty: 'EC', crv: 'P-256', x: JSON.parse(key).x, y: JSON.parse(key).y, kid: 'kid-1', alg: 'ES256', use: 'sig' });
  expect(JSON.parse(postgrestJwtSecret(key))).toEqual(jwks);
  expect(postgrestJwtSecret(key)).not.toContain(JSON.parse(key).d);
  expect(functionsJwtEnv(key)).toEqual({ HCP_JWT_SIGNING_KEY: key });
});

test('HS256 switch: PostgREST and the functions get the shared secret, nothing is published', () => {
  expect(publicJwks(HS)).toEqual({ keys: [] });
  expect(postgrestJwtSecret(HS)).toBe(HS);
  expect(functionsJwtEnv(HS)).toEqual({ HCP_JWT_SECRET: HS });
});

test('tokens carry their scheme; each verifier accepts only its own scheme and key', async () => {
  const es = await userToken('00000000-0000-4000-8000-000000000a01', key);
  expect(decodeProtectedHeader(es)).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'kid-1' });
  const hs = await userToken('00000000-0000-4000-8000-000000000a01', HS);
  expect(decodeProtectedHeader(hs)).toEqual({ alg: 'HS256', typ: 'JWT' });
  await expect(jwtVerifier(key)(es)).resolves.toMatchObject({ sub: '00000000-0000-4000-8000-000000000a01' });
  await expect(jwtVerifier(HS)(hs)).resolves.toMatchObject({ role: 'authenticated' });
  await expect(jwtVerifier(key)(hs)).rejects.toThrow();
  await expect(jwtVerifier(HS)(es)).rejects.toThrow();
  // Another EC key copying our kid, and the old well-known HS256 secret, are refused under ES256.
  const impostor = await userToken('00000000-0000-4000-8000-000000000a01', ecJwk('kid-1'));
  await expect(jwtVerifier(key)(impostor)).rejects.toThrow();
  const forged = await signJwt(new SignJWT({ role: 'service_role' }).setIssuedAt().setExpirationTime('1h'), OLD_LOCAL_SECRET);
  await expect(jwtVerifier(key)(forged)).rejects.toThrow();
});

test('API keys are JWTs of the same key (PostgREST switches to their role); HS256 ones are stable', async () => {
  const anon = mintApiKey('anon', key);
  expect(decodeProtectedHeader(anon)).toMatchObject({ alg: 'ES256', kid: 'kid-1' });
  await expect(jwtVerifier(key)(anon)).resolves.toMatchObject({ role: 'anon' });
  await expect(jwtVerifier(key)(mintApiKey('service_role', key))).resolves.toMatchObject({ role: 'service_role' });
  expect(mintApiKey('anon', HS)).toBe(mintApiKey('anon', HS));
  await expect(jwtVerifier(HS)(mintApiKey('service_role', HS))).resolves.toMatchObject({ role: 'service_role' });
});
