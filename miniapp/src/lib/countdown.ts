/**
 * The 待评价 countdown (R5/R6): "还有 3 个工作日，逾期默认为基本满意". Counts the working days
 * left until a 办件's rating window closes, from the calendar rows of just that span (fetched
 * from the public calendar views, a few rows) — not shared/calendar/data.ts, whose 60 KB of
 * history would sit in the main package. `isWorkingDayIn` mirrors shared/calendar/rule.ts
 * `isWorkingDay`; countdown.test.ts proves them equal over the generated calendar.
 */
import { addDays, isoWeekday } from '../../../shared/calendar/days.ts'
import { shanghaiDate } from '../../../shared/calendar/shanghai.ts'

export interface SpanCalendar {
  /** Years of the span whose holiday schedule is announced; others are provisional (R6). */
  readonly announcedYears: ReadonlySet<number>
  /** Exceptions to the weekend rule in the span: day → is a workday. */
  readonly exceptions: ReadonlyMap<string, boolean>
  /** Statutory holidays of the span (used only in provisional years). */
  readonly statutory: ReadonlySet<string>
}

export function spanCalendar(rows: {
  exceptions: Iterable<{ day: string; is_workday: boolean }>
  announcedYears: Iterable<number>
  statutory: Iterable<string>
}): SpanCalendar {
  return {
    announcedYears: new Set(rows.announcedYears),
    exceptions: new Map([...rows.exceptions].map((r) => [r.day, r.is_workday] as const)),
    statutory: new Set(rows.statutory),
  }
}

export function isWorkingDayIn(day: string, cal: SpanCalendar): boolean {
  const exception = cal.exceptions.get(day)
  if (exception !== undefined) return exception
  if (isoWeekday(day) >= 6) return false
  return !(!cal.announcedYears.has(Number(day.slice(0, 4))) && cal.statutory.has(day))
}

/** The last day (Asia/Shanghai) on which a rating is still accepted: the day before rating_due_at. */
export function lastRatingDay(ratingDueAt: string): string {
  return addDays(shanghaiDate(ratingDueAt), -1)
}

/**
 * Working days on which the citizen can still rate: those of [today, lastDay] after the finish
 * day (day 0 never counts, R5). On the finish day that is 5; on the last day 1.
 */
export function workingDaysLeft(today: string, finishDay: string, lastDay: string, cal: SpanCalendar): number {
  const dayOne = addDays(finishDay, 1)
  let n = 0
  for (let day = today > dayOne ? today : dayOne; day <= lastDay; day = addDays(day, 1)) {
    if (isWorkingDayIn(day, cal)) n++
  }
  return n
}

const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日']

/** '2026-12-04' → '12月4日（周五）'. */
export function dayLabel(day: string): string {
  return `${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日（周${WEEKDAYS[isoWeekday(day) - 1] ?? ''}）`
}

/** Calendar days from `today` to `day` (both YYYY-MM-DD); negative once it has passed. */
export function daysUntil(today: string, day: string): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000)
}

/**
 * A last day as every deadline reads (issue 21.3/21.4): '12月11日（周五）前（还剩7天）', on the day
 * itself '…前（今天是最后一天）', after it '…前（已过期）'. A date and the days left, not 24:00 or working days.
 */
export function beforeDayText(today: string, day: string): string {
  const days = daysUntil(today, day)
  if (days < 0) return `${dayLabel(day)}前（已过期）`
  if (days === 0) return `${dayLabel(day)}前（今天是最后一天）`
  return `${dayLabel(day)}前（还剩${days}天）`
}

/** The card's one line about time: the last day with its weekday and the days left to it. */
export function deadlineText(today: string, lastDay: string): string {
  const days = Math.round((Date.parse(`${lastDay}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000)
  if (days <= 0) return '今天是最后一天可评'
  return `${dayLabel(lastDay)}前可评（还剩${days}天）`
}

export interface Countdown {
  /** The plain sentence shown on the card. */
  text: string
  /** 'YYYY-MM-DD', the last day a rating is accepted. */
  lastDay: string
  /** Working days left to rate (today included once after the finish day), or null without the calendar. */
  daysLeft: number | null
  /** The last day or the one before: shown with a "即将到期" badge (a word, not only a colour). */
  urgent: boolean
  /** The deadline lies in a year whose holidays are not announced yet. */
  provisional: boolean
}

export const DEFAULT_NOTE = '逾期默认为基本满意'

export function countdown(
  row: { finished_at: string; rating_due_at: string; due_is_provisional: boolean | null },
  now: Date,
  cal: SpanCalendar | null,
): Countdown {
  const today = shanghaiDate(now)
  const finishDay = shanghaiDate(row.finished_at)
  const lastDay = lastRatingDay(row.rating_due_at)
  const provisional = row.due_is_provisional === true
  if (cal === null) {
    return { text: `请在 ${dayLabel(lastDay)} 前评价，${DEFAULT_NOTE}`, lastDay, daysLeft: null, urgent: lastDay <= addDays(today, 1), provisional }
  }
  const daysLeft = workingDaysLeft(today, finishDay, lastDay, cal)
  const text = today === lastDay ? `今天是最后一天，${DEFAULT_NOTE}` : `还有 ${daysLeft} 个工作日，${DEFAULT_NOTE}`
  return { text, lastDay, daysLeft, urgent: daysLeft <= 1, provisional }
}

/** The span of calendar rows the countdowns of these rows need: [today, latest last day]. */
export function spanOf(rows: ReadonlyArray<{ rating_due_at: string }>, now: Date): { from: string; to: string } | null {
  if (rows.length === 0) return null
  const from = shanghaiDate(now)
  let to = from
  for (const r of rows) {
    const last = lastRatingDay(r.rating_due_at)
    if (last > to) to = last
  }
  return { from, to }
}
