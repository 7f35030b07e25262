/**
 * Login without friction (issue 15.5): on launch, after the privacy guide is agreed to, a
 * WeChat or Alipay user is logged in silently (wx.login / my.getAuthCode with auth_base, which
 * shows no prompt) and a refused refresh logs them in again the same way. A failure is quiet:
 * the login panel stays, with its one-tap button.
 */
import { ensurePrivacyConsent } from '../privacy-consent.ts'
import { loadSession, setSilentRelogin, type Session } from '../session.ts'
import { loginWithPlatform, platformLogin } from './login.ts'

export async function startSilentLogin(): Promise<Session | null> {
  if (platformLogin.provider === null) return null
  // Asked first: the pop-up opens at the first launch, and nothing is sent before the answer.
  if (!(await ensurePrivacyConsent())) return null
  setSilentRelogin(() => loginWithPlatform())
  const current = loadSession()
  if (current) return current
  try {
    return await loginWithPlatform()
  } catch {
    return null
  }
}
