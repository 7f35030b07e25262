/**
 * 实名认证 (R13): the app first asks our backend for a nonce (`realname_nonce`, settings-api.ts)
 * and passes it to the provincial identity platform (统一身份认证平台), which checks name, 身份证号
 * and phone (and the face) and hands back a signed ticket carrying that nonce; `realname-bind`
 * binds the verified identity (stored encrypted, shown masked) to this account only when the
 * nonce is the one this session asked for, so a ticket cannot be carried to another login. The platform's address is one seam:
 * `idpUrl` in the H5 runtime config (window.__HCP_CONFIG__), else the build's TARO_APP_IDP_URL;
 * without either the page explains that binding is unavailable here. Pure apart from the
 * injected fetch and the session calls in `bindRealname`.
 */
import { z } from 'zod'
import { RealnameBindResponse } from '../../../shared/identity.ts'
import { isValidIdNumber } from '../../../shared/identity.ts'
import { buildValue } from './build-env.ts'
import { getConfig } from './config.ts'
import { AppError, fromErrorResponse } from './errors.ts'
import { appFetch } from './platform.ts'
import { loadSession, saveSession, sessionFromPlatform, validToken, type Session } from './session.ts'

export interface RealnameInput {
  name: string
  idNumber: string
  phone: string
}

export type RealnameField = keyof RealnameInput

/** Pure: the first problem of each field, in plain Chinese (empty object: ready to send). */
export function realnameProblems(input: RealnameInput): Partial<Record<RealnameField, string>> {
  const problems: Partial<Record<RealnameField, string>> = {}
  const name = input.name.trim()
  if (name === '') problems.name = '请填写姓名'
  else if ([...name].length > 50) problems.name = '姓名不能超过 50 个字'
  const id = input.idNumber.trim()
  if (id === '') problems.idNumber = '请填写身份证号码'
  else if (!isValidIdNumber(id)) problems.idNumber = '身份证号码有误，请核对（18 位，最后一位可能是 X）'
  const phone = input.phone.trim()
  if (phone === '') problems.phone = '请填写手机号码'
  else if (!/^1\d{10}$/.test(phone)) problems.phone = '手机号码应为 11 位数字'
  return problems
}

/**
 * The separate consent before an ID number leaves the phone (issue 15.1; PIPL Art. 29: an ID
 * number is sensitive personal information and needs its own consent, with where it goes).
 * Unticked by default; the form sends nothing — no nonce, no request to the platform — until it
 * is ticked.
 */
export const REALNAME_CONSENT_TEXT =
  '我同意将上面填写的姓名、身份证号码和手机号码发送至云南省政务服务统一身份认证平台（省级统一身份认证平台），仅用于核验是否本人。身份证号码属于敏感个人信息，本小程序只保存加密后的核验结果。'
export const REALNAME_CONSENT_MISSING = '请先勾选同意将身份信息发送至省级统一身份认证平台'
export const IDENTITY_PLATFORM_NAME = '云南省政务服务统一身份认证平台'

/** Pure: the IdP address (http(s), no trailing slash), or null when not configured. */
export function resolveIdpUrl(injected: unknown, build: string | undefined): string | null {
  const fromInjected =
    typeof injected === 'object' && injected !== null && typeof (injected as { idpUrl?: unknown }).idpUrl === 'string'
      ? (injected as { idpUrl: string }).idpUrl
      : undefined
  for (const candidate of [fromInjected, build]) {
    const v = candidate?.trim() ?? ''
    if (/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(v)) return v.replace(/\/+$/, '')
  }
  return null
}

export function idpUrl(): string | null {
  const injected = process.env.TARO_ENV === 'h5' && typeof window !== 'undefined' ? window.__HCP_CONFIG__ : undefined
  return resolveIdpUrl(injected, buildValue(() => process.env.TARO_APP_IDP_URL))
}

const TicketAnswer = z.object({ ticket: z.string().min(20) })

/**
 * Asks the identity platform for a ticket bound to `nonce` (from realname_nonce). Its refusals
 * (4xx) carry its own message when it has one.
 */
export async function requestTicket(baseUrl: string, input: RealnameInput, nonce: string, doFetch: typeof fetch = appFetch): Promise<string> {
  let res: Response
  try {
    res = await doFetch(`${baseUrl}/api/v1/realname/verify`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: input.name.trim(), id_number: input.idNumber.trim().toUpperCase(), phone: input.phone.trim(), nonce }),
    })
  } catch (err) {
    throw new AppError('network_error', '无法连接统一身份认证平台，请检查网络后重试', String(err))
  }
  const text = await res.text()
  if (!res.ok) throw new AppError('invalid_input', '统一身份认证平台未通过核验，请核对姓名、身份证号码和手机号码', `${res.status} ${text.slice(0, 200)}`)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = null
  }
  const answer = TicketAnswer.safeParse(parsed)
  if (!answer.success) throw AppError.of('internal_error', 'idp answer without ticket')
  return answer.data.ticket
}

/** Pure: the session after a bind — the merged person's new session, or this one marked verified. */
export function sessionAfterBind(session: Session, res: RealnameBindResponse, nowMs: number): Session {
  if (res.session) return sessionFromPlatform(session.provider, res.session, nowMs)
  return {
    ...session,
    user: {
      ...session.user,
      realname_verified: res.user.realname_verified,
      label: session.user.key === null && res.user.masked_name.trim() !== '' ? res.user.masked_name : session.user.label,
    },
  }
}

/** POST /functions/v1/realname-bind { ticket } with the user's token; stores the resulting session. */
export async function bindRealname(ticket: string, doFetch: typeof fetch = appFetch): Promise<RealnameBindResponse> {
  const { apiUrl, anonKey } = getConfig()
  const token = await validToken()
  if (!token) throw new AppError('unauthorized', '请先登录')
  let res: Response
  try {
    res = await doFetch(`${apiUrl}/functions/v1/realname-bind`, {
      method: 'POST',
      headers: { apikey: anonKey, Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ticket }),
    })
  } catch (err) {
    throw AppError.of('network_error', err)
  }
  const text = await res.text()
  if (!res.ok) throw fromErrorResponse(res.status, text)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw AppError.of('internal_error', err)
  }
  const answer = RealnameBindResponse.safeParse(parsed)
  if (!answer.success) throw AppError.of('internal_error', answer.error.message)
  const session = loadSession()
  if (session) saveSession(sessionAfterBind(session, answer.data, Date.now()))
  return answer.data
}
