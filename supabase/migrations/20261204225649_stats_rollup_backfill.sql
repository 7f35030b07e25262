-- hand-written: data. Issue 16.1: fills app.stats_rollup (created by 20261204225648_stats_rollup_rankings_digest_deadlines)
-- from the daily rollups it sums and, for the 差评 loop, from the work orders with the statement of their trigger, so a
-- database that already holds ratings reads the same figures from the new rollup. The keys are the ones the triggers
-- write (app.stats_rollup_keys), so backfill and triggers cannot disagree.
do $backfill$
begin
  execute format($f$
    insert into app.stats_rollup (facet, grain, period, region_code, unit_id, facet_key, rating_count, default_count, good_count,
                                  default_good_count, neutral_count, default_neutral_count, bad_count)
    select f.facet, p.grain, p.period, s.region_code, s.unit_id, f.facet_key,
           sum(s.rating_count), coalesce(sum(s.rating_count) filter (where s.is_default), 0),
           coalesce(sum(s.rating_count) filter (where s.level >= 4), 0), coalesce(sum(s.rating_count) filter (where s.level >= 4 and s.is_default), 0),
           coalesce(sum(s.rating_count) filter (where s.level = 3), 0), coalesce(sum(s.rating_count) filter (where s.level = 3 and s.is_default), 0),
           coalesce(sum(s.rating_count) filter (where s.level <= 2), 0)
    from app.rating_daily s cross join lateral %s
    group by 1, 2, 3, 4, 5, 6$f$, app.stats_rollup_keys('s.day'));
  execute format($f$
    insert into app.stats_rollup as m (facet, grain, period, region_code, unit_id, facet_key, finished_count, active_count)
    select f.facet, p.grain, p.period, s.region_code, s.unit_id, f.facet_key, sum(s.finished_count), sum(s.active_count)
    from app.finished_daily s cross join lateral %s
    group by 1, 2, 3, 4, 5, 6
    on conflict (facet, grain, period, region_code, unit_id, facet_key)
    do update set finished_count = m.finished_count + excluded.finished_count, active_count = m.active_count + excluded.active_count$f$,
    app.stats_rollup_keys('s.day'));
  execute app.loop_rollup_statement('app.work_orders', 1, '');
end
$backfill$;
