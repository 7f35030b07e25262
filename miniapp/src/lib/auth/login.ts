/**
 * Logging in, one interface for every platform: `loginWithPlatform()` (WeChat / Alipay code →
 * auth-wechat / auth-alipay) and, where the stack offers demo accounts (auth-dev, local only),
 * `loginAsPersona()`. Both end in saveSession().
 */
import { SessionResponse } from '../../../../shared/auth.ts'
import { DevLoginResponse, PersonaList, type Persona, type PersonaKey } from '../../../../shared/schemas.ts'
import { AppError, toAppError } from '../errors.ts'
import { callFunction } from '../functions.ts'
import { saveSession, sessionFromLogin, sessionFromPlatform, type Session } from '../session.ts'
import { platformLogin } from './platform-login'
import type { PlatformLogin } from './types.ts'

export { platformLogin }

/** Trades the platform's code for a session. `login` is injectable for tests. */
export async function loginWithPlatform(login: PlatformLogin = platformLogin, nowMs?: () => number): Promise<Session> {
  if (login.provider === null) throw AppError.of('login_failed', 'no platform login here')
  const code = await login.getCode()
  const json = await callFunction(`auth-${login.provider}`, { method: 'POST', body: { code } })
  const parsed = SessionResponse.safeParse(json)
  if (!parsed.success) throw AppError.of('internal_error', parsed.error.issues)
  return saveSession(sessionFromPlatform(login.provider, parsed.data, (nowMs ?? Date.now)()))
}

/**
 * The demo accounts, or null where auth-dev does not exist (production: 404). Any other
 * failure (network) is thrown so the page can offer a retry.
 */
export async function devPersonas(): Promise<Persona[] | null> {
  try {
    const json = await callFunction('auth-dev', { method: 'GET' })
    return PersonaList.parse(json).personas
  } catch (err) {
    const error = toAppError(err)
    if (error.code === 'not_found' || error.code === 'dev_login_disabled' || error.code === 'method_not_allowed') return null
    throw error
  }
}

export async function loginAsPersona(persona: PersonaKey): Promise<Session> {
  const json = await callFunction('auth-dev', { method: 'POST', body: { persona } })
  return saveSession(sessionFromLogin(DevLoginResponse.parse(json), Date.now()))
}
