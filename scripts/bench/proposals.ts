/**
 * Fixes this benchmark proposes, tried on its own throw-away database (never a migration: the
 * lead owns those): each is measured against the current code in the same run, on the same rows,
 * and must give the same answer.
 */
import type pg from 'pg';
import { percentile } from './measure.ts';
import { md5Uuid } from './submit.ts';
import type { StatsQuery } from './rollups.ts';

export interface Tried {
  name: string;
  current: number;
  proposed: number;
  unit: string;
  same: boolean;
  note?: string;
}

/**
 * stats() for one unit reads every unit's rollup rows of the period: metric_rows filters
 * `(p_unit_id is null or d.unit_id = p_unit_id)`, which no index serves, inside a function whose
 * plan is generic. Proposed: indexes on (unit_id, day) of both rollups, and each rollup read as
 * `union all` of a branch for "every unit" and one for "this unit", so that the plan keeps the
 * day-range scan for the first and uses the new index for the second (the branch that does not
 * apply is skipped by a one-time filter).
 */
export async function tryUnitIndexes(db: pg.Client, queries: StatsQuery[], calls: number): Promise<Tried[]> {
  const { rows: [def] } = await db.query<{ src: string }>(`select pg_get_functiondef('app.metric_rows'::regproc) as src`);
  const filter = '\n      and (p_unit_id is null or d.unit_id = p_unit_id)';
  const src = def!.src;
  const tables = ['app.rating_daily', 'app.finished_daily'];
  if (src.split(filter).length !== 3 || tables.some((t) => src.split(`from ${t} d\n`).length !== 2)) {
    return [{ name: 'rollup indexes on (unit_id, day)', current: NaN, proposed: NaN, unit: 'ms', same: false, note: 'app.metric_rows changed: the unit filter this proposal rewrites is gone' }];
  }
  let proposed = src.replace('FUNCTION app.metric_rows(', 'FUNCTION bench.metric_rows(').split(filter).join('');
  for (const t of tables) {
    proposed = proposed.replace(`from ${t} d\n`,
      `from (select * from ${t} x where p_unit_id is null union all select * from ${t} x where x.unit_id = p_unit_id) d\n`);
  }
  await db.query(`create schema if not exists bench`);
  await db.query(proposed);
  const out: Tried[] = [];
  const args = (q: StatsQuery) => [q.from, q.to, q.groupBy, q.regionCode, q.unitId ? md5Uuid(q.unitId) : null];
  await db.query(`create index if not exists bench_rating_daily_unit_day on app.rating_daily (unit_id, day)`);
  await db.query(`create index if not exists bench_finished_daily_unit_day on app.finished_daily (unit_id, day)`);
  await db.query(`analyze app.rating_daily, app.finished_daily`);
  for (const q of queries) {
    // Interleaved, so that a busy moment of the machine hits both alike.
    const times = { current: [] as number[], proposed: [] as number[] };
    const rows = { current: [] as unknown[], proposed: [] as unknown[] };
    for (let k = -1; k < calls; k++) {
      for (const which of ['current', 'proposed'] as const) {
        const t0 = performance.now();
        rows[which] = (await db.query(`select * from ${which === 'current' ? 'app' : 'bench'}.metric_rows($1, $2, $3, $4, $5, true)`, args(q))).rows;
        if (k >= 0) times[which].push(performance.now() - t0); // k = -1 warms both
      }
    }
    out.push({
      name: `metric_rows, ${q.name}: rollup indexes on (unit_id, day) + a union-all branch per case`,
      current: percentile(times.current, 50), proposed: percentile(times.proposed, 50), unit: 'ms p50 (SQL)',
      same: JSON.stringify(rows.current) === JSON.stringify(rows.proposed),
    });
  }
  await db.query(`drop index app.bench_rating_daily_unit_day; drop index app.bench_finished_daily_unit_day`);
  return out;
}

/** Default ratings for up to 100,000 of the due 办件: the statement the job runs, on a subset (for plans). */
export const SUBSET_DEFAULTS = `
    insert into app.ratings (transaction_id, assess_number, level, channel, is_default, unit_id, region_code,
                             matter_id, hall_id, window_id, staff_user_id, platform_id, rated_at)
    select t.id, 1, 3, 'default', true, t.unit_id, t.region_code, t.matter_id, t.hall_id, t.window_id, t.staff_user_id, t.platform_id, t.rating_due_at
    from app.transactions t
    where t.project_no between 'BENCH-DUE-' and 'BENCH-DUE-000100000'
      and t.status = 'finished' and t.first_rating_id is null and t.rating_due_at <= $1
    on conflict do nothing`;
