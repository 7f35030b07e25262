-- Error codes of the nonce-bound, strong-method 实名认证 (20261204020000, 20261204020100), twins of
-- shared/error-codes/identity.ts.
insert into app.error_codes (code, http_status, message) values
  ('realname_nonce_missing', 400, '实名认证凭证缺少本次认证的校验码，请重新发起实名认证'),
  ('realname_nonce_invalid', 403, '该实名认证不是在当前账号发起的，请在本账号内重新发起实名认证'),
  ('realname_nonce_expired', 400, '本次实名认证已超时，请重新发起实名认证'),
  ('realname_nonce_used', 409, '本次实名认证已完成过，请重新发起实名认证'),
  ('realname_method_weak', 403, '该认证方式安全等级不足，请使用人脸识别或“一部手机办事通”完成实名认证'),
  ('realname_merge_refused', 403, '该身份已关联其他账号，不能合并到当前账号；请使用原来的微信或支付宝账号登录，如有疑问请联系政务服务管理局');
