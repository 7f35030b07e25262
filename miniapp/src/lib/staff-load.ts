/** Loading for the 工作台 pages: orders plus just the calendar rows their due dates need. */
import { addDays } from '../../../shared/calendar/days.ts'
import { shanghaiDate } from '../../../shared/calendar/shanghai.ts'
import type { UnitWorkOrderRow } from '../../../shared/staff.ts'
import { calendarRange } from './api.ts'
import { spanCalendar, type SpanCalendar } from './countdown.ts'
import { unitWorkOrders } from './staff-api.ts'
import { pageOf, type Page } from './usePagedList.ts'
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

/** The unit's orders (`open` true: 处理中 only, as the 工作台's first tab shows them) with the calendar their due dates need. */
export async function loadOrders(open: boolean | null = null): Promise<{ rows: UnitWorkOrderRow[]; cal: SpanCalendar | null; today: string }> {
  const today = todayInShanghai()
  const rows = await unitWorkOrders(null, open)
  const days = rows.map((r) => dueOf(r)?.day).filter((d): d is string => d !== undefined)
  return { rows, cal: await calendarFor(days, today), today }
}

/** 已办结 comes a page at a time (it only grows): one more row than shown tells whether there is more. */
export const FINISHED_PAGE = 20

export async function loadFinishedPage(offset: number): Promise<Page<UnitWorkOrderRow>> {
  return pageOf(await unitWorkOrders(null, false, FINISHED_PAGE + 1, offset), FINISHED_PAGE)
}
