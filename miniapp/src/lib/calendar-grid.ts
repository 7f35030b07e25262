/**
 * The 工作日历 month grid (issue 7), pure: which day is 工作日, 休息日, 法定节假日 or 调休上班,
 * decided by shared/calendar's rule (isWorkingDay) over a calendar built from the API's rows
 * (buildCalendar) — the same rule the database's deadlines use. Weeks start on Monday.
 */
import {
  addDays,
  buildCalendar,
  isoWeekday,
  isProvisionalYear,
  isWorkingDay,
  type CalendarData,
} from '../../../shared/calendar/index.ts'
import type { CalendarDayRow, CalendarYearRow } from '../../../shared/calendar/schemas.ts'

/** 工作日; 休息日 (a weekend); 法定节假日 (a holiday off work); 调休上班 (a worked weekend day). */
export type DayKind = 'workday' | 'rest' | 'holiday' | 'makeup'

export const DAY_KIND_LABELS: Readonly<Record<DayKind, string>> = {
  workday: '工作日',
  rest: '休息日',
  holiday: '法定节假日',
  makeup: '调休上班',
}

/** The short mark a cell shows under its number. */
export const DAY_KIND_MARKS: Readonly<Record<DayKind, string>> = {
  workday: '班',
  rest: '休',
  holiday: '假',
  makeup: '调',
}

export const WEEKDAY_HEADS = ['一', '二', '三', '四', '五', '六', '日'] as const

export interface DayInfo {
  day: string
  kind: DayKind
  isWorkday: boolean
  /** Holiday name (春节, 国庆节 …) from the calendar or, failing that, the statutory list. */
  name: string | null
  /** The note a supervisor set with the day, if any. */
  note: string | null
  /** The day's year has no announced schedule (R6): it may still change. */
  provisional: boolean
  /** A supervisor's entry (calendar_days.source = supervisor). */
  bySupervisor: boolean
}

export interface GridCell extends DayInfo {
  /** 1–31 within the month shown. */
  date: number
}

export interface MonthGrid {
  year: number
  month: number
  /** Weeks of 7 cells, Monday first; null pads the days of the neighbouring months. */
  weeks: Array<Array<GridCell | null>>
  dayCount: number
  /** ISO weekday (1 Monday … 7 Sunday) of the 1st. */
  firstWeekday: number
  provisional: boolean
}

/** The calendar the grid reads: the rule's data plus the names and notes of the exception rows. */
export interface GridCalendar {
  cal: CalendarData
  names: ReadonlyMap<string, string>
  notes: ReadonlyMap<string, { note: string | null; bySupervisor: boolean }>
  statutory: ReadonlyMap<string, string>
}

export interface GridRows {
  days: readonly Pick<CalendarDayRow, 'day' | 'is_workday' | 'name' | 'note' | 'source'>[]
  years: readonly Pick<CalendarYearRow, 'year'>[]
  statutory: readonly { day: string; name: string }[]
}

/** From the public.calendar_days / calendar_years / statutory_holidays rows of the years shown. */
export function gridCalendar(rows: GridRows): GridCalendar {
  const cal = buildCalendar({
    announcedYears: rows.years.map((y) => y.year),
    exceptions: rows.days.map((d) => [d.day, d.is_workday] as const),
    statutory: rows.statutory.map((s) => [s.day, s.name] as const),
  })
  const names = new Map<string, string>()
  const notes = new Map<string, { note: string | null; bySupervisor: boolean }>()
  for (const d of rows.days) {
    if (d.name) names.set(d.day, d.name)
    notes.set(d.day, { note: d.note, bySupervisor: d.source === 'supervisor' })
  }
  return { cal, names, notes, statutory: cal.statutory }
}

export function dayInfo(day: string, g: GridCalendar): DayInfo {
  const isWorkday = isWorkingDay(day, g.cal)
  const weekend = isoWeekday(day) >= 6
  const statutoryName = g.statutory.get(day) ?? null
  const name = g.names.get(day) ?? statutoryName
  // A day off is a 法定节假日 when it is one (it has a holiday's name); a weekday a supervisor
  // made a rest day for another reason (the note says which) is a 休息日.
  let kind: DayKind
  if (isWorkday) kind = weekend ? 'makeup' : 'workday'
  else kind = name !== null ? 'holiday' : 'rest'
  const entry = g.notes.get(day)
  return {
    day,
    kind,
    isWorkday,
    name,
    note: entry?.note ?? null,
    provisional: isProvisionalYear(Number(day.slice(0, 4)), g.cal),
    bySupervisor: entry?.bySupervisor ?? false,
  }
}

const pad = (n: number) => String(n).padStart(2, '0')

export function daysInMonth(year: number, month: number): number {
  if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`not a month: ${year}-${month}`)
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

export function monthGrid(year: number, month: number, g: GridCalendar): MonthGrid {
  const dayCount = daysInMonth(year, month)
  const first = `${year}-${pad(month)}-01`
  const firstWeekday = isoWeekday(first)
  const cells: Array<GridCell | null> = Array.from({ length: firstWeekday - 1 }, () => null)
  for (let d = 1; d <= dayCount; d++) cells.push({ ...dayInfo(addDays(first, d - 1), g), date: d })
  while (cells.length % 7 !== 0) cells.push(null)
  const weeks: Array<Array<GridCell | null>> = []
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7))
  return { year, month, weeks, dayCount, firstWeekday, provisional: isProvisionalYear(year, g.cal) }
}

/** How many days of each kind a month has (the summary line under the grid). */
export function kindCounts(grid: MonthGrid): Record<DayKind, number> {
  const counts: Record<DayKind, number> = { workday: 0, rest: 0, holiday: 0, makeup: 0 }
  for (const week of grid.weeks) for (const c of week) if (c) counts[c.kind]++
  return counts
}

/** The years the screen offers: this year (Asia/Shanghai) and the coming one. */
export function calendarYears(today: string): [number, number] {
  const y = Number(today.slice(0, 4))
  return [y, y + 1]
}

/** Note check for set_calendar_day (1–200 characters after trimming); null when fine. */
export function noteProblem(note: string): string | null {
  const t = note.trim()
  if (t.length === 0) return '请填写调整依据（如国务院办公厅通知文号）'
  if (t.length > 200) return '调整依据最多 200 个字'
  return null
}
