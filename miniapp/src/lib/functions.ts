/**
 * Edge functions under /functions/v1/<name> (auth-dev, auth-wechat, auth-alipay, auth-refresh).
 * Called before there is a user token, so they carry only the anon key. No session import here:
 * session.ts uses this module to refresh its token.
 */
import { getConfig } from './config.ts'
import { AppError, fromErrorResponse } from './errors.ts'
import { appFetch } from './platform.ts'

export async function callFunction(name: string, init: { method: 'GET' } | { method: 'POST'; body: unknown }): Promise<unknown> {
  const { apiUrl, anonKey } = getConfig()
  const headers: Record<string, string> = {
    apikey: anonKey,
    Authorization: `Bearer ${anonKey}`,
  }
  let body: string | undefined
  if (init.method === 'POST') {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(init.body)
  }
  return functionAnswer(() => appFetch(`${apiUrl}/functions/v1/${name}`, { method: init.method, headers, body }))
}

/**
 * What a function answered: its JSON, or the AppError that a refusal (our `{ code, message }`
 * body), a network failure or a body that is not JSON stands for. `send` makes the request.
 */
export async function functionAnswer(send: () => Promise<Response>): Promise<unknown> {
  let res: Response
  try {
    res = await send()
  } catch (err) {
    throw AppError.of('network_error', err)
  }
  const text = await res.text()
  if (!res.ok) throw fromErrorResponse(res.status, text)
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw AppError.of('internal_error', err)
  }
}
