/** stats(): SPEC §3 from the rollups and work orders, equal to a direct count and to shared/metrics.ts. */
import { loopRates, metricRates } from '../../../shared/metrics.ts';
import { as, codeOf, connect, type Db, failure, PERSONA_IDS, user } from '../../../tests/support/db.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loopRollupDiffers, statsRollupDiffers } from '../../../tests/support/rollups.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

const city = user(PERSONA_IDS['supervisor-city']);
const county = user(PERSONA_IDS['supervisor-fengqing']);
const stats = (q: Db['query'], groupBy: string, region: string | null, includeDefault = true) =>
  q(`select * from public.stats(current_date - 150, current_date + 1, $1, $2, null, $3)`, [groupBy, region, includeDefault]);

test('the rollups equal a direct count over app.ratings, per unit, both variants', async () => {
  for (const includeDefault of [true, false]) {
    const viaStats = (await as(db, city, (q) => stats(q, 'unit', '530900', includeDefault))).rows;
    const direct = (await db.query(
      `select unit_id::text as k, count(*) filter (where $1 or not is_default)::int as n,
              count(*) filter (where level <= 2)::int as bad,
              count(*) filter (where level >= 4 and ($1 or not is_default))::int as good
       from app.ratings where assess_number = 1 and validity = 'valid'
         and (rated_at at time zone 'Asia/Shanghai')::date between current_date - 150 and current_date + 1
       group by 1`, [includeDefault])).rows;
    const byKey = new Map(viaStats.map((r) => [r.group_key, r]));
    expect(direct.length).toBeGreaterThan(10);
    for (const d of direct) {
      const s = byKey.get(d.k);
      expect([Number(s.rating_count), Number(s.bad_count), Number(s.good_count)]).toEqual([d.n, d.bad, d.good]);
    }
  }
});

test('every rate equals the shared formula over the same counts', async () => {
  for (const groupBy of ['region', 'unit', 'window', 'officer', 'matter', 'channel', 'day', 'month']) {
    const rows = (await as(db, city, (q) => stats(q, groupBy, null))).rows;
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const expected = metricRates({
        ratingCount: Number(r.rating_count), goodCount: Number(r.good_count), neutralCount: Number(r.neutral_count),
        badCount: Number(r.bad_count), activeCount: Number(r.active_count), finishedCount: Number(r.finished_count),
      });
      const num = (v: string | null) => (v === null ? null : Number(v));
      expect({ satisfactionRate: num(r.satisfaction_rate), goodRate: num(r.good_rate), badRate: num(r.bad_rate), activeRate: num(r.active_rate) })
        .toEqual(expected);
    }
  }
});

test('the loop rates equal the shared formula, and their counts a direct count over app.work_orders', async () => {
  for (const groupBy of ['region', 'unit', 'month']) {
    const rows = (await as(db, city, (q) => stats(q, groupBy, null))).rows;
    for (const r of rows) {
      const n = (k: string) => Number(r[k]);
      const num = (v: string | null) => (v === null ? null : Number(v));
      expect({ rectifyRate: num(r.rectify_rate), onTimeRate: num(r.on_time_rate), realnameRevisitRate: num(r.realname_revisit_rate) }).toEqual(loopRates({
        substantiatedCount: n('substantiated_count'), rectifiedCount: n('rectified_count'), dueCount: n('due_count'),
        onTimeCount: n('on_time_count'), realnameSubstantiatedCount: n('realname_substantiated_count'), realnameRevisitedCount: n('realname_revisited_count'),
      }));
    }
  }
  const viaStats = (await as(db, city, (q) => stats(q, 'unit', '530900'))).rows;
  const direct = (await db.query(
    `select w.unit_id::text as k, count(*)::int as substantiated,
            count(*) filter (where w.rectified_at is not null)::int as rectified,
            count(*) filter (where w.is_realname and w.rectified_at is not null and w.return_visit_recorded_at is not null)::int as revisited,
            count(*) filter (where w.rectified_at is not null or w.rectify_due_on < (now() at time zone 'Asia/Shanghai')::date)::int as due,
            count(*) filter (where (w.rectified_at at time zone 'Asia/Shanghai')::date <= w.rectify_due_on)::int as on_time
     from app.work_orders w
     where w.substantiated_at is not null and w.status not in ('dismissed', 'rerouted')
       and w.rated_day between current_date - 150 and current_date + 1
     group by 1`)).rows;
  expect(direct.length).toBeGreaterThan(3);
  expect(direct.some((d) => d.rectified > 0 && d.revisited > 0)).toBe(true);
  const byKey = new Map(viaStats.map((r) => [r.group_key, r]));
  for (const d of direct) {
    const s = byKey.get(d.k);
    expect([Number(s.substantiated_count), Number(s.rectified_count), Number(s.realname_revisited_count), Number(s.due_count), Number(s.on_time_count)])
      .toEqual([d.substantiated, d.rectified, d.revisited, d.due, d.on_time]);
  }
});

test('the loop\'s month rollup follows every work-order change: verified, rectified, overdue, visited, dismissed, rerouted, moved, deleted', async () => {
  const differs = () => loopRollupDiffers((t, v) => db.query(t, v));
  // 按时整改率's denominator for a whole month, counted as stats() does and directly, on the day of asking.
  const dueViaStats = async (today: string) => (await db.query(
    `select coalesce(sum(due_count), 0)::int as n from app.loop_metric_rows(date_trunc('month', current_date - 60)::date,
       (date_trunc('month', current_date - 30) - interval '1 day')::date, 'region', '530900', null, $1::date)`, [today])).rows[0].n;
  const dueDirect = async (today: string) => (await db.query(
    `select count(*)::int as n from app.work_orders w
     where w.substantiated_at is not null and w.status not in ('dismissed', 'rerouted')
       and w.rated_day >= date_trunc('month', current_date - 60)::date and w.rated_day < date_trunc('month', current_date - 30)::date
       and (w.rectified_at is not null or w.rectify_due_on < $1::date)`, [today])).rows[0].n;
  await db.query('begin');
  try {
    expect(await differs()).toBe(0);
    // 差评 two months back (a whole month for the due count), each opening its order (R8).
    await db.query(`insert into app.transactions (project_no, matter_id, unit_id, region_code, channel, status, accepted_at, finished_at)
                    select 'LOOP-' || g, m.id, m.unit_id, u.region_code, 'pc', 'finished', now() - interval '70 days',
                           date_trunc('month', now() - interval '60 days') + (g % 20) * interval '1 day' + interval '10 hours'
                    from generate_series(1, 60) g cross join lateral (select id, unit_id from app.matters order by code limit 1 offset g % 15) m
                    join app.units u on u.id = m.unit_id`);
    await db.query(`insert into app.ratings (transaction_id, level, tags, channel, unit_id, region_code, matter_id, rated_at)
                    select t.id, 1, '{115}', 'pc', t.unit_id, t.region_code, t.matter_id, t.finished_at + interval '1 hour'
                    from app.transactions t where t.project_no like 'LOOP-%'`);
    const orders = `select w.id from app.work_orders w join app.transactions t on t.id = w.transaction_id where t.project_no like`;
    expect(Number((await db.query(`select count(*) from (${orders} 'LOOP-%') x`)).rows[0].count)).toBe(60);
    await db.query(`update app.work_orders set substantiated_at = opened_at + interval '1 day', status = 'rectifying',
                           rectify_due_on = rated_day + 21 where id in (${orders} 'LOOP-%')`);
    expect(await differs()).toBe(0);
    await db.query(`update app.work_orders set rectified_at = opened_at + interval '5 days', status = 'rectified' where id in (${orders} 'LOOP-%1' union ${orders} 'LOOP-%2')`);
    await db.query(`update app.work_orders set rectified_at = opened_at + interval '40 days', status = 'rectified' where id in (${orders} 'LOOP-%3')`);
    await db.query(`update app.work_orders set return_visit_recorded_at = opened_at + interval '6 days', is_realname = true where id in (${orders} 'LOOP-%1')`);
    await db.query(`update app.work_orders set status = 'dismissed' where id in (${orders} 'LOOP-%4')`);
    await db.query(`update app.work_orders set status = 'rerouted' where id in (${orders} 'LOOP-%5')`);
    await db.query(`update app.work_orders set rated_day = rated_day + 40 where id in (${orders} 'LOOP-%6')`);
    await db.query(`update app.work_orders set unit_id = (select id from app.units order by name limit 1) where id in (${orders} 'LOOP-%7')`);
    await db.query(`update app.work_orders set rectify_due_on = rectify_due_on + 30 where id in (${orders} 'LOOP-%8')`);
    expect(await differs()).toBe(0);
    // Unrectified orders fall due as the days pass: the same rollup, a later day of asking, more due.
    const early = await dueViaStats('2000-01-01');
    const late = await dueViaStats('2100-01-01');
    expect([early, late]).toEqual([await dueDirect('2000-01-01'), await dueDirect('2100-01-01')]);
    expect(late).toBeGreaterThan(early);
    await db.query(`delete from app.work_orders where id in (${orders} 'LOOP-%9')`);
    expect(await differs()).toBe(0);
  } finally {
    await db.query('rollback');
  }
}, 120_000);

test('仅主动 excludes defaults: no default counted and 满意率 differs where defaults exist', async () => {
  const all = (await as(db, city, (q) => stats(q, 'region', '530900', true))).rows;
  const active = (await as(db, city, (q) => stats(q, 'region', '530900', false))).rows;
  const sum = (rows: typeof all, col: string) => rows.reduce((n, r) => n + Number(r[col]), 0);
  expect(sum(all, 'rating_count') - sum(active, 'rating_count')).toBe(sum(all, 'default_count'));
  expect(sum(all, 'default_count')).toBeGreaterThan(0);
});

test('a county supervisor sees only their county, and is refused the city', async () => {
  const rows = (await as(db, county, (q) => stats(q, 'region', null))).rows;
  expect(rows.map((r) => r.group_key)).toEqual(['530921']);
  const err = await as(db, county, (q) => failure(stats(q, 'unit', '530900')));
  expect(codeOf(err)).toBe('forbidden');
});

test('staff and citizens are refused; bad grouping and dates are invalid_input', async () => {
  expect(codeOf(await as(db, user(PERSONA_IDS['staff-linxiang']), (q) => failure(stats(q, 'unit', null))))).toBe('forbidden');
  expect(codeOf(await as(db, user(PERSONA_IDS['citizen-a']), (q) => failure(stats(q, 'unit', null))))).toBe('forbidden');
  expect(codeOf(await as(db, city, (q) => failure(stats(q, 'mayor', null))))).toBe('invalid_input');
  expect(codeOf(await as(db, city, (q) => failure(q(`select * from public.stats(current_date, current_date - 1)`))))).toBe('invalid_input');
});

test('an approved appeal (validity invalid) leaves every metric', async () => {
  await db.query('begin');
  try {
    const before = (await db.query(`select sum(rating_count)::int as n from app.rating_daily`)).rows[0].n;
    await db.query(`update app.ratings set validity = 'invalid' where id = (select id from app.ratings where is_bad and assess_number = 1 limit 1)`);
    const after = (await db.query(`select sum(rating_count)::int as n from app.rating_daily`)).rows[0].n;
    expect(after).toBe(before - 1);
  } finally {
    await db.query('rollback');
  }
});

describe('public_results (R15, anon)', () => {
  const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);

  test('anon reads a month per unit, with no identity anywhere', async () => {
    const rows = await as(db, { role: 'anon' }, async (q) => (await q('select * from public.public_results($1, $2)', [month, '530902'])).rows);
    expect(rows.map((r) => r.unit_name)).toContain('临翔区市场监督管理局');
    expect(rows.every((r) => r.region_code === '530902')).toBe(true);
    expect(Object.keys(rows[0])).not.toEqual(expect.arrayContaining(['rater_user_id']));
    const total = rows.reduce((n, r) => n + Number(r.rating_count), 0);
    expect(total).toBeGreaterThan(0);
  });

  test.each([['2026-13'], ['26-01'], ['x']])('a period like %s is invalid_input', async (period) => {
    const err = await as(db, { role: 'anon' }, (q) => failure(q('select * from public.public_results($1, $2)', [period, '530900'])));
    expect(codeOf(err)).toBe('invalid_input');
  });

  test('an unknown region is not_found', async () => {
    const err = await as(db, { role: 'anon' }, (q) => failure(q('select * from public.public_results($1, $2)', [month, '110000'])));
    expect(codeOf(err)).toBe('not_found');
  });
});

test('the rollups follow every kind of statement: a bulk insert, an update of some rows, a delete (transition tables)', async () => {
  const rollupEqualsCount = async () => (await db.query(`
    with direct as (
      select (rated_at at time zone 'Asia/Shanghai')::date as day, unit_id, level, is_default, count(*)::bigint as n
      from app.ratings where assess_number = 1 and validity = 'valid' group by 1, 2, 3, 4),
    rolled as (
      select day, unit_id, level, is_default, sum(rating_count)::bigint as n
      from app.rating_daily group by 1, 2, 3, 4 having sum(rating_count) <> 0)
    select count(*)::int as differing from (
      (select * from direct except select * from rolled) union all (select * from rolled except select * from direct)) x`)).rows[0].differing;
  const finishedEqualsCount = async () => (await db.query(`
    select count(*)::int as differing from (
      (select (finished_at at time zone 'Asia/Shanghai')::date, unit_id, count(*)::bigint from app.transactions where status = 'finished' group by 1, 2
       except select day, unit_id, sum(finished_count)::bigint from app.finished_daily group by 1, 2 having sum(finished_count) <> 0)
      union all
      (select day, unit_id, sum(finished_count)::bigint from app.finished_daily group by 1, 2 having sum(finished_count) <> 0
       except select (finished_at at time zone 'Asia/Shanghai')::date, unit_id, count(*)::bigint from app.transactions where status = 'finished' group by 1, 2)) x`)).rows[0].differing;
  // 主动评价率's cohort (issue 21.1): per finish day and unit, the finished 办件 with a valid, non-default first rating.
  const cohortEqualsCount = async () => (await db.query(`
    with direct as (
      select (t.finished_at at time zone 'Asia/Shanghai')::date as day, t.unit_id, count(*)::bigint as n
      from app.transactions t join app.ratings r on r.transaction_id = t.id and r.assess_number = 1 and r.validity = 'valid' and not r.is_default
      where t.status = 'finished' group by 1, 2),
    rolled as (select day, unit_id, sum(active_count)::bigint as n from app.finished_daily group by 1, 2 having sum(active_count) <> 0)
    select count(*)::int as differing from ((select * from direct except select * from rolled) union all (select * from rolled except select * from direct)) x`)).rows[0].differing;
  await db.query('begin');
  try {
    expect([await cohortEqualsCount(), await statsRollupDiffers((t, v) => db.query(t, v))]).toEqual([0, 0]);
    await db.query(`insert into app.transactions (project_no, matter_id, unit_id, region_code, channel, status, accepted_at, finished_at)
                    select 'ROLL-' || g, m.id, m.unit_id, u.region_code, 'pc', 'finished', now() - interval '10 days', now() - (g % 48) * interval '1 hour'
                    from generate_series(1, 5000) g cross join lateral (select id, unit_id from app.matters order by code limit 1 offset g % 15) m
                    join app.units u on u.id = m.unit_id`);
    await db.query(`select public.apply_default_ratings(now() + interval '30 days')`);
    expect([await rollupEqualsCount(), await finishedEqualsCount(), await cohortEqualsCount(), await statsRollupDiffers((t, v) => db.query(t, v))]).toEqual([0, 0, 0, 0]);
    await db.query(`update app.ratings set validity = 'invalid' where transaction_id in (select id from app.transactions where project_no like 'ROLL-%' and project_no like '%7')`);
    await db.query(`update app.transactions set finished_at = finished_at - interval '2 days' where project_no like 'ROLL-%3'`);
    expect([await rollupEqualsCount(), await finishedEqualsCount(), await cohortEqualsCount(), await statsRollupDiffers((t, v) => db.query(t, v))]).toEqual([0, 0, 0, 0]);
    await db.query(`delete from app.upstream_outbox where rating_id in (select r.id from app.ratings r join app.transactions t on t.id = r.transaction_id where t.project_no like 'ROLL-%1')`);
    await db.query(`delete from app.ratings where transaction_id in (select id from app.transactions where project_no like 'ROLL-%1')`);
    await db.query(`delete from app.transactions where project_no like 'ROLL-%1'`);
    expect([await rollupEqualsCount(), await finishedEqualsCount(), await cohortEqualsCount(), await statsRollupDiffers((t, v) => db.query(t, v))]).toEqual([0, 0, 0, 0]);
  } finally {
    await db.query('rollback');
  }
}, 120_000);

test('the backfill migration rebuilds the stats rollup exactly as the triggers kept it (an existing database upgraded)', async () => {
  const backfill = readFileSync(path.join(__dirname, '..', '..', 'migrations', '20261204225649_stats_rollup_backfill.sql'), 'utf8');
  const q = (t: string, v?: unknown[]) => db.query(t, v);
  await db.query('begin');
  try {
    const before = Number((await db.query('select count(*) from app.stats_rollup where rating_count <> 0 or substantiated_count <> 0')).rows[0].count);
    expect(before).toBeGreaterThan(100);
    await db.query('delete from app.stats_rollup');
    await db.query(backfill);
    expect([await statsRollupDiffers(q), await loopRollupDiffers(q)]).toEqual([0, 0]);
    expect(Number((await db.query('select count(*) from app.stats_rollup where rating_count <> 0 or substantiated_count <> 0')).rows[0].count)).toBe(before);
  } finally {
    await db.query('rollback');
  }
});
