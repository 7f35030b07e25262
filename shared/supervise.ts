/**
 * The supervisor's side (SPEC §3, §5, R11, R16, R19) as clients read it: appeals to review,
 * stats() rows with the 差评-loop rates, overdue orders, the 重点监督 list.
 */
import { z } from 'zod';
import { DbId } from './schemas.ts';
import { AppealReason, AppealStatus, Num } from './staff.ts';
import { WorkOrderStatus } from './work-orders.ts';

/** A row of `appeals_to_review(p_status)`. */
export const AppealReviewRow = z.object({
  id: DbId,
  work_order_id: DbId,
  unit_name: z.string(),
  region_code: z.string(),
  reason: AppealReason,
  statement: z.string(),
  evidence: z.array(DbId).nullable(),
  status: AppealStatus,
  decision_note: z.string().nullable(),
  created_at: z.string(),
  level: Num,
  tags: z.array(z.string()).nullable(),
  comment: z.string().nullable(),
  project_no: z.string().nullable(),
  matter_name: z.string().nullable(),
  /** For a pending appeal, what a decision today sets (issue 21.3): 整改 due if rejected (R10)… */
  rectify_due_if_rejected: z.string().nullable(),
  /** …and, if upheld, the real-name rater's last day to ask for a re-review (R11; null: anonymous or rerouted). */
  rereview_due_if_approved: z.string().nullable(),
  /** 回避 (R11/R13): the caller is the officer the 差评 is about or appealed it, so another supervisor decides. */
  must_recuse: z.boolean(),
});
export type AppealReviewRow = z.infer<typeof AppealReviewRow>;

/** review_appeal. */
export const ReviewAppealResult = z.object({ id: DbId, status: AppealStatus, work_order_status: WorkOrderStatus.nullable(), new_work_order_id: DbId.nullable() });

export const STATS_GROUPS = ['region', 'unit', 'window', 'officer', 'matter', 'channel', 'day', 'month'] as const;
export const StatsGroup = z.enum(STATS_GROUPS);
export type StatsGroup = z.infer<typeof StatsGroup>;
export const STATS_GROUP_LABELS: Record<StatsGroup, string> = {
  region: '地区', unit: '单位', window: '窗口', officer: '工作人员', matter: '事项', channel: '渠道', day: '日', month: '月',
};

const Rate = Num.nullable();
/** A row of `stats(p_from, p_to, p_group_by, p_region_code, p_unit_id, p_include_default)`. Rates are 0–1. */
export const StatsRow = z.object({
  group_key: z.string().nullable(),
  group_name: z.string().nullable(),
  rating_count: Num,
  default_count: Num,
  good_count: Num,
  neutral_count: Num,
  bad_count: Num,
  finished_count: Num,
  active_count: Num,
  satisfaction_rate: Rate,
  good_rate: Rate,
  bad_rate: Rate,
  active_rate: Rate,
  substantiated_count: Num,
  rectified_count: Num,
  due_count: Num,
  on_time_count: Num,
  realname_substantiated_count: Num,
  realname_revisited_count: Num,
  rectify_rate: Rate,
  on_time_rate: Rate,
  realname_revisit_rate: Rate,
});
export type StatsRow = z.infer<typeof StatsRow>;

/** The rates of SPEC §3 a dashboard shows, with their names. */
export const STATS_RATES = ['satisfaction_rate', 'good_rate', 'bad_rate', 'active_rate', 'rectify_rate', 'on_time_rate', 'realname_revisit_rate'] as const;
export type StatsRate = (typeof STATS_RATES)[number];
export const STATS_RATE_LABELS: Record<StatsRate, string> = {
  satisfaction_rate: '满意率',
  good_rate: '好评率',
  bad_rate: '差评率',
  active_rate: '主动评价率',
  rectify_rate: '差评整改率',
  on_time_rate: '按时整改率',
  realname_revisit_rate: '实名差评回访整改率',
};

/** A row of `overdue_work_orders(p_limit, p_offset)`: most overdue first. */
export const OverdueRow = z.object({
  id: DbId,
  status: WorkOrderStatus,
  unit_id: DbId,
  unit_name: z.string(),
  region_code: z.string(),
  project_no: z.string().nullable(),
  matter_name: z.string().nullable(),
  level: Num,
  verify_due_on: z.string().nullable(),
  rectify_due_on: z.string().nullable(),
  overdue_working_days: Num.nullable(),
  escalated_at: z.string().nullable(),
  escalation_reason: z.string().nullable(),
  /** All the caller's escalated orders, of which this row is on the page asked for. */
  total_count: Num,
});
export type OverdueRow = z.infer<typeof OverdueRow>;

/**
 * A row of `key_supervision_list()` (R19: 差评 from ≥ 3 distinct raters in 30 days; bad_count counts
 * every 差评, rating_count every active rating then; issue 16.2: ordered by bad_bound, the Wilson
 * lower bound of bad_count / rating_count, most confidently bad first).
 */
export const KeySupervisionRow = z.object({
  object_type: z.enum(['officer', 'window']),
  object_id: DbId,
  object_name: z.string(),
  unit_name: z.string(),
  region_code: z.string(),
  bad_count: Num,
  rater_count: Num,
  last_bad_at: z.string(),
  rating_count: Num,
  bad_rate: Num,
  bad_bound: Num,
});
export type KeySupervisionRow = z.infer<typeof KeySupervisionRow>;

/** urge_work_order (督办, issue 21.2). */
export const UrgeResult = z.object({ id: DbId, status: WorkOrderStatus, escalated_at: z.string().nullable(), escalation_reason: z.string().nullable() });

/** repush_upstream. */
export const RepushResult = z.object({ id: Num, status: z.string(), attempts: Num, next_attempt_at: z.string().nullable(), repush_count: Num });
