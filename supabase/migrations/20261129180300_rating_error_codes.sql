-- Error codes of the rating RPCs (SPEC §5), twins of shared/errors.ts.
insert into app.error_codes (code, http_status, message) values
  ('not_applicant', 403, '只有办件的申请人或其代办人可以评价'),
  ('own_work', 403, '工作人员不能评价自己经办的服务'),
  ('not_finished', 409, '该办件尚未办结，办结后即可评价'),
  ('rating_window_closed', 409, '评价期限已过（办结后 5 个工作日内可评价），系统已默认为基本满意'),
  ('already_rated', 409, '您已经评价过了，感谢您的参与'),
  ('tag_required', 400, '请至少选择一项不满意的原因'),
  ('invalid_tag_for_level', 400, '所选评价内容与评价等级不符，请重新选择'),
  ('comment_too_long', 400, '评价内容最多 500 字'),
  ('idempotency_conflict', 409, '这次提交与之前的提交不一致，请刷新后重试');
