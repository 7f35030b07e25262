/**
 * 工作日历 (issue 7, R6): the public calendar views a month grid is built from, and the city
 * supervisors' edits (set_calendar_day, set_calendar_year_announced). Answers parsed with zod.
 */
import { SetCalendarDayResult, StatutoryHolidayRow } from '../../../shared/admin-people.ts'
import { CalendarDayRow, CalendarYearRow } from '../../../shared/calendar/schemas.ts'
import { parseRows } from '../../../shared/schemas.ts'
import { getClient, rpc, rpcRow } from './api.ts'
import { AppError, fromPostgrestError } from './errors.ts'


export interface CalendarRows {
  days: CalendarDayRow[]
  years: CalendarYearRow[]
  statutory: Array<{ day: string; name: string }>
}

/** The public calendar views over [from, to] (days) and every announced year. */
export async function calendarRows(from: string, to: string): Promise<CalendarRows> {
  const c = getClient()
  const [days, years, statutory] = await Promise.all([
    c.from('calendar_days').select('day,is_workday,kind,name,note,source,updated_at').gte('day', from).lte('day', to).order('day'),
    c.from('calendar_years').select('year,source,loaded_at').order('year'),
    c.from('statutory_holidays').select('day,name').gte('day', from).lte('day', to).order('day'),
  ])
  for (const r of [days, years, statutory]) if (r.error) throw fromPostgrestError(r.error, r.status)
  return {
    days: parseRows(CalendarDayRow, days.data),
    years: parseRows(CalendarYearRow, years.data),
    statutory: parseRows(StatutoryHolidayRow, statutory.data),
  }
}

export async function setCalendarDay(day: string, isWorkday: boolean, note: string) {
  return rpcRow(SetCalendarDayResult, 'set_calendar_day', { p_day: day, p_is_workday: isWorkday, p_note: note })
}

export async function setCalendarYearAnnounced(year: number, announced: boolean): Promise<boolean> {
  const r = await rpc('set_calendar_year_announced', { p_year: year, p_announced: announced })
  if (typeof r !== 'boolean') throw AppError.of('internal_error', 'set_calendar_year_announced: not a boolean')
  return r
}
