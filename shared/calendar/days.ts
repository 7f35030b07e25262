/**
 * Calendar days as 'YYYY-MM-DD' strings. Arithmetic is done on day numbers counted in UTC, so
 * the result never depends on the zone of the machine (no local-time Date parsing).
 */

export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a 'YYYY-MM-DD' day; throws RangeError for anything else (e.g. 2025-02-30). */
export function dayNumber(day: string): number {
  if (typeof day !== 'string' || !DAY_PATTERN.test(day)) throw new RangeError(`not a YYYY-MM-DD day: ${String(day)}`);
  const ms = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
  const n = ms / DAY_MS;
  if (dayFromNumber(n) !== day) throw new RangeError(`not a calendar day: ${day}`);
  return n;
}

/** The 'YYYY-MM-DD' day of a day number (years 0000–9999). */
export function dayFromNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

export function isValidDay(day: string): boolean {
  try {
    dayNumber(day);
    return true;
  } catch {
    return false;
  }
}

export function addDays(day: string, k: number): string {
  return dayFromNumber(dayNumber(day) + k);
}

/** ISO weekday: 1 Monday … 7 Sunday (as Postgres `extract(isodow …)`). */
export function isoWeekday(day: string): number {
  // 1970-01-01 was a Thursday (4).
  return ((((dayNumber(day) + 3) % 7) + 7) % 7) + 1;
}

export function yearOf(day: string): number {
  dayNumber(day);
  return Number(day.slice(0, 4));
}
