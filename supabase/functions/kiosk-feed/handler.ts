/**
 * kiosk-feed (issue 18): a paired window tablet asks, about once a second, which of its window's
 * 办件 have just finished and are not rated yet (newest first; 事项, masked officer, 办结时间, never
 * the applicant). POST `{}` signed with the tablet's ECDSA key (shared/kiosk.ts; the headers and
 * checks of _shared/hmac.ts) → 200 shared/kiosk.ts KioskFeed. A revoked tablet is refused at its
 * next poll (403 key_revoked), by the signature check and again by the database.
 *
 * Polling, not Realtime (not available locally) nor a held connection: a poll a second from each
 * tablet is one signature check and one indexed query, and a 办件 pushed by the business system
 * shows within the next poll. A poll is a read: its signature is not written to the replay guard
 * (a replayed poll within 5 minutes shows the replayer what it already captured).
 */
import { KioskFeed, KioskFeedRequest } from '../_shared/contract/kiosk.ts';
import { verifySignedRequest } from '../_shared/hmac.ts';
import { handle, HttpError, json, unstorableIssue, unstorableText } from '../_shared/http.ts';
import { serviceRpc } from '../_shared/rpc.ts';

export const handler = handle('kiosk-feed', async (req) => {
  const signed = await verifySignedRequest(req, 'kiosk-feed');
  const unstorable = unstorableText(signed.body);
  if (unstorable !== null) throw new HttpError(400, 'invalid_input', [unstorableIssue(unstorable)]);
  const parsed = KioskFeedRequest.safeParse(signed.body);
  if (!parsed.success) {
    throw new HttpError(400, 'invalid_input', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return json(await serviceRpc('kiosk_feed', { p_key_id: signed.keyId }, KioskFeed));
});
