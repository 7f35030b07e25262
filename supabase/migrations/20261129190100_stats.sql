-- stats(): the metrics of SPEC §3 for a supervisor's region, grouped by region, unit, window,
-- officer, 事项, channel, day or month, from the daily rollups (never a scan of app.ratings).
-- p_include_default = true gives the 含默认 variant, false the 仅主动 one. Rates are fractions
-- rounded to 4 places, null where there is nothing to divide by; shared/metrics.ts is the twin.

-- The one aggregation behind stats() and public_results(): rollup rows of a region (and the
-- regions below it) over [p_from, p_to], grouped once by p_group_by. Not callable by API roles:
-- its callers check who may see what.
create function app.metric_rows(
  p_from date,
  p_to date,
  p_group_by text,
  p_region_code text,
  p_unit_id uuid,
  p_include_default boolean
)
returns table (
  group_key text,
  group_name text,
  rating_count bigint,
  default_count bigint,
  good_count bigint,
  neutral_count bigint,
  bad_count bigint,
  finished_count bigint,
  active_count bigint,
  satisfaction_rate numeric,
  good_rate numeric,
  bad_rate numeric,
  active_rate numeric
)
language sql
stable
set search_path = ''
as $$
  with scope as (select app.region_and_below(p_region_code) as code),
  -- Ratings and finished 办件 side by side (a finished row has no level and counts no rating).
  facts as (
    select d.day, d.region_code, d.unit_id, d.window_id, d.staff_user_id, d.matter_id, d.channel,
           d.level, d.is_default, d.is_visit, d.rating_count, 0::bigint as finished_count
    from app.rating_daily d
    where d.day between p_from and p_to and d.region_code in (select code from scope)
      and (p_unit_id is null or d.unit_id = p_unit_id)
    union all
    select d.day, d.region_code, d.unit_id, d.window_id, d.staff_user_id, d.matter_id, d.channel,
           null, null, null, 0, d.finished_count
    from app.finished_daily d
    where d.day between p_from and p_to and d.region_code in (select code from scope)
      and (p_unit_id is null or d.unit_id = p_unit_id)
  ),
  g as (
    select case p_group_by
             when 'region' then f.region_code when 'unit' then f.unit_id::text when 'window' then f.window_id::text
             when 'officer' then f.staff_user_id::text when 'matter' then f.matter_id::text when 'channel' then f.channel
             when 'day' then f.day::text else to_char(f.day, 'YYYY-MM') end as k,
           coalesce(sum(f.rating_count) filter (where p_include_default or not f.is_default), 0)::bigint as n,
           coalesce(sum(f.rating_count) filter (where f.is_default), 0)::bigint as n_default,
           coalesce(sum(f.rating_count) filter (where f.level >= 4 and (p_include_default or not f.is_default)), 0)::bigint as n_good,
           coalesce(sum(f.rating_count) filter (where f.level = 3 and (p_include_default or not f.is_default)), 0)::bigint as n_neutral,
           coalesce(sum(f.rating_count) filter (where f.level <= 2), 0)::bigint as n_bad,
           coalesce(sum(f.finished_count), 0)::bigint as n_finished,
           coalesce(sum(f.rating_count) filter (where not f.is_default and not f.is_visit), 0)::bigint as n_active
    from facts f
    group by 1
  )
  select g.k,
         case p_group_by
           when 'region' then (select x.name from app.regions x where x.code = g.k)
           when 'unit' then (select x.name from app.units x where x.id::text = g.k)
           when 'window' then (select h.name || ' ' || x.name from app.windows x join app.halls h on h.id = x.hall_id where x.id::text = g.k)
           when 'officer' then (select x.masked_name from app.users x where x.id::text = g.k)
           when 'matter' then (select x.name from app.matters x where x.id::text = g.k)
           when 'channel' then (select c.label from (values ('pc', '网上'), ('mobile', '掌上'), ('qrcode', '扫码'), ('hall_pad', '评价器'),
                                  ('hall_terminal', '自助终端'), ('phone', '电话'), ('sms', '短信'), ('default', '默认')) as c (code, label) where c.code = g.k)
           else g.k
         end,
         g.n, g.n_default, g.n_good, g.n_neutral, g.n_bad, g.n_finished, g.n_active,
         round((g.n_good + g.n_neutral)::numeric / nullif(g.n, 0), 4),
         round(g.n_good::numeric / nullif(g.n, 0), 4),
         round(g.n_bad::numeric / nullif(g.n, 0), 4),
         round(g.n_active::numeric / nullif(g.n_finished, 0), 4)
  from g
  order by g.k nulls last;
$$;
revoke execute on function app.metric_rows(date, date, text, text, uuid, boolean) from public;

create function public.stats(
  p_from date,
  p_to date,
  p_group_by text default 'unit',
  p_region_code text default null,
  p_unit_id uuid default null,
  p_include_default boolean default true
)
returns table (
  group_key text,
  group_name text,
  rating_count bigint,
  default_count bigint,
  good_count bigint,
  neutral_count bigint,
  bad_count bigint,
  finished_count bigint,
  active_count bigint,
  satisfaction_rate numeric,
  good_rate numeric,
  bad_rate numeric,
  active_rate numeric
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_region text;
begin
  if p_from is null or p_to is null or p_from > p_to or p_to - p_from > 3660 then
    perform app.raise_error('invalid_input', 'p_from/p_to');
  end if;
  if p_group_by is null or p_group_by not in ('region', 'unit', 'window', 'officer', 'matter', 'channel', 'day', 'month') then
    perform app.raise_error('invalid_input', 'p_group_by');
  end if;
  if not exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.role = 'supervisor') then
    perform app.raise_error('forbidden');
  end if;
  -- Default: the widest region the caller supervises.
  v_region := coalesce(p_region_code, (
    select s.scope_region_code from app.staff_roles s join app.regions r on r.code = s.scope_region_code
    where s.user_id = v_uid and s.role = 'supervisor'
    order by case r.level when 'province' then 1 when 'city' then 2 else 3 end limit 1));
  if v_region not in (select app.my_region_codes()) then
    perform app.raise_error('forbidden', 'p_region_code');
  end if;
  if p_unit_id is not null and not exists (
    select 1 from app.units u where u.id = p_unit_id and u.region_code in (select app.region_and_below(v_region))
  ) then
    perform app.raise_error('not_found', 'p_unit_id');
  end if;

  return query select * from app.metric_rows(p_from, p_to, p_group_by, v_region, p_unit_id, p_include_default);
end;
$$;
comment on function public.stats(date, date, text, text, uuid, boolean) is
  'SPEC §3 metrics for supervisors over their region (days in Asia/Shanghai). 差评 loop metrics (整改率, 按时整改率, 回访整改率) join when work orders exist.';
revoke execute on function public.stats(date, date, text, text, uuid, boolean) from public, anon;
grant execute on function public.stats(date, date, text, text, uuid, boolean) to authenticated;
