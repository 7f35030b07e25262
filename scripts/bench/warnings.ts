/**
 * Benchmark 3b: 差评预警 (issue 16.4) as the dashboard asks it — `early_warnings` for 临沧市 as of
 * the history's last day through the gateway with the supervisor's JWT, and its counts
 * (`app.early_warning_counts`) in SQL — against the same counts from app.rating_daily, as
 * app.early_warning_rows counted them until 2026-12-05 (13 months of the daily rollup, about one
 * row per two ratings), in the same run. The counts of every unit and window must be equal (a
 * history without a spike raises no alert, so comparing alerts alone would compare nothing).
 */
import type pg from 'pg';
import { userToken } from '../stack/keys.ts';
import { timeSerial, type Summary } from './measure.ts';
import { HISTORY_FROM, HISTORY_DAYS } from './data.ts';
import type { Stack } from './submit.ts';

const SUPERVISOR_CITY = '00000000-0000-4000-8000-000000000c01';
const REGION = '530900';

/** The history's last day: its last 7 and 30 days and the year before them are all generated. */
export function warningsAsOf(): string {
  const d = new Date(`${HISTORY_FROM}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + HISTORY_DAYS - 1);
  return d.toISOString().slice(0, 10);
}

/** Before: every unit's and window's counts from app.rating_daily ($1 region, $2 the day), as the function counted them. */
export const WARNING_COUNTS_FROM_RATING_DAILY = `
  with rules as (select * from app.early_warning_rules()),
  w as (select unnest(rules.window_days) as days from rules),
  d as (
    select d.day, d.unit_id, d.window_id, d.level, d.rating_count
    from app.rating_daily d, rules
    where d.region_code in (select app.region_and_below($1)) and not d.is_default
      and d.day between $2::date - 29 - rules.baseline_days and $2::date
  ),
  objs as (
    select 'unit'::text as t, d.unit_id as id, d.day, d.level, d.rating_count from d
    union all
    select 'window', d.window_id, d.day, d.level, d.rating_count from d where d.window_id is not null
  )
  select o.t as object_type, o.id as object_id, w.days as window_days,
    coalesce(sum(o.rating_count) filter (where o.day > $2::date - w.days), 0)::bigint as recent_count,
    coalesce(sum(o.rating_count) filter (where o.day > $2::date - w.days and o.level <= 2), 0)::bigint as recent_bad,
    coalesce(sum(o.rating_count) filter (where o.day <= $2::date - w.days and o.day > $2::date - w.days - rules.baseline_days), 0)::bigint as baseline_count,
    coalesce(sum(o.rating_count) filter (where o.day <= $2::date - w.days and o.day > $2::date - w.days - rules.baseline_days and o.level <= 2), 0)::bigint as baseline_bad
  from objs o cross join w cross join rules
  group by o.t, o.id, w.days`;

type Row = Record<string, string | number | null>;
const KEY = ['object_type', 'object_id', 'window_days', 'recent_count', 'recent_bad', 'baseline_count', 'baseline_bad'] as const;

/** Counted rows (or alerts) as one comparable string, in one order. */
export function countsKey(rows: readonly Row[]): string {
  return rows.map((r) => KEY.map((c) => String(r[c] ?? '')).join(',')).sort().join('\n');
}

export interface WarningsResult {
  asOf: string;
  alerts: number;
  /** Units and windows × windows of days whose counts were compared. */
  objects: number;
  api: Summary;
  sql: Summary;
  before: Summary;
  same: boolean;
}

export async function benchWarnings(stack: Stack, db: pg.Client, calls: number, log: (l: string) => void): Promise<WarningsResult> {
  const asOf = warningsAsOf();
  const token = await userToken(SUPERVISOR_CITY, stack.jwtSecret, 24 * 3600);
  let apiRows: Row[] = [];
  const viaApi = async () => {
    const res = await fetch(`${stack.apiUrl}/rest/v1/rpc/early_warnings`, {
      method: 'POST',
      headers: { apikey: stack.anonKey, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ p_region_code: REGION, p_as_of: asOf }),
    });
    if (res.status !== 200) throw new Error(`early_warnings answered ${res.status}: ${await res.text()}`);
    apiRows = (await res.json()) as Row[];
  };
  let sqlRows: Row[] = [];
  const inSql = async () => {
    sqlRows = (await db.query({ name: 'warning-counts', text: 'select * from app.early_warning_counts($1, $2)', values: [REGION, asOf] })).rows as Row[];
  };
  let beforeRows: Row[] = [];
  const before = async () => {
    beforeRows = (await db.query({ name: 'warning-counts-before', text: WARNING_COUNTS_FROM_RATING_DAILY, values: [REGION, asOf] })).rows as Row[];
  };
  await viaApi();
  await inSql();
  await before();
  const api = await timeSerial(viaApi, calls);
  const sql = await timeSerial(inSql, calls);
  const beforeS = await timeSerial(before, Math.max(3, Math.round(calls / 10)));
  const same = countsKey(sqlRows) === countsKey(beforeRows) && sqlRows.length > 0;
  log(`  early_warnings (临沧市 as of ${asOf}): ${apiRows.length} alerts; API p50 ${api.p50.toFixed(1)} ms; counts in SQL p50 ${sql.p50.toFixed(1)} ms, ` +
    `from rating_daily p50 ${beforeS.p50.toFixed(1)} ms; ${sqlRows.length} counted objects, same: ${same}`);
  return { asOf, alerts: apiRows.length, objects: sqlRows.length, api, sql, before: beforeS, same };
}
