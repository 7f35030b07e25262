/**
 * 窗口评价器 on a tablet (issue 18): the pairing exchange, the feed of just-finished 办件 and the
 * device's signature.
 *
 * The tablet makes an ECDSA P-256 key pair with WebCrypto (private key non-extractable, kept in
 * IndexedDB), sends the public half with a pairing code to `kiosk-pair`, and from then on signs
 * its requests as any 评价器 does (shared/ingest.ts headers and signing input), except that
 * X-HCP-Signature is the lowercase hex of the 64-byte ECDSA-SHA256 signature r‖s (IEEE P1363,
 * what WebCrypto's sign() returns) instead of an HMAC. The same key signs `kiosk-feed` polls and
 * `ratings-ingest` batches.
 */
import { z } from 'zod';
import { DbId } from './schemas.ts';

/** Digits of a pairing code, and how long one lives (create_kiosk_pairing). */
export const PAIRING_CODE = /^[0-9]{6}$/;
export const PAIRING_TTL_MINUTES = 10;

/** A P-256 public key as a JWK: only the fields that define it. */
const B64Url32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
export const EcPublicJwk = z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: B64Url32, y: B64Url32 });
export type EcPublicJwk = z.infer<typeof EcPublicJwk>;

export const KioskPairRequest = z.object({
  code: z.string().regex(PAIRING_CODE),
  public_key: EcPublicJwk,
}).strict();
export type KioskPairRequest = z.infer<typeof KioskPairRequest>;

export const KioskWindow = z.object({
  id: DbId,
  name: z.string(),
  hall_name: z.string(),
  unit_name: z.string(),
});
export type KioskWindow = z.infer<typeof KioskWindow>;

export const KioskPairResponse = z.object({ key_id: z.string().regex(/^dev_[0-9a-z_]{6,60}$/), window: KioskWindow });
export type KioskPairResponse = z.infer<typeof KioskPairResponse>;

/** One 办件 on the tablet: what the applicant recognises, never who they are (R13). */
export const KioskItem = z.object({
  project_no: z.string(),
  matter_name: z.string(),
  /** Masked (张*), or null when the 办件 names no officer. */
  staff_name: z.string().nullable(),
  finished_at: z.string(),
});
export type KioskItem = z.infer<typeof KioskItem>;

/** kiosk-feed's answer: the window and its unrated 办件 of the last 30 minutes, newest first. */
export const KioskFeed = z.object({
  window: KioskWindow,
  items: z.array(KioskItem),
  server_time: z.string(),
});
export type KioskFeed = z.infer<typeof KioskFeed>;

/** kiosk-feed takes an empty JSON object (signed like every device request). */
export const KioskFeedRequest = z.object({}).strict();

/** How often the tablet asks (the issue asks for a 办件 on screen within 2 s of its 办结). */
export const FEED_INTERVAL_MS = 1000;
/** Without a touch for this long, the rating screen returns to idle. */
export const KIOSK_IDLE_MS = 30_000;

// P-256 (FIPS 186-4 D.1.2.3): the field prime, the curve's b, and the group order n — an ECDSA
// signature (r, s) is as valid as (r, n − s).
const P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const P256_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function b64urlToBigInt(s: string): bigint {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  let n = 0n;
  for (let i = 0; i < bin.length; i++) n = (n << 8n) | BigInt(bin.charCodeAt(i));
  return n;
}

/**
 * Whether a JWK's (x, y) is a point of P-256: y² = x³ − 3x + b (mod p), both below p. Checked
 * here because not every WebCrypto (Deno's, for one) refuses an off-curve point at import.
 */
export function isP256Point(jwk: { x: string; y: string }): boolean {
  const x = b64urlToBigInt(jwk.x);
  const y = b64urlToBigInt(jwk.y);
  if (x >= P256_P || y >= P256_P) return false;
  const mod = (a: bigint) => ((a % P256_P) + P256_P) % P256_P;
  return mod(y * y) === mod(x * x * x - 3n * x + P256_B);
}

/**
 * The one form of an ECDSA P-256 signature (hex r‖s) that the replay guard records: s replaced by
 * n − s when it is in the upper half. Without it, a captured request could be replayed once more
 * with its twin signature, which verifies too. Null when the hex is not 64 bytes.
 */
export function lowSSignature(hex: string): string | null {
  if (!/^[0-9a-f]{128}$/.test(hex)) return null;
  const r = hex.slice(0, 64);
  const s = BigInt(`0x${hex.slice(64)}`);
  const low = s > P256_N / 2n ? P256_N - s : s;
  return r + low.toString(16).padStart(64, '0');
}
