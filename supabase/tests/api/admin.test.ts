/**
 * Administration through PostgREST (issue 7): supervisors manage units, halls, windows and their
 * QR contents, 事项, roles and window assignments within their region; unit admins only the staff
 * role of their unit; everyone else is refused; every change is audited.
 */
import { connect, PERSONA_IDS, type Db } from '../../../tests/support/db.ts';
import { restorePlainCitizen } from '../../../tests/support/persona-restore.ts';
import { personaClientsPerFile, refused } from '../../../tests/support/persona-clients.ts';
import { shanghaiDayFromToday as dayFromToday } from '../../../tests/support/work-orders.ts';

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

const restoreCitizenB = () => restorePlainCitizen(db, PERSONA_IDS['citizen-b']);

test('roles: a unit admin grants and revokes staff of their unit only; supervisors any role in their region', async () => {
  const unitId = (await db.query(`select id from app.units where name = '临翔区市场监督管理局'`)).rows[0].id;
  const citizen = PERSONA_IDS['citizen-b'];
  try {
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
    const assigned = await rpc('unit-admin-linxiang', 'admin_assign_window', { p_user_id: citizen, p_window_id: windowId, p_valid_from: dayFromToday(0) });
    expect(assigned.error).toBeNull();
    await refused(rpc('unit-admin-linxiang', 'admin_assign_window', { p_user_id: citizen, p_window_id: windowId, p_valid_from: dayFromToday(0), p_valid_to: dayFromToday(-1) }), 'invalid_input');

    await refused(rpc('supervisor-fengqing', 'admin_revoke_role', { p_role_id: roleId }), 'forbidden');
    expect((await rpc('unit-admin-linxiang', 'admin_revoke_role', { p_role_id: roleId })).error).toBeNull();
    await refused(rpc('unit-admin-linxiang', 'admin_revoke_role', { p_role_id: roleId }), 'not_found');
    const audit = await db.query(`select action from app.audit_log where entity = 'admin' and entity_id = $1 order by id`, [roleId]);
    expect(audit.rows.map((r) => r.action)).toEqual(['role_granted', 'role_revoked']);
    // The window assignment went with the role: it had begun today, so it is gone, and audited.
    expect((await db.query(`select id from app.staff_assignments where user_id = $1`, [citizen])).rows).toEqual([]);
    const unassigned = await db.query(`select detail from app.audit_log where entity = 'admin' and entity_id = $1 and action = 'window_unassigned'`, [assigned.data[0].assignment_id]);
    expect(unassigned.rows).toEqual([{ detail: expect.objectContaining({ role_id: roleId, because: 'role_revoked', window_id: windowId }) }]);

    const own = (await db.query(`select id from app.staff_roles where user_id = $1 and role = 'supervisor'`, [PERSONA_IDS['supervisor-city']])).rows[0].id;
    await refused(rpc('supervisor-city', 'admin_revoke_role', { p_role_id: own }), 'invalid_input');
  } finally {
    await restoreCitizenB();
  }
});

test('revoking a person’s last role in a unit ends their windows there: begun ones end yesterday, later ones go; another role keeps them', async () => {
  const unitId = (await db.query(`select id from app.units where name = '临翔区市场监督管理局'`)).rows[0].id;
  const citizen = PERSONA_IDS['citizen-b'];
  const currentWindows = async () =>
    ((await rpc('supervisor-city', 'admin_unit_staff', { p_unit_id: unitId })).data as Array<{ user_id: string; role: string; current_windows: string[] }>)
      .filter((p) => p.user_id === citizen);
  try {
    const staff = (await rpc('supervisor-city', 'admin_grant_role', { p_user_id: citizen, p_role: 'staff', p_unit_id: unitId })).data[0].role_id as string;
    const admin = (await rpc('supervisor-city', 'admin_grant_role', { p_user_id: citizen, p_role: 'unit_admin', p_unit_id: unitId })).data[0].role_id as string;
    const window = (await db.query(`select id, name from app.windows where unit_id = $1 order by name limit 1`, [unitId])).rows[0];
    // Begun a week ago (still running), and a second spell that starts next week.
    const begun = (await rpc('supervisor-city', 'admin_assign_window', { p_user_id: citizen, p_window_id: window.id, p_valid_from: dayFromToday(-7), p_valid_to: dayFromToday(6) })).data[0].assignment_id as string;
    const later = (await rpc('supervisor-city', 'admin_assign_window', { p_user_id: citizen, p_window_id: window.id, p_valid_from: dayFromToday(7) })).data[0].assignment_id as string;
    expect((await currentWindows()).map((p) => p.current_windows)).toEqual([[window.name], [window.name]]);

    // unit_admin goes, staff stays: still this unit's officer, still at the window.
    expect((await rpc('supervisor-city', 'admin_revoke_role', { p_role_id: admin })).error).toBeNull();
    expect((await currentWindows()).map((p) => [p.role, p.current_windows])).toEqual([['staff', [window.name]]]);
    expect((await db.query(`select id from app.staff_assignments where user_id = $1 order by valid_from`, [citizen])).rows.map((r) => r.id)).toEqual([begun, later]);

    // The last role goes: the begun assignment ends yesterday (its history stays), the later one is removed.
    expect((await rpc('supervisor-city', 'admin_revoke_role', { p_role_id: staff })).error).toBeNull();
    const left = await db.query(`select id, valid_from::text, valid_to::text from app.staff_assignments where user_id = $1`, [citizen]);
    expect(left.rows).toEqual([{ id: begun, valid_from: dayFromToday(-7), valid_to: dayFromToday(-1) }]);
    const audited = await db.query(
      `select entity_id, detail->>'ended_on' as ended_on from app.audit_log where entity = 'admin' and action = 'window_unassigned' and detail->>'role_id' = $1 order by id`,
      [staff],
    );
    expect(audited.rows).toEqual([{ entity_id: begun, ended_on: dayFromToday(-1) }, { entity_id: later, ended_on: null }]);
  } finally {
    await restoreCitizenB();
  }
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
