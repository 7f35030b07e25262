/**
 * Upward reporting (R16, SPEC §6): one rating as the provincial 好差评 platform receives it, the
 * request report-upstream sends and the acknowledgement it expects, and the code mappings.
 *
 *   POST <PROVINCIAL_API_URL>        Content-Type: application/json; X-App-Key: <PROVINCIAL_APP_KEY>
 *   { "appKey": "…", "items": [ UpstreamItem, … ] }                       (≤ 500 items)
 *   → 200 { "code": 0, "message": "ok", "results": [ { projectNo, assessNumber, success, code?, message? } ] }
 *
 * An item counts as delivered only when its own result says success; anything else (a missing
 * result, a non-2xx answer, a timeout, code ≠ 0) is retried with backoff. The platform upserts
 * by (projectNo, assessNumber) and keeps the highest changeSeq.
 */
import { z } from 'zod';

/** Channel → provincial `pf` code (SPEC §6). `default` goes through a setting (Zhejiang sends 7). */
export const PF_CODES = { pc: 1, mobile: 2, qrcode: 3, hall_pad: 4, hall_terminal: 5, phone: 6, sms: 7 } as const;
export type RatedChannel = keyof typeof PF_CODES;
/** app.upstream_settings.default_channel_pf's initial value. */
export const DEFAULT_CHANNEL_PF = 7;

/** Applicant types (userProp, SPEC §6). */
export const USER_PROPS = [1, 2, 3, 4, 5, 6, 9] as const;

/** satisfaction upward = level (1 非常不满意 … 5 非常满意). */
export const upstreamSatisfaction = (level: number): number => level;
/** GB/T 39046-2020 A.8 numbers it the other way (1 非常满意 … 5 非常不满意): exports that follow it map it. */
export const nationalSatisfaction = (level: number): number => 6 - level;

export const SATISFACTION_NAMES: Record<number, string> = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' };

/** A visit rating (一次一评 by QR, no 办件) is reported under this synthetic 办件编号. */
export const visitProjectNo = (ratingId: string): string => `VISIT-${ratingId.replace(/-/g, '')}`;
export const idempotencyKey = (projectNo: string, assessNumber: number): string => `${projectNo}:${assessNumber}`;

export const ASSESS_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;
const TAG_LIST = /^(\d{3}(,\d{3})*)?$/;
const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

/** One rating upward (SPEC §6 field names), plus isValid, isDefault and changeSeq. */
export const UpstreamItem = z.strictObject({
  projectNo: z.string().min(1).max(64),
  taskCode: z.string().min(1).max(64).nullable(),
  taskName: z.string().min(1).max(200).nullable(),
  proDepart: z.string().min(1).max(200),
  deptCode: z.string().regex(CREDIT_CODE).nullable(),
  proManager: z.string().min(1).max(50).nullable(),
  pf: z.number().int().min(1).max(7),
  userProp: z.literal(USER_PROPS),
  satisfaction: z.number().int().min(1).max(5),
  evalDetail: z.string().regex(TAG_LIST),
  writingEvaluation: z.string().max(500),
  assessTime: z.string().regex(ASSESS_TIME),
  assessNumber: z.literal([1, 2]),
  areaCode: z.string().regex(/^\d{6}$/),
  version: z.number().int().min(1),
  isValid: z.literal([0, 1]),
  isDefault: z.literal([0, 1]),
  changeSeq: z.number().int().min(1),
});
export type UpstreamItem = z.infer<typeof UpstreamItem>;

export const MAX_UPSTREAM_ITEMS = 500;

export const UpstreamRequest = z.strictObject({
  appKey: z.string().min(1),
  items: z.array(UpstreamItem).min(1).max(MAX_UPSTREAM_ITEMS),
});
export type UpstreamRequest = z.infer<typeof UpstreamRequest>;

export const UpstreamItemResult = z.object({
  projectNo: z.string(),
  assessNumber: z.number().int(),
  success: z.boolean(),
  code: z.string().optional(),
  message: z.string().optional(),
});
export type UpstreamItemResult = z.infer<typeof UpstreamItemResult>;

export const UpstreamResponse = z.object({
  code: z.number().int(),
  message: z.string().optional(),
  results: z.array(UpstreamItemResult).default([]),
});
export type UpstreamResponse = z.infer<typeof UpstreamResponse>;

/** What the scheduler may send report-upstream (all optional). */
export const ReportUpstreamRequest = z.strictObject({
  batch_size: z.number().int().min(1).max(MAX_UPSTREAM_ITEMS).optional(),
  max_batches: z.number().int().min(1).max(100).optional(),
});
export type ReportUpstreamRequest = z.infer<typeof ReportUpstreamRequest>;

/** report-upstream's answer: what one run did. */
export const ReportUpstreamResponse = z.object({
  batches: z.number().int(),
  claimed: z.number().int(),
  delivered: z.number().int(),
  failed: z.number().int(),
  dead: z.number().int(),
  /** The first endpoint-level failure of the run (timeout, HTTP status, bad answer), if any. */
  endpoint_error: z.string().nullable(),
});
export type ReportUpstreamResponse = z.infer<typeof ReportUpstreamResponse>;

/** upstream_status() (supervisors). */
export const UpstreamStatus = z.object({
  counts: z.object({ pending: z.number(), sending: z.number(), delivered: z.number(), dead: z.number() }),
  oldest_pending_at: z.string().nullable(),
  dead_letters: z.array(z.object({
    id: z.number(),
    rating_id: z.string(),
    idempotency_key: z.string().nullable(),
    change_seq: z.number(),
    reason: z.string(),
    region_code: z.string(),
    project_no: z.string().nullable(),
    assess_number: z.number().nullable(),
    attempts: z.number(),
    last_error: z.string().nullable(),
    last_attempt_at: z.string().nullable(),
    dead_at: z.string().nullable(),
    created_at: z.string(),
    repush_count: z.number(),
  })),
});
export type UpstreamStatus = z.infer<typeof UpstreamStatus>;
