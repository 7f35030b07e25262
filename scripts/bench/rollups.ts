/**
 * Benchmark 3: `stats()` as a supervisor (through the gateway, with the supervisor's JWT) for a
 * region-month and a unit-year over the generated history, against a direct aggregate of the
 * same numbers over app.ratings and app.transactions in SQL. Both must give the same answer.
 */
import type pg from 'pg';
import { userToken } from '../stack/keys.ts';
import { autoExplain } from './explain.ts';
import { runLoad, summarize, type Summary } from './measure.ts';
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

export const QUERIES: StatsQuery[] = [
  { name: 'region-month (临沧市 by county, 2026-10)', from: '2026-10-01', to: '2026-10-31', groupBy: 'region', regionCode: '530900', unitId: null },
  // 临翔区市场监督管理局, by month over 2025.
  { name: 'unit-year (one unit by month, 2025)', from: '2025-01-01', to: '2025-12-31', groupBy: 'month', regionCode: '530900', unitId: 'unit:530902:市场监督管理局' },
];

/** The numbers stats() returns, computed straight from the rows (含默认 variant). */
export const DIRECT_AGGREGATE = `
  with scope as (select app.region_and_below($3) as code),
  r as (
    select case $4 when 'region' then r.region_code when 'month' then to_char((r.rated_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM') end as k,
           count(*) as n,
           count(*) filter (where r.is_default) as n_default,
           count(*) filter (where r.level >= 4) as n_good,
           count(*) filter (where r.level = 3) as n_neutral,
           count(*) filter (where r.level <= 2) as n_bad,
           count(*) filter (where not r.is_default and r.transaction_id is not null) as n_active
    from app.ratings r
    where r.assess_number = 1 and r.validity = 'valid'
      and r.rated_at >= ($1::date::timestamp at time zone 'Asia/Shanghai') and r.rated_at < (($2::date + 1)::timestamp at time zone 'Asia/Shanghai')
      and r.region_code in (select code from scope) and ($5::uuid is null or r.unit_id = $5)
    group by 1
  ),
  f as (
    select case $4 when 'region' then t.region_code when 'month' then to_char((t.finished_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM') end as k,
           count(*) as n_finished
    from app.transactions t
    where t.status = 'finished'
      and t.finished_at >= ($1::date::timestamp at time zone 'Asia/Shanghai') and t.finished_at < (($2::date + 1)::timestamp at time zone 'Asia/Shanghai')
      and t.region_code in (select code from scope) and ($5::uuid is null or t.unit_id = $5)
    group by 1
  )
  select coalesce(r.k, f.k) as group_key, coalesce(r.n, 0)::bigint as rating_count, coalesce(r.n_default, 0)::bigint as default_count,
         coalesce(r.n_good, 0)::bigint as good_count, coalesce(r.n_neutral, 0)::bigint as neutral_count, coalesce(r.n_bad, 0)::bigint as bad_count,
         coalesce(f.n_finished, 0)::bigint as finished_count, coalesce(r.n_active, 0)::bigint as active_count
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
    const time = async (fn: () => Promise<void>, n: number) => {
      const r = await runLoad({ total: n, concurrency: 1, call: fn });
      if (r.errors) throw new Error(r.firstError);
      return summarize(r.latencies, r.wallMs);
    };
    const rollup = await time(viaApi, calls);
    const rollupSqlS = await time(rollupSql, calls);
    const directS = await time(direct, Math.max(3, Math.round(calls / 10)));
    const same = countsKey(apiRows) === countsKey(directRows);
    const ratings = apiRows.reduce((n, r) => n + Number(r.rating_count), 0);
    log(`  ${q.name}: ${apiRows.length} groups, ${ratings} ratings; stats p50 ${rollup.p50.toFixed(1)} ms (SQL ${rollupSqlS.p50.toFixed(1)}), direct p50 ${directS.p50.toFixed(1)} ms; same: ${same}`);
    if (!same) log(`    stats:  ${countsKey(apiRows).split('\n').slice(0, 3).join(' | ')}\n    direct: ${countsKey(directRows).split('\n').slice(0, 3).join(' | ')}`);
    out.push({ query: q, groups: apiRows.length, ratings, rollup, rollupSql: rollupSqlS, direct: directS, same });
  }
  return out;
}

/**
 * The plans behind one stats() call and its direct aggregate. stats() runs app.metric_rows, a
 * function with its own search_path (never inlined), so its inner plan comes from auto_explain.
 */
export async function explainStats(db: pg.Client, q: StatsQuery): Promise<{ rollup: string; direct: string }> {
  const unitId = q.unitId ? md5Uuid(q.unitId) : null;
  const plans = await autoExplain(db, 'select * from app.metric_rows($1, $2, $3, $4, $5, true)', [q.from, q.to, q.groupBy, q.regionCode, unitId]);
  const direct = (await db.query(`explain (analyze, buffers) ${DIRECT_AGGREGATE}`, [q.from, q.to, q.regionCode, q.groupBy, unitId]))
    .rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
  // metric_rows' body is the plan that starts "with scope"; the outer one only wraps it.
  return { rollup: plans.find((n) => n.includes('with scope')) ?? plans.join('\n\n'), direct };
}
