-- hand-written: data
-- 窗口评价器 on a tablet (issue 18): pairing refusals (kiosk-pair) and the window rule of a paired
-- device (ratings-ingest, per item). Twins: shared/error-codes/ingest.ts.
insert into app.error_codes (code, http_status, message) values
  ('pairing_code_invalid', 400, '配对码不正确，请核对后重新输入'),
  ('pairing_code_expired', 410, '配对码已过期，请在管理端重新生成'),
  ('pairing_code_used', 409, '配对码已经使用过，请在管理端重新生成'),
  ('pairing_rate_limited', 429, '配对尝试过于频繁，请 10 分钟后再试'),
  ('device_other_window', 403, '窗口评价器只能评价本窗口的办件');
