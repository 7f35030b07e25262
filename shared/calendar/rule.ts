/**
 * R6 working days, the TypeScript twin of supabase/schemas/02_calendar.sql
 * (a database test compares the two over thousands of dates).
 *
 * A day is a working day when it is Monday–Friday, unless the calendar lists it as an exception
 * (a holiday on a weekday, or a 调休 make-up workday on a weekend). A year whose official
 * schedule is not loaded is *provisional*: weekends plus the holidays fixed by law (元旦,
 * 春节 除夕–初三, 清明, 劳动节 5/1–2, 端午, 中秋, 国庆 10/1–3); no make-up workday is guessed, and
 * every deadline that reaches into such a year says so.
 */
import { ANNOUNCED_YEARS, CALENDAR_EXCEPTIONS, STATUTORY_HOLIDAYS } from './data.ts';
import { addDays, dayNumber, isoWeekday, yearOf } from './days.ts';

/** Largest n accepted by addWorkingDays (and by the database's add_working_days). */
export const MAX_WORKING_DAYS = 1000;

/**
 * The days deadlines can be computed for: the statutory holidays are known through
 * LAST_STATUTORY_YEAR (2099), so a start or a result after it would silently miss holidays,
 * and nothing this system rates happened before 2000. Both twins refuse outside it.
 */
export const FIRST_SUPPORTED_DAY = '2000-01-01';
export const LAST_SUPPORTED_DAY = '2099-12-31';

export interface CalendarData {
  /** Years whose official schedule is loaded (app.calendar_years). */
  readonly announcedYears: ReadonlySet<number>;
  /** Exceptions to the weekend rule, day → is a workday (app.calendar_days). */
  readonly exceptions: ReadonlyMap<string, boolean>;
  /** Holidays fixed by law, day → name, used only in provisional years (app.statutory_holidays). */
  readonly statutory: ReadonlyMap<string, string>;
}

export interface CalendarRows {
  announcedYears: Iterable<number>;
  exceptions: Iterable<readonly [day: string, isWorkday: boolean, ...rest: unknown[]]>;
  statutory: Iterable<readonly [day: string, name: string]>;
}

/** A calendar from rows, e.g. those read from the public.calendar_* views. */
export function buildCalendar(rows: CalendarRows): CalendarData {
  return {
    announcedYears: new Set(rows.announcedYears),
    exceptions: new Map([...rows.exceptions].map((r) => [r[0], r[1]] as const)),
    statutory: new Map([...rows.statutory].map((r) => [r[0], r[1]] as const)),
  };
}

/** The generated calendar (shared/calendar/data.ts), the same data the database is seeded with. */
export const DEFAULT_CALENDAR: CalendarData = buildCalendar({
  announcedYears: ANNOUNCED_YEARS,
  exceptions: CALENDAR_EXCEPTIONS,
  statutory: STATUTORY_HOLIDAYS,
});

export function isProvisionalYear(year: number, cal: CalendarData = DEFAULT_CALENDAR): boolean {
  return !cal.announcedYears.has(year);
}

export function isWorkingDay(day: string, cal: CalendarData = DEFAULT_CALENDAR): boolean {
  const exception = cal.exceptions.get(day);
  if (exception !== undefined) return exception;
  if (isoWeekday(day) >= 6) return false;
  return !(isProvisionalYear(yearOf(day), cal) && cal.statutory.has(day));
}

function checkN(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > MAX_WORKING_DAYS) {
    throw new RangeError(`n must be an integer in 0..${MAX_WORKING_DAYS}: ${String(n)}`);
  }
}

/**
 * The n-th working day strictly after `from` ('YYYY-MM-DD'). `from` is day 0 and never counts,
 * even when it is a working day; a 办件 finished on a holiday counts from the next working days.
 * n = 0 gives `from`. R5: a 办件 finished on day D (Asia/Shanghai, see shanghaiDate) may be rated
 * until the end of addWorkingDays(D, 5). Throws RangeError for a bad day or n, or outside the
 * supported days.
 */
export function addWorkingDays(from: string, n: number, cal: CalendarData = DEFAULT_CALENDAR): string {
  dayNumber(from);
  if (from < FIRST_SUPPORTED_DAY || from > LAST_SUPPORTED_DAY) {
    throw new RangeError(`from must be within ${FIRST_SUPPORTED_DAY}..${LAST_SUPPORTED_DAY}: ${from}`);
  }
  checkN(n);
  let day = from;
  for (let left = n; left > 0; ) {
    day = addDays(day, 1);
    if (isWorkingDay(day, cal)) left--;
  }
  if (day > LAST_SUPPORTED_DAY) throw new RangeError(`the deadline falls after ${LAST_SUPPORTED_DAY}: ${from} + ${n}`);
  return day;
}

export interface WorkingDeadline {
  dueOn: string;
  /** Some day of (from, dueOn] lies in a provisional year: the date may move once it is announced. */
  isProvisional: boolean;
}

export function workingDeadline(from: string, n: number, cal: CalendarData = DEFAULT_CALENDAR): WorkingDeadline {
  const dueOn = addWorkingDays(from, n, cal);
  let isProvisional = false;
  if (dueOn > from) {
    for (let y = yearOf(addDays(from, 1)); y <= yearOf(dueOn) && !isProvisional; y++) {
      isProvisional = isProvisionalYear(y, cal);
    }
  }
  return { dueOn, isProvisional };
}
