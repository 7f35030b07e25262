-- hand-written: data
-- Issue 21.4 (R11): a re-review may be asked only until the day fixed when the appeal was upheld
-- (app.loop_policy.rereview_request_working_days, default 15 working days: the 临沧 policy text sets
-- no period; 15 mirrors its 整改 period). The refusal of request_rereview after it; twin:
-- shared/error-codes/work-orders.ts.
insert into app.error_codes (code, http_status, message) values
  ('rereview_window_closed', 409, '申请复核的期限已过，不能再申请复核');
