/** Loading for the 工作台 pages: orders plus just the calendar rows their due dates need. */
import { addDays } from '../../../shared/calendar/days.ts'
import { shanghaiDate } from '../../../shared/calendar/shanghai.ts'
import type { UnitWorkOrderRow } from '../../../shared/staff.ts'
import { calendarRange } from './api.ts'
import { spanCalendar, type SpanCalendar } from './countdown.ts'
import { unitWorkOrders } from './staff-api.ts'
import { dueOf } from './staff-view.ts'

export function todayInShanghai(): string {
  return shanghaiDate(new Date().toISOString())
}

/** The calendar of [min(days, today), max(days, today)]; null when it cannot be read (counts then show dates only). */
export async function calendarFor(days: readonly string[], today: string): Promise<SpanCalendar | null> {
  const all = [...days, today].sort()
  const from = addDays(all[0] ?? today, -1)
  const to = all[all.length - 1] ?? today
  try {
    return spanCalendar(await calendarRange(from, to))
  } catch {
    return null
  }
}

export async function loadOrders(): Promise<{ rows: UnitWorkOrderRow[]; cal: SpanCalendar | null; today: string }> {
  const today = todayInShanghai()
  const rows = await unitWorkOrders(null)
  const days = rows.map((r) => dueOf(r)?.day).filter((d): d is string => d !== undefined)
  return { rows, cal: await calendarFor(days, today), today }
}
