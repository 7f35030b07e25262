-- Error codes of the administration and publication screens (shared/error-codes/admin.ts).
insert into app.error_codes (code, http_status, message) values
  ('lookup_rate_limited', 429, '查找过于频繁，请 10 分钟后再试'),
  ('period_not_over', 409, '这个月还没有结束，月度结果要到下个月才能公开');
