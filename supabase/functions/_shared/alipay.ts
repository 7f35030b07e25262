/**
 * The Alipay open-platform gateway's protocol, shared by auth-alipay (alipay.system.oauth.token)
 * and send-reminders (alipay.open.app.mini.templatemessage.send): requests signed RSA2
 * (SHA256withRSA) with the app's private key, answers verified with Alipay's public key over the
 * exact JSON text of the answer node. No settings are read here: each function has its own.
 */
import { pemToDer } from './settings.ts';

const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

export const importAlipayPrivateKey = (pem: string) => crypto.subtle.importKey('pkcs8', pemToDer(pem), ALG, false, ['sign']);
export const importAlipayPublicKey = (pem: string) => crypto.subtle.importKey('spki', pemToDer(pem), ALG, false, ['verify']);

/** The string Alipay signs: sorted `k=v` of every non-empty parameter but `sign`, joined by `&`. */
export function signContent(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

const b64 = (buf: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(buf)));

function fromB64(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    const bin = atob(text);
    const out = new Uint8Array(new ArrayBuffer(bin.length));
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

/** Beijing time, `yyyy-MM-dd HH:mm:ss`, as the gateway expects. */
export const alipayTimestamp = (ms = Date.now()) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

/** The form parameters of one gateway call of `method`, with its `sign`. */
export async function signedParams(app: { appId: string; privateKey: CryptoKey }, method: string, extra: Record<string, string>): Promise<Record<string, string>> {
  const params: Record<string, string> = {
    app_id: app.appId,
    method,
    format: 'JSON',
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: alipayTimestamp(),
    version: '1.0',
    ...extra,
  };
  params.sign = b64(await crypto.subtle.sign(ALG, app.privateKey, new TextEncoder().encode(signContent(params))));
  return params;
}

/** Whether `sign` (the envelope's, base64) is Alipay's signature of `raw` (the answer node's text). */
export async function verifyAlipaySign(publicKey: CryptoKey, raw: string, sign: unknown): Promise<boolean> {
  if (typeof sign !== 'string') return false;
  const sig = fromB64(sign);
  if (!sig) return false;
  return crypto.subtle.verify(ALG, publicKey, sig, new TextEncoder().encode(raw));
}

/**
 * The raw JSON text of `"<node>": {…}` in the answer — the bytes Alipay signed (re-serializing a
 * parsed object would not reproduce them). Scans strings and nesting; undefined when absent.
 */
export function rawNode(text: string, node: string): string | undefined {
  const key = `"${node}"`;
  let i = text.indexOf(key);
  if (i < 0) return undefined;
  i = text.indexOf(':', i + key.length);
  if (i < 0) return undefined;
  i++;
  while (/\s/.test(text[i] ?? '')) i++;
  if (text[i] !== '{') return undefined;
  let depth = 0;
  let inString = false;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (inString) {
      if (c === '\\') j++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(i, j + 1);
  }
  return undefined;
}
