/**
 * What a release build has instead of dev-login.ts (config/index.ts swaps the module): no demo
 * accounts, and no way to call auth-dev. Same exports, so the callers compile unchanged.
 */
import type { Persona, PersonaKey } from '../../../../shared/schemas.ts'
import { AppError } from '../errors.ts'
import type { Session } from '../session.ts'

export function devPersonas(): Promise<Persona[] | null> {
  return Promise.resolve(null)
}

export function loginAsPersona(_persona: PersonaKey): Promise<Session> {
  return Promise.reject(AppError.of('login_failed', 'no demo accounts in a release build'))
}
