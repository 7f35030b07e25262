/**
 * 扫码评价 entry: a window's QR code carries `w=<window id>` and optionally `&s=<staff id>`.
 * WeChat's 小程序码 hands it over URL-encoded in `scene`; Alipay and H5 (a plain link) as query
 * parameters; `Taro.scanCode` answers the code's path or URL. All end here.
 * Note: wxacode.getUnlimited allows a scene of 32 characters, and `w=<uuid>` has 38: printed
 * codes should use wxacode.get (a path up to 128 bytes) or a plain QR URL (`q`), both read here.
 */
import { DbId } from '../../../shared/schemas.ts'

export interface ScanTarget {
  windowId: string
  staffId: string | null
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/** `w=…&s=…` (possibly URL-encoded once or twice) → its pairs. */
function pairs(text: string): Map<string, string> {
  const out = new Map<string, string>()
  let s = text
  // A scene arrives encoded (w%3D…%26s%3D…); decode until it reads as pairs.
  for (let i = 0; i < 2 && !s.includes('=') ; i++) s = decode(s)
  for (const part of s.split('&')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    out.set(decode(part.slice(0, eq)).trim(), decode(part.slice(eq + 1)).trim())
  }
  return out
}

function fromPairs(p: Map<string, string>): ScanTarget | null {
  const w = p.get('w')
  if (w === undefined || !DbId.safeParse(w).success) return null
  const s = p.get('s')
  return { windowId: w.toLowerCase(), staffId: s !== undefined && DbId.safeParse(s).success ? s.toLowerCase() : null }
}

/**
 * The page's params: `scene` (小程序码 from wxacode.getUnlimited), `q` (a plain QR code's URL
 * mapped to the page, 扫普通链接二维码打开小程序), or `w` / `s` directly (wxacode.get paths, Alipay, H5).
 */
export function targetFromParams(params: Partial<Record<string, string | undefined>>): ScanTarget | null {
  if (typeof params.scene === 'string' && params.scene !== '') {
    const t = fromPairs(pairs(params.scene))
    if (t) return t
  }
  if (typeof params.q === 'string' && params.q !== '') {
    const t = targetFromScan({ result: decode(params.q) })
    if (t) return t
  }
  const direct = new Map<string, string>()
  if (typeof params.w === 'string') direct.set('w', decode(params.w))
  if (typeof params.s === 'string') direct.set('s', decode(params.s))
  return fromPairs(direct)
}

/** What `Taro.scanCode` read: a mini-program path (`pages/scan/index?scene=…`), a URL, or bare `w=…`. */
export function targetFromScan(result: { path?: string; result?: string }): ScanTarget | null {
  for (const raw of [result.path, result.result]) {
    if (typeof raw !== 'string' || raw === '') continue
    const query = raw.includes('?') ? raw.slice(raw.indexOf('?') + 1).split('#')[0] ?? '' : raw
    const p = pairs(query)
    const scene = p.get('scene')
    const t = (scene !== undefined ? fromPairs(pairs(scene)) : null) ?? fromPairs(p)
    if (t) return t
  }
  return null
}

/** The query string of the 扫码评价 page for a target. */
export function scanQuery(t: ScanTarget): string {
  return `w=${t.windowId}${t.staffId ? `&s=${t.staffId}` : ''}`
}
