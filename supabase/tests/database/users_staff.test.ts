/** Users, staff roles and whoami(): each person sees only themselves (R13's first line). */
import { PERSONA_KEYS } from '../../../shared/personas.ts';
import { anon, as, connect, type Db, failure, PERSONA_IDS, serviceRole, user } from '../../../tests/support/db.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

describe('owner', () => {
  test('reads their own user row and nobody else’s', async () => {
    const rows = await as(db, user(PERSONA_IDS['citizen-a']), async (q) => (await q('select id, masked_name from app.users')).rows);
    expect(rows).toEqual([{ id: PERSONA_IDS['citizen-a'], masked_name: '李*梅' }]);
  });

  test('whoami() of a staff member names their unit and role', async () => {
    const rows = await as(db, user(PERSONA_IDS['staff-linxiang']), async (q) =>
      (await q('select masked_name, region_name, role, unit_name, scope_region_code from public.whoami()')).rows);
    expect(rows).toEqual([
      { masked_name: '杨*', region_name: '临翔区', role: 'staff', unit_name: '临翔区市场监督管理局', scope_region_code: null },
    ]);
  });

  test('whoami() of a supervisor names the region they supervise', async () => {
    const rows = await as(db, user(PERSONA_IDS['supervisor-fengqing']), async (q) =>
      (await q('select role, unit_name, scope_region_code from public.whoami()')).rows);
    expect(rows).toEqual([{ role: 'supervisor', unit_name: null, scope_region_code: '530921' }]);
  });

  test('whoami() of a citizen has one row and no role', async () => {
    const rows = await as(db, user(PERSONA_IDS['citizen-b']), async (q) => (await q('select role from public.whoami()')).rows);
    expect(rows).toEqual([{ role: null }]);
  });
});

describe('stranger', () => {
  test('sees no staff roles but their own', async () => {
    const rows = await as(db, user(PERSONA_IDS['citizen-a']), async (q) => (await q('select * from app.staff_roles')).rows);
    expect(rows).toEqual([]);
  });

  test('cannot give themselves a role', async () => {
    const err = await as(db, user(PERSONA_IDS['citizen-a']), (q) =>
      failure(q(`insert into app.staff_roles (user_id, role, scope_region_code) values ($1, 'supervisor', '530900')`, [PERSONA_IDS['citizen-a']])));
    expect(err.code).toBe('42501');
  });

  test('a user id that does not exist gets an empty whoami()', async () => {
    const rows = await as(db, user('99999999-9999-4999-8999-999999999999'), async (q) => (await q('select * from public.whoami()')).rows);
    expect(rows).toEqual([]);
  });
});

describe('anon', () => {
  test('cannot call whoami()', async () => {
    const err = await as(db, anon, (q) => failure(q('select * from public.whoami()')));
    expect(err.code).toBe('42501');
  });

  test('cannot read users', async () => {
    const err = await as(db, anon, (q) => failure(q('select * from app.users')));
    expect(err.code).toBe('42501');
  });
});

describe('demo personas (auth-dev)', () => {
  test('the service role lists every contract persona key', async () => {
    const keys = await as(db, serviceRole, async (q) => (await q('select key from public.dev_personas()')).rows.map((r) => r.key));
    expect([...keys].sort()).toEqual([...PERSONA_KEYS].sort());
  });

  test('an authenticated user cannot list them', async () => {
    const err = await as(db, user(PERSONA_IDS['citizen-a']), (q) => failure(q('select * from public.dev_personas()')));
    expect(err.code).toBe('42501');
  });

  test('staff roles are constrained: a supervisor needs a region, staff a unit', async () => {
    const err = await failure(
      db.query(`insert into app.staff_roles (user_id, role) values ($1, 'supervisor')`, [PERSONA_IDS['citizen-a']]),
    );
    expect(err.code).toBe('23514');
  });
});
