/**
 * The demo accounts (auth-dev), which exist only on a local stack (ALLOW_DEV_LOGIN=true). A
 * release build (`--mode release`) never carries this module: config/index.ts swaps it for
 * dev-login.release.ts, and the build tier greps the release output for `auth-dev` (issue 15.2).
 */
import { DevLoginResponse, PersonaList, type Persona, type PersonaKey } from '../../../../shared/schemas.ts'
import { toAppError } from '../errors.ts'
import { callFunction } from '../functions.ts'
import { saveSession, sessionFromLogin, type Session } from '../session.ts'

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
