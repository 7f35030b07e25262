/** Evidence checks and base64 (pure: no Taro, unit-tested). */
import { EVIDENCE_MAX_BYTES } from '../../../shared/staff.ts'

/** A problem with a file before it is sent, or null. */
export function evidenceProblem(name: string, size: number): string | null {
  if (!/\.(jpe?g|png|pdf)$/i.test(name)) return `“${name}”不是 JPG、PNG 或 PDF 文件`
  if (size > EVIDENCE_MAX_BYTES) return `“${name}”超过 5 MB`
  if (size === 0) return `“${name}”是空文件`
  return null
}

export function bytesToBase64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf)
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0
    const b = bytes[i + 1]
    const c = bytes[i + 2]
    out += chars[a >> 2]
    out += chars[((a & 3) << 4) | ((b ?? 0) >> 4)]
    out += b === undefined ? '=' : chars[((b & 15) << 2) | ((c ?? 0) >> 6)]
    out += c === undefined ? '=' : chars[c & 63]
  }
  return out
}

