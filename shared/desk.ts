/**
 * The supervisors' and unit admins' desk (issue 7) as clients read it: result publication
 * (R15), the city's re-review queue (R11), evidence read back for a decision (R10, R11) and the
 * people a unit admin may assign as 承办人 (R13). No row here carries a rater's identity.
 */
import { z } from 'zod';
import { DbId } from './schemas.ts';
import { AppealReason, EVIDENCE_MIME_TYPES, Num, RatedCaseFields, StatusResult } from './staff.ts';
import { WorkOrderStatus } from './work-orders.ts';

/** A month as published: YYYY-MM. */
export const Period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);

/** A row of `published_periods(p_region_code)`, newest month first. */
export const PublishedPeriodRow = z.object({
  period: Period,
  region_code: z.string(),
  region_name: z.string(),
  published_at: z.string(),
  note: z.string().nullable(),
});
export type PublishedPeriodRow = z.infer<typeof PublishedPeriodRow>;

/** `publish_results(p_period, p_region_code, p_note)`. */
export const PublishResult = z.object({ period: Period, region_code: z.string(), published_at: z.string() });
export type PublishResult = z.infer<typeof PublishResult>;

/** A row of `rereviews_to_decide()`: a pending re-review with what it is about. */
export const RereviewRow = z.object({
  work_order_id: DbId,
  status: WorkOrderStatus,
  region_code: z.string(),
  region_name: z.string(),
  ...RatedCaseFields,
  appeal_id: DbId.nullable(),
  appeal_reason: AppealReason.nullable(),
  appeal_statement: z.string().nullable(),
  appeal_evidence: z.array(DbId).nullable(),
  appeal_decision_note: z.string().nullable(),
  appeal_decided_at: z.string().nullable(),
  rereview_reason: z.string().nullable(),
  rereview_requested_at: z.string(),
  /** decide_rereview would hear the caller: a city-level supervisor who need not recuse. */
  can_decide: z.boolean(),
  /** 整改 due if the dismissal is overturned today (issue 21.3). */
  rectify_due_if_overturned: z.string().nullable(),
  /** 回避: the caller is the officer the 差评 is about or its appellant, so another supervisor decides. */
  must_recuse: z.boolean(),
});
export type RereviewRow = z.infer<typeof RereviewRow>;

/** `decide_rereview(p_work_order_id, p_overturn, p_note)`: the order's status after. */
export const DecideRereviewResult = StatusResult;

export { EVIDENCE_MIME_TYPES };

/** `evidence_file(p_id)`: one 佐证材料, whole, as base64. */
export const EvidenceFileRow = z.object({
  id: DbId,
  file_name: z.string(),
  mime_type: z.enum(EVIDENCE_MIME_TYPES),
  byte_size: Num,
  sha256: z.string(),
  content_base64: z.string(),
  created_at: z.string(),
});
export type EvidenceFileRow = z.infer<typeof EvidenceFileRow>;

/**
 * A row of `work_order_handlers(p_work_order_id)`: who the unit admin (or a supervisor of the
 * region) may assign (masked), never the officer the 差评 is about; `supervisor` rows are the
 * region's supervisors, offered to supervisors, and a supervisor who handles it now.
 */
export const HandlerRow = z.object({
  user_id: DbId,
  masked_name: z.string(),
  role: z.enum(['staff', 'unit_admin', 'supervisor']),
  realname_verified: z.boolean(),
  is_handler: z.boolean(),
});
export type HandlerRow = z.infer<typeof HandlerRow>;

/** `assign_work_order(p_work_order_id, p_user_id)`. */
export const AssignResult = z.object({ id: DbId, handler_user_id: DbId });
