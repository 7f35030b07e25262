import { rollupRowsRead } from './explain.ts';

// Shaped as auto_explain prints an EXPLAIN ANALYZE of app.metric_rows (trimmed).
const PLAN = `Sort  (cost=1.1..1.2 rows=9 width=100) (actual time=2.1..2.2 rows=9 loops=1)
  ->  HashAggregate  (cost=1.0..1.1 rows=9 width=100) (actual time=2.0..2.0 rows=9 loops=1)
        ->  Append  (actual time=0.1..1.9 rows=130 loops=1)
              ->  Index Scan using stats_rollup_key on stats_rollup m  (cost=0.4..8.4 rows=120 width=90) (actual time=0.05..0.9 rows=120 loops=1)
                    Index Cond: ((facet = 'channel'::text) AND (month >= '2026-10-01'::date))
                    Filter: (region_code = ANY ('{530900}'::text[]))
                    Rows Removed by Filter: 30
              ->  Index Scan using stats_rollup_unit_idx on app.stats_rollup m_1  (actual time=0.01..0.01 rows=0 loops=1)
              ->  Bitmap Heap Scan on rating_daily d  (cost=4.2..12.3 rows=5 width=60) (actual time=0.02..0.03 rows=5 loops=2)
                    Recheck Cond: (day >= '2026-10-01'::date)
                    Rows Removed by Index Recheck: 1
                    ->  Bitmap Index Scan on rating_daily_day_idx  (actual time=0.01..0.01 rows=6 loops=2)
              ->  Seq Scan on finished_daily d_1  (actual time=0.01..0.01 rows=0 loops=1)
                    Filter: false
              ->  Index Scan using units_pkey on units u  (actual time=0.01..0.01 rows=1 loops=9)
              ->  Index Only Scan using work_orders_unrectified_idx on work_orders w  (actual time=0.01..0.2 rows=40 loops=9)
                    Heap Fetches: 0`;

test('rows read from each rollup table: returned plus filtered out, times loops; other tables ignored', () => {
  expect(rollupRowsRead(PLAN)).toEqual({ stats_rollup: 150, rating_daily: 12, finished_daily: 0, work_orders: 360 });
});

test('a plan that reads no rollup reads nothing', () => {
  expect(rollupRowsRead('Result  (actual time=0.01..0.01 rows=1 loops=1)')).toEqual({ stats_rollup: 0, rating_daily: 0, finished_daily: 0, work_orders: 0 });
});
