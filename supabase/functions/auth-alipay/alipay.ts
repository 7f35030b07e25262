/**
 * Alipay `alipay.system.oauth.token` (换取授权访问令牌) through the open-platform gateway:
 * the request is signed RSA2 (SHA256withRSA) with the app's private key, and the answer's
 * `sign` is verified with Alipay's public key over the exact JSON text of the answer node
 * before anything in it is believed. Settings: ALIPAY_GATEWAY
 * (https://openapi.alipay.com/gateway.do; locally the stand-in), ALIPAY_APP_ID,
 * ALIPAY_PRIVATE_KEY (the app's PKCS#8 private key, PEM or bare base64 — Alipay's "PKCS8(JAVA适用)"),
 * ALIPAY_PUBLIC_KEY (支付宝公钥, SPKI, PEM or bare base64), ALIPAY_TIMEOUT_MS (default 8000).
 */
import { AlipayError, AlipayOauthToken } from '../_shared/contract/identity.ts';
import type { ErrorCode } from '../_shared/contract/errors.ts';
import { fail } from '../_shared/fail.ts';
import { importAlipayPrivateKey, importAlipayPublicKey, rawNode, signedParams, verifyAlipaySign } from '../_shared/alipay.ts';
import { intEnv, pemEnv, requiredEnv } from '../_shared/settings.ts';

export const RESPONSE_NODE = 'alipay_system_oauth_token_response';

export interface AlipayConfig {
  gateway: string;
  appId: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  timeoutMs: number;
}

export const alipayConfig: AlipayConfig = {
  gateway: requiredEnv('ALIPAY_GATEWAY'),
  appId: requiredEnv('ALIPAY_APP_ID'),
  privateKey: await importAlipayPrivateKey(pemEnv('ALIPAY_PRIVATE_KEY')),
  publicKey: await importAlipayPublicKey(pemEnv('ALIPAY_PUBLIC_KEY')),
  timeoutMs: intEnv('ALIPAY_TIMEOUT_MS', 8000),
};

/** Alipay's error → our answer. Unlisted ones are our configuration or contract (logged, 503). */
function mapError(e: AlipayError): ErrorCode {
  if (e.sub_code === 'isv.code-invalid') return 'login_code_invalid';
  if (e.code === '20000') return 'login_platform_busy'; // isp.unknow-error / aop.unknow-error: 服务暂不可用
  return 'login_unavailable';
}

export async function oauthToken(cfg: AlipayConfig, code: string): Promise<{ subject: string }> {
  const params = await signedParams(cfg, 'alipay.system.oauth.token', { grant_type: 'authorization_code', code });

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
  if ((okRaw !== undefined || envelope.sign !== undefined) && !(await verifyAlipaySign(cfg.publicKey, raw, envelope.sign))) {
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
