import { ANNOUNCED_YEARS, CALENDAR_EXCEPTIONS, STATUTORY_HOLIDAYS } from '../../../shared/calendar/index.ts'
import { calendarYears, dayInfo, daysInMonth, gridCalendar, kindCounts, monthGrid, noteProblem, type GridRows } from './calendar-grid.ts'

/** Rows as the API answers them, from the generated data (2026 announced, 2027 provisional). */
function rows(extra: GridRows['days'] = []): GridRows {
  const inRange = (d: string) => d >= '2026-01-01' && d <= '2027-12-31'
  return {
    days: [
      ...CALENDAR_EXCEPTIONS.filter(([d]) => inRange(d) && !extra.some((e) => e.day === d)).map(([day, is_workday, name]) => ({
        day,
        is_workday,
        name,
        note: null,
        source: 'chinese-days' as const,
      })),
      ...extra,
    ],
    years: ANNOUNCED_YEARS.map((year) => ({ year })),
    statutory: STATUTORY_HOLIDAYS.filter(([d]) => inRange(d)).map(([day, name]) => ({ day, name })),
  }
}

test('2027-02 starts on a Monday and has 28 days, four full weeks', () => {
  const g = monthGrid(2027, 2, gridCalendar(rows()))
  expect(g.firstWeekday).toBe(1)
  expect(g.dayCount).toBe(28)
  expect(g.weeks).toHaveLength(4)
  expect(g.weeks[0]?.[0]).toMatchObject({ day: '2027-02-01', date: 1 })
  expect(g.weeks[3]?.[6]).toMatchObject({ day: '2027-02-28', date: 28 })
  expect(g.provisional).toBe(true)
})

test('padding: 2026-11 starts on a Sunday (six leading blanks), 2024-02 has 29 days', () => {
  const g = monthGrid(2026, 11, gridCalendar(rows()))
  expect(g.firstWeekday).toBe(7)
  expect(g.weeks[0]?.slice(0, 6)).toEqual([null, null, null, null, null, null])
  expect(g.weeks[0]?.[6]).toMatchObject({ day: '2026-11-01', kind: 'rest' })
  expect(g.weeks.every((w) => w.length === 7)).toBe(true)
  expect(daysInMonth(2024, 2)).toBe(29)
  expect(daysInMonth(2100, 2)).toBe(28)
  expect(() => daysInMonth(2027, 13)).toThrow(RangeError)
})

test('an announced year: 调休 Saturday is 上班, 春节 on weekdays is a holiday, ordinary days follow the week', () => {
  const g = gridCalendar(rows())
  expect(dayInfo('2026-02-14', g)).toMatchObject({ kind: 'makeup', isWorkday: true, name: '春节', provisional: false }) // Saturday
  expect(dayInfo('2026-02-16', g)).toMatchObject({ kind: 'holiday', isWorkday: false, name: '春节' })
  expect(dayInfo('2026-11-30', g)).toMatchObject({ kind: 'workday', isWorkday: true, name: null })
  expect(dayInfo('2026-11-29', g)).toMatchObject({ kind: 'rest', isWorkday: false })
  const feb = kindCounts(monthGrid(2026, 2, g))
  expect(feb.makeup).toBe(2)
  expect(feb.workday + feb.rest + feb.holiday + feb.makeup).toBe(28)
})

test('a provisional year: statutory holidays only, no guessed make-up days', () => {
  const g = gridCalendar(rows())
  expect(dayInfo('2027-02-05', g)).toMatchObject({ kind: 'holiday', name: '春节', provisional: true }) // Friday
  expect(dayInfo('2027-02-06', g)).toMatchObject({ kind: 'holiday', isWorkday: false }) // Saturday, 春节 too
  expect(dayInfo('2027-10-01', g)).toMatchObject({ kind: 'holiday', name: '国庆节' })
  expect(dayInfo('2027-10-09', g)).toMatchObject({ kind: 'rest' }) // a Saturday: no make-up guessed
})

test('a supervisor’s entries: a worked Saturday is 调休上班, a weekday off without a holiday name is a 休息日, each with its note', () => {
  const g = gridCalendar(
    rows([
      { day: '2027-02-20', is_workday: true, name: null, note: '国办发明电〔2026〕X号', source: 'supervisor' },
      { day: '2027-12-15', is_workday: false, name: null, note: '临时调整', source: 'supervisor' },
    ]),
  )
  expect(dayInfo('2027-02-20', g)).toMatchObject({ kind: 'makeup', isWorkday: true, note: '国办发明电〔2026〕X号', bySupervisor: true })
  expect(dayInfo('2027-12-15', g)).toMatchObject({ kind: 'rest', isWorkday: false, bySupervisor: true, note: '临时调整' })
  expect(dayInfo('2027-12-16', g)).toMatchObject({ kind: 'workday', bySupervisor: false, note: null })
  // Once announced, the year is no longer provisional.
  const announced = gridCalendar({ ...rows(), years: [...ANNOUNCED_YEARS, 2027].map((year) => ({ year })) })
  expect(monthGrid(2027, 2, announced).provisional).toBe(false)
})

test('the years offered and the note check', () => {
  expect(calendarYears('2026-11-29')).toEqual([2026, 2027])
  expect(noteProblem('  ')).toMatch(/调整依据/)
  expect(noteProblem('x'.repeat(201))).toMatch(/200/)
  expect(noteProblem('国办发明电〔2026〕7号')).toBeNull()
})
