-- Error codes of the identity functions (auth-wechat, auth-alipay, auth-refresh, realname-bind), twins of
-- shared/error-codes/identity.ts.
insert into app.error_codes (code, http_status, message) values
  ('login_code_invalid', 400, '登录凭证无效或已过期，请重新进入小程序'),
  ('login_rate_limited', 429, '登录过于频繁，请稍后再试'),
  ('login_risky_user', 403, '该账号存在安全风险，暂时无法登录，请在微信中完成安全验证后重试'),
  ('login_platform_busy', 503, '微信或支付宝服务繁忙，请稍后重试'),
  ('login_unavailable', 503, '登录服务暂不可用，请稍后重试'),
  ('refresh_token_invalid', 401, '登录已失效，请重新登录'),
  ('refresh_token_expired', 401, '登录已过期，请重新登录'),
  ('refresh_token_reused', 401, '登录状态异常，为保护您的账号安全，请重新登录'),
  ('ticket_invalid', 400, '实名认证凭证无效，请重新认证'),
  ('ticket_expired', 400, '实名认证凭证已过期，请重新认证'),
  ('ticket_replayed', 409, '该实名认证凭证已使用过，请重新认证'),
  ('realname_mismatch', 409, '该账号已绑定其他实名身份，不能再绑定');
