/**
 * Machine-to-machine ingestion (SPEC §5 `transactions`, `ratings-ingest`): the signed request,
 * the batch envelope, one item of each endpoint, and the per-item results they answer.
 *
 * Signing (both endpoints): the caller holds a key id and a secret issued by a supervisor
 * (`create_business_system` / `create_rating_device`) and sends
 *
 *   POST /functions/v1/<endpoint>          Content-Type: application/json
 *   X-HCP-Key-Id:    <key id>
 *   X-HCP-Timestamp: <unix time in whole seconds>          (within ±300 s of the server's clock)
 *   X-HCP-Signature: lowercase hex of HMAC-SHA256(key = UTF-8 bytes of the secret,
 *                                                  message = "<timestamp>\n<raw body bytes>")
 *
 * Each signature is accepted once (a replayed request is refused whole with request_replayed);
 * to retry, sign again with a new timestamp: items themselves are idempotent.
 */
import { z } from 'zod';
import { DbId } from './schemas.ts';

export const INGEST_HEADERS = {
  keyId: 'x-hcp-key-id',
  timestamp: 'x-hcp-timestamp',
  signature: 'x-hcp-signature',
} as const;

/** Requests whose timestamp is further than this from the server's clock are refused (timestamp_stale). */
export const TIMESTAMP_TOLERANCE_S = 300;
/** Items per batch (SPEC §5); more is batch_too_large (413). */
export const MAX_BATCH_ITEMS = 500;
/** Raw body size; more is batch_too_large (413) before anything is parsed. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** The exact bytes that are signed, as a string: the timestamp header, a newline, the raw body. */
export function signingInput(timestamp: string, rawBody: string): string {
  return `${timestamp}\n${rawBody}`;
}

/** Rating channels (SPEC §6, `pf` in the provincial interface). */
export const CHANNEL_CODES = {
  pc: 1,
  mobile: 2,
  qrcode: 3,
  hall_pad: 4,
  hall_terminal: 5,
  phone: 6,
  sms: 7,
} as const;
export const Channel = z.enum(['pc', 'mobile', 'qrcode', 'hall_pad', 'hall_terminal', 'phone', 'sms']);
export type Channel = z.infer<typeof Channel>;

/** Kinds of rating device; each is the channel of its ratings. */
export const DeviceKind = z.enum(['hall_pad', 'hall_terminal', 'phone', 'sms']);
export type DeviceKind = z.infer<typeof DeviceKind>;

/** Applicant type (`userProp`, SPEC §6): 1 自然人, 2 企业法人, 3 事业法人, 4 社会组织法人, 5 非法人企业, 6 行政机关, 9 其他组织. */
export const ApplicantType = z.literal([1, 2, 3, 4, 5, 6, 9]);

/** 办件 status: accepted 受理 → processing 办理中 → finished 办结 | cancelled 撤件/不予受理. Never moves backwards. */
export const TransactionStatus = z.enum(['accepted', 'processing', 'finished', 'cancelled']);
export type TransactionStatus = z.infer<typeof TransactionStatus>;

const Instant = z.iso.datetime({ offset: true });
/** 办件编号: letters, digits, '-' and '_', up to 64. */
export const ProjectNo = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/);

/** 身份证号 (15 or 18) or 统一社会信用代码 (18): letters and digits. */
export const IdNumber = z.string().regex(/^[0-9A-Za-z]{15,18}$/);

/** The envelope of both endpoints; items are checked one by one, so one bad item fails alone. */
export const IngestBatch = z.object({ items: z.array(z.unknown()).min(1) }).strict();

/** One status of one 办件, pushed by a business system. (办件编号, status) is applied once. */
export const TransactionItem = z.object({
  project_no: ProjectNo,
  /** app.matters.code (事项编码); the 办件's unit and region follow from it. */
  matter_code: z.string().min(1).max(64),
  status: TransactionStatus,
  /** 受理时间. */
  accepted_at: Instant,
  /** When this status was reached; for accepted it defaults to accepted_at. finished: the 办结 time (starts the rating window). */
  occurred_at: Instant.nullish(),
  /** 办理渠道. */
  channel: Channel,
  applicant_type: ApplicantType.nullish(),
  hall_id: DbId.nullish(),
  window_id: DbId.nullish(),
  /** The officer (经办人): a user with a staff role in the matter's unit. */
  staff_id: DbId.nullish(),
  platform_id: DbId.nullish(),
  /** A user of this system, when the 办件 came from it (一部手机办事通); otherwise give the ID number. */
  applicant_user_id: DbId.nullish(),
  agent_user_id: DbId.nullish(),
  /**
   * 身份证号 / 统一社会信用代码 of the applicant (and agent): matched to a real-name user by blind
   * index; never stored in clear. A person not registered yet is linked when they bind their name.
   */
  applicant_id_number: IdNumber.nullish(),
  agent_id_number: IdNumber.nullish(),
}).strict();
export type TransactionItem = z.infer<typeof TransactionItem>;

/** One rating from a device. Rates a 办件 (project_no) or, without one, a window visit (window_id). */
export const RatingItem = z.object({
  /** The device's own id of this rating; (device, external_id) is applied once. */
  external_id: z.string().min(1).max(100),
  project_no: ProjectNo.nullish(),
  window_id: DbId.nullish(),
  staff_id: DbId.nullish(),
  level: z.number().int().min(1).max(5),
  /** National tag codes (R7): 差评 need at least one of their level. */
  tags: z.array(z.string().max(10)).max(20).default([]),
  /** At most 500 characters (longer is comment_too_long for this item). */
  comment: z.string().max(5000).nullish(),
  anonymous: z.boolean().nullish(),
  /** When the person rated (an offline-buffered rating keeps it). */
  rated_at: Instant,
}).strict().refine((r) => r.project_no != null || r.window_id != null, {
  message: 'project_no or window_id is required',
  path: ['project_no'],
});
export type RatingItem = z.infer<typeof RatingItem>;

export const ItemStatus = z.enum(['created', 'updated', 'ignored', 'replayed', 'rejected']);
export type ItemStatus = z.infer<typeof ItemStatus>;

/**
 * One result per item, in request order. created / updated: applied now; ignored: an out-of-order
 * 办件 status older than the 办件's (code stale_status); replayed: applied before, nothing written
 * (original_status says what the first push did); rejected: refused, nothing written (code,
 * Chinese message, details naming the field).
 */
export const IngestItemResult = z.object({
  index: z.number().int().min(0),
  external_id: z.string().nullish(),
  project_no: z.string().nullish(),
  status: ItemStatus,
  id: DbId.optional(),
  original_status: z.enum(['created', 'updated', 'ignored']).optional(),
  is_bad: z.boolean().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
  details: z.unknown().optional(),
});
export type IngestItemResult = z.infer<typeof IngestItemResult>;

export const IngestResponse = z.object({
  results: z.array(IngestItemResult),
  summary: z.record(ItemStatus, z.number().int().min(0)),
});
export type IngestResponse = z.infer<typeof IngestResponse>;
