/**
 * 综合点评 and 监督查评 (R18) as clients see them: comment kinds, sources and states with their
 * labels, and the rows the RPCs answer (`submit_comment`, `my_comments`, `unit_comments`,
 * `supervisor_comments`, `route_comment`, `reply_comment`, `close_comment`, `comment_history`,
 * `sample_return_visits`, `return_visit_samples`, `return_visit_sample_items`,
 * `record_sample_visit`, `third_party_assessments`, `record_third_party_assessment`).
 * The database decides every rule; these are only the shapes that cross the wire.
 */
import { z } from 'zod';
import { REGION_CODE_PATTERN } from './regions.ts';
import { DbId } from './schemas.ts';

/** Longest content, reply or note the database accepts (characters, after trimming). */
export const COMMENT_MAX_LENGTH = 1000;
/** Longest contact a person may leave. */
export const COMMENT_CONTACT_MAX_LENGTH = 100;
/** How many raters one 回访抽查 may draw. */
export const SAMPLE_MAX_SIZE = 200;

export const COMMENT_KINDS = ['suggestion', 'complaint', 'praise'] as const;
export const CommentKind = z.enum(COMMENT_KINDS);
export type CommentKind = z.infer<typeof CommentKind>;
export const COMMENT_KIND_LABELS: Record<CommentKind, string> = { suggestion: '建议', complaint: '投诉', praise: '表扬' };

/** suggestion_box is the mini-program's 意见箱 (citizens); the others are recorded by supervisors. */
export const COMMENT_SOURCES = ['suggestion_box', 'hotline', 'supervision_platform', 'email'] as const;
export const CommentSource = z.enum(COMMENT_SOURCES);
export type CommentSource = z.infer<typeof CommentSource>;
export const COMMENT_SOURCE_LABELS: Record<CommentSource, string> = {
  suggestion_box: '意见箱',
  hotline: '12345热线',
  supervision_platform: '监督平台',
  email: '电子邮箱',
};

export const COMMENT_STATUSES = ['received', 'routed', 'replied', 'closed'] as const;
export const CommentStatus = z.enum(COMMENT_STATUSES);
export type CommentStatus = z.infer<typeof CommentStatus>;
export const COMMENT_STATUS_LABELS: Record<CommentStatus, string> = {
  received: '已受理',
  routed: '已转办',
  replied: '已答复',
  closed: '已办结',
};

const RegionCode = z.string().regex(REGION_CODE_PATTERN);
/** A timestamptz as PostgREST sends it (ISO 8601 with offset). */
const Instant = z.string().min(1);
/** A date as PostgREST sends it. */
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** One comment, the same shape from every listing and action. Never the author, never the contact in clear. */
export const CommentRow = z.object({
  id: DbId,
  kind: CommentKind,
  source: CommentSource,
  content: z.string(),
  status: CommentStatus,
  region_code: RegionCode,
  region_name: z.string(),
  unit_id: DbId.nullable(),
  unit_name: z.string().nullable(),
  /** e.g. 139****1234, z***@example.cn, 王*; '' when none was left. */
  contact_masked: z.string(),
  reply: z.string().nullable(),
  replied_at: Instant.nullable(),
  routed_at: Instant.nullable(),
  close_note: z.string().nullable(),
  closed_at: Instant.nullable(),
  received_at: Instant,
  created_at: Instant,
});
export type CommentRow = z.infer<typeof CommentRow>;

export const COMMENT_EVENTS = ['submitted', 'recorded', 'routed', 'rerouted', 'replied', 'closed', 'contact_revealed'] as const;
export const CommentEvent = z.enum(COMMENT_EVENTS);
export type CommentEvent = z.infer<typeof CommentEvent>;

/** A row of `comment_history(p_comment_id)`, oldest first; who acted is never shown. */
export const CommentHistoryRow = z.object({
  at: Instant,
  event: CommentEvent,
  status_from: CommentStatus.nullable(),
  status_to: CommentStatus.nullable(),
  unit_name: z.string().nullable(),
  note: z.string().nullable(),
});
export type CommentHistoryRow = z.infer<typeof CommentHistoryRow>;

/** `reveal_comment_contact(p_comment_id)` (supervisors only, logged). */
export const CommentContact = z.object({ contact: z.string().nullable(), contact_masked: z.string() });
export type CommentContact = z.infer<typeof CommentContact>;

export const SAMPLE_OUTCOMES = ['reached', 'unreachable', 'declined'] as const;
export const SampleOutcome = z.enum(SAMPLE_OUTCOMES);
export type SampleOutcome = z.infer<typeof SampleOutcome>;
export const SAMPLE_OUTCOME_LABELS: Record<SampleOutcome, string> = { reached: '已回访', unreachable: '联系不上', declined: '拒绝回访' };

/** One sampled rater of a 回访抽查 batch, masked (R13), with the visit's outcome once recorded. */
export const SampleItemRow = z.object({
  sample_id: DbId,
  seed: z.string(),
  item_id: DbId,
  position: z.number().int().positive(),
  rating_id: DbId,
  rated_at: Instant,
  level: z.number().int().min(1).max(5),
  channel: z.string(),
  unit_name: z.string(),
  matter_name: z.string().nullable(),
  rater_masked_name: z.string(),
  rater_masked_phone: z.string(),
  outcome: SampleOutcome.nullable(),
  satisfied: z.boolean().nullable(),
  note: z.string().nullable(),
  visited_at: Instant.nullable(),
});
export type SampleItemRow = z.infer<typeof SampleItemRow>;

/** A row of `return_visit_samples(p_region_code)`. */
export const SampleBatchRow = z.object({
  id: DbId,
  region_code: RegionCode,
  region_name: z.string(),
  period_from: Day,
  period_to: Day,
  requested_n: z.number().int(),
  seed: z.string(),
  candidate_count: z.number().int(),
  item_count: z.number().int(),
  /** Items whose visit happened or was declined (unreachable ones may be tried again). */
  visited_count: z.number().int(),
  satisfied_count: z.number().int(),
  created_at: Instant,
});
export type SampleBatchRow = z.infer<typeof SampleBatchRow>;

/** A 第三方评估 of a region (unit_id null) or of one unit. */
export const AssessmentRow = z.object({
  id: DbId,
  region_code: RegionCode,
  region_name: z.string(),
  unit_id: DbId.nullable(),
  unit_name: z.string().nullable(),
  period_from: Day,
  period_to: Day,
  assessor_org: z.string(),
  score: z.number().min(0).max(100),
  summary: z.string(),
  attachment_ref: z.string().nullable(),
  created_at: Instant,
});
export type AssessmentRow = z.infer<typeof AssessmentRow>;
