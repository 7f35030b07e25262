-- Error codes of the 差评 loop (SPEC §5), twins of shared/error-codes/work-orders.ts.
insert into app.error_codes (code, http_status, message) values
  ('invalid_transition', 409, '工单当前状态不允许此操作，请刷新后查看最新进度'),
  ('realname_required', 403, '申诉须由已实名认证的工作人员提出，请先完成实名认证'),
  ('appeal_exists', 409, '该工单已经申诉过，每个工单只能申诉一次'),
  ('invalid_due_date', 400, '延期后的整改期限须晚于原期限，且为工作日'),
  ('extension_limit', 409, '延期次数已达上限，请联系监督员'),
  ('evidence_invalid', 400, '佐证材料只支持 JPG、PNG 图片或 PDF 文件'),
  ('evidence_too_large', 413, '佐证材料单个文件不能超过 5 MB，最多 5 个'),
  ('not_rater', 403, '只有提出该评价的群众可以进行此操作'),
  ('not_realname_rating', 409, '匿名评价无法回访，也不能申请复核'),
  ('fix_already_rated', 409, '您已经评价过整改结果了'),
  ('rereview_used', 409, '复核申请只能提出一次'),
  ('city_supervisor_required', 403, '复核须由市级监督员决定');
