/**
 * What the 工作台 and the 监督台 show, decided from rows (pure; no Taro, no I/O). The database
 * decides every action; this only decides what to offer, so that a button never promises what
 * the state machine (supabase/schemas/06_work_orders_appeals.sql) refuses.
 */
import { addDays } from '../../../shared/calendar/days.ts'
import { loopRates, metricRates, MIN_SAMPLE, rankWithTies, rateWithCount } from '../../../shared/metrics.ts'
import type { UnitWorkOrderRow } from '../../../shared/staff.ts'
import { STATS_RATE_LABELS, type StatsRate, type StatsRow } from '../../../shared/supervise.ts'
import { WORK_ORDER_STATUS_LABELS, type WorkOrderEvent, type WorkOrderStatus, type WorkOrderTimelineRow } from '../../../shared/work-orders.ts'
import { isWorkingDayIn, type SpanCalendar } from './countdown.ts'
import { timelineItems, type TimelineItem } from './work-order-view.ts'

export type StaffAction = 'verify' | 'appeal' | 'extend' | 'rectify' | 'reply' | 'return_visit'

export const ACTION_LABELS: Record<StaffAction, string> = {
  verify: '核实（确认差评属实）',
  appeal: '申诉',
  extend: '申请延期',
  rectify: '填报整改',
  reply: '答复评价人',
  return_visit: '登记回访',
}

/** The actions the state machine allows from each state (work_order_transitions + record_return_visit). */
export function actionsFor(row: Pick<UnitWorkOrderRow, 'status' | 'is_realname' | 'appeal_status'>): StaffAction[] {
  switch (row.status) {
    case 'pending_verification':
      return row.appeal_status === null ? ['verify', 'appeal'] : ['verify']
    case 'rectifying':
    case 'overdue':
    case 'reopened':
      return ['rectify', 'extend']
    case 'rectified':
      return ['reply']
    case 'replied':
      return row.is_realname ? ['return_visit'] : []
    default:
      return []
  }
}

/** The due date that matters now: 核实 before verification, 整改 after. */
export function dueOf(row: Pick<UnitWorkOrderRow, 'status' | 'verify_due_on' | 'rectify_due_on'>): { kind: '核实' | '整改'; day: string } | null {
  if (row.status === 'pending_verification' && row.verify_due_on) return { kind: '核实', day: row.verify_due_on }
  if (['rectifying', 'overdue', 'reopened'].includes(row.status) && row.rectify_due_on) return { kind: '整改', day: row.rectify_due_on }
  return null
}

/** Open states: the unit still has something to do. */
export const OPEN_STATUSES: readonly WorkOrderStatus[] = ['pending_verification', 'appealing', 'rectifying', 'overdue', 'reopened', 'rectified', 'replied']

/**
 * Working days left until `due` counting today if it is one (due today → 1), or, when `due` has
 * passed, minus the working days overdue (the day after `due` … today).
 */
export function workingDaysUntil(today: string, due: string, cal: SpanCalendar): number {
  if (due >= today) {
    let n = 0
    for (let d = today; d <= due; d = addDays(d, 1)) if (isWorkingDayIn(d, cal)) n++
    return n
  }
  let n = 0
  for (let d = addDays(due, 1); d <= today; d = addDays(d, 1)) if (isWorkingDayIn(d, cal)) n++
  return -n
}

export function dueText(kind: string, daysLeft: number): string {
  if (daysLeft < 0) return `${kind}已超期 ${-daysLeft} 个工作日`
  if (daysLeft === 0) return `${kind}期限已到`
  if (daysLeft === 1) return `${kind}今天到期`
  return `${kind}还剩 ${daysLeft} 个工作日`
}

export function isOverdue(row: Pick<UnitWorkOrderRow, 'status' | 'escalated' | 'verify_due_on' | 'rectify_due_on'>, today: string): boolean {
  if (row.status === 'overdue') return true
  const due = dueOf(row)
  return due !== null && due.day < today
}

/** How urgent an order is on the 工作台 (issue 21.2): 已超期 first, then due today or tomorrow, then the rest. */
export type Urgency = 'overdue' | 'soon' | 'later' | 'none'

export function urgencyOf(row: Pick<UnitWorkOrderRow, 'status' | 'escalated' | 'verify_due_on' | 'rectify_due_on'>, today: string): Urgency {
  if (isOverdue(row, today)) return 'overdue'
  const due = dueOf(row)
  if (!due) return 'none'
  return due.day <= addDays(today, 1) ? 'soon' : 'later'
}

/** The 工作台's order: 已超期, 今明到期, then by due date (earliest first); orders without a due date last. */
export function byUrgency<T extends Pick<UnitWorkOrderRow, 'status' | 'escalated' | 'verify_due_on' | 'rectify_due_on'>>(rows: readonly T[], today: string): T[] {
  const rank: Record<Urgency, number> = { overdue: 0, soon: 1, later: 2, none: 3 }
  return [...rows].sort((a, b) => {
    const d = rank[urgencyOf(a, today)] - rank[urgencyOf(b, today)]
    if (d !== 0) return d
    return (dueOf(a)?.day ?? '9999').localeCompare(dueOf(b)?.day ?? '9999')
  })
}

export interface StatusCount {
  status: WorkOrderStatus
  label: string
  count: number
}

/** Counts of the open states (in the order the work flows), then the finished ones that occur. */
export function countsByStatus(rows: readonly Pick<UnitWorkOrderRow, 'status'>[]): StatusCount[] {
  const counts = new Map<WorkOrderStatus, number>()
  for (const r of rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1)
  const order: WorkOrderStatus[] = [...OPEN_STATUSES, 'closed', 'dismissed', 'rerouted']
  return order
    .filter((s) => OPEN_STATUSES.includes(s) || (counts.get(s) ?? 0) > 0)
    .map((s) => ({ status: s, label: WORK_ORDER_STATUS_LABELS[s], count: counts.get(s) ?? 0 }))
}

/** '0.9235' → '92.4%'; null (no denominator) → '—'. */
export function percent(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return '—'
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`
}

/** The totals of a set of stats() rows (any grouping covers every rating once), by SPEC §3's formulas (shared/metrics.ts). */
export function totalsOf(rows: readonly StatsRow[]): Record<StatsRate, number | null> & { rating_count: number; bad_count: number } {
  const sum = (k: keyof StatsRow) => rows.reduce((a, r) => a + (Number(r[k]) || 0), 0)
  const m = metricRates({
    ratingCount: sum('rating_count'),
    goodCount: sum('good_count'),
    neutralCount: sum('neutral_count'),
    badCount: sum('bad_count'),
    activeCount: sum('active_count'),
    finishedCount: sum('finished_count'),
  })
  const l = loopRates({
    substantiatedCount: sum('substantiated_count'),
    rectifiedCount: sum('rectified_count'),
    dueCount: sum('due_count'),
    onTimeCount: sum('on_time_count'),
    realnameSubstantiatedCount: sum('realname_substantiated_count'),
    realnameRevisitedCount: sum('realname_revisited_count'),
  })
  return {
    rating_count: sum('rating_count'),
    bad_count: sum('bad_count'),
    satisfaction_rate: m.satisfactionRate,
    good_rate: m.goodRate,
    bad_rate: m.badRate,
    active_rate: m.activeRate,
    rectify_rate: l.rectifyRate,
    on_time_rate: l.onTimeRate,
    realname_revisit_rate: l.realnameRevisitRate,
  }
}

/** The counts a rate divides (SPEC §3), so that every rate is shown with its n beside it. */
export type RateCounts = Pick<
  StatsRow,
  'rating_count' | 'good_count' | 'neutral_count' | 'bad_count' | 'finished_count' | 'active_count' | 'substantiated_count' | 'rectified_count'
  | 'due_count' | 'on_time_count' | 'realname_substantiated_count' | 'realname_revisited_count'
>

const COUNT_KEYS = [
  'rating_count', 'good_count', 'neutral_count', 'bad_count', 'finished_count', 'active_count', 'substantiated_count', 'rectified_count',
  'due_count', 'on_time_count', 'realname_substantiated_count', 'realname_revisited_count',
] as const

/** The numerator and denominator of one rate of a row. */
export function rateParts(r: RateCounts, rate: StatsRate): { part: number; whole: number } {
  const n = (k: keyof RateCounts) => Number(r[k]) || 0
  switch (rate) {
    case 'satisfaction_rate': return { part: n('good_count') + n('neutral_count'), whole: n('rating_count') }
    case 'good_rate': return { part: n('good_count'), whole: n('rating_count') }
    case 'bad_rate': return { part: n('bad_count'), whole: n('rating_count') }
    case 'active_rate': return { part: n('active_count'), whole: n('finished_count') }
    case 'rectify_rate': return { part: n('rectified_count'), whole: n('substantiated_count') }
    case 'on_time_rate': return { part: n('on_time_count'), whole: n('due_count') }
    case 'realname_revisit_rate': return { part: n('realname_revisited_count'), whole: n('realname_substantiated_count') }
  }
}

/** A rate as every desk screen shows it: '80.0%（4/5）', or 样本不足（4/5） below MIN_SAMPLE (issue 21.1). */
export function rateText(r: RateCounts, rate: StatsRate): string {
  const { part, whole } = rateParts(r, rate)
  return rateWithCount(part, whole)
}

/** The summed counts of a set of stats() rows (any grouping covers every rating and 办件 once). */
export function countsOf(rows: readonly RateCounts[]): RateCounts {
  const out = {} as Record<(typeof COUNT_KEYS)[number], number>
  for (const k of COUNT_KEYS) out[k] = rows.reduce((a, r) => a + (Number(r[k]) || 0), 0)
  return out as RateCounts
}

export interface RankedRow {
  key: string
  name: string
  value: number | null
  /** The rate with its count: '90.0%（18/20）'. */
  text: string
  /** The rate's numerator and denominator (n). */
  part: number
  whole: number
  place: number
  tied: boolean
}

/**
 * A ranking by one rate (issues 21.1, 16.2), ordered by the Wilson lower bound of the rate
 * (shared/metrics.ts rankingBound), so that 2 good ratings of 2 never top 95 of 100: best first
 * (差评率: the confidently lowest first); a rate from fewer than MIN_SAMPLE in its denominator is
 * 样本不足 and kept out (listed apart); equal bounds share a place, 并列. `weakest` is the same rows
 * weakest first by the lower bound of the bad direction (the 最弱 chart): the confidently worst on
 * top, never a handful that happened to be bad.
 */
export function rankingOf(rows: readonly StatsRow[], rate: StatsRate, nameOf: (r: StatsRow) => string): { ranked: RankedRow[]; unranked: RankedRow[]; weakest: RankedRow[] } {
  const opts = { lowIsGood: rate === 'bad_rate', minSample: MIN_SAMPLE }
  const counts = (r: StatsRow) => rateParts(r, rate)
  const { ranked, unranked } = rankWithTies(rows, counts, opts)
  const weakest = rankWithTies(rows, counts, { ...opts, worstFirst: true }).ranked
  const item = (r: StatsRow, place: number, tied: boolean): RankedRow => ({
    key: r.group_key ?? '', name: nameOf(r), value: r[rate] === null ? null : Number(r[rate]), text: rateText(r, rate), ...counts(r), place, tied,
  })
  return {
    ranked: ranked.map((x) => item(x.item, x.place, x.tied)),
    unranked: unranked.map((r) => item(r, 0, false)),
    weakest: weakest.map((x) => item(x.item, x.place, x.tied)),
  }
}

export function rateLabel(rate: StatsRate): string {
  return STATS_RATE_LABELS[rate]
}

/** The first and last day of a month ('2026-11' → ['2026-11-01', '2026-11-30']). */
export function monthRange(month: string): [string, string] {
  const y = Number(month.slice(0, 4))
  const m = Number(month.slice(5, 7))
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return [`${month}-01`, `${month}-${String(last).padStart(2, '0')}`]
}

/** Today's period presets for ratings and the dashboard. */
export function periodPresets(today: string): Array<{ key: string; label: string; from: string; to: string }> {
  const month = today.slice(0, 7)
  const [thisFrom] = monthRange(month)
  const prev = addDays(thisFrom, -1).slice(0, 7)
  const [prevFrom, prevTo] = monthRange(prev)
  return [
    { key: 'month', label: '本月', from: thisFrom, to: today },
    { key: 'prev', label: '上月', from: prevFrom, to: prevTo },
    { key: 'd30', label: '近30天', from: addDays(today, -29), to: today },
    { key: 'year', label: '今年', from: `${today.slice(0, 4)}-01-01`, to: today },
    { key: 'y1', label: '近12个月', from: monthRange(addMonths(month, -11))[0], to: today },
  ]
}

/** '2026-01' + -2 → '2025-11'. */
export function addMonths(month: string, k: number): string {
  const n = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + k
  return `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`
}

/** A long ranking as a supervisor reads it: the first 10 and the last 5 (末位), or all when short. */
export function rankingView<T>(ranked: readonly T[]): { head: T[]; tail: T[]; tailStart: number } {
  if (ranked.length <= 15) return { head: [...ranked], tail: [], tailStart: ranked.length }
  return { head: ranked.slice(0, 10), tail: ranked.slice(-5), tailStart: ranked.length - 5 }
}

/** Text limits the server checks; the form says so before sending. */
export function lengthProblem(label: string, text: string, min: number, max: number): string | null {
  const n = text.trim().length
  if (n < min) return `${label}至少 ${min} 个字`
  if (n > max) return `${label}不能超过 ${max} 个字`
  return null
}

/** Timeline events as the unit reads them (the rater's wording in work-order-view.ts says 您). */
const STAFF_EVENT_LABELS: Partial<Record<WorkOrderEvent, string>> = {
  opened: '差评转入本单位',
  verified: '已核实，开始整改',
  appealed: '本单位提出申诉',
  rated_fix: '评价人评价了整改结果',
  rereview_requested: '评价人申请复核',
  return_visit: '已回访评价人',
  replied: '已答复评价人',
}

export function staffTimeline(rows: readonly WorkOrderTimelineRow[]): TimelineItem[] {
  return timelineItems(rows).map((item, i) => {
    const event = rows[i]?.event
    return event && STAFF_EVENT_LABELS[event] ? { ...item, label: STAFF_EVENT_LABELS[event] } : item
  })
}
