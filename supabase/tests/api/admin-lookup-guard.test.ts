/**
 * Issue 13 point 5: a masked phone (138****5678) must not be completable through admin_find_user.
 * Attacks through PostgREST, each refusal with its code and status, nothing revealed and nothing
 * written (the caller's audit rows compared whole before and after):
 *   * a unit admin looking up by phone alone → 403 lookup_needs_id_number (ID alone, or phone AND
 *     ID of the same person, work; supervisors keep phone-only lookups);
 *   * a caller sweeping numbers → the 10th miss in 24 hours flags a sweep (audit row
 *     lookup_sweep_flagged, listed to supervisors by admin_lookup_flags) and every later lookup
 *     is 429 lookup_locked, even of a number that exists;
 *   * 100 lookups in 24 hours per caller (429 lookup_daily_limit), 30 in 10 minutes
 *     (lookup_rate_limited).
 * Sweeps lock their caller out for a day in the shared stack, so they run as throw-away unit
 * admins and supervisors made here (their roles are removed afterwards), never as a persona.
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { FoundUserRow, LookupFlagRow } from '../../../shared/admin-people.ts';
import { idNumberCheckCharacter } from '../../../shared/identity.ts';
import { parseRows } from '../../../shared/schemas.ts';
import { client } from '../../../tests/support/api.ts';
import { connect, PERSONA_IDS, type Db } from '../../../tests/support/db.ts';
import { stackEnv } from '../../../tests/support/env.ts';
import { personaClientsPerFile, refused } from '../../../tests/support/persona-clients.ts';

jest.setTimeout(120_000);

let db: Db;
let unitId: string;
const made: string[] = [];

// citizen-b (supabase/seed/20_identity.sql): 13988702302, ID 53090219920304001 + check character.
const PHONE_B = '13988702302';
const ID17_B = '53090219920304001';
const ID_B = ID17_B + idNumberCheckCharacter(ID17_B);
const runDigits = String(Date.now()).slice(-8);
/** A well-formed ID number nobody has: region 530902, month 13 of 1970 (no such birth date), a serial of this run. */
const unknownId = (n: number) => {
  const id17 = `530902197013${String((Number(runDigits) + n) % 100000).padStart(5, '0')}`;
  return id17 + idNumberCheckCharacter(id17);
};

const { rpc } = personaClientsPerFile(['unit-admin-linxiang', 'supervisor-city', 'supervisor-fengqing', 'staff-linxiang']);

beforeAll(async () => {
  db = await connect();
  // 临翔区自然资源局: a unit no demo persona works for (the ingestion tests use it the same way).
  unitId = (await db.query(`select id from app.units where name = '临翔区自然资源局'`)).rows[0].id;
});
afterAll(async () => {
  await db.query(`delete from app.staff_roles where user_id = any($1::uuid[])`, [made]);
  await db.end();
});

/** A new person holding one role, with a token PostgREST accepts (as auth-dev mints them). */
async function throwaway(role: 'unit_admin' | 'supervisor', where: string): Promise<{ id: string; api: SupabaseClient }> {
  const id = randomUUID();
  made.push(id);
  await db.query(`insert into app.users (id, masked_name, region_code) values ($1, '查*', '530902')`, [id]);
  await db.query(
    `insert into app.staff_roles (user_id, role, unit_id, scope_region_code) values ($1, $2, $3, $4)`,
    [id, role, role === 'unit_admin' ? where : null, role === 'supervisor' ? where : null]);
  const { SignJWT } = await import('jose');
  const { signJwt } = await import('../../../scripts/stack/keys.ts');
  const token = await signJwt(new SignJWT({ role: 'authenticated', aud: 'authenticated' })
    .setSubject(id).setIssuedAt().setExpirationTime('1h'), stackEnv.jwtSecret);
  return { id, api: client(token) };
}

/** Every audit row a caller wrote, as text (compared whole: nothing written by a refusal). */
const auditOf = async (actor: string): Promise<string> =>
  JSON.stringify((await db.query(`select id, action, detail from app.audit_log where actor_user_id = $1 order by id`, [actor])).rows);

test('a unit admin: phone alone is refused before anything is looked up; ID alone or phone AND ID work', async () => {
  const me = PERSONA_IDS['unit-admin-linxiang'];
  const linxiang = (await db.query(`select id from app.units where name = '临翔区市场监督管理局'`)).rows[0].id;
  const before = await auditOf(me);
  for (const p_identifier of [PHONE_B, '+86 139-8870-2302', '13900000000']) {
    const res = await rpc('unit-admin-linxiang', 'admin_find_user', { p_identifier, p_unit_id: linxiang });
    await refused(Promise.resolve(res), 'lookup_needs_id_number');
    expect(res.data).toBeNull();
  }
  expect(await auditOf(me)).toBe(before);

  const byId = await rpc('unit-admin-linxiang', 'admin_find_user', { p_identifier: ID_B, p_unit_id: linxiang });
  expect(parseRows(FoundUserRow, byId.data)).toEqual([{ user_id: PERSONA_IDS['citizen-b'], masked_name: '王*', realname_verified: true }]);
  const both = await rpc('unit-admin-linxiang', 'admin_find_user', { p_identifier: PHONE_B, p_unit_id: linxiang, p_id_number: ID_B.toLowerCase() });
  expect(parseRows(FoundUserRow, both.data)).toEqual([{ user_id: PERSONA_IDS['citizen-b'], masked_name: '王*', realname_verified: true }]);
  const rows = (await db.query(`select detail from app.audit_log where actor_user_id = $1 and action = 'user_lookup' order by id desc limit 2`, [me])).rows;
  expect(rows.map((r) => r.detail.kind)).toEqual(['phone+id_number', 'id_number']);
  expect(JSON.stringify(rows)).not.toContain(PHONE_B);
  expect(JSON.stringify(rows)).not.toContain(ID17_B);

  // A supervisor still finds by phone alone, with the old three arguments.
  const sup = await rpc('supervisor-city', 'admin_find_user', { p_identifier: PHONE_B, p_unit_id: linxiang });
  expect(parseRows(FoundUserRow, sup.data)).toEqual([expect.objectContaining({ user_id: PERSONA_IDS['citizen-b'] })]);
  // p_id_number goes only beside a phone, and must be an ID number.
  for (const args of [{ p_identifier: ID_B, p_id_number: ID_B }, { p_identifier: PHONE_B, p_id_number: '12345' }]) {
    await refused(rpc('supervisor-city', 'admin_find_user', { ...args, p_unit_id: linxiang }), 'invalid_input');
  }
});

test('the right phone with another person’s ID number finds nobody: the masked phone is not completable', async () => {
  const admin = await throwaway('unit_admin', unitId);
  const idA17 = '53090219880512002'; // citizen-a's ID, with citizen-b's phone
  const res = await admin.api.rpc('admin_find_user', { p_identifier: PHONE_B, p_unit_id: unitId, p_id_number: idA17 + idNumberCheckCharacter(idA17) });
  expect(res.error).toBeNull();
  expect(res.data).toEqual([]);
});

test('a sweep: the 10th miss in 24 hours is flagged, then every lookup is 429 lookup_locked; supervisors see the flag', async () => {
  const admin = await throwaway('unit_admin', unitId);
  for (let i = 1; i <= 10; i++) {
    const res = await admin.api.rpc('admin_find_user', { p_identifier: unknownId(i), p_unit_id: unitId });
    expect({ i, error: res.error, data: res.data }).toEqual({ i, error: null, data: [] });
    const flagged = (await db.query(`select count(*)::int as n from app.audit_log where actor_user_id = $1 and action = 'lookup_sweep_flagged'`, [admin.id])).rows[0].n;
    expect({ i, flagged }).toEqual({ i, flagged: i < 10 ? 0 : 1 });
  }
  const flag = (await db.query(`select region_code, state_to, detail from app.audit_log where actor_user_id = $1 and action = 'lookup_sweep_flagged'`, [admin.id])).rows[0];
  expect(flag).toMatchObject({ region_code: '530902', state_to: 'locked', detail: { misses_24h: 10, unit_id: unitId, kind: 'id_number' } });

  // Locked: even a number that exists answers nothing, and nothing more is written.
  const before = await auditOf(admin.id);
  for (const args of [{ p_identifier: ID_B }, { p_identifier: unknownId(11) }, { p_identifier: PHONE_B, p_id_number: ID_B }]) {
    const res = await admin.api.rpc('admin_find_user', { ...args, p_unit_id: unitId });
    expect(res.error).toMatchObject({ code: 'lookup_locked' });
    expect(res.status).toBe(429);
    expect(res.data).toBeNull();
  }
  expect(await auditOf(admin.id)).toBe(before);

  // Supervisors of the region (and above) see who, where and how many; others may not look.
  const city = parseRows(LookupFlagRow, (await rpc('supervisor-city', 'admin_lookup_flags', { p_region_code: '530900' })).data);
  expect(city).toContainEqual(expect.objectContaining({ user_id: admin.id, masked_name: '查*', region_code: '530902', unit_id: unitId, unit_name: '临翔区自然资源局', misses: 10 }));
  const row = city.find((r) => r.user_id === admin.id)!;
  expect(new Date(row.locked_until).getTime() - new Date(row.flagged_at).getTime()).toBe(24 * 3600 * 1000);
  await refused(rpc('supervisor-fengqing', 'admin_lookup_flags', { p_region_code: '530902' }), 'forbidden');
  await refused(rpc('unit-admin-linxiang', 'admin_lookup_flags', { p_region_code: '530902' }), 'forbidden');
  await refused(rpc('staff-linxiang', 'admin_lookup_flags', { p_region_code: '530902' }), 'forbidden');
  expect(parseRows(LookupFlagRow, (await rpc('supervisor-fengqing', 'admin_lookup_flags', { p_region_code: '530921' })).data)
    .some((r) => r.user_id === admin.id)).toBe(false);
});

test('a daily cap: the 101st lookup in 24 hours is 429 lookup_daily_limit, and writes nothing', async () => {
  const admin = await throwaway('unit_admin', unitId);
  // 99 earlier lookups (hits) spread over the last day, as the function would have audited them.
  await db.query(
    `insert into app.audit_log (at, actor_user_id, actor_role, entity, entity_id, action, detail, region_code)
     select now() - make_interval(mins => 15 + n * 10), $1, 'authenticated', 'admin', $1, 'user_lookup',
            jsonb_build_object('kind', 'id_number', 'found', 1, 'user_ids', jsonb_build_array($2::text), 'unit_id', $3::text), '530902'
     from generate_series(1, 99) n`, [admin.id, PERSONA_IDS['citizen-b'], unitId]);
  const hundredth = await admin.api.rpc('admin_find_user', { p_identifier: ID_B, p_unit_id: unitId });
  expect(hundredth.error).toBeNull();
  expect(hundredth.data).toEqual([expect.objectContaining({ user_id: PERSONA_IDS['citizen-b'] })]);
  const before = await auditOf(admin.id);
  const res = await admin.api.rpc('admin_find_user', { p_identifier: ID_B, p_unit_id: unitId });
  expect(res.error).toMatchObject({ code: 'lookup_daily_limit' });
  expect(res.status).toBe(429);
  expect(res.data).toBeNull();
  expect(await auditOf(admin.id)).toBe(before);
  // Lookups older than 24 hours do not count: another caller with 150 of them two days ago is free.
  const old = await throwaway('unit_admin', unitId);
  await db.query(
    `insert into app.audit_log (at, actor_user_id, actor_role, entity, entity_id, action, detail, region_code)
     select now() - interval '2 days' - make_interval(mins => n), $1, 'authenticated', 'admin', $1, 'user_lookup',
            '{"kind": "id_number", "found": 0, "user_ids": []}'::jsonb, '530902'
     from generate_series(1, 150) n`, [old.id]);
  expect((await old.api.rpc('admin_find_user', { p_identifier: ID_B, p_unit_id: unitId })).error).toBeNull();
});

test('at most 30 lookups per caller in 10 minutes; the refusal writes nothing; others are not held up', async () => {
  const sup = await throwaway('supervisor', '530921');
  const fengqingUnit = (await db.query(`select id from app.units where name = '凤庆县市场监督管理局'`)).rows[0].id;
  const args = { p_identifier: PHONE_B, p_unit_id: fengqingUnit };
  for (let i = 0; i < 30; i++) {
    const res = await sup.api.rpc('admin_find_user', args);
    expect(res.error).toBeNull();
  }
  const before = await auditOf(sup.id);
  const res = await sup.api.rpc('admin_find_user', args);
  expect(res.error).toMatchObject({ code: 'lookup_rate_limited' });
  expect(res.status).toBe(429);
  expect(await auditOf(sup.id)).toBe(before);
  expect((await rpc('supervisor-fengqing', 'admin_find_user', args)).error).toBeNull();
});
