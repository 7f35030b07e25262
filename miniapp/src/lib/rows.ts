/**
 * zod schemas of the citizen RPCs' rows (SPEC §5) as the mini-program reads them. Every answer
 * is parsed here before a page sees it; unknown extra columns are dropped, a missing or
 * mistyped one fails loudly (an internal_error on the page, never a half-filled card).
 */
import { z } from 'zod'
import { DbId } from '../../../shared/schemas.ts'
import { Num } from '../../../shared/staff.ts'
import { WorkOrderTimelineRow } from '../../../shared/work-orders.ts'

export const PendingRow = z.object({
  transaction_id: DbId,
  project_no: z.string(),
  matter_name: z.string(),
  unit_name: z.string(),
  window_name: z.string().nullable(),
  staff_name: z.string().nullable(),
  finished_at: z.string(),
  rating_due_at: z.string(),
  due_is_provisional: z.boolean().nullable(),
})
export type PendingRow = z.infer<typeof PendingRow>

/** `submit_rating` / `submit_visit_rating`: work_order_id is set when a 差评 opened one. */
export const SubmitResult = z.object({
  id: DbId,
  level: Num,
  is_bad: z.boolean(),
  work_order_id: DbId.nullable(),
  work_order_status: z.string().nullable().optional(),
})
export type SubmitResult = z.infer<typeof SubmitResult>

export const MyRatingRow = z.object({
  id: DbId,
  transaction_id: DbId.nullable(),
  project_no: z.string().nullable(),
  matter_name: z.string().nullable(),
  unit_name: z.string().nullable(),
  window_name: z.string().nullable(),
  level: Num,
  tags: z.array(z.string()).nullable(),
  comment: z.string().nullable(),
  /** R15: the rater lets the comment appear on the public 差评 board (set_comment_public). */
  comment_public: z.boolean().optional(),
  is_anonymous: z.boolean(),
  is_default: z.boolean(),
  assess_number: Num,
  validity: z.string().nullable(),
  rated_at: z.string(),
  work_order_id: DbId.nullable(),
  work_order_status: z.string().nullable(),
})
export type MyRatingRow = z.infer<typeof MyRatingRow>

export const WindowStaff = z.object({ staff_id: DbId, name: z.string() })
export type WindowStaff = z.infer<typeof WindowStaff>

export const WindowInfoRow = z.object({
  window_id: DbId,
  window_name: z.string(),
  hall_name: z.string(),
  unit_id: DbId,
  unit_name: z.string(),
  region_code: z.string(),
  region_name: z.string(),
  staff: z.array(WindowStaff),
})
export type WindowInfoRow = z.infer<typeof WindowInfoRow>

export const PublicResultRow = z.object({
  region_code: z.string(),
  region_name: z.string(),
  unit_id: DbId,
  unit_name: z.string(),
  rating_count: Num,
  default_count: Num,
  good_count: Num,
  bad_count: Num,
  satisfaction_rate: Num.nullable(),
  good_rate: Num.nullable(),
  active_rate: Num.nullable(),
  /** 差评整改率 (R15), once the 差评 loop publishes it: rectified / substantiated 差评. */
  substantiated_count: Num.optional(),
  rectified_count: Num.optional(),
  rectify_rate: Num.nullable().optional(),
  /** 主动评价率's cohort (issue 21.1): 办件 finished in the month, and those of them actively rated. */
  finished_count: Num,
  active_count: Num,
})
export type PublicResultRow = z.infer<typeof PublicResultRow>

/**
 * A row of `public_bad_review_board(p_period, p_region_code)` (R15): a month's 差评 with their
 * rectification status and reply, anonymized (no rater, officer or 办件 number; the comment only
 * where its rater allowed it).
 */
export const BadReviewBoardRow = z.object({
  work_order_id: DbId,
  rated_on: z.string(),
  region_name: z.string(),
  unit_name: z.string(),
  matter_name: z.string().nullable(),
  level: Num,
  tags: z.array(z.string()).nullable(),
  comment: z.string().nullable(),
  status: z.string(),
  rectified: z.boolean(),
  reply: z.string().nullable(),
  replied_on: z.string().nullable(),
})
export type BadReviewBoardRow = z.infer<typeof BadReviewBoardRow>

export { WorkOrderTimelineRow }
