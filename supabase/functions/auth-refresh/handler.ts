/**
 * auth-refresh (SPEC §4): `POST { refresh_token }` → a new SessionResponse; the presented token
 * is spent (rotation). A spent token presented again revokes every token of its login (its
 * family): 401 refresh_token_reused, and the person logs in again. Unknown or revoked:
 * 401 refresh_token_invalid; past its 30 days: 401 refresh_token_expired.
 * `DELETE { refresh_token }` logs out: the token's family is revoked (204 either way).
 * verify_jwt = false: the access token may well have expired when this is called.
 */
import { z } from 'zod';
import { RefreshRequest } from '../_shared/contract/auth.ts';
import { fail } from '../_shared/fail.ts';
import { corsHeaders, handle, HttpError, json, readJson } from '../_shared/http.ts';
import { serviceRpc } from '../_shared/rpc.ts';
import { sessionResponse, SessionRow } from '../_shared/session.ts';

const Rotation = z.object({
  status: z.enum(['ok', 'invalid', 'expired', 'reused']),
  user_id: z.string().nullable(),
  masked_name: z.string().nullable(),
  realname_verified: z.boolean().nullable(),
  refresh_token: z.string().nullable(),
  refresh_expires_at: z.string().nullable(),
});

const REFUSALS = { invalid: 'refresh_token_invalid', expired: 'refresh_token_expired', reused: 'refresh_token_reused' } as const;

export const handler = handle('auth-refresh', async (req) => {
  if (req.method === 'DELETE') {
    const { refresh_token } = await readJson(req, RefreshRequest);
    await serviceRpc('revoke_refresh_token', { p_refresh_token: refresh_token }, z.boolean());
    return new Response(null, { status: 204, headers: corsHeaders });
  }
  if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed');
  const { refresh_token } = await readJson(req, RefreshRequest);
  const [row] = await serviceRpc('rotate_refresh_token', { p_refresh_token: refresh_token }, Rotation.array().length(1));
  if (row!.status !== 'ok') {
    if (row!.status === 'reused') console.warn(`[auth-refresh] a spent refresh token was presented again; user ${row!.user_id}'s login revoked`);
    throw fail(REFUSALS[row!.status]);
  }
  return json(await sessionResponse(SessionRow.parse(row)));
});
