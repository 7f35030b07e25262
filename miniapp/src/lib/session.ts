/**
 * The signed-in session: the app's own JWT (minted by auth-dev locally, auth-wechat /
 * auth-alipay on the platforms; never Supabase Auth) kept in Taro storage so it survives
 * restarts. Platform logins also hand out a refresh token (shared/auth.ts): an expired access
 * token is swapped for a new one through `auth-refresh` before a request leaves, once, even
 * when several requests ask at the same time.
 */
import Taro from '@tarojs/taro'
import { z } from 'zod'
import { SessionResponse } from '../../../shared/auth.ts'
import { DbId, PersonaKey, type DevLoginResponse } from '../../../shared/schemas.ts'
import { AppError, toAppError } from './errors.ts'
import { callFunction } from './functions.ts'

export const SESSION_KEY = 'hcp.session'
/** Treat a token as expired a little early, so a request never leaves with a dying token. */
const EXPIRY_MARGIN_MS = 30_000

export const SessionUser = z.object({
  id: DbId,
  /** What the app shows: the masked name, or a demo persona's label. */
  label: z.string(),
  /** Known at login from platform logins; null for demo personas (whoami() tells). */
  realname_verified: z.boolean().nullable(),
  /** The demo persona, for auth-dev logins only. */
  key: PersonaKey.nullable(),
})
export type SessionUser = z.infer<typeof SessionUser>

export const LoginProvider = z.enum(['dev', 'wechat', 'alipay'])
export type LoginProvider = z.infer<typeof LoginProvider>

export const Session = z.object({
  provider: LoginProvider,
  access_token: z.string().min(1),
  /** Epoch milliseconds. */
  expires_at: z.number().int().positive(),
  refresh_token: z.string().min(20).nullable(),
  user: SessionUser,
})
export type Session = z.infer<typeof Session>

/** Pure: the session an auth-dev login starts (no refresh token: log in again). */
export function sessionFromLogin(res: DevLoginResponse, nowMs: number): Session {
  return {
    provider: 'dev',
    access_token: res.access_token,
    expires_at: nowMs + res.expires_in * 1000,
    refresh_token: null,
    user: { id: res.user.user_id, label: res.user.label, realname_verified: null, key: res.user.key },
  }
}

/** Pure: the session of an auth-wechat / auth-alipay / auth-refresh answer. */
export function sessionFromPlatform(provider: LoginProvider, res: SessionResponse, nowMs: number): Session {
  return {
    provider,
    access_token: res.access_token,
    expires_at: nowMs + res.expires_in * 1000,
    refresh_token: res.refresh_token,
    user: {
      id: res.user.id,
      label: res.user.masked_name.trim() || (provider === 'alipay' ? '支付宝用户' : '微信用户'),
      realname_verified: res.user.realname_verified,
      key: null,
    },
  }
}

export function isExpired(session: Session, nowMs: number): boolean {
  return session.expires_at - EXPIRY_MARGIN_MS <= nowMs
}

let current: Session | null | undefined
const listeners = new Set<(s: Session | null) => void>()

/** Pages re-render when another page logs in or out. */
export function onSessionChange(listener: (s: Session | null) => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

function publish(): void {
  for (const l of [...listeners]) l(current ?? null)
}

/**
 * The stored session. One whose access token has expired is dropped, unless it can be
 * refreshed (then `validToken()` refreshes it on the next request).
 */
export function loadSession(nowMs = Date.now()): Session | null {
  if (current === undefined) {
    let stored: unknown = null
    try {
      stored = Taro.getStorageSync(SESSION_KEY)
    } catch {
      stored = null
    }
    const parsed = Session.safeParse(stored)
    current = parsed.success ? parsed.data : null
  }
  if (current && isExpired(current, nowMs) && current.refresh_token === null) clearSession()
  return current ?? null
}

/**
 * Pure: what of a session goes to storage. In a mini-program storage is the app's own sandbox;
 * in a browser (H5) it is localStorage, which any script on the page reads and which outlives
 * the tab, so there the 30-day refresh token stays in memory only: a stolen copy of storage
 * holds at most the 1-hour access token, and after a reload past its hour the person logs in
 * again. (An HttpOnly cookie would need the functions and the H5 app on one site, which a
 * hosted Supabase project does not give.)
 */
export function storedForm(session: Session, taroEnv: string | undefined): Session {
  return taroEnv === 'h5' ? { ...session, refresh_token: null } : session
}

export function saveSession(session: Session): Session {
  current = session
  Taro.setStorageSync(SESSION_KEY, storedForm(session, process.env.TARO_ENV))
  publish()
  return session
}

export function clearSession(): void {
  const had = current !== null
  current = null
  try {
    Taro.removeStorageSync(SESSION_KEY)
  } catch {
    // storage unavailable: the in-memory copy is already gone
  }
  if (had) publish()
}

let expiredNotice = false

/** The server refused the token (expired, revoked): log out and tell the user on the login panel. */
export function expireSession(): void {
  if (current === null || current === undefined) return
  expiredNotice = true
  clearSession()
}

/** The notice for the login panel after expireSession(), once. */
export function takeExpiredNotice(): string | null {
  if (!expiredNotice) return null
  expiredNotice = false
  return '登录已过期，请重新登录'
}

/** Forgets the in-memory copy (tests; a new launch reads storage again). */
export function resetSessionCache(): void {
  current = undefined
  refreshing = null
}

let refreshing: Promise<Session | null> | null = null

/**
 * The silent platform login (wx.login / my.getAuthCode auth_base → auth-wechat / auth-alipay),
 * registered at launch by app.ts once the privacy guide is agreed to (session.ts cannot import
 * the login module: it imports this one). Null where there is none (H5, demo logins).
 */
let silentRelogin: (() => Promise<Session>) | null = null

export function setSilentRelogin(relogin: (() => Promise<Session>) | null): void {
  silentRelogin = relogin
}

async function refresh(session: Session): Promise<Session | null> {
  try {
    const json = await callFunction('auth-refresh', { method: 'POST', body: { refresh_token: session.refresh_token } })
    return saveSession(sessionFromPlatform(session.provider, SessionResponse.parse(json), Date.now()))
  } catch (err) {
    const error = toAppError(err)
    // No network: keep the session for later.
    if (error.code === 'network_error') throw error
    // Refused (expired, revoked, rotated): a platform user is logged in again silently (issue
    // 15.5) and never sees 登录已过期; only when that fails too is the session dropped.
    if (silentRelogin && session.provider !== 'dev') {
      try {
        return await silentRelogin()
      } catch {
        // fall through: log in by hand
      }
    }
    clearSession()
    return null
  }
}

/**
 * The bearer for API calls: the access token, refreshed first when it has expired; null before
 * login or once the session cannot be refreshed. Throws `network_error` when a refresh could not
 * reach the server (the session is kept).
 */
export async function validToken(nowMs = Date.now()): Promise<string | null> {
  const session = loadSession(nowMs)
  if (!session) return null
  if (!isExpired(session, nowMs)) return session.access_token
  if (session.refresh_token === null) return null
  refreshing ??= refresh(session).finally(() => {
    refreshing = null
  })
  const next = await refreshing
  return next?.access_token ?? null
}

/** The bearer without refreshing (null before login / after expiry). */
export function currentToken(): string | null {
  const s = loadSession()
  return s && !isExpired(s, Date.now()) ? s.access_token : null
}

export function requireSession(): Session {
  const s = loadSession()
  if (!s) throw AppError.of('unauthorized')
  return s
}
