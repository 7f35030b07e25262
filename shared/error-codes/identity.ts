/** Errors of logging in through WeChat / Alipay and binding a real name. Twins of rows in app.error_codes (a test proves them equal). */
import type { ErrorTable } from './table.ts';

export const IDENTITY_ERRORS = {
  login_code_invalid: { status: 400, message: '登录凭证无效或已过期，请重新进入小程序' },
  login_rate_limited: { status: 429, message: '登录过于频繁，请稍后再试' },
  login_risky_user: { status: 403, message: '该账号存在安全风险，暂时无法登录，请在微信中完成安全验证后重试' },
  login_platform_busy: { status: 503, message: '微信或支付宝服务繁忙，请稍后重试' },
  login_unavailable: { status: 503, message: '登录服务暂不可用，请稍后重试' },
  refresh_token_invalid: { status: 401, message: '登录已失效，请重新登录' },
  refresh_token_expired: { status: 401, message: '登录已过期，请重新登录' },
  refresh_token_reused: { status: 401, message: '登录状态异常，为保护您的账号安全，请重新登录' },
  ticket_invalid: { status: 400, message: '实名认证凭证无效，请重新认证' },
  ticket_expired: { status: 400, message: '实名认证凭证已过期，请重新认证' },
  ticket_replayed: { status: 409, message: '该实名认证凭证已使用过，请重新认证' },
  realname_mismatch: { status: 409, message: '该账号已绑定其他实名身份，不能再绑定' },
  realname_nonce_missing: { status: 400, message: '实名认证凭证缺少本次认证的校验码，请重新发起实名认证' },
  realname_nonce_invalid: { status: 403, message: '该实名认证不是在当前账号发起的，请在本账号内重新发起实名认证' },
  realname_nonce_expired: { status: 400, message: '本次实名认证已超时，请重新发起实名认证' },
  realname_nonce_used: { status: 409, message: '本次实名认证已完成过，请重新发起实名认证' },
  realname_method_weak: { status: 403, message: '该认证方式安全等级不足，请使用人脸识别或“一部手机办事通”完成实名认证' },
  realname_merge_refused: { status: 403, message: '该身份已关联其他账号，不能合并到当前账号；请使用原来的微信或支付宝账号登录，如有疑问请联系政务服务管理局' },
} as const satisfies ErrorTable;
