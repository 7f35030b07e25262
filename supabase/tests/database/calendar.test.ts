/**
 * R6 working-day calendar in the database: the SQL rule equals its TypeScript twin
 * (shared/calendar) on the same generated data, and only a city supervisor may change it.
 */
import {
  addWorkingDays,
  ANNOUNCED_YEARS,
  CALENDAR_EXCEPTIONS,
  isWorkingDay,
  STATUTORY_HOLIDAYS,
  workingDeadline,
} from '../../../shared/calendar/index.ts';
import { addDays, dayNumber } from '../../../shared/calendar/days.ts';
import { anon, as, connect, type Db, failure, PERSONA_IDS, serviceRole, user } from '../../../tests/support/db.ts';
import { seededRandom as random } from '../../../tests/support/random.ts';

let db: Db;
// Dates are read as `day::text` ('YYYY-MM-DD'): node-postgres would turn a date into a local-time Date.
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

const cityId = PERSONA_IDS['supervisor-city'];

/** The machine code of a business error raised by app.raise_error. */
async function errorCode(promise: Promise<unknown>): Promise<{ code: string; details: unknown }> {
  const err = await failure(promise);
  expect(err.code).toBe('PGRST');
  const body = JSON.parse(err.message) as { code: string; details: unknown };
  return { code: body.code, details: body.details };
}


describe('the data equals shared/calendar/data.ts (one generator run wrote both)', () => {
  test('exceptions, announced years and statutory holidays', async () => {
    const days = await db.query<{ day: string; is_workday: boolean; name: string }>(
      `select day::text, is_workday, name from app.calendar_days order by day`);
    expect(days.rows.map((r) => [r.day, r.is_workday, r.name])).toEqual(CALENDAR_EXCEPTIONS.map((r) => [...r]));
    const years = await db.query<{ year: number }>('select year from app.calendar_years order by year');
    expect(years.rows.map((r) => r.year)).toEqual([...ANNOUNCED_YEARS]);
    const statutory = await db.query<{ day: string; name: string }>('select day::text, name from app.statutory_holidays order by day');
    expect(statutory.rows.map((r) => [r.day, r.name])).toEqual(STATUTORY_HOLIDAYS.map((r) => [...r]));
  });

  test('kind is derived: holidays, make-up workdays on weekends', async () => {
    const { rows } = await db.query(`select day::text, kind, name from app.calendar_days where day in ('2025-01-26', '2025-01-28', '2025-10-06') order by day`);
    expect(rows).toEqual([
      { day: '2025-01-26', kind: 'makeup_workday', name: '春节' },
      { day: '2025-01-28', kind: 'holiday', name: '春节' },
      { day: '2025-10-06', kind: 'holiday', name: '中秋节' },
    ]);
  });
});

describe('SQL and TypeScript agree', () => {
  test('is_working_day on every day from 2003 to 2100', async () => {
    const { rows } = await db.query<{ day: string; is_workday: boolean; is_provisional: boolean }>(
      `select day::text, is_workday, is_provisional from app.calendar_range('2003-01-01', '2100-12-31')`);
    expect(rows).toHaveLength(dayNumber('2100-12-31') - dayNumber('2003-01-01') + 1);
    const differing = rows.filter((r) => r.is_workday !== isWorkingDay(r.day)).map((r) => r.day);
    expect(differing).toEqual([]);
    expect(rows.filter((r) => r.is_provisional !== !ANNOUNCED_YEARS.includes(Number(r.day.slice(0, 4)))).length).toBe(0);
    const single = await db.query(`select app.is_working_day('2025-01-26') as sun, app.is_working_day('2027-10-01') as guoqing`);
    expect(single.rows[0]).toEqual({ sun: true, guoqing: false });
  });

  test.each([
    ['1999-12-31', 1, 'p_from'],
    ['2100-01-01', 0, 'p_from'],
    ['2099-12-30', 5, 'p_n'],
  ])('add_working_days(%s, %i) is invalid_input (%s), as addWorkingDays refuses it', async (from, k, detail) => {
    expect(() => addWorkingDays(from, k)).toThrow(RangeError);
    const err = await as(db, anon, (q) => failure(q('select public.add_working_days($1, $2)', [from, k])));
    expect(JSON.parse(err.message)).toMatchObject({ code: 'invalid_input', details: detail });
  });

  test('add_working_days and working_deadline over 4000 random (date, n) pairs, announced and provisional', async () => {
    const seed = 20261129;
    const next = random(seed);
    const from: string[] = [];
    const n: number[] = [];
    const pick = (lo: string, hi: string) => addDays(lo, Math.floor(next() * (dayNumber(hi) - dayNumber(lo) + 1)));
    for (let i = 0; i < 4000; i++) {
      // Half around the announced/provisional edge, the rest anywhere from 2004 to 2098.
      from.push(i % 2 === 0 ? pick('2024-06-01', '2032-12-31') : pick('2004-01-01', '2098-12-31'));
      n.push(i % 10 === 0 ? Math.floor(next() * 250) : Math.floor(next() * 31));
    }
    const { rows } = await as(db, anon, (q) => q<{ add: string; due_on: string; is_provisional: boolean }>(
      `select public.add_working_days(f, k)::text as add, w.due_on::text, w.is_provisional
       from unnest($1::date[], $2::int[]) with ordinality as t (f, k, i)
       cross join lateral public.working_deadline(t.f, t.k) w
       order by t.i`, [from, n]));
    const expected = from.map((f, i) => {
      const w = workingDeadline(f, n[i]!);
      return { add: addWorkingDays(f, n[i]!), due_on: w.dueOn, is_provisional: w.isProvisional };
    });
    const differing = rows.map((r, i) => ({ from: from[i], n: n[i], sql: r, ts: expected[i] }))
      .filter((d) => JSON.stringify(d.sql) !== JSON.stringify(d.ts));
    expect({ seed, differing: differing.slice(0, 5) }).toEqual({ seed, differing: [] });
    expect(rows.filter((r) => r.is_provisional).length).toBeGreaterThan(800);
    expect(rows.filter((r) => !r.is_provisional).length).toBeGreaterThan(800);
  }, 30_000);

  test('literal deadlines across 春节 2025 and into provisional 2027', async () => {
    const { rows } = await db.query(
      `select public.add_working_days('2025-01-24', 5)::text as chunjie,
              public.add_working_days('2025-01-29', 5)::text as on_holiday,
              public.add_working_days('2025-01-29', 0)::text as zero,
              (select row(due_on::text, is_provisional)::text from public.working_deadline('2026-12-28', 5)) as provisional`);
    expect(rows[0]).toEqual({ chunjie: '2025-02-07', on_holiday: '2025-02-10', zero: '2025-01-29', provisional: '(2027-01-05,t)' });
  });

  test.each([
    ['null n', `select public.add_working_days('2025-01-01', null)`, 'p_n'],
    ['negative n', `select public.add_working_days('2025-01-01', -1)`, 'p_n'],
    ['n over 1000', `select public.add_working_days('2025-01-01', 1001)`, 'p_n'],
    ['null day', `select public.add_working_days(null, 5)`, 'p_from'],
    ['infinite day', `select public.add_working_days('infinity', 5)`, 'p_from'],
    ['working_deadline with negative n', `select * from public.working_deadline('2025-01-01', -3)`, 'p_n'],
  ])('%s is invalid_input', async (_, sql, details) => {
    expect(await as(db, anon, (q) => errorCode(q(sql)))).toEqual({ code: 'invalid_input', details });
  });
});

describe('city supervisor', () => {
  test('makes a weekday a holiday; the deadline moves; setting it back deletes the exception', async () => {
    await as(db, user(cityId), async (q) => {
      expect((await q(`select public.add_working_days('2026-11-30', 1)::text as d`)).rows[0].d).toBe('2026-12-01');
      const set = await q(`select day::text, is_workday, is_exception from public.set_calendar_day('2026-12-01', false, '  临时停电闭厅  ')`);
      expect(set.rows).toEqual([{ day: '2026-12-01', is_workday: false, is_exception: true }]);
      const row = await q(`select is_workday, kind, note, source, updated_by from app.calendar_days where day = '2026-12-01'`);
      expect(row.rows).toEqual([{ is_workday: false, kind: 'holiday', note: '临时停电闭厅', source: 'supervisor', updated_by: cityId }]);
      expect((await q(`select public.add_working_days('2026-11-30', 1)::text as d`)).rows[0].d).toBe('2026-12-02');

      const back = await q(`select is_exception from public.set_calendar_day('2026-12-01', true, '恢复上班')`);
      expect(back.rows).toEqual([{ is_exception: false }]);
      expect((await q(`select count(*)::int as n from app.calendar_days where day = '2026-12-01'`)).rows[0].n).toBe(0);
      expect((await q(`select public.add_working_days('2026-11-30', 1)::text as d`)).rows[0].d).toBe('2026-12-01');
    });
  });

  test('makes a Saturday a workday, and takes over package rows', async () => {
    await as(db, user(cityId), async (q) => {
      await q(`select public.set_calendar_day('2026-12-05', true, '集中办件日')`);
      expect((await q(`select kind from public.calendar_days where day = '2026-12-05'`)).rows).toEqual([{ kind: 'makeup_workday' }]);
      expect((await q(`select public.add_working_days('2026-12-04', 1)::text as d`)).rows[0].d).toBe('2026-12-05');

      // Confirming a package holiday makes the row the supervisor's (later package data keeps it).
      await q(`select public.set_calendar_day('2025-01-28', false, '国办发明电〔2024〕12号')`);
      expect((await q(`select is_workday, name, note, source from app.calendar_days where day = '2025-01-28'`)).rows)
        .toEqual([{ is_workday: false, name: '春节', note: '国办发明电〔2024〕12号', source: 'supervisor' }]);
      // Working a package holiday on a weekday is the weekend rule again: no row.
      expect((await q(`select is_exception from public.set_calendar_day('2025-01-28', true, '测试：除夕上班')`)).rows)
        .toEqual([{ is_exception: false }]);
      expect((await q(`select app.is_working_day('2025-01-28') as w`)).rows[0].w).toBe(true);
    });
  });

  test('in a provisional year a holiday on a statutory weekday is kept, and a statutory day can be made worked', async () => {
    await as(db, user(cityId), async (q) => {
      // 2027-10-01 (Fri) is already off by the statutory fallback; the row keeps it off once 2027 is announced.
      const off = await q(`select is_exception from public.set_calendar_day('2027-10-01', false, '国庆节')`);
      expect(off.rows).toEqual([{ is_exception: true }]);
      const worked = await q(`select is_exception from public.set_calendar_day('2027-09-15', true, '测试：中秋上班')`);
      expect(worked.rows).toEqual([{ is_exception: true }]);
      expect((await q(`select app.is_working_day('2027-09-15') as w`)).rows[0].w).toBe(true);
      // A statutory holiday on a weekend needs no row.
      const weekend = await q(`select is_exception from public.set_calendar_day('2027-10-02', false, '国庆节')`);
      expect(weekend.rows).toEqual([{ is_exception: false }]);
    });
  });

  test('announces a year: its deadlines stop being provisional and the statutory fallback ends', async () => {
    await as(db, user(cityId), async (q) => {
      expect((await q(`select due_on::text, is_provisional from public.working_deadline('2027-02-04', 1)`)).rows)
        .toEqual([{ due_on: '2027-02-09', is_provisional: true }]);
      await q(`select public.set_calendar_day('2027-02-05', false, '春节')`);
      expect((await q(`select public.set_calendar_year_announced(2027, true) as a`)).rows[0].a).toBe(true);
      expect((await q(`select year, source, loaded_at is not null as loaded from public.calendar_years where year = 2027`)).rows)
        .toEqual([{ year: 2027, source: 'supervisor', loaded: true }]);
      expect((await q(`select due_on::text, is_provisional from public.working_deadline('2027-02-04', 1)`)).rows)
        .toEqual([{ due_on: '2027-02-08', is_provisional: false }]);
      await q(`select public.set_calendar_year_announced(2027, false)`);
      expect((await q(`select due_on::text, is_provisional from public.working_deadline('2027-02-04', 1)`)).rows)
        .toEqual([{ due_on: '2027-02-09', is_provisional: true }]);
    });
  });

  test.each([
    ['null day', `select public.set_calendar_day(null, false, '说明')`, 'p_day'],
    ['infinite day', `select public.set_calendar_day('infinity', false, '说明')`, 'p_day'],
    ['null is_workday', `select public.set_calendar_day('2026-12-01', null, '说明')`, 'p_is_workday'],
    ['empty note', `select public.set_calendar_day('2026-12-01', false, '')`, 'p_note'],
    ['blank note', `select public.set_calendar_day('2026-12-01', false, '   ')`, 'p_note'],
    ['null note', `select public.set_calendar_day('2026-12-01', false, null)`, 'p_note'],
    ['note over 200 characters', `select public.set_calendar_day('2026-12-01', false, repeat('停', 201))`, 'p_note'],
    ['null year', `select public.set_calendar_year_announced(null, true)`, 'p_year'],
    ['year out of range', `select public.set_calendar_year_announced(20270, true)`, 'p_year'],
  ])('%s is invalid_input', async (_, sql, details) => {
    expect(await as(db, user(cityId), (q) => errorCode(q(sql)))).toEqual({ code: 'invalid_input', details });
  });

  test('a note of exactly 200 characters is accepted', async () => {
    const { rows } = await as(db, user(cityId), (q) => q(`select is_exception from public.set_calendar_day('2026-12-01', false, repeat('停', 200))`));
    expect(rows).toEqual([{ is_exception: true }]);
  });

  test('cannot write the tables directly', async () => {
    const err = await as(db, user(cityId), (q) => failure(q(`insert into app.calendar_days (day, is_workday, source) values ('2026-12-01', false, 'supervisor')`)));
    expect(err.code).toBe('42501');
    const viaView = await as(db, user(cityId), (q) => failure(q(`delete from public.calendar_days where day = '2025-01-28'`)));
    expect(viaView.code).toBe('42501');
  });
});

describe('everyone else', () => {
  test.each([
    ['county supervisor (凤庆县)', 'supervisor-fengqing'],
    ['staff', 'staff-linxiang'],
    ['unit admin', 'unit-admin-linxiang'],
    ['citizen', 'citizen-a'],
  ] as const)('%s is forbidden to set a day or announce a year, and nothing changes', async (_, persona) => {
    await as(db, user(PERSONA_IDS[persona]), async (q) => {
      expect(await errorCode(q(`select public.set_calendar_day('2026-12-01', false, '说明')`))).toEqual({ code: 'forbidden', details: null });
    });
    await as(db, user(PERSONA_IDS[persona]), async (q) => {
      expect(await errorCode(q(`select public.set_calendar_year_announced(2027, true)`))).toEqual({ code: 'forbidden', details: null });
    });
    expect((await db.query(`select count(*)::int as n from app.calendar_days where day = '2026-12-01' or source = 'supervisor'`)).rows[0].n).toBe(0);
  });

  test('anon may not call the editors at all (refused before they run), even with bad input', async () => {
    for (const sql of [
      `select public.set_calendar_day('2026-12-01', false, '说明')`,
      `select public.set_calendar_day(null, null, null)`,
      `select public.set_calendar_year_announced(2027, true)`,
    ]) {
      const err = await as(db, anon, (q) => failure(q(sql)));
      expect({ sql, code: err.code }).toEqual({ sql, code: '42501' });
    }
  });

  test('the service role is no supervisor either', async () => {
    const code = await as(db, serviceRole, (q) => errorCode(q(`select public.set_calendar_day('2026-12-01', false, '说明')`)));
    expect(code).toEqual({ code: 'unauthorized', details: null });
  });
});

describe('anon reads the calendar (public information)', () => {
  test('the views and the deadline functions', async () => {
    await as(db, anon, async (q) => {
      const days = await q(`select day::text, is_workday, kind, name, source from public.calendar_days where day between '2025-01-26' and '2025-02-08' order by day`);
      expect(days.rows.map((r) => `${r.day} ${r.kind} ${r.name}`)).toEqual([
        '2025-01-26 makeup_workday 春节',
        '2025-01-28 holiday 春节',
        '2025-01-29 holiday 春节',
        '2025-01-30 holiday 春节',
        '2025-01-31 holiday 春节',
        '2025-02-03 holiday 春节',
        '2025-02-04 holiday 春节',
        '2025-02-08 makeup_workday 春节',
      ]);
      expect((await q(`select count(*)::int as n from public.calendar_years`)).rows[0].n).toBe(ANNOUNCED_YEARS.length);
      expect((await q(`select name from public.statutory_holidays where day = '2027-02-05'`)).rows).toEqual([{ name: '春节' }]);
      expect((await q(`select due_on::text, is_provisional from public.working_deadline('2025-09-26', 5)`)).rows)
        .toEqual([{ due_on: '2025-10-10', is_provisional: false }]);
    });
  });

  test('cannot see who changed a day', async () => {
    const err = await as(db, anon, (q) => failure(q(`select updated_by from public.calendar_days limit 1`)));
    expect(err.code).toBe('42703');
  });

  test('cannot write through the views', async () => {
    const err = await as(db, anon, (q) => failure(q(`insert into public.calendar_days (day, is_workday) values ('2026-12-01', false)`)));
    expect(err.code).toBe('42501');
  });
});
