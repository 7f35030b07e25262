/**
 * The 管理 listings through PostgREST (issue 7): admin_halls and admin_windows of a region and
 * admin_matters of a unit answer a supervisor of that region only — the city's supervisor for
 * the city and every county, 凤庆县's for 凤庆县 alone; staff, unit admins and citizens are
 * refused by rule (forbidden), anon by grant (401); nothing is written by any of them.
 */
import { AdminHallRow, AdminMatterRow, AdminWindowRow } from '../../../shared/admin-org.ts';
import { parseRows } from '../../../shared/schemas.ts';
import { connect, type Db } from '../../../tests/support/db.ts';
import { personaClientsPerFile, refused } from '../../../tests/support/persona-clients.ts';

let db: Db;
beforeAll(async () => {
  db = await connect();
});
afterAll(() => db.end());

const { rpc } = personaClientsPerFile(['anon', 'citizen-a', 'staff-linxiang', 'unit-admin-linxiang', 'staff-fengqing', 'supervisor-city', 'supervisor-fengqing']);
const idOf = async (sql: string, args: unknown[] = []) => (await db.query(sql, args)).rows[0].id as string;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;

/** Rows of everything a listing could touch, and the audit log: unchanged by any listing. */
async function footprint(): Promise<Record<string, number>> {
  const { rows } = await db.query(`select (select count(*) from app.halls)::int as halls, (select count(*) from app.windows)::int as windows,
    (select count(*) from app.matters)::int as matters, (select count(*) from app.units)::int as units, (select count(*) from app.audit_log where entity = 'admin')::int as audit`);
  return rows[0];
}

test('a supervisor lists the halls and windows of a region they oversee, with each window’s unit', async () => {
  const before = await footprint();
  const halls = await rpc('supervisor-city', 'admin_halls', { p_region_code: '530902' });
  expect(halls.error).toBeNull();
  const hallRows = parseRows(AdminHallRow, halls.data);
  const center = hallRows.find((h) => h.name === '临翔区政务服务中心');
  expect(center).toMatchObject({ region_code: '530902', kind: 'center', address: '临翔区政务服务中心一楼大厅' });
  expect(hallRows.every((h) => h.region_code === '530902')).toBe(true);

  const windows = parseRows(AdminWindowRow, (await rpc('supervisor-city', 'admin_windows', { p_region_code: '530902' })).data);
  const inCenter = windows.filter((w) => w.hall_id === center!.id);
  expect(inCenter).toHaveLength(center!.window_count);
  expect(inCenter.map((w) => w.unit_name)).toContain('临翔区市场监督管理局');
  expect(inCenter.every((w) => w.hall_name === '临翔区政务服务中心')).toBe(true);
  // Exactly the region asked: the city's own hall is not among 临翔区's.
  expect(windows.some((w) => w.hall_name === '临沧市政务服务中心')).toBe(false);
  expect(parseRows(AdminHallRow, (await rpc('supervisor-city', 'admin_halls', { p_region_code: '530900' })).data).map((h) => h.name)).toContain('临沧市政务服务中心');

  // 凤庆县's supervisor: their county, as the city's supervisor sees it.
  const fq = await rpc('supervisor-fengqing', 'admin_halls', { p_region_code: '530921' });
  expect(fq.error).toBeNull();
  expect(fq.data).toEqual((await rpc('supervisor-city', 'admin_halls', { p_region_code: '530921' })).data);
  expect(await footprint()).toEqual(before);
});

test('a unit’s 事项 with the fields admin_save_matter edits', async () => {
  const unitId = await idOf(`select id from app.units where name = '临翔区市场监督管理局'`);
  const res = await rpc('supervisor-city', 'admin_matters', { p_unit_id: unitId });
  expect(res.error).toBeNull();
  const rows = parseRows(AdminMatterRow, res.data);
  expect(rows.find((m) => m.code === '530902-SJ-002')).toEqual(expect.objectContaining({
    unit_id: unitId, name: '食品经营许可证核发', promised_working_days: 10, handling_channels: ['window', 'online'], rating_channels: ['mobile', 'qrcode', 'hall_pad'],
  }));
  expect(rows.map((m) => m.code)).toEqual([...rows.map((m) => m.code)].sort());
  const fq = await idOf(`select id from app.units where name = '凤庆县公安局'`);
  expect((await rpc('supervisor-fengqing', 'admin_matters', { p_unit_id: fq })).error).toBeNull();
});

test('what a supervisor saves is listed at once', async () => {
  const hall = await rpc('supervisor-fengqing', 'admin_save_hall', { p_id: null, p_region_code: '530921', p_name: unique('凤庆测试服务站'), p_kind: 'station', p_address: null });
  const hallId = hall.data[0].id as string;
  const unitId = await idOf(`select id from app.units where name = '凤庆县公安局'`);
  const win = await rpc('supervisor-fengqing', 'admin_save_window', { p_id: null, p_hall_id: hallId, p_unit_id: unitId, p_name: '2号窗口' });
  const matter = await rpc('supervisor-fengqing', 'admin_save_matter', {
    p_id: null, p_unit_id: unitId, p_code: unique('QT-'), p_name: '户口迁移', p_promised_working_days: 0, p_rating_channels: ['qrcode'],
  });
  const halls = parseRows(AdminHallRow, (await rpc('supervisor-fengqing', 'admin_halls', { p_region_code: '530921' })).data);
  expect(halls.find((h) => h.id === hallId)).toMatchObject({ kind: 'station', address: null, window_count: 1 });
  const windows = parseRows(AdminWindowRow, (await rpc('supervisor-fengqing', 'admin_windows', { p_region_code: '530921' })).data);
  expect(windows.find((w) => w.id === win.data[0].id)).toEqual({ id: win.data[0].id, hall_id: hallId, hall_name: halls.find((h) => h.id === hallId)!.name, unit_id: unitId, unit_name: '凤庆县公安局', name: '2号窗口' });
  const matters = parseRows(AdminMatterRow, (await rpc('supervisor-fengqing', 'admin_matters', { p_unit_id: unitId })).data);
  expect(matters.find((m) => m.id === matter.data[0].id)).toMatchObject({ name: '户口迁移', promised_working_days: 0, rating_channels: ['qrcode'], handling_channels: ['window'] });
});

test('a supervisor of another region, staff, unit admins and citizens are refused; anon cannot call them; nothing written', async () => {
  const before = await footprint();
  const linxiangUnit = await idOf(`select id from app.units where name = '临翔区市场监督管理局'`);
  const fengqingUnit = await idOf(`select id from app.units where name = '凤庆县市场监督管理局'`);
  // 凤庆县's supervisor: not 临翔区, not the city.
  await refused(rpc('supervisor-fengqing', 'admin_halls', { p_region_code: '530902' }), 'forbidden');
  await refused(rpc('supervisor-fengqing', 'admin_halls', { p_region_code: '530900' }), 'forbidden');
  await refused(rpc('supervisor-fengqing', 'admin_windows', { p_region_code: '530902' }), 'forbidden');
  await refused(rpc('supervisor-fengqing', 'admin_matters', { p_unit_id: linxiangUnit }), 'forbidden');
  // Staff and unit admins, even of the unit itself; citizens.
  for (const who of ['staff-linxiang', 'unit-admin-linxiang', 'staff-fengqing', 'citizen-a'] as const) {
    await refused(rpc(who, 'admin_halls', { p_region_code: '530902' }), 'forbidden');
    await refused(rpc(who, 'admin_windows', { p_region_code: '530921' }), 'forbidden');
    await refused(rpc(who, 'admin_matters', { p_unit_id: who === 'staff-fengqing' ? fengqingUnit : linxiangUnit }), 'forbidden');
  }
  for (const [fn, args] of [['admin_halls', { p_region_code: '530902' }], ['admin_windows', { p_region_code: '530902' }], ['admin_matters', { p_unit_id: linxiangUnit }]] as const) {
    const res = await rpc('anon', fn, args);
    expect(res.data).toBeNull();
    expect(res.error?.code).toBe('42501');
    expect(res.status).toBe(401);
  }
  // What is not there.
  await refused(rpc('supervisor-city', 'admin_halls', { p_region_code: '999999' }), 'not_found');
  await refused(rpc('supervisor-city', 'admin_windows', { p_region_code: null }), 'not_found');
  await refused(rpc('supervisor-city', 'admin_matters', { p_unit_id: '11111111-1111-4111-8111-111111111111' }), 'not_found');
  expect(await footprint()).toEqual(before);
});
