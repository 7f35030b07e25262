/**
 * Benchmark 3: `stats()` as a supervisor (through the gateway, with the supervisor's JWT) for a
 * region-month and a unit-year over the generated history, against a direct aggregate of the
 * same numbers over app.ratings and app.transactions in SQL. Both must give the same answer.
 */
import type pg from 'pg';
import { userToken } from '../stack/keys.ts';
import { autoExplain } from './explain.ts';
import { timeSerial, type Summary } from './measure.ts';
import { md5Uuid, type Stack } from './submit.ts';

const SUPERVISOR_CITY = '00000000-0000-4000-8000-000000000c01';

export interface StatsQuery {
  name: string;
  from: string;
  to: string;
  groupBy: string;
  regionCode: string;
  /** The seed's md5 key of the unit (supabase/seed.sql), or null for every unit. */
  unitId: string | null;
}

/** Issue 16.1's five dashboard questions (p99 < 50 ms at 10 M ratings, never slower than the direct aggregate at 1 M). */
export const QUERIES: StatsQuery[] = [
  { name: 'region-month (临沧市 by county, 2026-10)', from: '2026-10-01', to: '2026-10-31', groupBy: 'region', regionCode: '530900', unitId: null },
  // 临翔区市场监督管理局, by month over 2025.
  { name: 'unit-year (one unit by month, 2025)', from: '2025-01-01', to: '2025-12-31', groupBy: 'month', regionCode: '530900', unitId: 'unit:530902:市场监督管理局' },
  { name: 'city-year by unit (临沧市, 2025)', from: '2025-01-01', to: '2025-12-31', groupBy: 'unit', regionCode: '530900', unitId: null },
  { name: 'officer-month (临沧市 by officer, 2026-10)', from: '2026-10-01', to: '2026-10-31', groupBy: 'officer', regionCode: '530900', unitId: null },
  { name: '事项-quarter (临沧市 by 事项, 2026 Q3)', from: '2026-07-01', to: '2026-09-30', groupBy: 'matter', regionCode: '530900', unitId: null },
];

/**
 * The numbers stats() returns, computed straight from the rows (含默认 variant). 主动评价率's
 * numerator is a cohort (SPEC §3): of the 办件 finished in the period, those with a valid active
 * first rating, whenever it came.
 */
export const DIRECT_AGGREGATE = `
  with scope as (select app.region_and_below($3) as code),
  r as (
    select case $4 when 'region' then r.region_code when 'unit' then r.unit_id::text when 'officer' then r.staff_user_id::text
                   when 'matter' then r.matter_id::text when 'month' then to_char((r.rated_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM') end as k,
           count(*) as n,
           count(*) filter (where r.is_default) as n_default,
           count(*) filter (where r.level >= 4) as n_good,
           count(*) filter (where r.level = 3) as n_neutral,
           count(*) filter (where r.level <= 2) as n_bad
    from app.ratings r
    where r.assess_number = 1 and r.validity = 'valid'
      and r.rated_at >= ($1::date::timestamp at time zone 'Asia/Shanghai') and r.rated_at < (($2::date + 1)::timestamp at time zone 'Asia/Shanghai')
      and r.region_code in (select code from scope) and ($5::uuid is null or r.unit_id = $5)
    group by 1
  ),
  f as (
    select case $4 when 'region' then t.region_code when 'unit' then t.unit_id::text when 'officer' then t.staff_user_id::text
                   when 'matter' then t.matter_id::text when 'month' then to_char((t.finished_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM') end as k,
           count(*) as n_finished,
           count(*) filter (where exists (select 1 from app.ratings x where x.transaction_id = t.id and x.assess_number = 1
                                                                          and x.validity = 'valid' and not x.is_default)) as n_active
    from app.transactions t
    where t.status = 'finished'
      and t.finished_at >= ($1::date::timestamp at time zone 'Asia/Shanghai') and t.finished_at < (($2::date + 1)::timestamp at time zone 'Asia/Shanghai')
      and t.region_code in (select code from scope) and ($5::uuid is null or t.unit_id = $5)
    group by 1
  )
  select coalesce(r.k, f.k) as group_key, coalesce(r.n, 0)::bigint as rating_count, coalesce(r.n_default, 0)::bigint as default_count,
         coalesce(r.n_good, 0)::bigint as good_count, coalesce(r.n_neutral, 0)::bigint as neutral_count, coalesce(r.n_bad, 0)::bigint as bad_count,
         coalesce(f.n_finished, 0)::bigint as finished_count, coalesce(f.n_active, 0)::bigint as active_count
  from r full join f on f.k = r.k
  order by 1`;

type Row = Record<string, string | number | null>;
const COUNTS = ['group_key', 'rating_count', 'default_count', 'good_count', 'neutral_count', 'bad_count', 'finished_count', 'active_count'] as const;

/** The counted columns of each row as one comparable string. */
export function countsKey(rows: readonly Row[]): string {
  return rows.map((r) => COUNTS.map((c) => String(r[c] ?? '')).join(',')).join('\n');
}

export interface StatsRow {
  query: StatsQuery;
  groups: number;
  ratings: number;
  rollup: Summary;
  /** stats() called in SQL as the supervisor: the same work without HTTP. */
  rollupSql: Summary;
  direct: Summary;
  same: boolean;
}

export async function benchStats(stack: Stack, db: pg.Client, calls: number, log: (l: string) => void): Promise<StatsRow[]> {
  const token = await userToken(SUPERVISOR_CITY, stack.jwtSecret, 24 * 3600);
  const out: StatsRow[] = [];
  for (const base of QUERIES) {
    const q = { ...base, unitId: base.unitId ? md5Uuid(base.unitId) : null };
    const body = JSON.stringify({ p_from: q.from, p_to: q.to, p_group_by: q.groupBy, p_region_code: q.regionCode, p_unit_id: q.unitId, p_include_default: true });
    let apiRows: Row[] = [];
    const viaApi = async () => {
      const res = await fetch(`${stack.apiUrl}/rest/v1/rpc/stats`, {
        method: 'POST',
        headers: { apikey: stack.anonKey, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
      if (res.status !== 200) throw new Error(`stats answered ${res.status}: ${await res.text()}`);
      apiRows = (await res.json()) as Row[];
    };
    const sqlArgs = [q.from, q.to, q.regionCode, q.groupBy, q.unitId];
    let directRows: Row[] = [];
    const direct = async () => {
      directRows = (await db.query({ name: `direct-${q.groupBy}`, text: DIRECT_AGGREGATE, values: sqlArgs })).rows as Row[];
    };
    const rollupSql = async () => {
      await db.query('begin');
      try {
        await db.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: 'authenticated', sub: SUPERVISOR_CITY })]);
        await db.query('set local role authenticated');
        await db.query('select * from public.stats($1, $2, $3, $4, $5, true)', [q.from, q.to, q.groupBy, q.regionCode, q.unitId]);
      } finally {
        await db.query('rollback');
      }
    };
    // Warm both (caches, plans), then time.
    await viaApi();
    await direct();
    await rollupSql();
    const rollup = await timeSerial(viaApi, calls);
    const rollupSqlS = await timeSerial(rollupSql, calls);
    const directS = await timeSerial(direct, Math.max(3, Math.round(calls / 10)));
    const same = countsKey(apiRows) === countsKey(directRows);
    const ratings = apiRows.reduce((n, r) => n + Number(r.rating_count), 0);
    log(`  ${q.name}: ${apiRows.length} groups, ${ratings} ratings; stats p50 ${rollup.p50.toFixed(1)} ms (SQL ${rollupSqlS.p50.toFixed(1)}), direct p50 ${directS.p50.toFixed(1)} ms; same: ${same}`);
    if (!same) log(`    stats:  ${countsKey(apiRows).split('\n').slice(0, 3).join(' | ')}\n    direct: ${countsKey(directRows).split('\n').slice(0, 3).join(' | ')}`);
    out.push({ query: q, groups: apiRows.length, ratings, rollup, rollupSql: rollupSqlS, direct: directS, same });
  }
  return out;
}

/**
 * The plans behind one stats() call and its direct aggregate. stats() joins app.metric_rows and
 * app.loop_metric_rows, functions with their own search_path (never inlined) that read through
 * app.stats_rollup_counts, so their plans come from auto_explain: every statement the same join
 * ran, each logged once, so the rows each plan read add up to what one stats() call reads.
 */
export async function explainStats(db: pg.Client, q: StatsQuery): Promise<{ rollup: string; direct: string }> {
  const unitId = q.unitId ? md5Uuid(q.unitId) : null;
  const plans = await autoExplain(db, `
    select * from app.metric_rows($1, $2, $3, $4, $5, true) m
    left join app.loop_metric_rows($1, $2, $3, $4, $5, (now() at time zone 'Asia/Shanghai')::date) l on l.group_key is not distinct from m.group_key`,
  [q.from, q.to, q.groupBy, q.regionCode, unitId], { minMs: 0 });
  const direct = (await db.query(`explain (analyze, buffers) ${DIRECT_AGGREGATE}`, [q.from, q.to, q.regionCode, q.groupBy, unitId]))
    .rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
  return { rollup: plans.join('\n\n'), direct };
}
