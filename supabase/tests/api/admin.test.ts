/**
 * Administration through PostgREST (issue 7): supervisors manage units, halls, windows and their
 * QR contents, 事项, roles and window assignments within their region; unit admins only the staff
 * role of their unit; everyone else is refused; every change is audited.
 */
import { connect, PERSONA_IDS, type Db } from '../../../tests/support/db.ts';
import { personaClientsPerFile, refused } from '../../../tests/support/persona-clients.ts';

let db: Db;
beforeAll(async () => {
  db = await connect();
});
afterAll(() => db.end());

const { rpc } = personaClientsPerFile(['anon', 'citizen-a', 'staff-linxiang', 'unit-admin-linxiang', 'supervisor-city', 'supervisor-fengqing']);
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
const auditCount = async (entityId: string) =>
  (await db.query(`select count(*)::int as n from app.audit_log where entity = 'admin' and entity_id = $1`, [entityId])).rows[0].n;

test('a unit, a hall and a window with its QR contents: only supervisors of the region', async () => {
  const name = unique('临翔区测试局');
  const args = { p_id: null, p_region_code: '530902', p_name: name, p_credit_code: null };
  await refused(rpc('supervisor-fengqing', 'admin_save_unit', args), 'forbidden');
  await refused(rpc('unit-admin-linxiang', 'admin_save_unit', args), 'forbidden');
  await refused(rpc('citizen-a', 'admin_save_unit', args), 'forbidden');
  await refused(rpc('supervisor-city', 'admin_save_unit', { ...args, p_credit_code: 'not-a-credit-code' }), 'invalid_input');
  const unit = await rpc('supervisor-city', 'admin_save_unit', args);
  expect(unit.error).toBeNull();
  const unitId = unit.data[0].id as string;
  await refused(rpc('supervisor-city', 'admin_save_unit', args), 'invalid_input'); // same name twice
  expect(await auditCount(unitId)).toBe(1);

  const hall = await rpc('supervisor-city', 'admin_save_hall', { p_id: null, p_region_code: '530902', p_name: unique('测试便民服务站'), p_kind: 'station', p_address: '测试路 1 号' });
  const hallId = hall.data[0].id as string;
  await refused(rpc('supervisor-city', 'admin_save_hall', { p_id: null, p_region_code: '530902', p_name: '站', p_kind: 'kiosk' }), 'invalid_input');
  const fengqingUnit = (await db.query(`select id from app.units where name = '凤庆县市场监督管理局'`)).rows[0].id;
  await refused(rpc('supervisor-fengqing', 'admin_save_window', { p_id: null, p_hall_id: hallId, p_unit_id: fengqingUnit, p_name: '1号窗口' }), 'forbidden');
  const win = await rpc('supervisor-city', 'admin_save_window', { p_id: null, p_hall_id: hallId, p_unit_id: unitId, p_name: '1号窗口' });
  const windowId = win.data[0].id as string;

  const qr = await rpc('supervisor-city', 'window_qr_codes', { p_hall_id: hallId });
  expect(qr.data).toEqual([expect.objectContaining({ window_id: windowId, page: 'pages/scan/index', scene: `w=${windowId}`, h5_path: `/pages/scan/index?w=${windowId}` })]);
  await refused(rpc('supervisor-fengqing', 'window_qr_codes', { p_hall_id: hallId }), 'forbidden');
  // The new window is rateable at once: its landing page is public.
  expect((await rpc('anon', 'window_info', { p_window_id: windowId })).data[0]).toMatchObject({ window_name: '1号窗口', unit_name: name });
});

test('roles: a unit admin grants and revokes staff of their unit only; supervisors any role in their region', async () => {
  const unitId = (await db.query(`select id from app.units where name = '临翔区市场监督管理局'`)).rows[0].id;
  const citizen = PERSONA_IDS['citizen-b'];
  await refused(rpc('unit-admin-linxiang', 'admin_grant_role', { p_user_id: citizen, p_role: 'unit_admin', p_unit_id: unitId }), 'forbidden');
  await refused(rpc('staff-linxiang', 'admin_grant_role', { p_user_id: citizen, p_role: 'staff', p_unit_id: unitId }), 'forbidden');
  await refused(rpc('unit-admin-linxiang', 'admin_grant_role', { p_user_id: citizen, p_role: 'supervisor', p_scope_region_code: '530902' }), 'forbidden');
  await refused(rpc('unit-admin-linxiang', 'admin_grant_role', { p_user_id: citizen, p_role: 'staff', p_unit_id: unitId, p_scope_region_code: '530902' }), 'invalid_input');
  const granted = await rpc('unit-admin-linxiang', 'admin_grant_role', { p_user_id: citizen, p_role: 'staff', p_unit_id: unitId });
  expect(granted.error).toBeNull();
  const roleId = granted.data[0].role_id as string;
  expect((await rpc('unit-admin-linxiang', 'admin_grant_role', { p_user_id: citizen, p_role: 'staff', p_unit_id: unitId })).data[0].role_id).toBe(roleId);
  const listed = await rpc('supervisor-city', 'admin_staff', { p_region_code: '530902' });
  expect(listed.data).toContainEqual(expect.objectContaining({ role_id: roleId, user_id: citizen, role: 'staff', masked_name: '王*' }));
  await refused(rpc('supervisor-fengqing', 'admin_staff', { p_region_code: '530902' }), 'forbidden');

  const windowId = (await db.query(`select id from app.windows where unit_id = $1 limit 1`, [unitId])).rows[0].id;
  const assigned = await rpc('unit-admin-linxiang', 'admin_assign_window', { p_user_id: citizen, p_window_id: windowId, p_valid_from: '2026-12-01' });
  expect(assigned.error).toBeNull();
  await refused(rpc('unit-admin-linxiang', 'admin_assign_window', { p_user_id: citizen, p_window_id: windowId, p_valid_from: '2026-12-01', p_valid_to: '2026-11-01' }), 'invalid_input');

  await refused(rpc('supervisor-fengqing', 'admin_revoke_role', { p_role_id: roleId }), 'forbidden');
  expect((await rpc('unit-admin-linxiang', 'admin_revoke_role', { p_role_id: roleId })).error).toBeNull();
  await refused(rpc('unit-admin-linxiang', 'admin_revoke_role', { p_role_id: roleId }), 'not_found');
  const audit = await db.query(`select action from app.audit_log where entity = 'admin' and entity_id = $1 order by id`, [roleId]);
  expect(audit.rows.map((r) => r.action)).toEqual(['role_granted', 'role_revoked']);

  const own = (await db.query(`select id from app.staff_roles where user_id = $1 and role = 'supervisor'`, [PERSONA_IDS['supervisor-city']])).rows[0].id;
  await refused(rpc('supervisor-city', 'admin_revoke_role', { p_role_id: own }), 'invalid_input');
});

test('事项: supervisors of the unit’s region, with valid channels and a unique code', async () => {
  const unitId = (await db.query(`select id from app.units where name = '凤庆县公安局'`)).rows[0].id;
  const args = { p_id: null, p_unit_id: unitId, p_code: unique('QT-'), p_name: '居民身份证换领', p_promised_working_days: 20, p_rating_channels: ['mobile', 'qrcode'] };
  await refused(rpc('supervisor-fengqing', 'admin_save_matter', { ...args, p_rating_channels: ['telepathy'] }), 'invalid_input');
  await refused(rpc('unit-admin-linxiang', 'admin_save_matter', args), 'forbidden');
  const saved = await rpc('supervisor-fengqing', 'admin_save_matter', args);
  expect(saved.error).toBeNull();
  await refused(rpc('supervisor-fengqing', 'admin_save_matter', args), 'invalid_input');
  expect(await auditCount(saved.data[0].id)).toBe(1);
});

test('publication: a supervisor publishes a finished month of their region; anyone lists what was published', async () => {
  await refused(rpc('supervisor-fengqing', 'publish_results', { p_period: '2026-10', p_region_code: '530900' }), 'forbidden');
  await refused(rpc('staff-linxiang', 'publish_results', { p_period: '2026-10', p_region_code: '530902' }), 'forbidden');
  await refused(rpc('supervisor-city', 'publish_results', { p_period: '2999-01', p_region_code: '530900' }), 'period_not_over');
  await refused(rpc('supervisor-city', 'publish_results', { p_period: '2026-13', p_region_code: '530900' }), 'invalid_input');
  const res = await rpc('supervisor-city', 'publish_results', { p_period: '2026-10', p_region_code: '530900', p_note: '10月政务服务"好差评"情况' });
  expect(res.error).toBeNull();
  const listed = await rpc('anon', 'published_periods', { p_region_code: '530900' });
  expect(listed.data).toContainEqual(expect.objectContaining({ period: '2026-10', region_name: '临沧市', note: '10月政务服务"好差评"情况' }));
});
