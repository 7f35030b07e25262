/**
 * Login contract of auth-wechat, auth-alipay and auth-refresh (SPEC §4): the mini-program sends
 * the platform's one-time code and gets a short-lived access token that PostgREST accepts
 * (`role` authenticated, `sub` the user's uuid) plus a refresh token that survives the app
 * being closed and reopened. Refresh tokens rotate: each use returns a new one.
 */
import { z } from 'zod';
import { DbId } from './schemas.ts';

/** `wx.login()` / `my.getAuthCode()` code: opaque, single use, minutes-long validity. */
export const PlatformLoginRequest = z.object({ code: z.string().trim().min(1).max(128) }).strict();
export type PlatformLoginRequest = z.infer<typeof PlatformLoginRequest>;

export const RefreshRequest = z.object({ refresh_token: z.string().min(20).max(200) }).strict();
export type RefreshRequest = z.infer<typeof RefreshRequest>;

export const SessionUser = z.object({
  id: DbId,
  masked_name: z.string(),
  realname_verified: z.boolean(),
});
export type SessionUser = z.infer<typeof SessionUser>;

export const SessionResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.literal('bearer'),
  /** Seconds until the access token expires. */
  expires_in: z.number().int().positive(),
  refresh_token: z.string().min(20),
  /** Seconds until the refresh token expires (30 days from its issue); optional for older servers. */
  refresh_expires_in: z.number().int().positive().optional(),
  user: SessionUser,
});
export type SessionResponse = z.infer<typeof SessionResponse>;
