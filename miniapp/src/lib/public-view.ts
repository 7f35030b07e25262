/** 评价结果公开 (R15): periods, regions and how rates read. Pure. */
import { shanghaiDate } from '../../../shared/calendar/shanghai.ts'
import { MIN_SAMPLE, rankWithTies, rate, rateWithCount } from '../../../shared/metrics.ts'
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

/** The counts of a 公开 row the rates divide. */
export interface PublicCounts {
  rating_count: number
  default_count: number
  good_count: number
  bad_count: number
  finished_count: number
  active_count: number
  substantiated_count?: number
  rectified_count?: number
}

/**
 * A unit's figures as the 公开 page prints them (issue 21.1): every rate with its count, 含默认 and
 * 仅主动 side by side (defaults are always 基本满意, R5), 样本不足 below MIN_SAMPLE ratings.
 */
export function publicFigures(r: PublicCounts) {
  const n = (v: number | undefined) => Number(v ?? 0)
  const all = n(r.rating_count)
  const defaults = n(r.default_count)
  const good = n(r.good_count)
  const bad = n(r.bad_count)
  const neutral = all - good - bad
  return {
    satisfactionAll: rateWithCount(good + neutral, all),
    satisfactionActive: rateWithCount(good + neutral - defaults, all - defaults),
    goodAll: rateWithCount(good, all),
    goodActive: rateWithCount(good, all - defaults),
    active: rateWithCount(n(r.active_count), n(r.finished_count)),
    rectify: n(r.substantiated_count) > 0 ? rateWithCount(n(r.rectified_count), n(r.substantiated_count)) : null,
    /** 满意率 (含默认) as a fraction, for ranking. */
    satisfaction: rate(good + neutral, all),
    enough: all >= MIN_SAMPLE,
  }
}

/**
 * Units ranked by 满意率 (含默认), ordered by its Wilson lower bound (issue 16.2: a unit with a
 * handful of ratings does not top the list), equal bounds marked 并列, fewer than MIN_SAMPLE ratings
 * unranked. The page prints the rate with its count beside the place.
 */
export function publicRanking<T extends PublicCounts & { unit_id: string }>(rows: readonly T[]): Map<string, { place: number; tied: boolean }> {
  const n = (v: number | undefined) => Number(v ?? 0)
  const { ranked } = rankWithTies(rows, (r) => ({ part: n(r.rating_count) - n(r.bad_count), whole: n(r.rating_count) }))
  return new Map(ranked.map((x) => [x.item.unit_id, { place: x.place, tied: x.tied }]))
}
