/** The Asia/Shanghai day of an instant (UTC+8): the finish day D of R5. */
import { shanghaiDate } from './index.ts';

test.each([
  ['2025-01-28T15:59:59Z', '2025-01-28'],
  ['2025-01-28T16:00:00Z', '2025-01-29'],
  ['2025-01-29T00:00:00+08:00', '2025-01-29'],
  ['2025-01-28T23:59:59.999+08:00', '2025-01-28'],
  ['2025-12-31T16:00:00.000Z', '2026-01-01'],
  ['2025-12-31 23:30:00+08', '2025-12-31'],
  ['2025-12-31 15:30:00+00', '2025-12-31'],
  ['2025-12-31 16:30:00+00', '2026-01-01'],
  ['2025-06-30T20:00:00-05:00', '2025-07-01'],
  ['2025-06-30T20:00-0500', '2025-07-01'],
])('%s is %s in Shanghai', (instant, day) => {
  expect(shanghaiDate(instant)).toBe(day);
});

test('a Date is read as the instant it is', () => {
  expect(shanghaiDate(new Date(Date.UTC(2025, 9, 31, 16, 0, 0)))).toBe('2025-11-01');
  expect(shanghaiDate(new Date(Date.UTC(2025, 9, 31, 15, 59, 59)))).toBe('2025-10-31');
});

test.each(['2025-01-28', '2025-01-28T10:00:00', '2025/01/28 10:00:00+08', 'yesterday', '2025-02-30T10:00:00Z'])(
  'refuses %j: no zone, no instant',
  (instant) => {
    expect(() => shanghaiDate(instant)).toThrow(RangeError);
  },
);

test('refuses an invalid Date', () => {
  expect(() => shanghaiDate(new Date(Number.NaN))).toThrow(RangeError);
});
