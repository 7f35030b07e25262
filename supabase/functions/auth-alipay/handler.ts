/**
 * auth-alipay (SPEC §4): `POST { code }` (from `my.getAuthCode()`) → Alipay
 * alipay.system.oauth.token (RSA2-signed request, verified answer) → the person of that Alipay
 * account, found or created → SessionResponse (shared/auth.ts). Alipay's refusals become
 * 400 login_code_invalid, 503 login_platform_busy / login_unavailable. verify_jwt = false.
 */
import { PlatformLoginRequest } from '../_shared/contract/auth.ts';
import { handle, HttpError, json, readJson } from '../_shared/http.ts';
import { serviceRpc } from '../_shared/rpc.ts';
import { sessionResponse, SessionRow } from '../_shared/session.ts';
import { alipayConfig, oauthToken, type AlipayConfig } from './alipay.ts';

export const authAlipay = (cfg: AlipayConfig) => handle('auth-alipay', async (req) => {
  if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed');
  const { code } = await readJson(req, PlatformLoginRequest);
  const { subject } = await oauthToken(cfg, code);
  const [row] = await serviceRpc('platform_login', {
    p_platform: 'alipay',
    p_app_id: cfg.appId,
    p_subject: subject,
    p_unionid: null,
  }, SessionRow.array().length(1));
  return json(await sessionResponse(row!));
});

export const handler = authAlipay(alipayConfig);
