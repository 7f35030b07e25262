/**
 * Pure helpers of the desk pages (issue 7): the months that may be published, an export's URL and file name, and evidence bytes. No Taro, no I/O.
 */
import { ExportQuery, exportFileName } from '../../../shared/export.ts'
import type { HandlerRow } from '../../../shared/desk.ts'
import { periodLabel } from './public-view.ts'

export interface MonthOption {
  period: string
  label: string
  /** The month has ended (Asia/Shanghai): publish_results accepts only these. */
  over: boolean
}

/** This month and the `count - 1` before it, newest first, `today` being YYYY-MM-DD in Asia/Shanghai. */
export function recentMonths(today: string, count = 12): MonthOption[] {
  let y = Number(today.slice(0, 4))
  let m = Number(today.slice(5, 7))
  const out: MonthOption[] = []
  for (let i = 0; i < count; i++) {
    const period = `${y}-${String(m).padStart(2, '0')}`
    out.push({ period, label: i === 0 ? `${periodLabel(period)}（本月，未结束）` : periodLabel(period), over: i > 0 })
    m -= 1
    if (m === 0) {
      m = 12
      y -= 1
    }
  }
  return out
}

export type ExportKind = 'ratings' | 'work_orders'
export type ExportFormat = 'csv' | 'xlsx'
export const EXPORT_KIND_LABELS: Record<ExportKind, string> = { ratings: '评价明细', work_orders: '差评工单' }

export interface ExportRequest {
  kind: ExportKind
  format: ExportFormat
  from: string
  to: string
  region: string | null
}

/** GET /functions/v1/export?… for the request (checked against the function's own schema). */
export function exportUrl(apiUrl: string, req: ExportRequest): string {
  const q: Record<string, string> = { kind: req.kind, format: req.format, from: req.from, to: req.to }
  if (req.region) q.region = req.region
  ExportQuery.parse(q)
  const query = Object.entries(q)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&')
  return `${apiUrl.replace(/\/+$/, '')}/functions/v1/export?${query}`
}

/** The file name: the answer's Content-Disposition when it names one, else the function's own rule. */
export function exportFileNameOf(req: ExportRequest, contentDisposition: string | null): string {
  const m = /filename="?([^";]+)"?/i.exec(contentDisposition ?? '')
  const named = m?.[1]?.trim()
  if (named && /^[\w.-]+$/.test(named)) return named
  return exportFileName({ kind: req.kind, format: req.format, from: req.from, to: req.to, region: req.region ?? undefined })
}

/** base64 (whole, no line breaks) → bytes. */
export function base64ToBytes(b64: string): Uint8Array {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  const clean = b64.replace(/[^A-Za-z0-9+/]/g, '')
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4))
  let n = 0
  for (let i = 0; i < clean.length; i += 4) {
    const a = chars.indexOf(clean[i] ?? 'A')
    const b = chars.indexOf(clean[i + 1] ?? 'A')
    const c = i + 2 < clean.length ? chars.indexOf(clean[i + 2]!) : -1
    const d = i + 3 < clean.length ? chars.indexOf(clean[i + 3]!) : -1
    out[n++] = (a << 2) | (b >> 4)
    if (c >= 0) out[n++] = ((b & 15) << 4) | (c >> 2)
    if (d >= 0) out[n++] = ((c & 3) << 6) | d
  }
  return out.slice(0, n)
}

export function isImage(mime: string): boolean {
  return mime === 'image/png' || mime === 'image/jpeg'
}

export function dataUrl(mime: string, b64: string): string {
  return `data:${mime};base64,${b64}`
}

/** The extension a saved copy gets (mini-programs pick the viewer by it). */
export function evidenceExtension(mime: string): 'png' | 'jpg' | 'pdf' {
  return mime === 'image/png' ? 'png' : mime === 'image/jpeg' ? 'jpg' : 'pdf'
}

/** 2048 → '2.0 KB'. */
export function byteSizeLabel(n: number): string {
  if (n < 1024) return `${n} 字节`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

export const HANDLER_ROLE_LABELS: Record<HandlerRow['role'], string> = { staff: '窗口工作人员', unit_admin: '单位管理员', supervisor: '监督员' }

/** The current 承办人 in words, from work_order_handlers rows. */
export function handlerLabel(rows: readonly HandlerRow[]): string {
  const h = rows.find((r) => r.is_handler)
  return h ? `承办人：${h.masked_name}（${HANDLER_ROLE_LABELS[h.role]}）` : '承办人：未指定（核实人将自动成为承办人）'
}
