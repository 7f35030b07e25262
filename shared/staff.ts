/**
 * The unit's side of the 差评 loop (SPEC §5, R9–R13) as clients read it: rows of
 * unit_work_orders, unit_ratings and the answers of the staff actions, and the words for their
 * codes. No row here carries a rater's identity (R13); reveal_rater_contact answers a masked one.
 */
import { z } from 'zod';
import { DbId } from './schemas.ts';
import { WorkOrderStatus } from './work-orders.ts';

/** PostgREST answers numeric and bigint columns as JSON numbers; accept digit strings too. */
export const Num = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);

export const APPEAL_REASONS = ['mistaken', 'malicious', 'wrong_unit', 'other'] as const;
export const AppealReason = z.enum(APPEAL_REASONS);
export type AppealReason = z.infer<typeof AppealReason>;
export const APPEAL_REASON_LABELS: Record<AppealReason, string> = {
  mistaken: '误评',
  malicious: '恶意差评',
  wrong_unit: '非本单位职责',
  other: '其他',
};
/** submit_appeal: the statement is 10–2000 characters. */
export const APPEAL_STATEMENT_MIN = 10;

export const APPEAL_STATUSES = ['pending', 'approved', 'rejected'] as const;
export const AppealStatus = z.enum(APPEAL_STATUSES);
export type AppealStatus = z.infer<typeof AppealStatus>;
export const APPEAL_STATUS_LABELS: Record<AppealStatus, string> = { pending: '待审核', approved: '申诉成立', rejected: '申诉不成立' };

export const RETURN_VISIT_METHODS = ['phone', 'sms', 'onsite', 'online'] as const;
export const ReturnVisitMethod = z.enum(RETURN_VISIT_METHODS);
export type ReturnVisitMethod = z.infer<typeof ReturnVisitMethod>;
export const RETURN_VISIT_METHOD_LABELS: Record<ReturnVisitMethod, string> = { phone: '电话', sms: '短信', onsite: '上门', online: '网上' };

export const RETURN_VISIT_SATISFACTIONS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export const ReturnVisitSatisfaction = z.enum(RETURN_VISIT_SATISFACTIONS);
export type ReturnVisitSatisfaction = z.infer<typeof ReturnVisitSatisfaction>;
export const RETURN_VISIT_SATISFACTION_LABELS: Record<ReturnVisitSatisfaction, string> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
};

/** The rated 办件 a 差评 work order is about, as its unit and the supervisors see it: never the rater. */
export const RatedCaseFields = {
  unit_id: DbId,
  unit_name: z.string(),
  project_no: z.string().nullable(),
  matter_name: z.string().nullable(),
  window_name: z.string().nullable(),
  level: Num,
  tags: z.array(z.string()).nullable(),
  comment: z.string().nullable(),
  rated_at: z.string(),
};

/**
 * A row of `unit_work_orders(p_status)`. project_no is null for a 差评 that is not real-name and
 * for one about the caller (R13: the 办件编号 would name the applicant).
 */
export const UnitWorkOrderRow = z.object({
  id: DbId,
  status: WorkOrderStatus,
  rating_id: DbId,
  verify_due_on: z.string().nullable(),
  rectify_due_on: z.string().nullable(),
  due_is_provisional: z.boolean().nullable(),
  ...RatedCaseFields,
  is_realname: z.boolean(),
  extension_count: Num,
  escalated: z.boolean(),
  handler_is_me: z.boolean(),
  appeal_status: AppealStatus.nullable(),
  /** The 差评 is about the caller's own work: they may not act on it (R13, own_work_order). */
  is_about_me: z.boolean(),
});
export type UnitWorkOrderRow = z.infer<typeof UnitWorkOrderRow>;

/** A row of `unit_ratings(p_from, p_to)`: never the rater, not even the 匿名 flag (R13). */
export const UnitRatingRow = z.object({
  id: DbId,
  rated_at: z.string(),
  level: Num,
  is_bad: z.boolean(),
  tags: z.array(z.string()).nullable(),
  comment: z.string().nullable(),
  channel: z.string(),
  is_default: z.boolean(),
  assess_number: Num,
  validity: z.string(),
  unit_name: z.string(),
  matter_name: z.string().nullable(),
  window_name: z.string().nullable(),
  staff_name: z.string().nullable(),
  is_my_work: z.boolean(),
  work_order_id: DbId.nullable(),
  work_order_status: WorkOrderStatus.nullable(),
});
export type UnitRatingRow = z.infer<typeof UnitRatingRow>;

/** verify_work_order / extend_work_order. */
export const DueResult = z.object({ id: DbId, status: WorkOrderStatus, rectify_due_on: z.string().nullable(), due_is_provisional: z.boolean().nullable() });
/** rectify_work_order. */
export const RectifyResult = z.object({ id: DbId, status: WorkOrderStatus, rectified_on_time: z.boolean().nullable() });
/** reply_work_order / record_return_visit. */
export const StatusResult = z.object({ id: DbId, status: WorkOrderStatus });
/** submit_appeal. */
export const IdResult = z.object({ id: DbId });
/** What 佐证材料 may be (upload_evidence, evidence_file). */
export const EVIDENCE_MIME_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
/** upload_evidence. */
export const EvidenceUpload = z.object({ id: DbId, mime_type: z.enum(EVIDENCE_MIME_TYPES), byte_size: Num });
export type EvidenceUpload = z.infer<typeof EvidenceUpload>;
/** upload_evidence accepts JPG, PNG, PDF of at most 5 MB. */
export const EVIDENCE_MAX_BYTES = 5 * 1024 * 1024;
export const EVIDENCE_MAX_FILES = 5;
/** reveal_rater_contact: masked (张*, 138****5678), for the assigned handler only. */
export const RaterContact = z.object({ masked_name: z.string(), masked_phone: z.string().nullable() });
export type RaterContact = z.infer<typeof RaterContact>;

/** Rating channels in words (ratings.channel; `default` is the 默认评价 the system gives, R6). */
export const CHANNEL_LABELS: Record<string, string> = {
  pc: '网上', mobile: '掌上', qrcode: '扫码', hall_pad: '窗口评价器', hall_terminal: '自助终端', phone: '电话', sms: '短信', default: '默认评价',
};
