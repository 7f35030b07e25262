/**
 * 人员与角色's lookup and lists through PostgREST (issue 7): admin_find_user finds an existing
 * person by mobile number or ID number through the blind indexes, only for someone who may grant
 * a role in the unit or region they name, answers masked values only, audits every lookup
 * without the value (limits and sweeps: admin-lookup-guard.test.ts). admin_unit_staff and
 * admin_unit_windows serve a unit's managers; ingest_key_halls a supervisor's halls.
 */
import { FoundUserRow, KeyHallRow, UnitStaffRow, UnitWindowRow } from '../../../shared/admin-people.ts';
import { idNumberCheckCharacter } from '../../../shared/identity.ts';
import { parseRows } from '../../../shared/schemas.ts';
import { connect, PERSONA_IDS, type Db } from '../../../tests/support/db.ts';
import { personaClientsPerFile, refused } from '../../../tests/support/persona-clients.ts';

let db: Db;
let linxiangUnit: string;
let fengqingUnit: string;

// citizen-b (supabase/seed/20_identity.sql): 王磊, 13988702302, ID 53090219920304001 + check digit.
const PHONE_B = '13988702302';
const ID17_B = '53090219920304001';
const ID_B = ID17_B + idNumberCheckCharacter(ID17_B);

const { rpc } = personaClientsPerFile(['anon', 'citizen-a', 'staff-linxiang', 'unit-admin-linxiang', 'supervisor-city', 'supervisor-fengqing']);

beforeAll(async () => {
  db = await connect();
  linxiangUnit = (await db.query(`select id from app.units where name = '临翔区市场监督管理局'`)).rows[0].id;
  fengqingUnit = (await db.query(`select id from app.units where name = '凤庆县市场监督管理局'`)).rows[0].id;
});
afterAll(() => db.end());

const lookups = async (actor: string): Promise<number> =>
  (await db.query(`select count(*)::int as n from app.audit_log where action = 'user_lookup' and actor_user_id = $1`, [actor])).rows[0].n;
const auditTotal = async (): Promise<number> => (await db.query(`select count(*)::int as n from app.audit_log`)).rows[0].n;

test('a supervisor of the unit’s region finds a person by mobile number or ID number: masked values only', async () => {
  for (const identifier of [PHONE_B, '+86 139-8870-2302', ID_B, ID_B.toLowerCase()]) {
    const res = await rpc('supervisor-city', 'admin_find_user', { p_identifier: identifier, p_unit_id: linxiangUnit });
    expect(res.error).toBeNull();
    expect(parseRows(FoundUserRow, res.data)).toEqual([{ user_id: PERSONA_IDS['citizen-b'], masked_name: '王*', realname_verified: true }]);
    // Exactly the three fields, and nothing of the identity in clear.
    expect(Object.keys((res.data as object[])[0] ?? {}).sort()).toEqual(['masked_name', 'realname_verified', 'user_id']);
    const text = JSON.stringify(res.data);
    for (const pii of ['王磊', PHONE_B, '8870', ID17_B, '19920304']) expect(text).not.toContain(pii);
  }
  // For a supervisor role of a region they oversee, too.
  const scoped = await rpc('supervisor-city', 'admin_find_user', { p_identifier: PHONE_B, p_scope_region_code: '530902' });
  expect(scoped.data).toEqual([expect.objectContaining({ user_id: PERSONA_IDS['citizen-b'] })]);
});

test('an unknown number is an empty answer, audited like a hit; the audit never holds the value', async () => {
  const me = PERSONA_IDS['supervisor-city'];
  const before = await lookups(me);
  const res = await rpc('supervisor-city', 'admin_find_user', { p_identifier: '13900000000', p_unit_id: linxiangUnit });
  expect(res.error).toBeNull();
  expect(res.data).toEqual([]);
  await rpc('supervisor-city', 'admin_find_user', { p_identifier: PHONE_B, p_unit_id: linxiangUnit });
  expect(await lookups(me)).toBe(before + 2);
  const rows = (await db.query(`select detail, region_code from app.audit_log where action = 'user_lookup' and actor_user_id = $1 order by id desc limit 2`, [me])).rows;
  expect(rows[0]).toMatchObject({ region_code: '530902', detail: { kind: 'phone', found: 1, user_ids: [PERSONA_IDS['citizen-b']], unit_id: linxiangUnit } });
  expect(rows[1]).toMatchObject({ detail: { kind: 'phone', found: 0, user_ids: [] } });
  const all = JSON.stringify((await db.query(`select detail from app.audit_log where action = 'user_lookup'`)).rows);
  for (const pii of [PHONE_B, '13900000000', ID17_B]) expect(all).not.toContain(pii);
});

test('a unit admin may look up for their own unit only (by ID number: phone alone is for supervisors)', async () => {
  const own = await rpc('unit-admin-linxiang', 'admin_find_user', { p_identifier: ID_B, p_unit_id: linxiangUnit });
  expect(own.data).toEqual([expect.objectContaining({ user_id: PERSONA_IDS['citizen-b'], masked_name: '王*' })]);
  const before = await auditTotal();
  await refused(rpc('unit-admin-linxiang', 'admin_find_user', { p_identifier: PHONE_B, p_unit_id: fengqingUnit }), 'forbidden');
  await refused(rpc('unit-admin-linxiang', 'admin_find_user', { p_identifier: PHONE_B, p_scope_region_code: '530902' }), 'forbidden');
  expect(await auditTotal()).toBe(before);
});

test('refused to staff, citizens, anon and supervisors of another region, before anything is looked up or written', async () => {
  const before = await auditTotal();
  const args = { p_identifier: PHONE_B, p_unit_id: linxiangUnit };
  await refused(rpc('staff-linxiang', 'admin_find_user', args), 'forbidden');
  await refused(rpc('citizen-a', 'admin_find_user', args), 'forbidden');
  await refused(rpc('citizen-a', 'admin_find_user', { p_identifier: PHONE_B, p_scope_region_code: '530902' }), 'forbidden');
  await refused(rpc('supervisor-fengqing', 'admin_find_user', args), 'forbidden');
  await refused(rpc('supervisor-fengqing', 'admin_find_user', { p_identifier: PHONE_B, p_scope_region_code: '530900' }), 'forbidden');
  const anon = await rpc('anon', 'admin_find_user', args);
  expect(anon.status).toBe(401);
  expect(anon.data).toBeNull();
  // A refusal answers the same whether or not the number exists: nothing to learn from it.
  const unknown = await rpc('supervisor-fengqing', 'admin_find_user', { p_identifier: '13900000000', p_unit_id: linxiangUnit });
  expect(unknown.error).toMatchObject({ code: 'forbidden' });
  expect(await auditTotal()).toBe(before);
});

test('bad input: not a mobile or ID number, or not exactly one scope', async () => {
  const before = await auditTotal();
  for (const p_identifier of ['12345', '王磊', '1398870230', '139887023021', '5309021992030400', '', null]) {
    await refused(rpc('supervisor-city', 'admin_find_user', { p_identifier, p_unit_id: linxiangUnit }), 'invalid_input');
  }
  await refused(rpc('supervisor-city', 'admin_find_user', { p_identifier: PHONE_B }), 'invalid_input');
  await refused(rpc('supervisor-city', 'admin_find_user', { p_identifier: PHONE_B, p_unit_id: linxiangUnit, p_scope_region_code: '530902' }), 'invalid_input');
  await refused(rpc('supervisor-city', 'admin_find_user', { p_identifier: PHONE_B, p_unit_id: '11111111-1111-4111-8111-111111111111' }), 'not_found');
  expect(await auditTotal()).toBe(before);
});

// The 30-in-10-minutes, daily and sweep limits: admin-lookup-guard.test.ts (throw-away callers,
// since a sweep locks its caller out for a day).

test('a unit’s staff and windows: for its managers only, masked names', async () => {
  const staff = await rpc('unit-admin-linxiang', 'admin_unit_staff', { p_unit_id: linxiangUnit });
  expect(staff.error).toBeNull();
  const rows = parseRows(UnitStaffRow, staff.data);
  expect(rows).toContainEqual(expect.objectContaining({ user_id: PERSONA_IDS['staff-linxiang'], role: 'staff', masked_name: '杨*', realname_verified: true }));
  expect(rows).toContainEqual(expect.objectContaining({ user_id: PERSONA_IDS['unit-admin-linxiang'], role: 'unit_admin' }));
  expect(rows.find((r) => r.user_id === PERSONA_IDS['staff-linxiang'])?.current_windows.length).toBeGreaterThan(0);
  expect(JSON.stringify(rows)).not.toMatch(/杨帆|158870/);
  const windows = parseRows(UnitWindowRow, (await rpc('unit-admin-linxiang', 'admin_unit_windows', { p_unit_id: linxiangUnit })).data);
  expect(windows.length).toBeGreaterThan(0);
  expect((await rpc('supervisor-city', 'admin_unit_staff', { p_unit_id: linxiangUnit })).error).toBeNull();
  for (const [who, unit] of [['unit-admin-linxiang', fengqingUnit], ['staff-linxiang', linxiangUnit], ['citizen-a', linxiangUnit], ['supervisor-fengqing', linxiangUnit]] as const) {
    await refused(rpc(who, 'admin_unit_staff', { p_unit_id: unit }), 'forbidden');
    await refused(rpc(who, 'admin_unit_windows', { p_unit_id: unit }), 'forbidden');
  }
});

test('the halls a supervisor may place a device in: those of their regions', async () => {
  const city = parseRows(KeyHallRow, (await rpc('supervisor-city', 'ingest_key_halls', {})).data);
  const fengqing = parseRows(KeyHallRow, (await rpc('supervisor-fengqing', 'ingest_key_halls', {})).data);
  expect(fengqing.length).toBeGreaterThan(0);
  expect(new Set(fengqing.map((h) => h.region_code))).toEqual(new Set(['530921']));
  expect(city.length).toBeGreaterThan(fengqing.length);
  expect(city.map((h) => h.hall_id)).toEqual(expect.arrayContaining(fengqing.map((h) => h.hall_id)));
  await refused(rpc('unit-admin-linxiang', 'ingest_key_halls', {}), 'forbidden');
  await refused(rpc('citizen-a', 'ingest_key_halls', {}), 'forbidden');
});
