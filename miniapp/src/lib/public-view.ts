/** 评价结果公开 (R15): periods, regions and how rates read. Pure. */
import { shanghaiDate } from '../../../shared/calendar/shanghai.ts'
import { CITY_CODE, REGIONS } from '../../../shared/regions.ts'

/** 'YYYY-MM' of this month and the `count - 1` before it, newest first (Asia/Shanghai). */
export function recentPeriods(now: Date, count = 6): string[] {
  const today = shanghaiDate(now)
  let y = Number(today.slice(0, 4))
  let m = Number(today.slice(5, 7))
  const out: string[] = []
  for (let i = 0; i < count; i++) {
    out.push(`${y}-${String(m).padStart(2, '0')}`)
    m -= 1
    if (m === 0) {
      m = 12
      y -= 1
    }
  }
  return out
}

export function periodLabel(period: string): string {
  return `${Number(period.slice(0, 4))}年${Number(period.slice(5, 7))}月`
}

/** 0.9524 → '95.2%'; null (nothing rated) → '—（暂无评价）'. */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '暂无评价'
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`
}

export const PUBLIC_REGIONS = REGIONS.map((r) => ({ code: r.code, name: r.code === CITY_CODE ? '全市' : r.name }))

/** What the 公开 page says of a month's standing: published (when, with the note), over, or live. */
export function publicationLine(
  period: string,
  published: ReadonlyArray<{ period: string; published_at: string; note: string | null }>,
  now: Date,
): string {
  const row = published.find((p) => p.period === period)
  if (row) {
    const day = shanghaiDate(new Date(row.published_at))
    const when = `${Number(day.slice(0, 4))}年${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`
    return `${periodLabel(period)}结果已于${when}正式公布${row.note ? `：${row.note}` : ''}`
  }
  const current = shanghaiDate(now).slice(0, 7)
  return period >= current
    ? `${periodLabel(period)}尚未结束，以下为实时统计`
    : `${periodLabel(period)}结果尚未正式公布，以下为实时统计`
}
