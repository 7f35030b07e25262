/**
 * realname-bind (SPEC §5): a signed-in user posts `{ ticket }` from the provincial identity
 * platform. The ticket's signature (IDP_PUBLIC_KEY), issuer, audience and expiry are checked
 * here; the database uses each ticket id once (409 ticket_replayed), stores the identity
 * encrypted with blind indexes and masked display values, and marks the user real-name.
 * Answers RealnameBindResponse (shared/identity.ts); when this account turned out to be a person
 * who already existed (same ID number), it is merged into that row and `session` carries
 * tokens for it. Tampered or foreign tickets: 400 ticket_invalid; expired: 400 ticket_expired.
 */
import { z } from 'zod';
import { RealnameBindRequest, type RealnameBindResponse } from '../../../shared/identity.ts';
import { callerUserId } from '../_shared/caller.ts';
import { handle, HttpError, json, readJson } from '../_shared/http.ts';
import { serviceRpc } from '../_shared/rpc.ts';
import { sessionResponse } from '../_shared/session.ts';
import { idpConfig, verifyTicket, type IdpConfig } from './ticket.ts';

const Bound = z.object({
  user_id: z.guid(),
  masked_name: z.string(),
  realname_verified: z.boolean(),
  merged_from: z.guid().nullable(),
  refresh_token: z.string().nullable(),
  refresh_expires_at: z.string().nullable(),
});

export const realnameBind = (cfg: IdpConfig) => handle('realname-bind', async (req) => {
  if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed');
  const userId = await callerUserId(req);
  const { ticket } = await readJson(req, RealnameBindRequest);
  const claims = await verifyTicket(cfg, ticket);
  const [row] = await serviceRpc('bind_realname', {
    p_user_id: userId,
    p_ticket_id: claims.jti,
    p_ticket_expires_at: new Date(claims.exp * 1000).toISOString(),
    p_name: claims.name,
    p_id_number: claims.id_number,
    p_phone: claims.phone ?? null,
  }, Bound.array().length(1));
  const user = { id: row!.user_id, masked_name: row!.masked_name, realname_verified: row!.realname_verified };
  const body: RealnameBindResponse = { user, merged: row!.merged_from !== null };
  if (row!.refresh_token && row!.refresh_expires_at) {
    body.session = await sessionResponse({ ...row!, refresh_token: row!.refresh_token, refresh_expires_at: row!.refresh_expires_at });
  }
  return json(body);
});

export const handler = realnameBind(idpConfig);
