/**
 * Instants to Asia/Shanghai calendar days. China has one zone, UTC+8, with no daylight saving
 * since 1991, so the offset is a constant and no time-zone database is needed.
 */
import { dayFromNumber, isValidDay } from './days.ts';

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** An instant with an explicit zone: ISO 8601 (`…T…Z`, `…+08:00`) or Postgres text (`… +00`). */
const INSTANT_PATTERN = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}(?::?\d{2})?)$/i;

function parseInstant(instant: string): number {
  const m = INSTANT_PATTERN.exec(instant.trim());
  if (!m || !isValidDay(m[1]!)) throw new RangeError(`not an instant with a zone: ${instant}`);
  const zone = m[3]!.toUpperCase();
  const offset = zone === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${m[1]}T${m[2]}${offset}`);
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${instant}`);
  return ms;
}

/** The Asia/Shanghai calendar day ('YYYY-MM-DD') of an instant, e.g. the day a 办件 finished (R5). */
export function shanghaiDate(instant: Date | string): string {
  const ms = typeof instant === 'string' ? parseInstant(instant) : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid Date');
  return dayFromNumber(Math.floor((ms + SHANGHAI_OFFSET_MS) / 86_400_000));
}
