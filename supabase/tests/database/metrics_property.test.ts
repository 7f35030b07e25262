/**
 * Issue 21.1: 主动评价率 is a cohort (SPEC §3) — of the 办件 finished in the period, the share that got an
 * active rating — so no rate can exceed 100 %. Over seeded random data (办件 finished across three months,
 * first ratings given days later and so often in the next month, defaults, invalid ratings, visit ratings
 * without a 办件, follow-up ratings, then updates, moves and deletes) every rate stats() and
 * public_results() return lies in [0, 1], and every count and rate equals shared/metrics.ts's twin
 * (metricCountsOf + metricRates) over the same facts. A failing seed replays exactly.
 */
import { metricCountsOf, metricRates, type FactRating, type FactTransaction } from '../../../shared/metrics.ts';
import { connect, type Db, PERSONA_IDS } from '../../../tests/support/db.ts';
import { seededRandom } from '../../../tests/support/random.ts';
import { statsRollupDiffers } from '../../../tests/support/rollups.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

const SEEDS = (process.env.HCP_PROPERTY_SEEDS ?? '11,23,37,41,59').split(',').map(Number);

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const monthEnd = (month: string) => {
  const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

interface Facts { transactions: FactTransaction[]; ratings: Array<FactRating & { id: string }> }

/** The facts as the database holds them for one unit (days in Asia/Shanghai). */
async function factsOf(unitId: string): Promise<Facts> {
  const t = await db.query(
    `select id::text, case when status = 'finished' then to_char((finished_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD') end as day
     from app.transactions where unit_id = $1`, [unitId]);
  const r = await db.query(
    `select id::text, transaction_id::text, assess_number, level, is_default, validity = 'valid' as valid,
            to_char((rated_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD') as day
     from app.ratings where unit_id = $1`, [unitId]);
  return {
    transactions: t.rows.map((x) => ({ id: x.id, finishedDay: x.day })),
    ratings: r.rows.map((x) => ({
      id: x.id, transactionId: x.transaction_id, assessNumber: x.assess_number, level: x.level,
      isDefault: x.is_default, valid: x.valid, ratedDay: x.day,
    })),
  };
}

async function asSupervisor<T>(work: () => Promise<T>): Promise<T> {
  await db.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: 'authenticated', sub: PERSONA_IDS['supervisor-city'] })]);
  await db.query('set local role authenticated');
  try {
    return await work();
  } finally {
    await db.query('reset role');
  }
}

const num = (v: string | null) => (v === null ? null : Number(v));

/** Every month and day of the span, both variants: stats() = the twin, every rate in [0, 1]. */
async function checkAgainstTwin(unitId: string, months: string[], seed: number) {
  const facts = await factsOf(unitId);
  const from = `${months[0]}-01`;
  const to = monthEnd(months[months.length - 1]!);
  let activeAboveRatings = 0;
  // Whole months (app.stats_rollup's month rows), days (its day rows), and a span that starts and
  // ends inside a month (its edges from day rows, the middle month from a month row).
  const spans = [
    { groupBy: 'month', from, to }, { groupBy: 'day', from, to },
    { groupBy: 'month', from: `${months[0]}-11`, to: `${months[months.length - 1]}-20` },
  ];
  for (const includeDefault of [true, false]) {
    for (const span of spans) {
      const { groupBy } = span;
      const rows = (await asSupervisor(() => db.query(
        `select * from public.stats($1, $2, $3, null, $4, $5)`, [span.from, span.to, groupBy, unitId, includeDefault]))).rows;
      const keys = groupBy === 'month' ? months : [...new Set(rows.map((r) => r.group_key as string))];
      for (const k of keys) {
        const [kFrom, kTo] = groupBy === 'month'
          ? [`${k}-01` < span.from ? span.from : `${k}-01`, monthEnd(k) > span.to ? span.to : monthEnd(k)]
          : [k, k];
        const expected = metricCountsOf(facts.transactions, facts.ratings, kFrom, kTo, includeDefault);
        const row = rows.find((r) => r.group_key === k);
        const got = row
          ? { ratingCount: Number(row.rating_count), goodCount: Number(row.good_count), neutralCount: Number(row.neutral_count),
              badCount: Number(row.bad_count), activeCount: Number(row.active_count), finishedCount: Number(row.finished_count) }
          : { ratingCount: 0, goodCount: 0, neutralCount: 0, badCount: 0, activeCount: 0, finishedCount: 0 };
        expect({ seed, k, includeDefault, ...got }).toEqual({ seed, k, includeDefault, ...expected });
        if (row) {
          const rates = { satisfactionRate: num(row.satisfaction_rate), goodRate: num(row.good_rate), badRate: num(row.bad_rate), activeRate: num(row.active_rate) };
          expect(rates).toEqual(metricRates(expected));
          for (const v of [...Object.values(rates), num(row.rectify_rate), num(row.on_time_rate), num(row.realname_revisit_rate)]) {
            if (v !== null) {
              expect(v).toBeGreaterThanOrEqual(0);
              expect(v).toBeLessThanOrEqual(1);
            }
          }
          // The old formula (ratings given in the period / 办件 finished in it) exceeded 100 % exactly here.
          if (Number(row.rating_count) > Number(row.finished_count)) activeAboveRatings += 1;
        }
      }
    }
  }
  for (const month of months) {
    const rows = (await db.query(`select * from public.public_results($1, '530902') where unit_id = $2`, [month, unitId])).rows;
    expect(rows).toHaveLength(1);
    const expected = metricCountsOf(facts.transactions, facts.ratings, `${month}-01`, monthEnd(month), true);
    expect([Number(rows[0].finished_count), Number(rows[0].active_count), num(rows[0].active_rate)])
      .toEqual([expected.finishedCount, expected.activeCount, metricRates(expected).activeRate]);
    for (const k of ['satisfaction_rate', 'good_rate', 'active_rate', 'rectify_rate']) {
      const v = num(rows[0][k]);
      if (v !== null) expect(v >= 0 && v <= 1).toBe(true);
    }
  }
  return activeAboveRatings;
}

test.each(SEEDS)('seed %i: every rate lies in [0, 1] and stats() equals the shared twin, before and after changes', async (seed) => {
  const rnd = seededRandom(seed);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  await db.query('begin');
  try {
    // A unit of its own (no seed data in it), three whole months ending with the last one that is over.
    const today = (await db.query(`select to_char((now() at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD') as d`)).rows[0].d as string;
    const lastOver = addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
    const months = [addDays(`${lastOver}-01`, -45).slice(0, 7), addDays(`${lastOver}-01`, -15).slice(0, 7), lastOver];
    const unitId = (await db.query(`insert into app.units (region_code, name) values ('530902', $1) returning id`, [`性质测试单位-${seed}`])).rows[0].id;
    const hallId = (await db.query(`insert into app.halls (region_code, name, kind) values ('530902', $1, 'hall') returning id`, [`性质测试大厅-${seed}`])).rows[0].id;
    const windowId = (await db.query(`insert into app.windows (hall_id, unit_id, name) values ($1, $2, '1号窗口') returning id`, [hallId, unitId])).rows[0].id;
    const matterId = (await db.query(`insert into app.matters (code, name, unit_id) values ($1, '性质测试事项', $2) returning id`, [`PROP-${seed}`, unitId])).rows[0].id;

    const n = 40 + Math.floor(rnd() * 60);
    const txRows: Array<{ no: string; status: string; finishedAt: string | null; acceptedAt: string; channel: string }> = [];
    for (let i = 0; i < n; i++) {
      const day = addDays(`${months[0]}-01`, Math.floor(rnd() * 88));
      const finished = rnd() < 0.9;
      const at = `${day}T${String(Math.floor(rnd() * 24)).padStart(2, '0')}:30:00+08:00`;
      txRows.push({ no: `PROP-${seed}-${i}`, status: finished ? 'finished' : 'processing', finishedAt: finished ? at : null, acceptedAt: `${addDays(day, -3)}T09:00:00+08:00`, channel: pick(['pc', 'mobile', 'hall_pad']) });
    }
    const txIds: Array<{ id: string; finishedAt: string | null }> = [];
    for (const t of txRows) {
      const { rows } = await db.query(
        `insert into app.transactions (project_no, matter_id, unit_id, region_code, hall_id, window_id, channel, status, accepted_at, finished_at)
         values ($1, $2, $3, '530902', $4, $5, $6, $7, $8, $9) returning id`,
        [t.no, matterId, unitId, hallId, windowId, t.channel, t.status, t.acceptedAt, t.finishedAt]);
      txIds.push({ id: rows[0].id, finishedAt: t.finishedAt });
    }
    // First ratings 0–9 days after the finish (often in the next month), some defaults; follow-ups; visits.
    for (const t of txIds) {
      if (!t.finishedAt || rnd() < 0.25) continue;
      const ratedAt = new Date(Date.parse(t.finishedAt) + Math.floor(rnd() * 9 * 86_400_000)).toISOString();
      const isDefault = rnd() < 0.2;
      const level = isDefault ? 3 : 1 + Math.floor(rnd() * 5);
      await db.query(
        `insert into app.ratings (transaction_id, level, tags, channel, is_default, unit_id, region_code, matter_id, hall_id, window_id, rated_at, validity)
         values ($1, $2, $3, $4, $5, $6, '530902', $7, $8, $9, $10, $11)`,
        [t.id, level, level <= 2 ? ['0101'] : [], isDefault ? 'default' : pick(['mobile', 'qrcode', 'hall_pad']), isDefault, unitId, matterId, hallId, windowId,
          ratedAt, rnd() < 0.1 ? 'invalid' : 'valid']);
      if (!isDefault && level <= 2 && rnd() < 0.5) {
        await db.query(
          `insert into app.ratings (transaction_id, assess_number, level, channel, unit_id, region_code, matter_id, hall_id, window_id, rated_at)
           values ($1, 2, 4, 'mobile', $2, '530902', $3, $4, $5, $6::timestamptz + interval '3 days')`,
          [t.id, unitId, matterId, hallId, windowId, ratedAt]);
      }
    }
    const visits = Math.floor(rnd() * 30);
    for (let i = 0; i < visits; i++) {
      const day = addDays(`${months[0]}-01`, Math.floor(rnd() * 88));
      await db.query(
        `insert into app.ratings (level, channel, unit_id, region_code, hall_id, window_id, visit_day, rated_at)
         values ($1, 'qrcode', $2, '530902', $3, $4, $5, $6)`,
        [3 + Math.floor(rnd() * 3), unitId, hallId, windowId, day, `${day}T10:00:00+08:00`]);
    }
    const exceeded = await checkAgainstTwin(unitId, months, seed);
    // Ratings outnumber finished 办件 in some month or day on every seed: where 200 % used to come from.
    expect(exceeded).toBeGreaterThan(0);

    // Changes the rollups must follow: appeals approved and undone, 办件 moved across a month end, ratings deleted.
    await db.query(`update app.ratings set validity = case when validity = 'valid' then 'invalid' else 'valid' end
                    where unit_id = $1 and assess_number = 1 and transaction_id is not null and md5(id::text || $2) < '4'`, [unitId, String(seed)]);
    await db.query(`update app.transactions set finished_at = finished_at + interval '12 days' where unit_id = $1 and md5(id::text || $2) < '5' and status = 'finished'`, [unitId, String(seed)]);
    await db.query(`update app.transactions set status = 'finished', finished_at = accepted_at + interval '2 days' where unit_id = $1 and status = 'processing'`, [unitId]);
    // Ratings deleted (those without a work order, which the audit trail keeps).
    const doomed = `select t.id from app.transactions t where t.unit_id = $1 and md5(t.id::text || $2) > 'c'
                    and not exists (select 1 from app.work_orders w where w.transaction_id = t.id)`;
    await db.query(`delete from app.upstream_outbox where rating_id in (select r.id from app.ratings r where r.transaction_id in (${doomed}))`, [unitId, String(seed)]);
    await db.query(`delete from app.ratings where transaction_id in (${doomed})`, [unitId, String(seed)]);
    await checkAgainstTwin(unitId, months, seed);
    expect(await statsRollupDiffers((t, v) => db.query(t, v))).toBe(0);
  } finally {
    await db.query('rollback');
  }
}, 120_000);
