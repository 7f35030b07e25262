-- hand-written: data
-- R11/R13 回避: the refusal of review_appeal and decide_rereview to a supervisor who is a party to
-- the 差评 (its officer, or its appellant). Twin: shared/error-codes/work-orders.ts.
insert into app.error_codes (code, http_status, message) values
  ('review_recused', 403, '您是这条差评的被评价人或申诉人，须回避，请由其他监督员复核');
