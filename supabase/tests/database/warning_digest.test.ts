/**
 * The daily 预警 digest job (issue 16.4) as the schedule runs it: app.run_job('record-warning-digests')
 * records today's digest (Asia/Shanghai) once for each supervisor of a region with alerts, books
 * the run in app.job_runs, and records nothing more when run again the same day (the rows by
 * md5, before and after); a region without alerts gets no digest. Then due_reminders hands a
 * recorded digest to send-reminders once, and only to a supervisor who still supervises its
 * region and holds a warning subscription. Constructed data in a unit of its own, every change
 * rolled back; days counted from today, never literal dates.
 */
import { connect, type Db, PERSONA_IDS, rolledBack } from '../../../tests/support/db.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

type Q = Db['query'];
const CITY = PERSONA_IDS['supervisor-city'];
const FENGQING = PERSONA_IDS['supervisor-fengqing'];

/**
 * A unit of 临翔区 of its own with a window, and window-visit ratings on it: a 5 % 差评 baseline
 * over the year before, then 16 of 40 差评 in the last 5 days (the spike of early_warning.test.ts).
 */
async function spike(q: Q): Promise<string> {
  const unit = (await q(`insert into app.units (region_code, name) values ('530902', '预警日报测试单位') returning id`)).rows[0].id;
  const hall = (await q(`insert into app.halls (region_code, name, kind) values ('530902', '预警日报测试大厅', 'hall') returning id`)).rows[0].id;
  const win = (await q(`insert into app.windows (hall_id, unit_id, name) values ($1, $2, '1号窗口') returning id`, [hall, unit])).rows[0].id;
  const tag = (await q(`select code from app.eval_tags where version = 2 and level = 1 order by code limit 1`)).rows[0].code;
  for (const [count, bad, from, to] of [[400, 20, 339, 40], [40, 16, 5, 0]] as const) {
    await q(
      `with today as (select (now() at time zone 'Asia/Shanghai')::date as d)
       insert into app.ratings (level, tags, channel, unit_id, region_code, hall_id, window_id, visit_day, rated_at)
       select case when g <= $2 then 1 else 5 end, case when g <= $2 then array[$6] else '{}' end,
              'qrcode', $3, '530902', $4, $5, x.day, (x.day + time '10:00') at time zone 'Asia/Shanghai'
       from generate_series(1, $1::int) g, today,
       lateral (select today.d - ($8::int + ((g * 7919) % ($7::int - $8::int + 1))) as day) x`,
      [count, bad, unit, hall, win, tag, from, to]);
  }
  return unit;
}

const today = `(now() at time zone 'Asia/Shanghai')::date`;
const digestsOf = async (q: Q, user: string) =>
  (await q(`select region_code, alert_count, alerts from app.warning_digests where user_id = $1 and shanghai_day = ${today} order by region_code`, [user])).rows;
const lastRun = async (q: Q) =>
  (await q(`select outcome, rows_affected::int as n from app.job_runs where job_name = 'record-warning-digests' order by id desc limit 1`)).rows[0];

test('run_job records today\'s digest once per supervisor with alerts, books each run, and none where nothing alerts', async () => {
  await rolledBack(db, async (q) => {
    // Whatever the demo data alerts on today is recorded first, so the spike is all that is new.
    await q(`select app.run_job('record-warning-digests')`);
    await q(`delete from app.warning_digests where shanghai_day = ${today}`);

    const unit = await spike(q);
    const { rows: [{ n }] } = await q(`select app.run_job('record-warning-digests') as n`);
    expect(Number(n)).toBeGreaterThanOrEqual(1);
    expect(await lastRun(q)).toEqual({ outcome: 'succeeded', n: Number(n) });
    // The city's supervisor (临沧市 covers 临翔区): one digest, the spike in it on 7 and 30 days.
    const mine = await digestsOf(q, CITY);
    expect(mine.map((d) => d.region_code)).toEqual(['530900']);
    expect(mine[0].alerts.filter((a: { object_id: string }) => a.object_id === unit).map((a: { window_days: number }) => a.window_days).sort()).toEqual([30, 7]);
    expect(mine[0].alert_count).toBe(mine[0].alerts.length);
    // No rater in a digest: objects and their counts only.
    expect(JSON.stringify(mine[0].alerts)).not.toMatch(/rater|user_id|openid|rated_at/);
    // 凤庆县 has no alerts: no digest for its supervisor.
    expect(await digestsOf(q, FENGQING)).toEqual([]);

    // Again the same day (as a second scheduler run or a retry would): nothing new, nothing changed.
    const before = (await q(`select md5(string_agg(d::text, ',' order by d.id)) as m from app.warning_digests d`)).rows[0].m;
    const { rows: [again] } = await q(`select app.run_job('record-warning-digests') as n`);
    expect(Number(again.n)).toBe(0);
    expect(await lastRun(q)).toEqual({ outcome: 'succeeded', n: 0 });
    expect((await q(`select md5(string_agg(d::text, ',' order by d.id)) as m from app.warning_digests d`)).rows[0].m).toBe(before);
    expect((await q(`select count(*)::int as n from app.job_runs where job_name = 'record-warning-digests'`)).rows[0].n).toBeGreaterThanOrEqual(3);
  });
});

test('due_reminders hands a digest over once, only to a subscribed supervisor of its region, and only of today or yesterday', async () => {
  await rolledBack(db, async (q) => {
    const citizen = PERSONA_IDS['citizen-a'];
    await q(`delete from app.warning_digests`);
    await q(`delete from app.message_subscriptions where kind = 'warning'`);
    const add = async (user: string, region: string, daysAgo: number) => (await q(
      `insert into app.warning_digests (user_id, region_code, shanghai_day, alert_count, alerts)
       values ($1, $2, ${today} - $3::int, 2, '[]') returning message_key::text as key`, [user, region, daysAgo])).rows[0].key as string;
    const sub = (user: string, n = 5) => q(
      `insert into app.message_subscriptions (user_id, platform, kind, remaining) values ($1, 'weapp', 'warning', $2)`, [user, n]);
    const fresh = await add(CITY, '530900', 0);
    const old = await add(CITY, '530902', 2); // three days' news: left to the dashboard
    await add(FENGQING, '530921', 0); // subscribed to nothing
    const revoked = await add(citizen, '530902', 0); // not (any more) a supervisor of 临翔区
    await sub(CITY);
    await sub(citizen);

    const claim = async (at = `now()`) => (await q(`select kind, user_id::text, region_name, alert_count, digest_day::text, status_phrase, note,
      matter_name, unit_name, project_no from public.due_reminders(${at}) where kind = 'warning'`)).rows;
    const first = await claim();
    expect(first).toEqual([{
      kind: 'warning', user_id: CITY, region_name: '临沧市', alert_count: 2,
      digest_day: (await q(`select ${today}::text as d`)).rows[0].d, status_phrase: '差评预警', note: '请到监督台查看预警名单',
      matter_name: null, unit_name: null, project_no: null,
    }]);
    const logs = async () => (await q(`select subject_id::text, status from app.reminder_log where kind = 'warning' order by subject_id`)).rows;
    expect(await logs()).toEqual([{ subject_id: fresh, status: 'sending' }]);

    // Sent: never claimed again, whatever the quota; the old and the revoked stay unsent.
    const { rows: [{ id }] } = await q(`select id from app.reminder_log where subject_id = $1`, [fresh]);
    await q(`select public.record_reminder_result($1, true)`, [id]);
    expect(await claim(`now() + interval '2 minutes'`)).toEqual([]);
    expect(await claim(`now() + interval '3 hours'`)).toEqual([]);
    expect(await logs()).toEqual([{ subject_id: fresh, status: 'sent' }]);
    expect((await q(`select remaining from app.message_subscriptions where user_id = $1 and kind = 'warning'`, [CITY])).rows[0].remaining).toBe(4);
    expect([old, revoked].includes((await logs())[0].subject_id)).toBe(false);
  });
});
