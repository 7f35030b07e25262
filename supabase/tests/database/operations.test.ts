/**
 * Operations (issue 19.1, 19.3) in the real database: every scheduled job records its runs in
 * app.job_runs whatever runs it (app.run_job from cron.job; the local scheduler here); 系统状态
 * (system_status) shows each job's last run and turns red when a job has not run for twice its
 * interval, when the upward backlog grows or has dead letters, and when a feed is silent; the
 * retention purge deletes delivered upstream messages after 180 days (configurable), keeps dead
 * letters, and never touches ratings, work orders or the audit log.
 */
import { startScheduler } from '../../../scripts/stack/scheduler.ts';
import { as, codeOf, connect, type Db, failure, PERSONA_IDS, rolledBack, serviceRole, user } from '../../../tests/support/db.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

type Q = Db['query'];
const claims = (q: Q, who: keyof typeof PERSONA_IDS) =>
  q(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: 'authenticated', sub: PERSONA_IDS[who] })]);
/** system_status as `who`, with the clock at `now`. */
const status = async (q: Q, who: keyof typeof PERSONA_IDS, now: Date) => {
  await claims(q, who);
  return (await q(`select public.system_status($1::timestamptz) as s`, [now.toISOString()])).rows[0].s;
};
const MIN = 60_000;

describe('job runs (19.1)', () => {
  test('app.run_job records each SQL job\'s run: outcome, duration, rows and what it did; a failure is recorded, not lost', async () => {
    await rolledBack(db, async (q) => {
      const mark = (await q(`select coalesce(max(id), 0) as id from app.job_runs`)).rows[0].id;
      await q(`select app.run_job('escalate-overdue')`);
      await q(`select app.run_job('purge-identity-tokens')`);
      await q(`select app.run_job('purge-retention')`);
      expect((await q(`select app.run_job('no-such-job') as r`)).rows[0].r).toBeNull();
      const runs = (await q(`select job_name, outcome, rows_affected >= 0 as counted, finished_at >= started_at as timed, detail, error
                             from app.job_runs where id > $1 order by id`, [mark])).rows;
      expect(runs).toEqual([
        { job_name: 'escalate-overdue', outcome: 'succeeded', counted: true, timed: true, detail: {}, error: null },
        { job_name: 'purge-identity-tokens', outcome: 'succeeded', counted: true, timed: true, detail: { refresh_tokens_deleted: expect.any(Number), tickets_deleted: expect.any(Number) }, error: null },
        { job_name: 'purge-retention', outcome: 'succeeded', counted: true, timed: true, detail: { outbox_deleted: expect.any(Number), job_runs_deleted: expect.any(Number) }, error: null },
        { job_name: 'no-such-job', outcome: 'failed', counted: true, timed: true, detail: {}, error: 'unknown job no-such-job' },
      ]);
    });
  });

  test('the local scheduler runs cron.job\'s command, and the run lands in app.job_runs', async () => {
    const scheduler = startScheduler({ dbUrl: process.env.DB_URL!, only: [] });
    try {
      const mark = (await db.query(`select coalesce(max(id), 0) as id from app.job_runs`)).rows[0].id;
      const run = await scheduler.runNow('escalate-overdue');
      expect(run.status).toBe('succeeded');
      const { rows } = await db.query(`select job_name, outcome from app.job_runs where id > $1 and job_name = 'escalate-overdue'`, [mark]);
      expect(rows).toEqual([{ job_name: 'escalate-overdue', outcome: 'succeeded' }]);
    } finally {
      await scheduler.stop();
    }
  });

  test('record_job_run is the scheduled functions\' alone: other job names, bad times and outcomes are refused', async () => {
    await as(db, serviceRole, async (q) => {
      await q('savepoint s');
      for (const [sql, field] of [
        [`select public.record_job_run('apply-default-ratings', now(), 'succeeded')`, 'p_job_name'],
        [`select public.record_job_run('report-upstream', now() + interval '1 hour', 'succeeded')`, 'p_started_at'],
        [`select public.record_job_run('report-upstream', now(), 'maybe')`, 'p_outcome'],
        [`select public.record_job_run('report-upstream', now(), 'succeeded', -1)`, 'p_rows'],
        [`select public.record_job_run('report-upstream', now(), 'succeeded', 0, '[1]')`, 'p_detail'],
      ] as const) {
        const err = await failure(q(sql));
        await q('rollback to savepoint s');
        expect([codeOf(err), JSON.parse(err.message).details]).toEqual(['invalid_input', field]);
      }
      const { rows: [r] } = await q(`select public.record_job_run('report-upstream', now() - interval '2 seconds', 'failed', 3, '{"claimed": 3}', 'endpoint down') as id`);
      await q('reset role');
      expect((await q(`select job_name, outcome, rows_affected::int as n, detail, error from app.job_runs where id = $1`, [r.id])).rows)
        .toEqual([{ job_name: 'report-upstream', outcome: 'failed', n: 3, detail: { claimed: 3 }, error: 'endpoint down' }]);
    });
  });
});

describe('系统状态 (19.1)', () => {
  // The clock of these tests is a day ahead, so that the stack's own scheduled runs are all old.
  const now = new Date(Date.now() + 23 * 60 * MIN);
  const at = (msBefore: number) => new Date(now.getTime() - msBefore).toISOString();

  test('supervisors and unit admins see it; citizens and staff are forbidden', async () => {
    await rolledBack(db, async (q) => {
      for (const who of ['supervisor-city', 'supervisor-fengqing', 'unit-admin-linxiang'] as const) {
        const s = await status(q, who, now);
        expect(Object.keys(s).sort()).toEqual(['feeds', 'generated_at', 'jobs', 'outbox', 'red', 'reminders', 'retention']);
      }
      for (const who of ['citizen-a', 'citizen-anon', 'staff-linxiang', 'staff-fengqing'] as const) {
        await q('savepoint s');
        const err = await failure(status(q, who, now));
        await q('rollback to savepoint s');
        expect(codeOf(err)).toBe('forbidden');
      }
      await claims(q, 'supervisor-city');
      for (const bad of ['infinity', '0001-01-01 BC', new Date(Date.now() + 3 * 24 * 60 * MIN).toISOString()]) {
        await q('savepoint s');
        const err = await failure(q(`select public.system_status($1::timestamptz)`, [bad]));
        await q('rollback to savepoint s');
        expect(codeOf(err)).toBe('invalid_input');
      }
    });
  });

  test('every declared job with its last run; red when it has not run for twice its interval, or its last run failed', async () => {
    await rolledBack(db, async (q) => {
      const declared = (await q(`select jobname from cron.job order by jobname`)).rows.map((r) => r.jobname);
      // A fresh successful run of every job, just before `now`.
      for (const j of declared) {
        await q(`insert into app.job_runs (job_name, started_at, finished_at, outcome, rows_affected) values ($1, $2, $3, 'succeeded', 7)`,
          [j, at(2000), at(1000)]);
      }
      let s = await status(q, 'supervisor-city', now);
      expect(s.jobs.map((j: { name: string }) => j.name)).toEqual(declared);
      const job = (name: string) => s.jobs.find((j: { name: string }) => j.name === name);
      expect(job('apply-default-ratings')).toMatchObject({ interval_seconds: 600, last_outcome: 'succeeded', last_duration_ms: 1000, last_rows: 7, overdue: false, red: false });
      expect(job('escalate-overdue')).toMatchObject({ interval_seconds: 3600, red: false });
      expect(job('purge-retention')).toMatchObject({ interval_seconds: 86400, red: false });
      expect(job('report-upstream')).toMatchObject({ interval_seconds: 60, red: false });
      expect(s.jobs.every((j: { red: boolean }) => !j.red)).toBe(true);

      // apply-default-ratings (every 10 minutes) last ran 19 minutes ago: fine; 21 minutes ago: red.
      await q(`delete from app.job_runs where job_name = 'apply-default-ratings' and started_at > now() + interval '1 hour'`);
      await q(`insert into app.job_runs (job_name, started_at, finished_at, outcome) values ('apply-default-ratings', $1, $1, 'succeeded')`, [at(19 * MIN)]);
      s = await status(q, 'supervisor-city', now);
      expect(job('apply-default-ratings')).toMatchObject({ overdue: false, red: false });
      await q(`delete from app.job_runs where job_name = 'apply-default-ratings' and started_at > now() + interval '1 hour'`);
      await q(`insert into app.job_runs (job_name, started_at, finished_at, outcome) values ('apply-default-ratings', $1, $1, 'succeeded')`, [at(21 * MIN)]);
      s = await status(q, 'supervisor-city', now);
      expect(job('apply-default-ratings')).toMatchObject({ overdue: true, red: true });
      expect(s.red).toBe(true);

      // escalate-overdue ran on time but failed: red, with its error.
      await q(`insert into app.job_runs (job_name, started_at, finished_at, outcome, error) values ('escalate-overdue', $1, $1, 'failed', 'boom')`, [at(500)]);
      s = await status(q, 'supervisor-city', now);
      expect(job('escalate-overdue')).toMatchObject({ overdue: false, red: true, last_outcome: 'failed', last_error: 'boom', failures_24h: 1 });
    });
  });

  test('the upward outbox: backlog, oldest pending, dead letters; red when it grows or holds dead letters', async () => {
    await rolledBack(db, async (q) => {
      // A quiet outbox: everything delivered long ago.
      await q(`update app.upstream_outbox set status = 'delivered', claim_token = null, payload = coalesce(payload, '{}'),
                 delivered_at = now() - interval '2 days', dead_at = null where status <> 'delivered'`);
      let s = await status(q, 'supervisor-city', now);
      expect(s.outbox).toMatchObject({ pending: 0, dead: 0, oldest_pending_at: null, growing: false, red: false, retention_days: 180 });
      const rating = (await q(`select id, region_code from app.ratings where region_code = '530902' limit 1`)).rows[0];
      // Three came in within the hour, none went out: growing.
      await q(`insert into app.upstream_outbox (rating_id, change_seq, reason, region_code, created_at)
               select $1, 1000 + g, 'rating_changed', $2, $3::timestamptz from generate_series(1, 3) g`, [rating.id, rating.region_code, at(10 * MIN)]);
      s = await status(q, 'supervisor-city', now);
      expect(s.outbox).toMatchObject({ pending: 3, created_last_hour: 3, delivered_last_hour: 0, growing: true, red: true });
      expect(new Date(s.outbox.oldest_pending_at).toISOString()).toBe(at(10 * MIN));
      // Delivered again: quiet; one dead letter: red.
      await q(`update app.upstream_outbox set status = 'delivered', payload = '{}', delivered_at = $1 where change_seq > 1000`, [at(MIN)]);
      s = await status(q, 'supervisor-city', now);
      expect(s.outbox).toMatchObject({ pending: 0, growing: false, red: false });
      await q(`update app.upstream_outbox set status = 'dead', delivered_at = null, dead_at = $1 where change_seq = 1001`, [at(MIN)]);
      s = await status(q, 'supervisor-city', now);
      expect(s.outbox).toMatchObject({ dead: 1, red: true });
      // A county supervisor sees only their region's messages.
      expect((await status(q, 'supervisor-fengqing', now)).outbox).toMatchObject({ dead: 0 });
    });
  });

  test('feeds: the newest item of each business system and device; silent (red) after feed_silent_hours', async () => {
    await rolledBack(db, async (q) => {
      const device = (await q(`select id, key_id from app.rating_devices where key_id = 'dev_demo_pad_530902'`)).rows[0];
      const rating = (await q(`select id from app.ratings limit 1`)).rows[0];
      await q(`insert into app.rating_ingest_log (device_id, external_id, payload, rating_id, received_at) values ($1, 'ops-feed-test', '{}', $2, $3)`,
        [device.id, rating.id, at(71 * 60 * MIN)]);
      let s = await status(q, 'supervisor-city', now);
      const feed = (key: string) => s.feeds.find((f: { key_id: string }) => f.key_id === key);
      expect(feed('dev_demo_pad_530902')).toMatchObject({ kind: 'hall_pad', silent: false, red: false, age_seconds: 71 * 3600 });
      expect(feed('bs_demo_530902')).toMatchObject({ kind: 'business_system' });
      await q(`update app.retention_settings set feed_silent_hours = 70`);
      s = await status(q, 'supervisor-city', now);
      expect(feed('dev_demo_pad_530902')).toMatchObject({ silent: true, red: true });
      expect(s.red).toBe(true);
      // Scope: the 凤庆 supervisor sees 凤庆's feeds only; the 临翔 unit admin 临翔's.
      expect((await status(q, 'supervisor-fengqing', now)).feeds.every((f: { region_code: string }) => f.region_code === '530921')).toBe(true);
      const lx = (await status(q, 'unit-admin-linxiang', now)).feeds;
      expect(lx.length).toBeGreaterThan(0);
      expect(lx.every((f: { region_code: string }) => f.region_code === '530902')).toBe(true);
    });
  });

  test('reminders: sent and failed today, and the subscription quota left, equal a direct count', async () => {
    await rolledBack(db, async (q) => {
      const s = await status(q, 'supervisor-city', new Date());
      const direct = (await q(`
        select (select count(*)::int from app.reminder_log where shanghai_day = (now() at time zone 'Asia/Shanghai')::date and status = 'sent') as sent,
               (select count(*)::int from app.reminder_log where shanghai_day = (now() at time zone 'Asia/Shanghai')::date and status = 'failed') as failed,
               (select coalesce(sum(remaining), 0)::int from app.message_subscriptions) as quota`)).rows[0];
      expect({ sent: s.reminders.sent_today, failed: s.reminders.failed_today, quota: s.reminders.quota.reduce((n: number, x: { remaining: number }) => n + Number(x.remaining), 0) })
        .toEqual(direct);
    });
  });
});

describe('retention (19.3)', () => {
  test('delivered messages go after 180 days (configurable); dead letters, pending ones, ratings, work orders and the audit log stay', async () => {
    await rolledBack(db, async (q) => {
      const rating = (await q(`select id, region_code from app.ratings where region_code = '530902' order by id limit 1`)).rows[0];
      const add = (seq: number, status: string, ageDays: number) => q(
        `insert into app.upstream_outbox (rating_id, change_seq, reason, region_code, status, payload, delivered_at, dead_at, created_at)
         values ($1, $2, 'rating_changed', $3, $4, '{}', case when $4 = 'delivered' then now() - make_interval(days => $5) end,
                 case when $4 = 'dead' then now() - make_interval(days => $5) end, now() - make_interval(days => $5))`,
        [rating.id, seq, rating.region_code, status, ageDays]);
      await add(901, 'delivered', 181);
      await add(902, 'delivered', 179);
      await add(903, 'dead', 400);
      await add(904, 'pending', 400);
      const ours = async () => (await q(`select change_seq from app.upstream_outbox where rating_id = $1 and change_seq > 900 order by 1`, [rating.id])).rows.map((r) => r.change_seq);
      // The archive is read on this connection, inside the transaction, before and after.
      const before = await (async () => [
        (await q(`select count(*)::int || md5(string_agg(r::text, ',' order by r.id)) as f from app.ratings r`)).rows[0].f,
        (await q(`select count(*)::int || md5(string_agg(w::text, ',' order by w.id)) as f from app.work_orders w`)).rows[0].f,
        (await q(`select count(*)::int || md5(string_agg(a::text, ',' order by a.id)) as f from app.audit_log a`)).rows[0].f,
      ])();
      const res = (await q(`select public.purge_retention() as r`)).rows[0].r;
      expect(res.outbox_deleted).toBeGreaterThanOrEqual(1);
      expect(await ours()).toEqual([902, 903, 904]);
      const after = [
        (await q(`select count(*)::int || md5(string_agg(r::text, ',' order by r.id)) as f from app.ratings r`)).rows[0].f,
        (await q(`select count(*)::int || md5(string_agg(w::text, ',' order by w.id)) as f from app.work_orders w`)).rows[0].f,
        (await q(`select count(*)::int || md5(string_agg(a::text, ',' order by a.id)) as f from app.audit_log a`)).rows[0].f,
      ];
      expect(after).toEqual(before);
      // The purged message's number is remembered: the rating's next change goes out after it.
      expect((await q(`select last_seq from app.upstream_purged_seq where rating_id = $1`, [rating.id])).rows).toEqual([{ last_seq: 901 }]);
      await q(`delete from app.upstream_outbox where rating_id = $1 and change_seq > 900`, [rating.id]);
      expect((await q(`select app.upstream_next_seq($1) as n`, [rating.id])).rows[0].n).toBe(902);
      // Configurable: at 30 days, the 179-day-old one goes too.
      await add(905, 'delivered', 31);
      await q(`update app.retention_settings set outbox_delivered_days = 30`);
      await q(`select public.purge_retention()`);
      expect(await ours()).toEqual([]);
      const err = await failure(q(`update app.retention_settings set outbox_delivered_days = 7`));
      expect(err.code).toBe('23514');
    });
  });

  test('no API role may purge: the purge functions are the service role\'s', async () => {
    for (const who of ['supervisor-city', 'unit-admin-linxiang', 'citizen-a'] as const) {
      await as(db, user(PERSONA_IDS[who]), async (q) => {
        for (const fn of ['purge_retention()', 'purge_upstream_outbox()', `record_job_run('report-upstream', now(), 'succeeded')`]) {
          await q('savepoint s');
          const err = await failure(q(`select public.${fn}`));
          await q('rollback to savepoint s');
          expect(err.code).toBe('42501');
        }
      });
    }
  });
});
