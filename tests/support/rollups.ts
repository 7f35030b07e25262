/**
 * Issue 16.1: app.stats_rollup must always equal the daily rollups summed by day and by month, per
 * facet key (the daily ones are proven equal to a direct count elsewhere, so together the rollup
 * equals the rows themselves). Returns how many (facet, grain, period, unit, key) cells differ,
 * zero cells left out on both sides (a decrement may leave a row of zeros behind).
 */
type Query = (sql: string, values?: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }>;

const NOT_ALL_ZERO = `(x.rating_count, x.default_count, x.good_count, x.default_good_count, x.neutral_count, x.default_neutral_count,
  x.bad_count, x.finished_count, x.active_count) is distinct from (0, 0, 0, 0, 0, 0, 0, 0, 0)`;

export async function statsRollupDiffers(q: Query): Promise<number> {
  const { rows } = await q(`
    with daily as (
      select f.facet, p.grain, p.period, s.region_code, s.unit_id, f.facet_key,
             sum(s.rating_count) as n, sum(s.rating_count) filter (where s.is_default) as n_default,
             sum(s.rating_count) filter (where s.level >= 4) as n_good, sum(s.rating_count) filter (where s.level >= 4 and s.is_default) as n_good_default,
             sum(s.rating_count) filter (where s.level = 3) as n_neutral, sum(s.rating_count) filter (where s.level = 3 and s.is_default) as n_neutral_default,
             sum(s.rating_count) filter (where s.level <= 2) as n_bad, 0::numeric as n_finished, 0::numeric as n_active
      from app.rating_daily s
      cross join lateral (values ('channel', s.channel), ('window', s.window_id::text), ('officer', s.staff_user_id::text), ('matter', s.matter_id::text)) f (facet, facet_key)
      cross join lateral (values ('day', s.day), ('month', date_trunc('month', s.day)::date)) p (grain, period)
      group by 1, 2, 3, 4, 5, 6
      union all
      select f.facet, p.grain, p.period, s.region_code, s.unit_id, f.facet_key, 0, 0, 0, 0, 0, 0, 0,
             sum(s.finished_count), sum(s.active_count)
      from app.finished_daily s
      cross join lateral (values ('channel', s.channel), ('window', s.window_id::text), ('officer', s.staff_user_id::text), ('matter', s.matter_id::text)) f (facet, facet_key)
      cross join lateral (values ('day', s.day), ('month', date_trunc('month', s.day)::date)) p (grain, period)
      group by 1, 2, 3, 4, 5, 6),
    expected as (
      select facet, grain, period, region_code, unit_id, facet_key,
             sum(n)::bigint as rating_count, coalesce(sum(n_default), 0)::bigint as default_count,
             coalesce(sum(n_good), 0)::bigint as good_count, coalesce(sum(n_good_default), 0)::bigint as default_good_count,
             coalesce(sum(n_neutral), 0)::bigint as neutral_count, coalesce(sum(n_neutral_default), 0)::bigint as default_neutral_count,
             coalesce(sum(n_bad), 0)::bigint as bad_count, sum(n_finished)::bigint as finished_count, sum(n_active)::bigint as active_count
      from daily group by 1, 2, 3, 4, 5, 6),
    rolled as (
      select facet, grain, period, region_code, unit_id, facet_key, rating_count, default_count, good_count, default_good_count,
             neutral_count, default_neutral_count, bad_count, finished_count, active_count
      from app.stats_rollup),
    e as (select * from expected x where ${NOT_ALL_ZERO}),
    r as (select * from rolled x where ${NOT_ALL_ZERO})
    select count(*)::int as differing from ((select * from e except select * from r) union all (select * from r except select * from e)) x`);
  return Number(rows[0]!.differing);
}

/**
 * The 差评 loop's columns of app.stats_rollup against a direct count over app.work_orders
 * (substantiated, live orders by their 差评's day and month and their own unit and keys).
 */
export async function loopRollupDiffers(q: Query): Promise<number> {
  const { rows } = await q(`
    with direct as (
      select f.facet, p.grain, p.period, w.region_code, w.unit_id, f.facet_key,
             count(*)::bigint as substantiated_count, count(*) filter (where w.rectified_at is not null)::bigint as rectified_count,
             count(*) filter (where (w.rectified_at at time zone 'Asia/Shanghai')::date <= w.rectify_due_on)::bigint as on_time_count,
             count(*) filter (where w.is_realname)::bigint as realname_substantiated_count,
             count(*) filter (where w.is_realname and w.rectified_at is not null and w.return_visit_recorded_at is not null)::bigint as realname_revisited_count
      from app.work_orders w
      cross join lateral (values ('channel', w.channel), ('window', w.window_id::text), ('officer', w.staff_user_id::text), ('matter', w.matter_id::text)) f (facet, facet_key)
      cross join lateral (values ('day', w.rated_day), ('month', date_trunc('month', w.rated_day)::date)) p (grain, period)
      where w.substantiated_at is not null and w.status not in ('dismissed', 'rerouted')
      group by 1, 2, 3, 4, 5, 6),
    rolled as (
      select facet, grain, period, region_code, unit_id, facet_key, substantiated_count, rectified_count, on_time_count,
             realname_substantiated_count, realname_revisited_count
      from app.stats_rollup
      where (substantiated_count, rectified_count, on_time_count, realname_substantiated_count, realname_revisited_count) is distinct from (0, 0, 0, 0, 0))
    select count(*)::int as differing from ((select * from direct except select * from rolled) union all (select * from rolled except select * from direct)) x`);
  return Number(rows[0]!.differing);
}
