/**
 * Identity contracts (issue 3, R13): what the WeChat and Alipay login APIs answer, the
 * provincial identity platform's ticket, and realname-bind's request and answer. Pure: no
 * Deno, Node or network imports, so the functions, the stand-ins and tests share them.
 */
import { z } from 'zod';
import { SessionResponse, SessionUser } from './auth.ts';

/** WeChat `code2Session`: success carries openid + session_key (+ unionid); failure errcode/errmsg. */
export const WechatCode2Session = z.object({
  openid: z.string().min(1).max(128).optional(),
  session_key: z.string().optional(),
  unionid: z.string().min(1).max(128).optional(),
  errcode: z.number().int().optional(),
  errmsg: z.string().optional(),
});
export type WechatCode2Session = z.infer<typeof WechatCode2Session>;

/** `alipay_system_oauth_token_response`: user_id (2088…) for older apps, open_id for newer ones. */
export const AlipayOauthToken = z.object({
  user_id: z.string().min(1).max(128).optional(),
  open_id: z.string().min(1).max(128).optional(),
  access_token: z.string().min(1),
  expires_in: z.union([z.number(), z.string()]).optional(),
  refresh_token: z.string().optional(),
  re_expires_in: z.union([z.number(), z.string()]).optional(),
}).refine((n) => n.user_id !== undefined || n.open_id !== undefined, { message: 'user_id or open_id is required' });
export type AlipayOauthToken = z.infer<typeof AlipayOauthToken>;

/** The gateway's `error_response`. */
export const AlipayError = z.object({
  code: z.string(),
  msg: z.string(),
  sub_code: z.string().optional(),
  sub_msg: z.string().optional(),
});
export type AlipayError = z.infer<typeof AlipayError>;

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** 居民身份证号码 (GB 11643-1999): 17 digits and the ISO 7064 MOD 11-2 check character. */
export function isValidIdNumber(value: string): boolean {
  const id = value.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  return idNumberCheckCharacter(id.slice(0, 17)) === id[17];
}

/** The check character of a 身份证号码 whose first 17 digits are `first17`. */
export function idNumberCheckCharacter(first17: string): string {
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(first17[i]), 0);
  return '10X98765432'[sum % 11]!;
}

/** Masked display name (R13): 张* / 李*梅 / 欧**娜 — the twin of app.mask_name. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** Masked phone (R13): 138****5678 — the twin of app.mask_phone. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '').replace(/^86(1\d{10})$/, '$1');
  return digits.length >= 7 ? `${digits.slice(0, 3)}****${digits.slice(-4)}` : '';
}

/** Claims of the identity platform's ticket (a compact JWS, RS256), after its signature checked out. */
export const IdentityTicketClaims = z.object({
  jti: z.string().min(1).max(128),
  iss: z.string().min(1),
  exp: z.number().int(),
  iat: z.number().int().optional(),
  name: z.string().trim().min(1).max(50),
  id_number: z.string().refine(isValidIdNumber, { message: 'not a valid 居民身份证号码' }),
  phone: z.string().regex(/^1\d{10}$/).optional(),
  /** The nonce realname_nonce() gave the app's session; the database checks it (missing → realname_nonce_missing). */
  nonce: z.string().min(1).max(128).optional(),
  /** How the platform verified the person (face, banshitong, sms, …); the database decides which are strong enough. */
  verify_method: z.string().min(1).max(64).optional(),
});
export type IdentityTicketClaims = z.infer<typeof IdentityTicketClaims>;

/**
 * realname_nonce() (实名认证 step 1): a single-use nonce for the signed-in session, passed to the
 * identity platform so the ticket it signs can only be bound by this session, before expires_at.
 */
export const RealnameNonce = z.object({ nonce: z.string().regex(/^[0-9a-f]{32}$/), expires_at: z.string() });
export type RealnameNonce = z.infer<typeof RealnameNonce>;

/** realname-bind's request: the ticket exactly as the identity platform handed it over. */
export const RealnameBindRequest = z.object({ ticket: z.string().trim().min(20).max(8192) }).strict();
export type RealnameBindRequest = z.infer<typeof RealnameBindRequest>;

/**
 * realname-bind's answer. `merged`: this account belonged to a person who already existed
 * (same ID number), and is now part of that person's row; `session` then holds tokens for
 * that row, which the app must switch to (the old refresh token is revoked).
 */
export const RealnameBindResponse = z.object({
  user: SessionUser,
  merged: z.boolean(),
  session: SessionResponse.optional(),
});
export type RealnameBindResponse = z.infer<typeof RealnameBindResponse>;
