-- Error codes of ingestion (transactions, ratings-ingest), twins of shared/error-codes/ingest.ts.
-- The first eight answer a whole request; the rest are per-item codes in a batch's results.
insert into app.error_codes (code, http_status, message) values
  ('unsupported_media_type', 415, '请求内容类型必须是 application/json'),
  ('signature_missing', 401, '缺少签名信息（X-HCP-Key-Id、X-HCP-Timestamp、X-HCP-Signature）'),
  ('signature_invalid', 401, '签名校验失败，请检查密钥和签名算法'),
  ('unknown_key', 401, '接入密钥不存在'),
  ('key_revoked', 403, '接入密钥已停用，请联系政务服务管理部门'),
  ('timestamp_stale', 401, '请求时间与服务器时间相差超过 5 分钟，请校准时钟后重新签名'),
  ('request_replayed', 409, '该请求已经提交过（签名重复），请重新签名后再提交'),
  ('batch_too_large', 413, '每批最多提交 500 条数据'),
  ('unknown_matter', 404, '事项编码不存在'),
  ('unknown_transaction', 404, '办件编号不存在'),
  ('unknown_reference', 404, '引用的大厅、窗口、工作人员、平台或用户不存在'),
  ('out_of_region', 403, '不能提交本辖区以外的办件或评价'),
  ('device_other_hall', 403, '评价设备只能评价本大厅的办件和窗口'),
  ('transaction_conflict', 409, '该办件编号已存在，但事项与已有办件不一致'),
  ('stale_status', 409, '办件已处于更新的状态，这条状态变更已忽略');
