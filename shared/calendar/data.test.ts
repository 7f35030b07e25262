/**
 * The generated data (shared/calendar/data.ts) against its source and the law: every announced
 * day agrees with chinese-days, and the statutory holidays of provisional years fall on the
 * dates published for them (lunar new year, 端午, 中秋 and 清明 from almanac tables).
 */
import chineseDays from 'chinese-days/dist/chinese-days.json';
import { addDays, ANNOUNCED_YEARS, isoWeekday, isWorkingDay, STATUTORY_HOLIDAYS } from './index.ts';

/**
 * chinese-days' own isWorkday() reads its data with local-time dates and errs around daylight
 * saving changes when the machine's zone has them; read its data directly instead.
 */
const packageSaysWorked = (day: string): boolean =>
  day in chineseDays.workdays || (!(day in chineseDays.holidays) && isoWeekday(day) <= 5);

const statutory = new Map(STATUTORY_HOLIDAYS.map(([day, name]) => [day, name]));
const namesOf = (day: string) => statutory.get(day)?.split('、') ?? [];
const isChineseNewYearsEve = (day: string) => namesOf(day).includes('春节') && !namesOf(addDays(day, -1)).includes('春节');

test('announced years are 2004–2026, contiguous (chinese-days 1.5.7)', () => {
  expect(ANNOUNCED_YEARS[0]).toBe(2004);
  expect(ANNOUNCED_YEARS[ANNOUNCED_YEARS.length - 1]).toBe(2026);
  expect(ANNOUNCED_YEARS).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
});

test('every day of the announced years is worked exactly when chinese-days says so', () => {
  const disagreements: string[] = [];
  for (let day = '2004-01-01'; day <= '2026-12-31'; day = addDays(day, 1)) {
    if (isWorkingDay(day) !== packageSaysWorked(day)) disagreements.push(day);
  }
  expect(disagreements).toEqual([]);
});

test('the statutory holidays are off in the schedules announced under the same law (2025–2026)', () => {
  const worked = STATUTORY_HOLIDAYS.filter(([day]) => day >= '2025' && day < '2027').filter(([day]) => packageSaysWorked(day));
  expect(worked).toEqual([]);
});

test('the holidays common to the 2008–2024 law were off in every schedule then (除夕 and 5/2 came in 2025)', () => {
  const worked = STATUTORY_HOLIDAYS.filter(([day]) => day >= '2008' && day < '2025')
    .filter(([day]) => !isChineseNewYearsEve(day) && day.slice(5) !== '05-02')
    .filter(([day]) => packageSaysWorked(day));
  expect(worked).toEqual([]);
});

test('each year from 2004 to 2099 has the 13 statutory days (fewer names when 中秋 meets 国庆)', () => {
  for (let y = 2004; y <= 2099; y++) {
    const days = STATUTORY_HOLIDAYS.filter(([day]) => day.startsWith(`${y}-`));
    const names = days.flatMap(([, name]) => name.split('、'));
    expect([y, names.length]).toEqual([y, 13]);
    expect([y, new Set(names)]).toEqual([y, new Set(['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节'])]);
  }
});

// Published dates (Hong Kong Observatory / Purple Mountain Observatory almanacs).
test.each([
  // year, 除夕, 初一, 清明, 端午, 中秋
  [2027, '2027-02-05', '2027-02-06', '2027-04-05', '2027-06-09', '2027-09-15'],
  [2028, '2028-01-25', '2028-01-26', '2028-04-04', '2028-05-28', '2028-10-03'],
  [2029, '2029-02-12', '2029-02-13', '2029-04-04', '2029-06-16', '2029-09-22'],
  [2030, '2030-02-02', '2030-02-03', '2030-04-05', '2030-06-05', '2030-09-12'],
  [2031, '2031-01-22', '2031-01-23', '2031-04-05', '2031-06-24', '2031-10-01'],
])('statutory holidays of provisional %i', (year, eve, newYear, qingming, duanwu, midAutumn) => {
  const days = new Map(STATUTORY_HOLIDAYS.filter(([day]) => day.startsWith(`${year}-`)));
  const chunjie = [eve, newYear, addDays(newYear, 1), addDays(newYear, 2)];
  for (const day of chunjie) expect([day, namesOf(day)]).toEqual([day, ['春节']]);
  expect(namesOf(addDays(eve, -1))).not.toContain('春节');
  expect(namesOf(addDays(newYear, 3))).not.toContain('春节');
  expect(namesOf(qingming)).toEqual(['清明节']);
  expect(namesOf(duanwu)).toEqual(['端午节']);
  expect(namesOf(midAutumn)).toContain('中秋节');
  for (const day of [`${year}-01-01`, `${year}-05-01`, `${year}-05-02`, `${year}-10-01`, `${year}-10-02`, `${year}-10-03`]) {
    expect(days.has(day)).toBe(true);
  }
});
