/**
 * Local-only keys of the identity parts, made once and kept in .local/keys/ (never committed,
 * never used by a deployed project): the PII master key the database encrypts identities with
 * (set as `app.settings.pii_key`; a Supabase project uses its Vault instead), the Alipay app's
 * RSA2 keypair and the stand-in Alipay platform's, and the stand-in identity platform's
 * signing keypair, and the stack's JWT signing key (ES256). Every stack on this checkout (npm start, db:reset, npm test) shares them, so
 * a kept data directory stays decryptable. Created with exclusive writes: two stacks starting
 * at once agree on one set.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './config.ts';
import { chooseJwtSecret, isJwkSecret, mintApiKey, parseSigningJwk, type ApiRole } from './keys.ts';

export const keysDir = path.resolve(process.env.HCP_KEYS_DIR ?? path.join(repoRoot, '.local', 'keys'));

export interface RsaKeyPair {
  /** PKCS#8 PEM. */
  privateKey: string;
  /** SPKI PEM. */
  publicKey: string;
}

export interface LocalKeys {
  /** 64 hex characters; `HCP_PII_KEY` overrides the file. */
  piiKey: string;
  alipayApp: RsaKeyPair;
  alipayPlatform: RsaKeyPair;
  idp: RsaKeyPair;
}

/** Reads `name`, or creates it with `make()` unless another process just did (link is atomic). */
export function readOrCreate(name: string, make: () => string): string {
  const file = path.join(keysDir, name);
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  try {
    return readFileSync(file, 'utf8');
  } catch {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, make(), { mode: 0o600 });
    try {
      linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
    return readFileSync(file, 'utf8');
  }
}

function rsaPair(name: string): RsaKeyPair {
  const json = readOrCreate(`${name}.json`, () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    return JSON.stringify({ privateKey, publicKey }, null, 2) + '\n';
  });
  return JSON.parse(json) as RsaKeyPair;
}

export function piiKey(): string {
  const fromEnv = process.env.HCP_PII_KEY;
  const key = (fromEnv && fromEnv !== '' ? fromEnv : readOrCreate('pii.key', () => randomBytes(32).toString('hex') + '\n')).trim();
  if (!/^[0-9a-f]{64}$/i.test(key)) throw new Error('the PII key must be 64 hex characters (HCP_PII_KEY or .local/keys/pii.key)');
  return key;
}

export function localKeys(): LocalKeys {
  return { piiKey: piiKey(), alipayApp: rsaPair('alipay-app'), alipayPlatform: rsaPair('alipay-platform'), idp: rsaPair('idp') };
}

/**
 * The local stack's JWT signing key: an EC P-256 private JWK with a kid (ES256), made once.
 * Local only: a deployed project's key is its own secret (README "Tokens").
 */
export function jwtSigningKey(): string {
  return readOrCreate('jwt-signing-key.json', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { kty, crv, x, y, d } = privateKey.export({ format: 'jwk' });
    return JSON.stringify({ kty, crv, x, y, d, kid: randomUUID(), alg: 'ES256', use: 'sig' }) + '\n';
  }).trim();
}

/**
 * The stack's signing secret, which decides the token scheme (keys.ts): `HCP_JWT_SIGNING_KEY`
 * (a private JWK with its kid → ES256); else `HCP_JWT_SECRET` (≥ 32 characters → HS256, the
 * switch for a stack on a shared legacy secret); else the local ES256 key (jwtSigningKey).
 */
export function jwtSecret(): string {
  return chooseJwtSecret(process.env, jwtSigningKey);
}

/**
 * The stack's API key for `role`, the same on every start with the same signing key: an ES256
 * key is minted once and kept (its signature is randomized; the gateway compares keys as strings).
 */
export function apiKey(role: ApiRole, secret: string): string {
  if (!isJwkSecret(secret)) return mintApiKey(role, secret);
  const jwk = parseSigningJwk(secret);
  const id = createHash('sha256').update(`${jwk.kid}.${jwk.x}.${jwk.y}`).digest('hex').slice(0, 16);
  return readOrCreate(`api-key-${role}-${id}.jwt`, () => mintApiKey(role, secret) + '\n').trim();
}
