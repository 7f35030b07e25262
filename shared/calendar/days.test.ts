/** 'YYYY-MM-DD' arithmetic in UTC. */
import { addDays, dayNumber, isoWeekday, isValidDay } from './days.ts';

test.each([
  ['1970-01-01', 4],
  ['2025-01-26', 7],
  ['2025-02-08', 6],
  ['2025-10-01', 3],
  ['2027-01-01', 5],
  ['2031-10-01', 3],
  ['2100-01-01', 5],
])('%s has ISO weekday %i', (day, dow) => {
  expect(isoWeekday(day)).toBe(dow);
});

test.each([
  ['2024-02-28', 1, '2024-02-29'],
  ['2025-02-28', 1, '2025-03-01'],
  ['2025-12-31', 1, '2026-01-01'],
  ['2026-01-01', -1, '2025-12-31'],
  ['2025-01-01', 365, '2026-01-01'],
])('%s + %i days = %s', (day, k, expected) => {
  expect(addDays(day, k)).toBe(expected);
});

test.each(['2025-02-29', '2025-13-01', '2025-1-1', '20250101', '2025-01-01T00:00:00Z', 'x'])('%j is not a day', (day) => {
  expect(isValidDay(day)).toBe(false);
  expect(() => dayNumber(day)).toThrow(RangeError);
});
