/**
 * auth-wechat (SPEC §4): `POST { code }` (from `wx.login()`) → WeChat code2Session → the
 * person of that openid, found or created (unionid kept) → SessionResponse (shared/auth.ts):
 * a 1-hour access token and a 30-day rotating refresh token for auth-refresh. WeChat's
 * refusals become 400 login_code_invalid, 429 login_rate_limited, 403 login_risky_user,
 * 503 login_platform_busy / login_unavailable. Callers have no token yet (verify_jwt = false).
 */
import { PlatformLoginRequest } from '../_shared/contract/auth.ts';
import { handle, HttpError, json, readJson } from '../_shared/http.ts';
import { serviceRpc } from '../_shared/rpc.ts';
import { sessionResponse, SessionRow } from '../_shared/session.ts';
import { code2Session, wechatConfig, type WechatConfig } from './wechat.ts';

export const authWechat = (cfg: WechatConfig) => handle('auth-wechat', async (req) => {
  if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed');
  const { code } = await readJson(req, PlatformLoginRequest);
  const { openid, unionid } = await code2Session(cfg, code);
  const [row] = await serviceRpc('platform_login', {
    p_platform: 'wechat',
    p_app_id: cfg.appid,
    p_subject: openid,
    p_unionid: unionid ?? null,
  }, SessionRow.array().length(1));
  return json(await sessionResponse(row!));
});

export const handler = authWechat(wechatConfig);
