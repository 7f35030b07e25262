-- Error codes of send-reminders (shared/error-codes/reminders.ts), twins of shared/errors.ts once
-- REMINDER_ERRORS is wired into it. Raised by the function only.
insert into app.error_codes (code, http_status, message) values
  ('reminders_not_configured', 503, '消息提醒的模板尚未配置，请联系系统管理员');
