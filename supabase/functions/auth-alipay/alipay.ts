/**
 * Alipay `alipay.system.oauth.token` (换取授权访问令牌) through the open-platform gateway:
 * the request is signed RSA2 (SHA256withRSA) with the app's private key, and the answer's
 * `sign` is verified with Alipay's public key over the exact JSON text of the answer node
 * before anything in it is believed. Settings: ALIPAY_GATEWAY
 * (https://openapi.alipay.com/gateway.do; locally the stand-in), ALIPAY_APP_ID,
 * ALIPAY_PRIVATE_KEY (the app's PKCS#8 private key, PEM or bare base64 — Alipay's "PKCS8(JAVA适用)"),
 * ALIPAY_PUBLIC_KEY (支付宝公钥, SPKI, PEM or bare base64), ALIPAY_TIMEOUT_MS (default 8000).
 */
import { AlipayError, AlipayOauthToken } from '../../../shared/identity.ts';
import type { ErrorCode } from '../../../shared/errors.ts';
import { fail } from '../_shared/fail.ts';
import { intEnv, pemEnv, pemToDer, requiredEnv } from '../_shared/settings.ts';

export const RESPONSE_NODE = 'alipay_system_oauth_token_response';
const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

export interface AlipayConfig {
  gateway: string;
  appId: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  timeoutMs: number;
}

export const importAlipayPrivateKey = (pem: string) => crypto.subtle.importKey('pkcs8', pemToDer(pem), ALG, false, ['sign']);
export const importAlipayPublicKey = (pem: string) => crypto.subtle.importKey('spki', pemToDer(pem), ALG, false, ['verify']);

export const alipayConfig: AlipayConfig = {
  gateway: requiredEnv('ALIPAY_GATEWAY'),
  appId: requiredEnv('ALIPAY_APP_ID'),
  privateKey: await importAlipayPrivateKey(pemEnv('ALIPAY_PRIVATE_KEY')),
  publicKey: await importAlipayPublicKey(pemEnv('ALIPAY_PUBLIC_KEY')),
  timeoutMs: intEnv('ALIPAY_TIMEOUT_MS', 8000),
};

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

async function verified(cfg: AlipayConfig, raw: string, sign: unknown): Promise<boolean> {
  if (typeof sign !== 'string') return false;
  const sig = fromB64(sign);
  if (!sig) return false;
  return crypto.subtle.verify(ALG, cfg.publicKey, sig, new TextEncoder().encode(raw));
}

/** Alipay's error → our answer. Unlisted ones are our configuration or contract (logged, 503). */
function mapError(e: AlipayError): ErrorCode {
  if (e.sub_code === 'isv.code-invalid') return 'login_code_invalid';
  if (e.code === '20000') return 'login_platform_busy'; // isp.unknow-error / aop.unknow-error: 服务暂不可用
  return 'login_unavailable';
}

export async function oauthToken(cfg: AlipayConfig, code: string): Promise<{ subject: string }> {
  const params: Record<string, string> = {
    app_id: cfg.appId,
    method: 'alipay.system.oauth.token',
    format: 'JSON',
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: alipayTimestamp(),
    version: '1.0',
    grant_type: 'authorization_code',
    code,
  };
  params.sign = b64(await crypto.subtle.sign(ALG, cfg.privateKey, new TextEncoder().encode(signContent(params))));

  let res: Response;
  let text: string;
  try {
    res = await fetch(cfg.gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(cfg.timeoutMs),
    });
    text = await res.text();
  } catch (err) {
    console.warn(`[auth-alipay] gateway unreachable: ${(err as Error).message}`);
    throw fail('login_platform_busy', { platform: 'unreachable' });
  }
  if (!res.ok) {
    console.warn(`[auth-alipay] gateway answered HTTP ${res.status}`);
    throw fail('login_platform_busy', { platform_status: res.status });
  }
  let envelope: Record<string, unknown>;
  try {
    envelope = JSON.parse(text) as Record<string, unknown>;
  } catch {
    console.warn(`[auth-alipay] gateway answered something that is not JSON: ${text.slice(0, 200)}`);
    throw fail('login_platform_busy', { platform: 'malformed answer' });
  }

  const okRaw = rawNode(text, RESPONSE_NODE);
  const errRaw = okRaw === undefined ? rawNode(text, 'error_response') : undefined;
  const raw = okRaw ?? errRaw;
  if (raw === undefined) {
    console.error('[auth-alipay] gateway answer has neither the response node nor error_response');
    throw fail('login_unavailable', { platform: 'no response node' });
  }
  // A success must be signed by Alipay; an error is signed whenever the gateway knew our app.
  if ((okRaw !== undefined || envelope.sign !== undefined) && !(await verified(cfg, raw, envelope.sign))) {
    console.error('[auth-alipay] the answer\'s signature does not verify with ALIPAY_PUBLIC_KEY: ignored');
    throw fail('login_unavailable', { platform: 'bad signature' });
  }
  const node = JSON.parse(raw) as unknown;
  if (errRaw !== undefined || (node as { code?: unknown }).code !== undefined && (node as { code?: unknown }).code !== '10000') {
    const e = AlipayError.safeParse(node);
    if (!e.success) throw fail('login_unavailable', { platform: 'malformed error' });
    const mapped = mapError(e.data);
    if (mapped === 'login_unavailable') console.error(`[auth-alipay] ${e.data.code} ${e.data.sub_code ?? ''}: ${e.data.sub_msg ?? e.data.msg}`);
    throw fail(mapped, { platform_code: e.data.code, platform_sub_code: e.data.sub_code });
  }
  const token = AlipayOauthToken.safeParse(node);
  if (!token.success) {
    console.error('[auth-alipay] the token answer has no user_id / open_id');
    throw fail('login_unavailable', { platform: 'no user id' });
  }
  return { subject: (token.data.open_id ?? token.data.user_id)! };
}
