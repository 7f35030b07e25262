/**
 * Logging in, one interface for every platform: `loginWithPlatform()` (WeChat / Alipay code →
 * auth-wechat / auth-alipay) and, where the stack offers demo accounts (auth-dev, local only),
 * `loginAsPersona()`. Both end in saveSession().
 */
import { SessionResponse } from '../../../../shared/auth.ts'
import { AppError } from '../errors.ts'
import { callFunction } from '../functions.ts'
import { saveSession, sessionFromPlatform, type Session } from '../session.ts'
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

// The demo accounts live apart so that a release build can leave them out (dev-login.ts).
export { devPersonas, loginAsPersona } from './dev-login.ts'
