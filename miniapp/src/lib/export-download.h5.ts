/**
 * Export download on H5. The export function wants the user's bearer token, which a plain
 * <a href> cannot send: fetch with the Authorization header, then save the blob through an object
 * URL and an <a download>. A refusal arrives as AppError with the function's Chinese message.
 */
import { getConfig } from './config.ts'
import { exportFileNameOf, exportUrl, type ExportRequest } from './desk-view.ts'
import { AppError, fromErrorResponse } from './errors.ts'
import { validToken } from './session.ts'

export async function downloadExport(req: ExportRequest): Promise<{ fileName: string }> {
  const { apiUrl, anonKey } = getConfig()
  const token = await validToken()
  if (!token) throw AppError.of('unauthorized')
  let res: Response
  try {
    res = await fetch(exportUrl(apiUrl, req), { headers: { apikey: anonKey, Authorization: `Bearer ${token}` } })
  } catch (err) {
    throw AppError.of('network_error', err)
  }
  if (!res.ok) throw fromErrorResponse(res.status, await res.text())
  const fileName = exportFileNameOf(req, res.headers.get('content-disposition'))
  const href = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = href
  a.download = fileName
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  // Give the browser time to start the download before the URL goes.
  setTimeout(() => URL.revokeObjectURL(href), 60_000)
  return { fileName }
}
