/** 行政区划 and units (R2): public to read, closed to every API role for writing. */
import { REGIONS } from '../../../shared/regions.ts';
import { anon, as, connect, type Db, failure, user, PERSONA_IDS } from '../../../tests/support/db.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

describe('anon (the public)', () => {
  test('reads the regions of 临沧市 as SPEC §6 lists them', async () => {
    const rows = await as(db, anon, async (q) =>
      (await q(`select code, name, parent_code from public.regions where code like '5309%' order by code`)).rows);
    expect(rows).toEqual(REGIONS.map((r) => ({ code: r.code, name: r.name, parent_code: r.parentCode ?? '530000' })));
  });

  test('reads the unit directory with region names', async () => {
    const rows = await as(db, anon, async (q) =>
      (await q(`select name, region_name from public.units where region_code = '530921' order by name`)).rows);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.region_name).toBe('凤庆县');
      expect(r.name.startsWith('凤庆县')).toBe(true);
    }
  });

  test('cannot add a unit, through the view or the table', async () => {
    const viaView = await as(db, anon, (q) =>
      failure(q(`insert into public.units (name, region_code) values ('假冒单位', '530902')`)));
    expect(viaView.code).toBe('42501');
    const viaTable = await as(db, anon, (q) =>
      failure(q(`insert into app.units (name, region_code) values ('假冒单位', '530902')`)));
    expect(viaTable.code).toBe('42501');
  });
});

describe('authenticated users', () => {
  test('read units but cannot rename one', async () => {
    const citizen = user(PERSONA_IDS['citizen-a']);
    const count = await as(db, citizen, async (q) => (await q('select count(*)::int as n from public.units')).rows[0].n);
    expect(count).toBeGreaterThan(0);
    const err = await as(db, citizen, (q) => failure(q(`update app.units set name = '改名' where region_code = '530902'`)));
    expect(err.code).toBe('42501');
  });

  test('cannot delete regions', async () => {
    const err = await as(db, user(PERSONA_IDS['supervisor-city']), (q) => failure(q(`delete from app.regions where code = '530927'`)));
    expect(err.code).toBe('42501');
  });
});
