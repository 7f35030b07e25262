/**
 * realname-bind (SPEC §5): a signed-in user posts `{ ticket }` from the provincial identity
 * platform. The ticket's signature (IDP_PUBLIC_KEY), issuer, audience and expiry are checked
 * here; everything else is the database's (bind_realname): the ticket's `nonce` must be the one
 * realname_nonce() gave this very user (live, unused), its `verify_method` one of the strong
 * methods in app.realname_settings, its id used once (409 ticket_replayed); then the identity is
 * stored encrypted with blind indexes and masked display values, and the user is real-name.
 * Answers RealnameBindResponse (shared/identity.ts); when this account turned out to be a person
 * who already existed (same ID number) and nobody can log into that row, it is merged into it and
 * `session` carries tokens for it. A row with a staff role or a platform link is never merged
 * into: the database audits the attempt and answers `refused`, turned here into 403
 * realname_merge_refused (a raised error would have rolled the audit row back).
 * Tampered or foreign tickets: 400 ticket_invalid; expired: 400 ticket_expired.
 */
import { z } from 'zod';
import { RealnameBindRequest, type RealnameBindResponse } from '../_shared/contract/identity.ts';
import { callerUserId } from '../_shared/caller.ts';
import { fail } from '../_shared/fail.ts';
import { handle, HttpError, json, readJson } from '../_shared/http.ts';
import { serviceRpc } from '../_shared/rpc.ts';
import { sessionResponse } from '../_shared/session.ts';
import { idpConfig, verifyTicket, type IdpConfig } from './ticket.ts';

const Bound = z.union([
  z.object({
    user_id: z.guid(),
    masked_name: z.string(),
    realname_verified: z.boolean(),
    merged_from: z.guid().nullable(),
    refresh_token: z.string().nullable(),
    refresh_expires_at: z.string().nullable(),
    refused: z.null(),
  }),
  z.object({ refused: z.literal('realname_merge_refused') }),
]);

export const realnameBind = (cfg: IdpConfig) => handle('realname-bind', async (req) => {
  if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed');
  const userId = await callerUserId(req);
  const { ticket } = await readJson(req, RealnameBindRequest);
  const claims = await verifyTicket(cfg, ticket);
  const rows = await serviceRpc('bind_realname', {
    p_user_id: userId,
    p_ticket_id: claims.jti,
    p_ticket_expires_at: new Date(claims.exp * 1000).toISOString(),
    p_nonce: claims.nonce ?? null,
    p_verify_method: claims.verify_method ?? null,
    p_name: claims.name,
    p_id_number: claims.id_number,
    p_phone: claims.phone ?? null,
  }, Bound.array().length(1));
  const bound = rows[0]!;
  if (bound.refused !== null) throw fail(bound.refused);
  const user = { id: bound.user_id, masked_name: bound.masked_name, realname_verified: bound.realname_verified };
  const body: RealnameBindResponse = { user, merged: bound.merged_from !== null };
  if (bound.refresh_token && bound.refresh_expires_at) {
    body.session = await sessionResponse({ ...bound, refresh_token: bound.refresh_token, refresh_expires_at: bound.refresh_expires_at });
  }
  return json(body);
});

export const handler = realnameBind(idpConfig);
