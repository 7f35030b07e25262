-- Error codes of upward reporting and the export (shared/error-codes/upstream.ts), twins of
-- shared/errors.ts once UPSTREAM_ERRORS is wired into it. Raised by the functions only (the RPCs
-- use core codes: invalid_input, forbidden, not_found, invalid_transition).
insert into app.error_codes (code, http_status, message) values
  ('upstream_not_configured', 503, '省级好差评平台的上报地址尚未配置，请联系系统管理员'),
  ('export_range_too_long', 400, '导出的时间范围不能超过 366 天，请分段导出');
