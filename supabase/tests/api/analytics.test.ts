/**
 * 差评热点 and 预警 through PostgREST (issue 16.3, 16.4), as an attacker calls them:
 * bad_review_topics and early_warnings answer supervisors for their own regions only (another
 * region: 403 forbidden; another region's unit or 事项: 404 not_found); citizens, staff and unit
 * admins get 403 forbidden, anon is refused before the function runs; nobody but the service role
 * records the digest. The answers carry no rater. Nothing is written by any call (every app
 * table's checksum before and after, the scheduler held off meanwhile).
 */
import { appFingerprint, connect, holdScheduler, type Db } from '../../../tests/support/db.ts';
import { personaClientsPerFile, refused } from '../../../tests/support/persona-clients.ts';
import { shanghaiDayFromToday, shanghaiToday } from '../../../tests/support/work-orders.ts';

let db: Db;
let unitLX: string;
let matterLX: string;
beforeAll(async () => {
  db = await connect();
  unitLX = (await db.query(`select id from app.units where region_code = '530902' order by name limit 1`)).rows[0].id;
  matterLX = (await db.query(`select m.id from app.matters m join app.units u on u.id = m.unit_id where u.region_code = '530902' order by m.code limit 1`)).rows[0].id;
});
afterAll(() => db.end());
const { rpc } = personaClientsPerFile(['anon', 'citizen-a', 'citizen-anon', 'staff-linxiang', 'staff-fengqing', 'unit-admin-linxiang', 'supervisor-city', 'supervisor-fengqing']);

const from = () => shanghaiDayFromToday(-30);
const to = () => shanghaiToday();

/** Runs `work` with the scheduler held off and proves no app table changed. */
async function writesNothing(work: () => Promise<void>): Promise<void> {
  const hold = await holdScheduler();
  try {
    const before = await appFingerprint(db);
    await work();
    expect(await appFingerprint(db)).toEqual(before);
  } finally {
    await hold.query('rollback');
    await hold.end();
  }
}

test('supervisors read hot topics and 预警 of their regions, with counts and no rater', async () => {
  await writesNothing(async () => {
    for (const who of ['supervisor-city', 'supervisor-fengqing'] as const) {
      const t = await rpc(who, 'bad_review_topics', { p_from: from(), p_to: to() });
      expect({ who, status: t.status, error: t.error }).toEqual({ who, status: 200, error: null });
      expect(t.data.length).toBeGreaterThanOrEqual(4); // total and commented, both periods
      for (const row of t.data) expect(Object.keys(row).sort()).toEqual(['body', 'kind', 'n', 'period', 'tag_code', 'tag_name']);
      expect(t.data.some((r: { body: string | null }) => /\d{5,}/.test(r.body ?? ''))).toBe(false);
      const w = await rpc(who, 'early_warnings', {});
      expect({ who, status: w.status, error: w.error }).toEqual({ who, status: 200, error: null });
      for (const row of w.data) {
        expect(Object.keys(row)).not.toEqual(expect.arrayContaining(['rater_user_id']));
        expect(row.p_value).toBeLessThan(0.01);
      }
    }
    // The city supervisor narrows to a 临翔区 unit or 事项.
    for (const args of [{ p_unit_id: unitLX }, { p_matter_id: matterLX }, { p_region_code: '530902' }]) {
      const t = await rpc('supervisor-city', 'bad_review_topics', { p_from: from(), p_to: to(), ...args });
      expect({ args, status: t.status }).toEqual({ args, status: 200 });
    }
  });
});

test('a county supervisor is refused another region, its units and its 事项; nothing written', async () => {
  await writesNothing(async () => {
    await refused(rpc('supervisor-fengqing', 'bad_review_topics', { p_from: from(), p_to: to(), p_region_code: '530902' }), 'forbidden');
    await refused(rpc('supervisor-fengqing', 'bad_review_topics', { p_from: from(), p_to: to(), p_region_code: '530900' }), 'forbidden');
    await refused(rpc('supervisor-fengqing', 'bad_review_topics', { p_from: from(), p_to: to(), p_unit_id: unitLX }), 'not_found');
    await refused(rpc('supervisor-fengqing', 'bad_review_topics', { p_from: from(), p_to: to(), p_matter_id: matterLX }), 'not_found');
    await refused(rpc('supervisor-fengqing', 'early_warnings', { p_region_code: '530902' }), 'forbidden');
    await refused(rpc('supervisor-fengqing', 'early_warnings', { p_region_code: '530900' }), 'forbidden');
    // A period longer than a year, or reversed.
    await refused(rpc('supervisor-city', 'bad_review_topics', { p_from: shanghaiDayFromToday(-400), p_to: to() }), 'invalid_input');
    await refused(rpc('supervisor-city', 'bad_review_topics', { p_from: to(), p_to: from() }), 'invalid_input');
    await refused(rpc('supervisor-city', 'early_warnings', { p_as_of: shanghaiDayFromToday(3) }), 'invalid_input');
  });
});

test('citizens, staff and unit admins are refused with 403 forbidden, anon before the function runs; nothing written', async () => {
  await writesNothing(async () => {
    for (const who of ['citizen-a', 'citizen-anon', 'staff-linxiang', 'staff-fengqing', 'unit-admin-linxiang'] as const) {
      await refused(rpc(who, 'bad_review_topics', { p_from: from(), p_to: to() }), 'forbidden');
      await refused(rpc(who, 'bad_review_topics', { p_from: from(), p_to: to(), p_unit_id: unitLX }), 'forbidden');
      await refused(rpc(who, 'early_warnings', {}), 'forbidden');
      await refused(rpc(who, 'early_warnings', { p_region_code: '530902' }), 'forbidden');
    }
    for (const [fn, args] of [['bad_review_topics', { p_from: from(), p_to: to() }], ['early_warnings', {}]] as const) {
      const res = await rpc('anon', fn, args);
      expect({ fn, data: res.data, code: res.error?.code }).toEqual({ fn, data: null, code: '42501' });
      expect([401, 403]).toContain(res.status);
    }
  });
});

test('no signed-in user may record the 预警 digest, a supervisor included; nothing written', async () => {
  await writesNothing(async () => {
    for (const who of ['supervisor-city', 'unit-admin-linxiang', 'citizen-a', 'anon'] as const) {
      const res = await rpc(who, 'record_warning_digests', { p_now: new Date().toISOString() });
      expect({ who, data: res.data, code: res.error?.code }).toEqual({ who, data: null, code: '42501' });
      expect([401, 403]).toContain(res.status);
    }
  });
});
