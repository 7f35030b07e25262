/**
 * WeChat 小程序登录 (code2Session): trades a `wx.login()` code for the user's openid (and
 * unionid when the mini-program is bound to an open-platform account). Settings:
 * WECHAT_API_BASE (https://api.weixin.qq.com; locally the stand-in), WECHAT_APPID,
 * WECHAT_SECRET, WECHAT_TIMEOUT_MS (default 8000).
 */
import { WechatCode2Session } from '../_shared/contract/identity.ts';
import { fail } from '../_shared/fail.ts';
import { intEnv, requiredEnv } from '../_shared/settings.ts';

export interface WechatConfig {
  apiBase: string;
  appid: string;
  secret: string;
  timeoutMs: number;
}

export const wechatConfig: WechatConfig = {
  apiBase: requiredEnv('WECHAT_API_BASE'),
  appid: requiredEnv('WECHAT_APPID'),
  secret: requiredEnv('WECHAT_SECRET'),
  timeoutMs: intEnv('WECHAT_TIMEOUT_MS', 8000),
};

/** WeChat's errcode → our answer. Anything unlisted is our configuration (logged, 503). */
const ERRCODES: Record<number, Parameters<typeof fail>[0]> = {
  40029: 'login_code_invalid', // invalid code
  40163: 'login_code_invalid', // code been used
  45011: 'login_rate_limited', // minute quota
  40226: 'login_risky_user', // high risk user
  [-1]: 'login_platform_busy', // system busy
};

export async function code2Session(cfg: WechatConfig, code: string): Promise<{ openid: string; unionid?: string }> {
  const url = new URL('/sns/jscode2session', cfg.apiBase);
  url.search = new URLSearchParams({ appid: cfg.appid, secret: cfg.secret, js_code: code, grant_type: 'authorization_code' }).toString();
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(cfg.timeoutMs) });
    text = await res.text();
  } catch (err) {
    console.warn(`[auth-wechat] code2Session unreachable: ${(err as Error).message}`);
    throw fail('login_platform_busy', { platform: 'unreachable' });
  }
  if (!res.ok) {
    console.warn(`[auth-wechat] code2Session answered HTTP ${res.status}`);
    throw fail('login_platform_busy', { platform_status: res.status });
  }
  let body: WechatCode2Session;
  try {
    body = WechatCode2Session.parse(JSON.parse(text));
  } catch {
    console.warn(`[auth-wechat] code2Session answered something that is not its JSON: ${text.slice(0, 200)}`);
    throw fail('login_platform_busy', { platform: 'malformed answer' });
  }
  if (body.errcode !== undefined && body.errcode !== 0) {
    const mapped = ERRCODES[body.errcode];
    if (!mapped) console.error(`[auth-wechat] code2Session errcode ${body.errcode} (${body.errmsg ?? ''}): check WECHAT_APPID / WECHAT_SECRET`);
    throw fail(mapped ?? 'login_unavailable', { platform_errcode: body.errcode });
  }
  if (!body.openid) {
    console.error('[auth-wechat] code2Session answered without an openid');
    throw fail('login_unavailable', { platform: 'no openid' });
  }
  return { openid: body.openid, ...(body.unionid ? { unionid: body.unionid } : {}) };
}
