/**
 * What a window's printed QR code carries, and its image. Pure: no Taro, no I/O.
 *
 * `window_qr_codes` answers, per window, the mini-program page and scene (`pages/scan/index`,
 * `w=<window id>`) and the same page's H5 path (`/pages/scan/index?w=<window id>`). Printed from
 * the H5 desk, a code carries the H5 app's URL (`<origin>/#/pages/scan/index?w=…`): any phone
 * camera opens it, and WeChat / Alipay open the mini-program instead once the URL prefix is
 * registered as a 普通链接二维码 rule (the page then gets it as `q`, see scene.ts). Printed from a
 * mini-program (no H5 origin known), it carries the mini-program path, which 扫一扫 inside the
 * app reads (scene.ts targetFromScan).
 */
import qrcode from 'qrcode-generator'
import type { WindowQrRow } from '../../../shared/admin-org.ts'

/** Medium error correction (15 %): a printed sticker survives some wear; the code stays small. */
export const QR_ECC = 'M' as const
/** Pixels per module, and the quiet zone in modules (at least 4; the library takes it in pixels). */
export const QR_CELL = 8
export const QR_MARGIN = 4

/** Under each code: what to do with it. */
export const QR_INSTRUCTION = '微信/支付宝扫码，评价本窗口服务'

/**
 * The H5 app's base URL from where the desk runs: origin and path without `index.html` or a
 * trailing slash (`http://host:10086/` → `http://host:10086`).
 */
export function h5BaseFrom(location: { origin: string; pathname: string }): string {
  const path = location.pathname.replace(/\/index\.html$/, '/').replace(/\/+$/, '')
  return `${location.origin}${path}`
}

/**
 * The base the printed codes carry: the configured public address of the H5 app
 * (TARO_APP_QR_BASE_URL: what citizens' phones can reach, and what the WeChat/Alipay 普通链接二维码
 * rule is registered for) wins; else, on the H5 desk, the desk's own address; else (a
 * mini-program without the setting) none, and the codes carry the mini-program path.
 */
export function qrBase(configured: string | undefined, location: { origin: string; pathname: string } | null): string | null {
  const url = configured?.trim().replace(/\/+$/, '')
  if (url && /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(url)) return url
  return location ? h5BaseFrom(location) : null
}

/** The text a window's code carries: the H5 URL when the H5 base is known, else the mini-program path. */
export function windowQrUrl(row: Pick<WindowQrRow, 'page' | 'scene' | 'h5_path'>, h5Base: string | null): string {
  if (h5Base !== null && h5Base !== '') return `${h5Base}/#${row.h5_path}`
  return `${row.page}?${row.scene}`
}

/** The part of qrcode-generator used here (a test may hand in a recording stand-in). */
export type QrFactory = (typeNumber: 0, ecc: typeof QR_ECC) => {
  addData(data: string, mode?: 'Byte'): void
  make(): void
  getModuleCount(): number
  isDark(row: number, col: number): boolean
  /** `margin` in pixels. */
  createDataURL(cellSize?: number, margin?: number): string
}

export interface QrImage {
  /** Exactly what the code encodes. */
  text: string
  /** Modules per side (21 for version 1, +4 per version). */
  moduleCount: number
  /** Side of the image in pixels. */
  size: number
  /** A GIF (pure JS encoder: works in WeChat, Alipay and H5 alike). */
  dataUrl: string
  /** The module matrix, row by row (true = dark). */
  matrix: boolean[][]
}

/** Builds the QR code of `text` (smallest version that fits, byte mode) and its image. */
export function qrImage(text: string, make: QrFactory = qrcode as unknown as QrFactory): QrImage {
  const qr = make(0, QR_ECC)
  qr.addData(text, 'Byte')
  qr.make()
  const n = qr.getModuleCount()
  const matrix: boolean[][] = []
  for (let r = 0; r < n; r++) {
    const row: boolean[] = []
    for (let c = 0; c < n; c++) row.push(qr.isDark(r, c))
    matrix.push(row)
  }
  return { text, moduleCount: n, size: (n + 2 * QR_MARGIN) * QR_CELL, dataUrl: qr.createDataURL(QR_CELL, QR_MARGIN * QR_CELL), matrix }
}

export interface QrCard {
  windowId: string
  windowName: string
  unitName: string
  hallName: string
  image: QrImage
}

/** One card per window of the sheet, in the order the windows are numbered (2号 before 10号). */
export function qrCards(rows: readonly WindowQrRow[], h5Base: string | null, make?: QrFactory): QrCard[] {
  return [...rows]
    .sort((a, b) => naturalCompare(a.window_name, b.window_name))
    .map((r) => ({
      windowId: r.window_id,
      windowName: r.window_name,
      unitName: r.unit_name,
      hallName: r.hall_name,
      image: qrImage(windowQrUrl(r, h5Base), make),
    }))
}

/** Names compared with their digit runs as numbers ("2号窗口" < "10号窗口"), the rest by code point. */
export function naturalCompare(a: string, b: string): number {
  const parts = (s: string) => s.match(/\d+|\D+/g) ?? []
  const pa = parts(a)
  const pb = parts(b)
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!
    const y = pb[i]!
    if (x === y) continue
    const dx = /^\d/.test(x)
    const dy = /^\d/.test(y)
    if (dx && dy && Number(x) !== Number(y)) return Number(x) - Number(y)
    return x < y ? -1 : 1
  }
  return pa.length - pb.length
}

/** Cards per printed A4 page (2 columns × 3 rows). */
export const CARDS_PER_PAGE = 6

/** The cards split into printed pages. */
export function pages<T>(cards: readonly T[], perPage = CARDS_PER_PAGE): T[][] {
  const out: T[][] = []
  for (let i = 0; i < cards.length; i += perPage) out.push(cards.slice(i, i + perPage))
  return out
}
