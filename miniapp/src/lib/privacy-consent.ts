/**
 * Consent to the privacy guide (用户隐私保护指引, issue 15.1), the same on every platform:
 *
 * - WeChat and Alipay hold a privacy API (chooseImage, setClipboardData, …) pending and fire
 *   `onNeedPrivacyAuthorization(resolve)` until the user agrees through a button with
 *   `open-type="agreePrivacyAuthorization"`; the listener registered at launch
 *   (`watchPlatformPrivacy`) opens our pop-up (components/PrivacyConsent.tsx), whose agree
 *   button is that button, and resolves the pending call with the user's answer.
 * - Before our own collection steps (silent login at launch, 实名认证, a contact left with a
 *   suggestion) the app asks `ensurePrivacyConsent()`, which opens the same pop-up unless this
 *   version of the guide was agreed to already (kept in storage, `PRIVACY_CONSENT_KEY`).
 *
 * Saying no is allowed: the app still works without login for the public pages, and asks again
 * the next time something needs the consent. The guide's text is `miniapp/PRIVACY-GUIDE.md`.
 */
import Taro from '@tarojs/taro'

export const PRIVACY_CONSENT_KEY = 'hcp.privacy'
/** Bump when the guide changes what is collected: everyone is asked again. */
export const PRIVACY_GUIDE_VERSION = '2026-12-1'
/** The id of the agree button, which the platforms' resolve({ event: 'agree', buttonId }) names. */
export const AGREE_BUTTON_ID = 'hcp-privacy-agree'

type Decision = (agreed: boolean) => void

let pending: Decision[] = []
const listeners = new Set<(open: boolean) => void>()

function publish(): void {
  for (const l of [...listeners]) l(pending.length > 0)
}

/** The pop-up listens: true while a decision is awaited. */
export function onPrivacyRequest(listener: (open: boolean) => void): () => void {
  listeners.add(listener)
  listener(pending.length > 0)
  return () => listeners.delete(listener)
}

export function hasPrivacyConsent(): boolean {
  try {
    const stored = Taro.getStorageSync(PRIVACY_CONSENT_KEY) as unknown
    return typeof stored === 'object' && stored !== null && (stored as { version?: unknown }).version === PRIVACY_GUIDE_VERSION
  } catch {
    return false
  }
}

/** Resolves true once the guide is agreed to (at once when it was), false when the user declines. */
export function ensurePrivacyConsent(): Promise<boolean> {
  if (hasPrivacyConsent()) return Promise.resolve(true)
  return new Promise((resolve) => {
    pending.push(resolve)
    publish()
  })
}

/** The pop-up's answer: stored when agreed, and every waiting caller hears it. */
export function decidePrivacy(agreed: boolean): void {
  if (agreed) Taro.setStorageSync(PRIVACY_CONSENT_KEY, { version: PRIVACY_GUIDE_VERSION, agreed_at: Date.now() })
  const waiting = pending
  pending = []
  for (const d of waiting) d(agreed)
  publish()
}

interface PrivacyPlatformApi {
  onNeedPrivacyAuthorization?: (listener: (resolve: (answer: { event: 'agree' | 'disagree'; buttonId?: string }) => void) => void) => void
  openPrivacyContract?: (options: { success?: () => void; fail?: () => void }) => void
}

declare const wx: PrivacyPlatformApi | undefined
declare const my: PrivacyPlatformApi | undefined

function platformApi(): PrivacyPlatformApi | undefined {
  if (process.env.TARO_ENV === 'weapp') return typeof wx === 'undefined' ? undefined : wx
  if (process.env.TARO_ENV === 'alipay') return typeof my === 'undefined' ? undefined : my
  return undefined
}

/** At launch: the platform's own privacy check opens our pop-up and hears its answer. */
export function watchPlatformPrivacy(): void {
  const api = platformApi()
  api?.onNeedPrivacyAuthorization?.((resolve) => {
    pending.push((agreed) => resolve(agreed ? { event: 'agree', buttonId: AGREE_BUTTON_ID } : { event: 'disagree' }))
    publish()
  })
}

/** Opens the guide as registered in the platform's console; false where there is none (H5). */
export function openPlatformContract(): boolean {
  const api = platformApi()
  if (!api?.openPrivacyContract) return false
  api.openPrivacyContract({})
  return true
}
