/**
 * The daily 预警 digest's subscription and list (issue 16.4) through the API, as each caller calls
 * it: a supervisor subscribes to the warning kind (record_subscriptions) and reads their own
 * digests (my_warning_digests); a citizen, staff and a unit admin are refused with forbidden (403)
 * — alone or mixed with a kind they may have — and nothing is written (the subscriptions and the
 * digests by md5, before and after); anon has no EXECUTE; no API role reads the digests' table.
 */
import type { PersonaKey } from '../../../shared/personas.ts';
import { connect, PERSONA_IDS, rowsFingerprint, type Db } from '../../../tests/support/db.ts';
import { personaClientsPerFile, refused } from '../../../tests/support/persona-clients.ts';

let db: Db;
const PERSONAS: Array<PersonaKey | 'anon'> = ['anon', 'citizen-a', 'staff-linxiang', 'unit-admin-linxiang', 'supervisor-city', 'supervisor-fengqing'];
beforeAll(async () => { db = await connect(); });
afterAll(() => db.end());
const { rpc, clientOf } = personaClientsPerFile(PERSONAS);

const subscriptions = () => rowsFingerprint(db, `select * from app.message_subscriptions`);
const digests = () => rowsFingerprint(db, `select * from app.warning_digests`);
const city = PERSONA_IDS['supervisor-city'];
const fengqing = PERSONA_IDS['supervisor-fengqing'];

/** A digest of today (Asia/Shanghai) `daysAgo` days back for the supervisor and region; its id. */
async function digest(user: string, region: string, daysAgo: number, count = 2): Promise<number> {
  const { rows } = await db.query(
    `insert into app.warning_digests (user_id, region_code, shanghai_day, alert_count, alerts)
     values ($1, $2, (now() at time zone 'Asia/Shanghai')::date - $3::int, $4,
             jsonb_build_array(jsonb_build_object('object_type', 'unit', 'object_id', gen_random_uuid(), 'object_name', '预警摘要测试单位',
               'unit_name', null, 'window_days', 7, 'recent_count', 40, 'recent_bad', 16, 'baseline_count', 400, 'baseline_bad', 20,
               'baseline_rate', 0.05, 'p_value', 0.000001)))
     on conflict (user_id, region_code, shanghai_day) do update set alert_count = excluded.alert_count
     returning id`, [user, region, daysAgo, count]);
  return Number(rows[0].id);
}

test('a citizen, staff and a unit admin cannot subscribe to the warning kind: forbidden (403), nothing written', async () => {
  const before = await subscriptions();
  for (const who of ['citizen-a', 'staff-linxiang', 'unit-admin-linxiang'] as const) {
    await refused(rpc(who, 'record_subscriptions', { p_platform: 'weapp', p_kinds: ['warning'] }), 'forbidden');
    await refused(rpc(who, 'record_subscriptions', { p_platform: 'alipay', p_kinds: ['warning'] }), 'forbidden');
    // Mixed with a kind the caller may have: the whole call is refused, the reply kind not added either.
    await refused(rpc(who, 'record_subscriptions', { p_platform: 'weapp', p_kinds: ['reply', 'warning'] }), 'forbidden');
  }
  const anon = await rpc('anon', 'record_subscriptions', { p_platform: 'weapp', p_kinds: ['warning'] });
  expect({ data: anon.data, code: anon.error?.code }).toEqual({ data: null, code: '42501' });
  expect([401, 403]).toContain(anon.status);
  // An unknown kind is still invalid_input (the list grew by one, not open).
  await refused(rpc('supervisor-city', 'record_subscriptions', { p_platform: 'weapp', p_kinds: ['warnings'] }), 'invalid_input');
  expect(await subscriptions()).toBe(before);
});

test('a supervisor subscribes to the daily digest: one more send on that platform', async () => {
  const { rows: saved } = await db.query(`select platform, kind, remaining, updated_at from app.message_subscriptions where user_id = $1`, [city]);
  try {
    const res = await rpc('supervisor-city', 'record_subscriptions', { p_platform: 'weapp', p_kinds: ['warning'] });
    expect(res.error).toBeNull();
    const had = saved.find((r) => r.platform === 'weapp' && r.kind === 'warning')?.remaining ?? 0;
    expect(res.data).toEqual([{ platform: 'weapp', kind: 'warning', remaining: Math.min(had + 1, 100) }]);
    const mine = await rpc('supervisor-city', 'my_subscriptions');
    expect(mine.data).toEqual(expect.arrayContaining([{ platform: 'weapp', kind: 'warning', remaining: Math.min(had + 1, 100) }]));
  } finally {
    // The persona as it was (later tiers read supervisor-city).
    await db.query(`delete from app.message_subscriptions where user_id = $1`, [city]);
    for (const r of saved) {
      await db.query(`insert into app.message_subscriptions (user_id, platform, kind, remaining, updated_at) values ($1, $2, $3, $4, $5)`,
        [city, r.platform, r.kind, r.remaining, r.updated_at]);
    }
  }
});

test('a supervisor reads their own digests of the last 30 days with the message status; nobody else reads them', async () => {
  const ids: number[] = [];
  try {
    ids.push(await digest(city, '530900', 0, 3), await digest(city, '530900', 40), await digest(fengqing, '530921', 0));
    const { rows: [{ key }] } = await db.query(`select message_key::text as key from app.warning_digests where id = $1`, [ids[0]]);
    await db.query(
      `insert into app.reminder_log (kind, subject_id, user_id, platform, status, claimed_at, sent_at, shanghai_day)
       values ('warning', $1, $2, 'weapp', 'sent', now(), now(), (now() at time zone 'Asia/Shanghai')::date)`, [key, city]);

    const res = await rpc('supervisor-city', 'my_warning_digests');
    expect(res.error).toBeNull();
    const mine = (res.data as Array<Record<string, unknown>>).filter((d) => ids.includes(Number(d.id)));
    // Today's with its sent message; not the one of 40 days ago; never 凤庆's supervisor's.
    expect(mine.map((d) => ({ id: Number(d.id), region_name: d.region_name, alert_count: d.alert_count, message_status: d.message_status })))
      .toEqual([{ id: ids[0], region_name: '临沧市', alert_count: 3, message_status: 'sent' }]);
    expect((mine[0]!.alerts as Array<Record<string, unknown>>)[0]).toMatchObject({ object_name: '预警摘要测试单位', window_days: 7 });
    expect(JSON.stringify(mine)).not.toMatch(/rater|openid|user_id/);
    const other = await rpc('supervisor-fengqing', 'my_warning_digests');
    expect((other.data as Array<{ id: number }>).map((d) => Number(d.id)).filter((id) => ids.includes(id))).toEqual([ids[2]]);

    const before = await digests();
    for (const who of ['citizen-a', 'staff-linxiang', 'unit-admin-linxiang'] as const) {
      await refused(rpc(who, 'my_warning_digests'), 'forbidden');
    }
    const anon = await rpc('anon', 'my_warning_digests');
    expect({ data: anon.data, code: anon.error?.code }).toEqual({ data: null, code: '42501' });
    // The table itself is in no exposed schema: not through the REST API, whoever asks.
    for (const who of ['citizen-a', 'supervisor-city'] as const) {
      const direct = await clientOf(who).schema('app').from('warning_digests').select('*');
      expect(direct.data).toBeNull();
      expect(direct.status).toBeGreaterThanOrEqual(400);
    }
    expect(await digests()).toBe(before);
  } finally {
    await db.query(`delete from app.reminder_log where kind = 'warning' and subject_id in (select message_key from app.warning_digests where id = any($1::bigint[]))`, [ids]);
    await db.query(`delete from app.warning_digests where id = any($1::bigint[])`, [ids]);
  }
});
