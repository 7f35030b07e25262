/** Errors of machine-to-machine ingestion: business systems and rating devices (HMAC-signed batches). Twins of rows in app.error_codes (a test proves them equal). */
import type { ErrorTable } from './table.ts';

export const INGEST_ERRORS = {
  // The request as a whole (HTTP answers of transactions and ratings-ingest).
  unsupported_media_type: { status: 415, message: '请求内容类型必须是 application/json' },
  signature_missing: { status: 401, message: '缺少签名信息（X-HCP-Key-Id、X-HCP-Timestamp、X-HCP-Signature）' },
  signature_invalid: { status: 401, message: '签名校验失败，请检查密钥和签名算法' },
  unknown_key: { status: 401, message: '接入密钥不存在' },
  key_revoked: { status: 403, message: '接入密钥已停用，请联系政务服务管理部门' },
  timestamp_stale: { status: 401, message: '请求时间与服务器时间相差超过 5 分钟，请校准时钟后重新签名' },
  request_replayed: { status: 409, message: '该请求已经提交过（签名重复），请重新签名后再提交' },
  batch_too_large: { status: 413, message: '每批最多提交 500 条数据' },
  // Pairing a tablet as a window 评价器 (kiosk-pair, issue 18).
  pairing_code_invalid: { status: 400, message: '配对码不正确，请核对后重新输入' },
  pairing_code_expired: { status: 410, message: '配对码已过期，请在管理端重新生成' },
  pairing_code_used: { status: 409, message: '配对码已经使用过，请在管理端重新生成' },
  pairing_rate_limited: { status: 429, message: '配对尝试过于频繁，请 10 分钟后再试' },
  // One item of a batch (per-item results; the batch itself still succeeds).
  unknown_matter: { status: 404, message: '事项编码不存在' },
  unknown_transaction: { status: 404, message: '办件编号不存在' },
  unknown_reference: { status: 404, message: '引用的大厅、窗口、工作人员、平台或用户不存在' },
  out_of_region: { status: 403, message: '不能提交本辖区以外的办件或评价' },
  device_other_hall: { status: 403, message: '评价设备只能评价本大厅的办件和窗口' },
  device_other_window: { status: 403, message: '窗口评价器只能评价本窗口的办件' },
  transaction_conflict: { status: 409, message: '该办件编号已存在，但事项与已有办件不一致' },
  stale_status: { status: 409, message: '办件已处于更新的状态，这条状态变更已忽略' },
} as const satisfies ErrorTable;
