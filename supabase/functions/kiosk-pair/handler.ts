/**
 * kiosk-pair (issue 18): a tablet at `/#/kiosk` exchanges a pairing code (6 digits, from 管理 →
 * 评价器, one use, 10 minutes) and the public half of the ECDSA P-256 key pair it has just made
 * for a window 评价器's key id. The private key never leaves the tablet. POST `{ code, public_key }`
 * (shared/kiosk.ts) with the anon key → 200 `{ key_id, window }`; a wrong, used or expired code
 * is 400 pairing_code_invalid / 409 pairing_code_used / 410 pairing_code_expired and counts
 * toward the brute-force limits (kiosk_pair: 5 failures per address, 30 in all, per 10 minutes;
 * beyond them 429 pairing_rate_limited for every code, the right one too, writing nothing).
 */
import { z } from 'zod';
import { isP256Point, KioskPairRequest, KioskPairResponse } from '../_shared/contract/kiosk.ts';
import { fail } from '../_shared/fail.ts';
import { handle, HttpError, json, readJson } from '../_shared/http.ts';
import { serviceRpc } from '../_shared/rpc.ts';

const Answer = z.discriminatedUnion('status', [
  KioskPairResponse.extend({ status: z.literal('paired') }),
  z.object({ status: z.literal('refused'), code: z.enum(['pairing_code_invalid', 'pairing_code_expired', 'pairing_code_used']) }),
]);

/**
 * The client's address for the per-address limit: the first X-Forwarded-For hop the platform's
 * gateway adds (a client can prepend its own, so the overall limit is what really bounds guessing).
 */
function sourceOf(req: Request): string {
  const first = req.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || req.headers.get('x-real-ip')?.trim();
  return (first || 'unknown').slice(0, 64);
}

export const handler = handle('kiosk-pair', async (req) => {
  if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed');
  const body = await readJson(req, KioskPairRequest);
  // Only a real P-256 point becomes a device key (the database checks only its shape).
  let point = false;
  try {
    point = isP256Point(body.public_key);
    await crypto.subtle.importKey('jwk', body.public_key, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
  } catch {
    point = false;
  }
  if (!point) throw new HttpError(400, 'invalid_input', [{ path: 'public_key', message: 'not a P-256 public key' }]);
  const answer = await serviceRpc('kiosk_pair', { p_code: body.code, p_public_key: body.public_key, p_source: sourceOf(req) }, Answer);
  if (answer.status === 'refused') throw fail(answer.code);
  return json({ key_id: answer.key_id, window: answer.window });
});
