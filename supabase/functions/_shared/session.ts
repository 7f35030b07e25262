/**
 * The session a login answers (shared/auth.ts SessionResponse): a short-lived access token
 * PostgREST accepts plus the refresh token the database issued for the user.
 */
import { z } from 'zod';
import type { SessionResponse } from './contract/auth.ts';
import { ACCESS_TOKEN_TTL_S, mintAccessToken } from './tokens.ts';

/** What the login RPCs (platform_login, rotate_refresh_token, bind_realname) answer for a session. */
export const SessionRow = z.object({
  user_id: z.guid(),
  masked_name: z.string(),
  realname_verified: z.boolean(),
  refresh_token: z.string().min(20),
  refresh_expires_at: z.string(),
});
export type SessionRow = z.infer<typeof SessionRow>;

export async function sessionResponse(row: SessionRow, nowMs = Date.now()): Promise<SessionResponse> {
  return {
    access_token: await mintAccessToken(row.user_id),
    token_type: 'bearer',
    expires_in: ACCESS_TOKEN_TTL_S,
    refresh_token: row.refresh_token,
    refresh_expires_in: Math.max(1, Math.floor((Date.parse(row.refresh_expires_at) - nowMs) / 1000)),
    user: { id: row.user_id, masked_name: row.masked_name, realname_verified: row.realname_verified },
  };
}
