import { ANNOUNCED_YEARS, CALENDAR_EXCEPTIONS, STATUTORY_HOLIDAYS } from '../../../shared/calendar/data.ts';
import { addDays } from '../../../shared/calendar/days.ts';
import { DEFAULT_CALENDAR, isWorkingDay, workingDeadline } from '../../../shared/calendar/rule.ts';
import { countdown, isWorkingDayIn, lastRatingDay, spanCalendar, spanOf, workingDaysLeft, type SpanCalendar } from './countdown.ts';

/** The rows the app would fetch for [from, to] from the public calendar views. */
function rowsFor(from: string, to: string): SpanCalendar {
  return spanCalendar({
    exceptions: CALENDAR_EXCEPTIONS.filter(([d]) => d >= from && d <= to).map(([day, is_workday]) => ({ day, is_workday })),
    announcedYears: ANNOUNCED_YEARS.filter((y) => y >= Number(from.slice(0, 4)) && y <= Number(to.slice(0, 4))),
    statutory: STATUTORY_HOLIDAYS.filter(([d]) => d >= from && d <= to).map(([d]) => d),
  });
}

/** rating_due_at as the database sets it: the start (Asia/Shanghai) of the day after the last day. */
const dueAt = (lastDay: string) => `${addDays(lastDay, 1)}T00:00:00+08:00`;

test('isWorkingDayIn over span rows equals shared isWorkingDay over the whole calendar (2,000 random days, 2004–2030)', () => {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 2000; i++) {
    const day = addDays('2004-01-01', Math.floor(rand() * 365 * 27));
    const span = rowsFor(addDays(day, -3), addDays(day, 20));
    expect([day, isWorkingDayIn(day, span)]).toEqual([day, isWorkingDay(day, DEFAULT_CALENDAR)]);
  }
});

describe.each([
  // [finished (Asia/Shanghai day), today, expected working days left]
  ['an ordinary week: finished Monday, seen the same day', '2025-03-03', '2025-03-03', 5],
  ['the day after finishing (today counts)', '2025-03-03', '2025-03-04', 5],
  ['two days later', '2025-03-03', '2025-03-05', 4],
  ['finished on a Sunday, seen Monday', '2026-11-29', '2026-11-30', 5],
  ['国庆 2025: finished 9-30, seen 10-3 (holiday)', '2025-09-30', '2025-10-03', 5],
  ['国庆 2025: the 调休 Saturday 10-11 counts (10-10, 10-11, 10-13, 10-14)', '2025-09-30', '2025-10-10', 4],
  ['春节 2026: finished 2-13, seen 2-20 (holiday)', '2026-02-13', '2026-02-20', 4],
])('%s', (_name, finished, today, left) => {
  test(`has ${left} working days left`, () => {
    const { dueOn } = workingDeadline(finished, 5);
    const cal = rowsFor(today, dueOn);
    expect(workingDaysLeft(today, finished, dueOn, cal)).toBe(left);
    const c = countdown({ finished_at: `${finished}T10:00:00+08:00`, rating_due_at: dueAt(dueOn), due_is_provisional: false }, new Date(`${today}T09:00:00+08:00`), cal);
    expect(c.text).toBe(today === dueOn ? '今天是最后一天，逾期默认为基本满意' : `还有 ${left} 个工作日，逾期默认为基本满意`);
    expect(c.lastDay).toBe(dueOn);
  });
});

test('the last day says so, and is urgent (a badge with words)', () => {
  const { dueOn } = workingDeadline('2025-03-03', 5);
  const c = countdown({ finished_at: '2025-03-03T02:00:00Z', rating_due_at: dueAt(dueOn), due_is_provisional: false }, new Date(`${dueOn}T20:00:00+08:00`), rowsFor(dueOn, dueOn));
  expect(c).toMatchObject({ text: '今天是最后一天，逾期默认为基本满意', daysLeft: 1, urgent: true });
});

test('lastRatingDay is the Shanghai day before rating_due_at, whatever zone the instant is written in', () => {
  expect(lastRatingDay('2026-12-04T16:00:00+00:00')).toBe('2026-12-04');
  expect(lastRatingDay('2026-12-05 00:00:00+08')).toBe('2026-12-04');
});

test('without calendar rows the card still shows the last day; a provisional deadline is flagged', () => {
  const c = countdown({ finished_at: '2026-12-29T02:00:00Z', rating_due_at: '2027-01-05T16:00:00+00:00', due_is_provisional: true }, new Date('2026-12-30T01:00:00Z'), null);
  expect(c).toMatchObject({ text: '请在 1月5日（周二） 前评价，逾期默认为基本满意', daysLeft: null, provisional: true, lastDay: '2027-01-05' });
});

test('spanOf covers today to the latest last day; nothing for an empty list', () => {
  expect(spanOf([], new Date())).toBeNull();
  expect(spanOf([{ rating_due_at: '2026-12-04T16:00:00Z' }, { rating_due_at: '2026-12-08T16:00:00Z' }], new Date('2026-11-30T01:00:00Z'))).toEqual({ from: '2026-11-30', to: '2026-12-08' });
});
