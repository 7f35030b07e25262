/**
 * The signed-in session: the app's own JWT (minted by the `auth-dev` edge function, not by
 * Supabase Auth) kept in Taro storage, so it survives restarts on every platform.
 */
import Taro from '@tarojs/taro'
import { z } from 'zod'
import { Persona, type DevLoginResponse } from '../../../shared/schemas.ts'

const STORAGE_KEY = 'hcp.session'
/** Treat a token as expired a little early, so a request never leaves with a dying token. */
const EXPIRY_MARGIN_MS = 30_000

export const Session = z.object({
  access_token: z.string().min(1),
  /** Epoch milliseconds. */
  expires_at: z.number().int().positive(),
  user: Persona,
})
export type Session = z.infer<typeof Session>

let current: Session | null | undefined

/** Pure: the session a login response starts. */
export function sessionFromLogin(res: DevLoginResponse, nowMs: number): Session {
  return { access_token: res.access_token, expires_at: nowMs + res.expires_in * 1000, user: res.user }
}

export function isExpired(session: Session, nowMs: number): boolean {
  return session.expires_at - EXPIRY_MARGIN_MS <= nowMs
}

export function loadSession(nowMs = Date.now()): Session | null {
  if (current === undefined) {
    let stored: unknown = null
    try {
      stored = Taro.getStorageSync(STORAGE_KEY)
    } catch {
      stored = null
    }
    const parsed = Session.safeParse(stored)
    current = parsed.success ? parsed.data : null
  }
  if (current && isExpired(current, nowMs)) clearSession()
  return current ?? null
}

export function saveSession(session: Session): Session {
  current = session
  Taro.setStorageSync(STORAGE_KEY, session)
  return session
}

export function clearSession(): void {
  current = null
  try {
    Taro.removeStorageSync(STORAGE_KEY)
  } catch {
    // storage unavailable: the in-memory copy is already gone
  }
}

/** The bearer for API calls, or null before login / after expiry. */
export function currentToken(): string | null {
  return loadSession()?.access_token ?? null
}
