/**
 * HMAC-signed requests from machines (business systems, rating devices): the scheme of
 * shared/ingest.ts, checked in this order, each refusal a 4xx with a stable code and nothing
 * written:
 *
 *   POST only (405) → Content-Type application/json (415 unsupported_media_type)
 *   → X-HCP-Key-Id, X-HCP-Timestamp, X-HCP-Signature present (401 signature_missing)
 *   → timestamp within ±300 s (401 timestamp_stale) → body ≤ 2 MiB (413 batch_too_large; read as
 *     a stream and abandoned as soon as it passes the cap, Content-Length or not)
 *   → key known for this endpoint (401 unknown_key) → signature
 *     = hex HMAC-SHA256(secret, "<timestamp>\n<raw body>") (401 signature_invalid; the secret is
 *     stored encrypted and decrypted only by the service-role RPC ingest_key_secret), or, for a
 *     tablet paired as a window 评价器 (shared/kiosk.ts), hex ECDSA P-256 / SHA-256 (r‖s) of the
 *     same input under the public key it registered
 *   → key active (403 key_revoked; told only to a caller that proved it holds the secret)
 *   → body is JSON (400 invalid_json).
 *
 * The replay guard (a signature is accepted once) is the database's, in the same transaction
 * as the batch (app.ingest_begin): see the ingest RPCs.
 */
import type { z } from 'zod';
import { ERRORS, isErrorCode } from './contract/errors.ts';
import {
  INGEST_HEADERS, IngestBatch, IngestItemResult, type IngestResponse, ItemStatus, MAX_BATCH_ITEMS, MAX_BODY_BYTES,
  signingInput, TIMESTAMP_TOLERANCE_S,
} from './contract/ingest.ts';
import { lowSSignature } from './contract/kiosk.ts';
import { serviceClient } from './clients.ts';
import { HttpError, json, readBodyCapped, unstorableIssue, unstorableText } from './http.ts';

const encoder = new TextEncoder();

function toHex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Lowercase hex of HMAC-SHA256 over `message` (a string is taken as UTF-8), keyed by the UTF-8 bytes of `secret`. */
export async function hmacSha256Hex(secret: string, message: string | Uint8Array<ArrayBuffer>): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return toHex(await crypto.subtle.sign('HMAC', key, typeof message === 'string' ? encoder.encode(message) : message));
}

/** The X-HCP-Signature of a request body at a timestamp (what a caller computes). */
export function signRequest(secret: string, timestamp: string, rawBody: string): Promise<string> {
  return hmacSha256Hex(secret, signingInput(timestamp, rawBody));
}

/** The same over the body's raw bytes, as the server checks it (no decoding on the way). */
function signBytes(secret: string, timestamp: string, body: Uint8Array): Promise<string> {
  const head = encoder.encode(`${timestamp}\n`);
  const message = new Uint8Array(head.length + body.length);
  message.set(head);
  message.set(body, head.length);
  return hmacSha256Hex(secret, message);
}

/** Compares two strings in time independent of where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** kiosk-feed: a paired tablet's poll (read only; no replay guard, see kiosk-feed/handler.ts). */
export type IngestEndpoint = 'transactions' | 'ratings-ingest' | 'kiosk-feed';

export interface IngestKey {
  kind: string;
  key_id: string;
  /** The HMAC secret; null for a paired tablet, which signs with its own key pair. */
  secret: string | null;
  status: 'active' | 'revoked';
  region_code: string;
  hall_id: string | null;
  /** A paired tablet's window (it rates only that window's 办件). */
  window_id: string | null;
  /** A paired tablet's ECDSA P-256 public key (JWK). */
  public_key: JsonWebKey | null;
}

export interface SignedRequest {
  keyId: string;
  /** What the replay guard records: the HMAC, or the ECDSA signature with s made low. */
  signature: string;
  /** The X-HCP-Timestamp as an instant (ISO 8601). */
  requestTs: string;
  key: IngestKey;
  body: unknown;
}

/** Key kinds each endpoint accepts; any other key is unknown there. */
const KINDS: Record<IngestEndpoint, readonly string[]> = {
  transactions: ['business_system'],
  'ratings-ingest': ['hall_pad', 'hall_terminal', 'phone', 'sms'],
  'kiosk-feed': ['hall_pad'],
};

async function lookupKey(endpoint: IngestEndpoint, keyId: string): Promise<IngestKey | undefined> {
  const { data, error } = await serviceClient().rpc('ingest_key_secret', { p_key_id: keyId });
  if (error) throw new Error(`ingest_key_secret failed: ${error.message}`);
  const key = (data as IngestKey[])[0];
  if (!key || !KINDS[endpoint].includes(key.kind)) return undefined;
  // The feed is a paired tablet's alone: a vendor's hall device has no window to show.
  if (endpoint === 'kiosk-feed' && (key.window_id === null || key.public_key === null)) return undefined;
  return key;
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Whether `signature` (hex r‖s) is the key's ECDSA P-256 / SHA-256 signature of "<timestamp>\n<body>". */
async function verifyEcdsa(jwk: JsonWebKey, timestamp: string, body: Uint8Array, signature: string): Promise<boolean> {
  if (!/^[0-9a-f]{128}$/.test(signature)) return false;
  const key = await crypto.subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  const head = encoder.encode(`${timestamp}\n`);
  const message = new Uint8Array(head.length + body.length);
  message.set(head);
  message.set(body, head.length);
  return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, fromHex(signature), message);
}

/** Authenticates a signed request and returns its parsed JSON body; throws HttpError otherwise. */
export async function verifySignedRequest(req: Request, endpoint: IngestEndpoint, nowMs = Date.now()): Promise<SignedRequest> {
  if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed');
  const mediaType = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') throw new HttpError(415, 'unsupported_media_type');

  const keyId = req.headers.get(INGEST_HEADERS.keyId)?.trim();
  const timestamp = req.headers.get(INGEST_HEADERS.timestamp)?.trim();
  const signature = req.headers.get(INGEST_HEADERS.signature)?.trim().toLowerCase();
  if (!keyId || !timestamp || !signature) throw new HttpError(401, 'signature_missing');
  if (!/^\d{1,12}$/.test(timestamp)) throw new HttpError(401, 'timestamp_stale', 'X-HCP-Timestamp must be unix seconds');
  const ts = Number(timestamp);
  if (Math.abs(nowMs / 1000 - ts) > TIMESTAMP_TOLERANCE_S) throw new HttpError(401, 'timestamp_stale');

  // Streamed with a hard cap: a chunked body without Content-Length is never buffered whole.
  const raw = await readBodyCapped(req, MAX_BODY_BYTES, 'batch_too_large');

  const key = await lookupKey(endpoint, keyId);
  if (!key) throw new HttpError(401, 'unknown_key');
  let guard = signature;
  if (key.public_key) {
    if (!(await verifyEcdsa(key.public_key, timestamp, raw, signature))) throw new HttpError(401, 'signature_invalid');
    guard = lowSSignature(signature)!;
  } else {
    const expected = key.secret === null ? null : await signBytes(key.secret, timestamp, raw);
    if (expected === null || !/^[0-9a-f]{64}$/.test(signature) || !timingSafeEqual(expected, signature)) {
      throw new HttpError(401, 'signature_invalid');
    }
  }
  if (key.status !== 'active') throw new HttpError(403, 'key_revoked');

  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(raw));
  } catch {
    throw new HttpError(400, 'invalid_json');
  }
  return { keyId, signature: guard, requestTs: new Date(ts * 1000).toISOString(), key, body };
}

export interface BatchSpec {
  endpoint: IngestEndpoint;
  /** The schema of one item (shared/ingest.ts). */
  item: z.ZodType;
  /** The item field echoed in its result. */
  idField: 'project_no' | 'external_id';
  /** The service-role RPC that applies the items (checks the key again and guards replays). */
  rpc: 'ingest_transactions' | 'ingest_ratings';
}

/** An item as the database stores it: absent and null fields are the same (no nulls kept). */
function compact(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined));
}

/**
 * A signed batch, end to end: verify → envelope (≤ 500 items, else 413; not an object with
 * items, 400) → each item against its schema (a bad one is rejected alone, with the issues) →
 * the RPC for the rest → `{ results, summary }` with one result per item in request order.
 */
export async function ingestBatch(req: Request, spec: BatchSpec): Promise<Response> {
  const signed = await verifySignedRequest(req, spec.endpoint);
  const items = (signed.body as { items?: unknown } | null)?.items;
  if (Array.isArray(items) && items.length > MAX_BATCH_ITEMS) {
    throw new HttpError(413, 'batch_too_large', { max_items: MAX_BATCH_ITEMS, items: items.length });
  }
  const envelope = IngestBatch.safeParse(signed.body);
  if (!envelope.success) {
    throw new HttpError(400, 'invalid_input', envelope.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }

  const results: IngestItemResult[] = [];
  const valid: Array<Record<string, unknown>> = [];
  envelope.data.items.forEach((raw, index) => {
    const parsed = spec.item.safeParse(raw);
    // Text the database cannot store (NUL, a lone surrogate) is this item's invalid_input, not a 500.
    const unstorable = parsed.success ? unstorableText(parsed.data) : null;
    if (parsed.success && unstorable === null) {
      valid.push({ ...compact(parsed.data as Record<string, unknown>), index });
      return;
    }
    const echoed = (raw as Record<string, unknown> | null)?.[spec.idField];
    results[index] = {
      index,
      [spec.idField]: typeof echoed === 'string' && unstorableText(echoed) === null ? echoed : null,
      status: 'rejected',
      code: 'invalid_input',
      message: ERRORS.invalid_input.message,
      details: parsed.success
        ? [unstorableIssue(unstorable!)]
        : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    };
  });

  const { data, error } = await serviceClient().rpc(spec.rpc, {
    p_key_id: signed.keyId,
    p_signature: signed.signature,
    p_request_ts: signed.requestTs,
    p_items: valid,
  });
  if (error) {
    if (isErrorCode(error.code)) throw new HttpError(ERRORS[error.code].status, error.code, error.details ?? undefined);
    throw new Error(`${spec.rpc} failed: ${error.code} ${error.message}`);
  }
  for (const r of IngestItemResult.array().parse(data)) results[r.index] = r;

  const summary = Object.fromEntries(ItemStatus.options.map((s) => [s, 0])) as IngestResponse['summary'];
  for (const r of results) summary[r.status]++;
  const body: IngestResponse = { results, summary };
  return json(body);
}
