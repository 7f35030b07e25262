/**
 * R5/R6 deadlines, table-driven with literal dates. Expectations come from the State Council's
 * notices (2025: 国办发明电〔2024〕12号; 2026: 国办发明电〔2025〕7号), not from the code:
 *   2025 春节 1/28–2/4 off, 1/26 (Sun) and 2/8 (Sat) worked; 国庆·中秋 10/1–10/8 off, 9/28 (Sun)
 *   and 10/11 (Sat) worked; 2026 元旦 1/1–1/3 off, 1/4 (Sun) worked.
 * 2027 and 2031 are provisional (chinese-days 1.5.7 stops at 2026): weekends plus the law's
 * fixed holidays — 2027: 元旦 1/1 Fri, 春节 2/5 Fri–2/8 Mon, 清明 4/5 Mon, 劳动节 5/1–2,
 * 端午 6/9 Wed, 中秋 9/15 Wed, 国庆 10/1 Fri–10/3; 2031: 春节 1/22 Wed–1/25 Sat, 端午 6/24 Tue,
 * 中秋 = 国庆 10/1 Wed–10/3 Fri.
 */
import {
  addWorkingDays,
  buildCalendar,
  DEFAULT_CALENDAR,
  isProvisionalYear,
  isWorkingDay,
  workingDeadline,
} from './index.ts';

describe('isWorkingDay', () => {
  test.each([
    ['2025-01-24', true, 'Friday before 春节'],
    ['2025-01-25', false, 'Saturday'],
    ['2025-01-26', true, 'Sunday worked for 春节 (调休)'],
    ['2025-01-28', false, '除夕, Tuesday'],
    ['2025-02-04', false, '初七, Tuesday, last day off'],
    ['2025-02-05', true, 'Wednesday after 春节'],
    ['2025-02-08', true, 'Saturday worked for 春节'],
    ['2025-02-09', false, 'Sunday'],
    ['2025-09-28', true, 'Sunday worked for 国庆'],
    ['2025-10-06', false, '中秋, Monday'],
    ['2025-10-08', false, 'Wednesday, last day of 国庆'],
    ['2025-10-11', true, 'Saturday worked for 国庆'],
    ['2025-12-31', true, 'Wednesday'],
    ['2026-01-02', false, '元旦 (Friday off)'],
    ['2026-01-04', true, 'Sunday worked for 元旦'],
    ['2026-02-14', true, 'Saturday worked for 春节 2026'],
    ['2026-02-23', false, 'Monday, last day of 春节 2026'],
    ['2027-01-01', false, 'provisional: 元旦, Friday'],
    ['2027-02-05', false, 'provisional: 除夕, Friday'],
    ['2027-02-08', false, 'provisional: 初三, Monday'],
    ['2027-02-09', true, 'provisional: Tuesday after 春节'],
    ['2027-04-05', false, 'provisional: 清明, Monday'],
    ['2027-05-03', true, 'provisional: Monday after 劳动节 (no 调休 guessed)'],
    ['2027-06-09', false, 'provisional: 端午, Wednesday'],
    ['2027-09-15', false, 'provisional: 中秋, Wednesday'],
    ['2027-10-01', false, 'provisional: 国庆, Friday'],
    ['2027-10-04', true, 'provisional: Monday after 国庆'],
    ['2027-10-09', false, 'provisional: Saturday (no make-up workday guessed)'],
    ['2031-01-22', false, 'provisional: 除夕, Wednesday'],
    ['2031-01-24', false, 'provisional: 初二, Friday'],
    ['2031-06-24', false, 'provisional: 端午, Tuesday'],
    ['2031-10-03', false, 'provisional: 国庆, Friday'],
  ])('%s → %s (%s)', (day, expected) => {
    expect(isWorkingDay(day)).toBe(expected);
  });
});

describe('addWorkingDays: the n-th working day strictly after the day', () => {
  test.each([
    // 春节 2025
    ['2025-01-24', 5, '2025-02-07', 'Fri before 春节: 1/26 (Sun, 调休), 1/27, 2/5, 2/6, 2/7'],
    ['2025-01-25', 1, '2025-01-26', 'a make-up Sunday counts'],
    ['2025-01-27', 1, '2025-02-05', 'the whole holiday is skipped'],
    ['2025-01-27', 5, '2025-02-10', '2/5, 2/6, 2/7, 2/8 (Sat, 调休), 2/10'],
    ['2025-01-29', 5, '2025-02-10', 'finished on 初一 (a holiday): counts from 2/5'],
    ['2025-02-07', 1, '2025-02-08', 'make-up Saturday'],
    ['2025-02-07', 2, '2025-02-10', 'Sunday 2/9 is off again'],
    // 国庆·中秋 2025
    ['2025-09-26', 5, '2025-10-10', '9/28 (Sun, 调休), 9/29, 9/30, 10/9, 10/10'],
    ['2025-09-30', 1, '2025-10-09', 'the eight days off are skipped'],
    ['2025-09-30', 3, '2025-10-11', 'make-up Saturday 10/11'],
    ['2025-09-30', 4, '2025-10-13', ''],
    ['2025-10-06', 5, '2025-10-14', 'finished on 中秋 (a holiday): 10/9, 10/10, 10/11, 10/13, 10/14'],
    // year end 2025 → 2026
    ['2025-12-26', 5, '2026-01-05', '12/29, 12/30, 12/31, 1/4 (Sun, 调休), 1/5'],
    ['2025-12-31', 1, '2026-01-04', 'across the year: 元旦 1/1–1/3 off, Sunday 1/4 worked'],
    ['2025-12-31', 5, '2026-01-08', ''],
    ['2026-01-01', 1, '2026-01-04', 'finished on 元旦'],
    // plain weeks
    ['2025-03-07', 5, '2025-03-14', 'Friday to Friday'],
    ['2025-03-08', 5, '2025-03-14', 'finished on a Saturday'],
    ['2025-03-10', 15, '2025-03-31', '15 working days (R9 rectification)'],
    // n = 0 gives the day itself, worked or not
    ['2025-01-29', 0, '2025-01-29', 'n = 0 on a holiday'],
    ['2025-03-10', 0, '2025-03-10', 'n = 0 on a working day'],
    // provisional years: weekends and statutory holidays only
    ['2026-12-31', 1, '2027-01-04', 'into provisional 2027: 元旦 Fri 1/1 and the weekend'],
    ['2027-02-04', 1, '2027-02-09', 'provisional 春节 2027: 除夕 Fri 2/5 … 初三 Mon 2/8'],
    ['2027-02-04', 3, '2027-02-11', ''],
    ['2027-09-30', 1, '2027-10-04', 'provisional 国庆 2027: Fri 10/1 off'],
    ['2031-01-21', 1, '2031-01-27', 'provisional 春节 2031: 1/22 Wed … 1/25 Sat, then Sunday'],
    ['2031-01-21', 3, '2031-01-29', ''],
    ['2031-09-30', 1, '2031-10-06', 'provisional 国庆·中秋 2031: 10/1 Wed–10/3 Fri'],
    ['2031-09-30', 5, '2031-10-10', ''],
    ['2031-09-30', 6, '2031-10-13', 'no make-up Saturday is guessed'],
  ])('%s + %i → %s %s', (from, n, expected) => {
    expect(addWorkingDays(from, n)).toBe(expected);
  });

  test.each([
    ['2025-01-01', -1],
    ['2025-01-01', 1.5],
    ['2025-01-01', Number.NaN],
    ['2025-01-01', 1001],
    ['2025-02-30', 1],
    ['2025/01/01', 1],
    ['', 1],
  ])('refuses %j + %j', (from, n) => {
    expect(() => addWorkingDays(from, n)).toThrow(RangeError);
  });
});

describe('workingDeadline: provisional when the deadline depends on an unannounced year', () => {
  test.each([
    ['2026-12-20', 5, '2026-12-25', false, 'all in announced 2026'],
    ['2026-12-28', 5, '2027-01-05', true, 'reaches into 2027'],
    ['2026-12-30', 1, '2026-12-31', false, 'ends on the last day of 2026'],
    ['2026-12-31', 0, '2026-12-31', false, 'n = 0: no day counted'],
    ['2027-03-01', 0, '2027-03-01', false, 'n = 0 inside a provisional year'],
    ['2027-03-01', 5, '2027-03-08', true, 'inside 2027'],
    ['2025-01-24', 5, '2025-02-07', false, 'announced 2025'],
    ['2031-09-30', 5, '2031-10-10', true, 'provisional 2031'],
  ])('%s + %i → %s provisional %s (%s)', (from, n, dueOn, isProvisional) => {
    expect(workingDeadline(from, n)).toEqual({ dueOn, isProvisional });
  });
});

describe('the calendar', () => {
  test('2004–2026 are announced, 2027 and later are provisional', () => {
    expect(isProvisionalYear(2003)).toBe(true);
    expect(isProvisionalYear(2004)).toBe(false);
    expect(isProvisionalYear(2026)).toBe(false);
    expect(isProvisionalYear(2027)).toBe(true);
    expect(isProvisionalYear(2031)).toBe(true);
  });

  test('a calendar read from the database replaces the generated one', () => {
    const cal = buildCalendar({
      announcedYears: [...DEFAULT_CALENDAR.announcedYears, 2027],
      exceptions: [...DEFAULT_CALENDAR.exceptions, ['2027-02-05', false], ['2027-02-20', true]],
      statutory: DEFAULT_CALENDAR.statutory,
    });
    expect(isWorkingDay('2027-02-08', cal)).toBe(true); // announced: statutory 初三 no longer applies by itself
    expect(isWorkingDay('2027-02-05', cal)).toBe(false);
    expect(isWorkingDay('2027-02-20', cal)).toBe(true);
    expect(workingDeadline('2027-02-04', 1, cal)).toEqual({ dueOn: '2027-02-08', isProvisional: false });
  });
});

describe('supported days', () => {
  test.each([
    ['1999-12-31', 1],
    ['2100-01-01', 0],
    ['2099-12-30', 5],
  ])('addWorkingDays(%s, %i) is refused: outside 2000-01-01..2099-12-31', (from, n) => {
    expect(() => addWorkingDays(from, n)).toThrow(RangeError);
  });

  test('the edges themselves are fine', () => {
    expect(addWorkingDays('2000-01-01', 0)).toBe('2000-01-01');
    expect(addWorkingDays('2099-12-30', 1)).toBe('2099-12-31');
  });
});
