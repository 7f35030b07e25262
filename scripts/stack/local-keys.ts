/**
 * Local-only keys of the identity parts, made once and kept in .local/keys/ (never committed,
 * never used by a deployed project): the PII master key the database encrypts identities with
 * (set as `app.settings.pii_key`; a Supabase project uses its Vault instead), the Alipay app's
 * RSA2 keypair and the stand-in Alipay platform's, and the stand-in identity platform's
 * signing keypair. Every stack on this checkout (npm start, db:reset, npm test) shares them, so
 * a kept data directory stays decryptable. Created with exclusive writes: two stacks starting
 * at once agree on one set.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './config.ts';

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
function readOrCreate(name: string, make: () => string): string {
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
