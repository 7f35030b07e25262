/**
 * 待评价: the pending 办件 with their countdowns. The calendar rows of the span are read in the
 * same round trip; if they cannot be read, each card still shows its last day.
 */
import { calendarRange, myPendingRatings } from './api.ts'
import { shanghaiDate } from '../../../shared/calendar/shanghai.ts'
import { instantLabel } from './format.ts'
import { countdown, deadlineText, spanCalendar, spanOf, type Countdown, type SpanCalendar } from './countdown.ts'
import type { PendingRow } from './rows.ts'

export { instantLabel }

export interface PendingItem {
  row: PendingRow
  countdown: Countdown
  /** '12月11日（周五）前可评（还剩5天）', or 今天是最后一天 (issue 21.5: a date, not 24:00 or working days). */
  deadlineText: string
  finishedLabel: string
}


export function pendingItems(rows: readonly PendingRow[], now: Date, cal: SpanCalendar | null): PendingItem[] {
  return rows.map((row) => {
    const c = countdown(row, now, cal)
    return { row, countdown: c, deadlineText: deadlineText(shanghaiDate(now), c.lastDay), finishedLabel: instantLabel(row.finished_at) }
  })
}

let cache: PendingRow[] = []

/** The rows of the last load (the 评价 page finds its 办件 here before asking again). */
export function cachedPending(): readonly PendingRow[] {
  return cache
}

export async function loadPending(now = new Date()): Promise<{ items: PendingItem[]; calendarMissing: boolean }> {
  const rows = await myPendingRatings()
  cache = rows
  const span = spanOf(rows, now)
  let cal: SpanCalendar | null = null
  if (span) {
    try {
      cal = spanCalendar(await calendarRange(span.from, span.to))
    } catch (err) {
      console.warn('[hcp] calendar', err)
    }
  }
  return { items: pendingItems(rows, now, cal), calendarMissing: span !== null && cal === null }
}
