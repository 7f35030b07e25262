-- Rollups and statistics: daily rollups kept by statement triggers on ratings and transactions
-- (transition tables), the metrics of SPEC §3 (stats, loop metrics, the bad-review board) and the
-- publication of results per period.

-- Function bodies are checked when they run: a body may use what a later file defines.
set check_function_bodies = off;

create table app.rating_daily (
  id            bigint   generated always as identity not null,
  day           date     not null,
  region_code   text     not null,
  unit_id       uuid     not null,
  window_id     uuid,
  staff_user_id uuid,
  matter_id     uuid,
  channel       text     not null,
  level         smallint not null,
  is_default    boolean  not null,
  is_visit      boolean  not null,
  rating_count  bigint   not null default 0,
  constraint rating_daily_day_region_code_unit_id_window_id_staff_user_i_key unique nulls
    not distinct (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, level, is_default, is_visit),
  constraint rating_daily_pkey primary key (id)
);
alter table app.rating_daily
  enable row level security;
create index rating_daily_unit_day_idx on app.rating_daily using btree (unit_id, day);
comment on table app.rating_daily is 'Valid first ratings (assess_number 1) counted per day and rated object. Invalid ratings (approved appeals) are not counted (SPEC §3).';
comment on column app.rating_daily.is_visit is 'A 一次一评 window visit (no 办件): counted in satisfaction, never in 主动评价率 (a cohort of finished 办件, app.finished_daily.active_count).';
grant select on table app.rating_daily to service_role;

create table app.finished_daily (
  id             bigint generated always as identity not null,
  day            date   not null,
  region_code    text   not null,
  unit_id        uuid   not null,
  window_id      uuid,
  staff_user_id  uuid,
  matter_id      uuid,
  channel        text   not null,
  finished_count bigint not null default 0,
  active_count   bigint not null default 0,
  constraint finished_daily_day_region_code_unit_id_window_id_staff_user_key unique nulls not distinct (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel),
  constraint finished_daily_pkey primary key (id)
);
alter table app.finished_daily
  enable row level security;
create index finished_daily_unit_day_idx on app.finished_daily using btree (unit_id, day);
comment on table app.finished_daily is 'Finished 办件 per finish day and object (the 办件''s own): the cohort of 主动评价率.';
comment on column app.finished_daily.active_count is '主动评价率''s numerator: of the finished_count 办件, those whose valid first rating (assess_number 1) is not a default, whenever it was given. A subset of finished_count, so the rate never exceeds 100 % (SPEC §3: a cohort). Kept by app.rollup_trigger with app.finished_rollup_statement (the 办件 moves) and app.cohort_rollup_statement (its rating changes).';
grant select on table app.finished_daily to service_role;

-- Issue 16.1: the rollup a dashboard question reads. The daily rollups above are keyed by every
-- rated object at once (day × unit × window × officer × 事项 × channel × level …), nearly one row
-- per two ratings, so a month of a city read about as many rows as the ratings themselves. Here a
-- day or a month holds one row per unit and key of one facet — its channel (which the region, unit,
-- day and month views sum), its window, its officer or its 事项 — with the levels, the cohort and
-- the 差评 loop as columns: the rows a question reads grow with the groups it shows and the days
-- and months it spans, not with the ratings. Kept by the same statements as the daily rollups
-- (app.rating_rollup_statement and its siblings, app.loop_rollup_statement), so all move together.
create table app.stats_rollup (
  id                           bigint generated always as identity not null,
  facet                        text   not null,
  grain                        text   not null,
  period                       date   not null,
  region_code                  text   not null,
  unit_id                      uuid   not null,
  facet_key                    text,
  rating_count                 bigint not null default 0,
  default_count                bigint not null default 0,
  good_count                   bigint not null default 0,
  default_good_count           bigint not null default 0,
  neutral_count                bigint not null default 0,
  default_neutral_count        bigint not null default 0,
  bad_count                    bigint not null default 0,
  finished_count               bigint not null default 0,
  active_count                 bigint not null default 0,
  substantiated_count          bigint not null default 0,
  rectified_count              bigint not null default 0,
  on_time_count                bigint not null default 0,
  realname_substantiated_count bigint not null default 0,
  realname_revisited_count     bigint not null default 0,
  constraint stats_rollup_facet_check check ((facet = any (array['channel'::text, 'window'::text, 'officer'::text, 'matter'::text]))),
  constraint stats_rollup_grain_check check ((grain = any (array['day'::text, 'month'::text]))),
  constraint stats_rollup_period_check check (((grain = 'day'::text) or (period = (date_trunc('month'::text, (period)::timestamp without time zone))::date))),
  constraint stats_rollup_key unique nulls not distinct (facet, grain, period, region_code, unit_id, facet_key),
  constraint stats_rollup_pkey primary key (id)
);
alter table app.stats_rollup
  enable row level security;
create index stats_rollup_unit_idx on app.stats_rollup using btree (facet, grain, unit_id, period);
comment on table app.stats_rollup is 'Issue 16.1: valid first ratings, finished 办件 and the 差评 loop per day and per month (grain; days in Asia/Shanghai), unit and one facet key (channel, window, officer or 事项; null where the object names none), the levels, defaults, cohort and loop as columns: all stats() reads. Equal to the daily rollups and to a direct count of the work orders (tests prove it).';
comment on column app.stats_rollup.facet_key is 'The channel code, or the window, officer or 事项 id as text (null: the rating, 办件 or order names none).';
comment on column app.stats_rollup.period is 'The day (grain day) or the first day of the month (grain month): of the rating, of the 办件''s finish (finished_count, active_count), of the 差评 (the loop''s counts).';
comment on column app.stats_rollup.default_good_count is 'Of good_count, the defaults: 仅主动 subtracts them (default_neutral_count likewise).';
comment on column app.stats_rollup.substantiated_count is 'The 差评 loop (SPEC §3) by the 差评''s day (rated_day) and the order''s own unit and keys: substantiated, live (not dismissed or rerouted) work orders; rectified_count, on_time_count, realname_substantiated_count and realname_revisited_count are subsets. Kept by app.rollup_trigger with app.loop_rollup_statement on app.work_orders. 按时整改率''s denominator also counts orders not yet rectified whose deadline has passed, which only the day of asking decides: app.loop_metric_rows reads those few from app.work_orders.';
grant select on table app.stats_rollup to service_role;

-- How stats() splits [p_from, p_to]: whole months [m_from, m_to) are read from app.stats_rollup's
-- month rows, edge_days (the days of partly covered months; every day for the 'day' grouping) from
-- its day rows, under `facet` (the one the grouping needs: the region, unit, day and month views sum
-- the channel facet). No whole month when m_from >= m_to.
create or replace function app.stats_span (
  p_from     date,
  p_to       date,
  p_group_by text
)
  returns table (
    m_from    date,
    m_to      date,
    edge_days date[],
    facet     text
  )
  language sql
  immutable
  set search_path to ''
  as $function$
  select w.m_from, w.m_to,
         array(select g::date from generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') g
               where g::date < w.m_from or g::date >= w.m_to),
         case p_group_by when 'window' then 'window' when 'officer' then 'officer' when 'matter' then 'matter' else 'channel' end
  from (select case when p_group_by = 'day' then p_to + 1
                    when p_from = date_trunc('month', p_from)::date then p_from
                    else (date_trunc('month', p_from) + interval '1 month')::date end as m_from,
               date_trunc('month', p_to + 1)::date as m_to) w;
$function$;
revoke all on function app.stats_span(date, date, text) from public;

-- app.stats_rollup's rows for one stats() question, summed per group: what app.metric_rows and
-- app.loop_metric_rows read. The span's values go in through scalar subqueries, so they are index
-- conditions (one row of a CTE joined in would be a filter applied after reading every row).
create or replace function app.stats_rollup_counts (
  p_from        date,
  p_to          date,
  p_group_by    text,
  p_region_code text,
  p_unit_id     uuid
)
  returns table (
    group_key                    text,
    rating_count                 bigint,
    default_count                bigint,
    good_count                   bigint,
    default_good_count           bigint,
    neutral_count                bigint,
    default_neutral_count        bigint,
    bad_count                    bigint,
    finished_count               bigint,
    active_count                 bigint,
    substantiated_count          bigint,
    rectified_count              bigint,
    on_time_count                bigint,
    realname_substantiated_count bigint,
    realname_revisited_count     bigint
  )
  language sql
  stable
  set search_path to ''
  as $function$
  with scope as (select app.region_and_below(p_region_code) as code),
  span as (select * from app.stats_span(p_from, p_to, p_group_by)),
  -- The unit's rows by their own index when one unit is asked, the region's otherwise.
  picked as (
    select r.* from app.stats_rollup r
    where p_unit_id is null and r.facet = (select facet from span) and r.grain = 'month'
      and r.period >= (select m_from from span) and r.period < (select m_to from span) and r.region_code in (select code from scope)
    union all
    select r.* from app.stats_rollup r
    where p_unit_id is null and r.facet = (select facet from span) and r.grain = 'day'
      and r.period = any ((select edge_days from span)::date[]) and r.region_code in (select code from scope)
    union all
    select r.* from app.stats_rollup r
    where r.unit_id = p_unit_id and r.facet = (select facet from span) and r.grain = 'month'
      and r.period >= (select m_from from span) and r.period < (select m_to from span) and r.region_code in (select code from scope)
    union all
    select r.* from app.stats_rollup r
    where r.unit_id = p_unit_id and r.facet = (select facet from span) and r.grain = 'day'
      and r.period = any ((select edge_days from span)::date[]) and r.region_code in (select code from scope)
  )
  select case p_group_by
           when 'region' then p.region_code when 'unit' then p.unit_id::text when 'day' then p.period::text
           when 'month' then to_char(p.period, 'YYYY-MM') else p.facet_key end,
         sum(p.rating_count)::bigint, sum(p.default_count)::bigint, sum(p.good_count)::bigint, sum(p.default_good_count)::bigint,
         sum(p.neutral_count)::bigint, sum(p.default_neutral_count)::bigint, sum(p.bad_count)::bigint,
         sum(p.finished_count)::bigint, sum(p.active_count)::bigint,
         sum(p.substantiated_count)::bigint, sum(p.rectified_count)::bigint, sum(p.on_time_count)::bigint,
         sum(p.realname_substantiated_count)::bigint, sum(p.realname_revisited_count)::bigint
  from picked p
  group by 1;
$function$;
revoke all on function app.stats_rollup_counts(date, date, text, text, uuid) from public;

create or replace function app.metric_rows (
  p_from            date,
  p_to              date,
  p_group_by        text,
  p_region_code     text,
  p_unit_id         uuid,
  p_include_default boolean
)
  returns table (
    group_key         text,
    group_name        text,
    rating_count      bigint,
    default_count     bigint,
    good_count        bigint,
    neutral_count     bigint,
    bad_count         bigint,
    finished_count    bigint,
    active_count      bigint,
    satisfaction_rate numeric,
    good_rate         numeric,
    bad_rate          numeric,
    active_rate       numeric
  )
  language sql
  stable
  set search_path to ''
  as $function$
  -- Ratings and finished 办件 from app.stats_rollup (app.stats_rollup_counts). 主动评价率 is a cohort
  -- (SPEC §3): of the 办件 finished in the period, those that got an active rating, by the 办件's
  -- finish day and object; ratings given in the period are not its numerator. 仅主动 subtracts the
  -- defaults' share of each column.
  with g as (
    select c.group_key as k,
           c.rating_count - case when p_include_default then 0 else c.default_count end as n,
           c.default_count as n_default,
           c.good_count - case when p_include_default then 0 else c.default_good_count end as n_good,
           c.neutral_count - case when p_include_default then 0 else c.default_neutral_count end as n_neutral,
           c.bad_count as n_bad,
           c.finished_count as n_finished,
           c.active_count as n_active
    from app.stats_rollup_counts(p_from, p_to, p_group_by, p_region_code, p_unit_id) c
    -- A group with nothing but the 差评 loop's counts (no rating, no finished 办件) is not a row of §3's metrics.
    where (c.rating_count, c.finished_count, c.active_count) is distinct from (0, 0, 0)
  )
  -- Names by primary key: the keys of the uuid groupings are uuids (or null), and a CASE branch
  -- (with its cast) runs only for the grouping asked.
  select g.k,
         case p_group_by
           when 'region' then (select x.name from app.regions x where x.code = g.k)
           when 'unit' then (select x.name from app.units x where x.id = g.k::uuid)
           when 'window' then (select h.name || ' ' || x.name from app.windows x join app.halls h on h.id = x.hall_id where x.id = g.k::uuid)
           when 'officer' then (select x.masked_name from app.users x where x.id = g.k::uuid)
           when 'matter' then (select x.name from app.matters x where x.id = g.k::uuid)
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
$function$;
revoke all on function app.metric_rows(date, date, text, text, uuid, boolean) from public;

create or replace function public.stats (
  p_from            date,
  p_to              date,
  p_group_by        text    default 'unit'::text,
  p_region_code     text    default null::text,
  p_unit_id         uuid    default null::uuid,
  p_include_default boolean default true
)
  returns table (
    group_key                    text,
    group_name                   text,
    rating_count                 bigint,
    default_count                bigint,
    good_count                   bigint,
    neutral_count                bigint,
    bad_count                    bigint,
    finished_count               bigint,
    active_count                 bigint,
    satisfaction_rate            numeric,
    good_rate                    numeric,
    bad_rate                     numeric,
    active_rate                  numeric,
    substantiated_count          bigint,
    rectified_count              bigint,
    due_count                    bigint,
    on_time_count                bigint,
    realname_substantiated_count bigint,
    realname_revisited_count     bigint,
    rectify_rate                 numeric,
    on_time_rate                 numeric,
    realname_revisit_rate        numeric
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
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

  return query
  select m.*,
         coalesce(l.substantiated_count, 0), coalesce(l.rectified_count, 0), coalesce(l.due_count, 0), coalesce(l.on_time_count, 0),
         coalesce(l.realname_substantiated_count, 0), coalesce(l.realname_revisited_count, 0),
         round(l.rectified_count::numeric / nullif(l.substantiated_count, 0), 4),
         round(l.on_time_count::numeric / nullif(l.due_count, 0), 4),
         round(l.realname_revisited_count::numeric / nullif(l.realname_substantiated_count, 0), 4)
  from app.metric_rows(p_from, p_to, p_group_by, v_region, p_unit_id, p_include_default) m
  left join app.loop_metric_rows(p_from, p_to, p_group_by, v_region, p_unit_id, (now() at time zone 'Asia/Shanghai')::date) l
    on l.group_key is not distinct from m.group_key
  order by m.group_key nulls last;
end;
$function$;
comment on function public.stats(date, date, text, text, uuid, boolean) is 'SPEC §3 metrics for supervisors over their region (days in Asia/Shanghai), with the 差评 loop''s 整改率, 按时整改率 and 实名差评回访整改率 (the same in 含默认 and 仅主动: defaults open no orders).';
revoke all on function public.stats(date, date, text, text, uuid, boolean) from public;
grant execute on function public.stats(date, date, text, text, uuid, boolean) to authenticated, service_role;

create or replace function public.public_results (
  p_period      text,
  p_region_code text default '530900'::text
)
  returns table (
    region_code         text,
    region_name         text,
    unit_id             uuid,
    unit_name           text,
    rating_count        bigint,
    default_count       bigint,
    good_count          bigint,
    bad_count           bigint,
    satisfaction_rate   numeric,
    good_rate           numeric,
    active_rate         numeric,
    substantiated_count bigint,
    rectified_count     bigint,
    rectify_rate        numeric,
    finished_count      bigint,
    active_count        bigint
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_from date;
  v_to date;
begin
  if p_period is null or p_period !~ '^\d{4}-(0[1-9]|1[0-2])$' then
    perform app.raise_error('invalid_input', 'p_period');
  end if;
  if p_region_code is null or not exists (select 1 from app.regions r where r.code = p_region_code) then
    perform app.raise_error('not_found', 'p_region_code');
  end if;
  v_from := to_date(p_period || '-01', 'YYYY-MM-DD');
  v_to := (v_from + interval '1 month')::date - 1;

  return query
  select u.region_code, g.name, u.id, u.name,
         coalesce(m.rating_count, 0), coalesce(m.default_count, 0), coalesce(m.good_count, 0), coalesce(m.bad_count, 0),
         m.satisfaction_rate, m.good_rate, m.active_rate,
         coalesce(l.substantiated_count, 0), coalesce(l.rectified_count, 0),
         round(l.rectified_count::numeric / nullif(l.substantiated_count, 0), 4),
         coalesce(m.finished_count, 0), coalesce(m.active_count, 0)
  from app.units u
  join app.regions g on g.code = u.region_code
  left join app.metric_rows(v_from, v_to, 'unit', p_region_code, null, true) m on m.group_key = u.id::text
  left join app.loop_metric_rows(v_from, v_to, 'unit', p_region_code, null, (now() at time zone 'Asia/Shanghai')::date) l on l.group_key = u.id::text
  where u.region_code in (select app.region_and_below(p_region_code))
  order by u.region_code, u.name;
end;
$function$;
comment on function public.public_results(text, text) is 'R15: a month''s results per unit of a region (and the regions below it), with 差评数 and 整改率, for everyone; every rate with the counts it divides (主动评价率: active_count of finished_count 办件 finished in the month), so a page shows the n beside it.';
revoke all on function public.public_results(text, text) from public;
grant execute on function public.public_results(text, text) to anon, authenticated, service_role;

create or replace function app.loop_metric_rows (
  p_from        date,
  p_to          date,
  p_group_by    text,
  p_region_code text,
  p_unit_id     uuid,
  p_today       date
)
  returns table (
    group_key                    text,
    substantiated_count          bigint,
    rectified_count              bigint,
    due_count                    bigint,
    on_time_count                bigint,
    realname_substantiated_count bigint,
    realname_revisited_count     bigint
  )
  language sql
  stable
  set search_path to ''
  as $function$
  -- The loop's counts from app.stats_rollup (app.stats_rollup_counts); 按时整改率's denominator
  -- (due_count) = the rectified orders and those not yet rectified whose deadline passed before
  -- p_today. Only the day of asking decides the latter, so those are read from app.work_orders:
  -- the open backlog of the period, not its history.
  with late as (
    select case p_group_by
             when 'region' then w.region_code when 'unit' then w.unit_id::text when 'window' then w.window_id::text
             when 'officer' then w.staff_user_id::text when 'matter' then w.matter_id::text when 'channel' then w.channel
             when 'day' then w.rated_day::text else to_char(w.rated_day, 'YYYY-MM') end as k,
           count(*)::bigint as n
    from app.work_orders w
    where w.rated_day between p_from and p_to
      and w.region_code in (select app.region_and_below(p_region_code)) and (p_unit_id is null or w.unit_id = p_unit_id)
      and w.substantiated_at is not null and w.rectified_at is null and w.status not in ('dismissed', 'rerouted')
      and w.rectify_due_on < p_today
    group by 1
  )
  select c.group_key, c.substantiated_count, c.rectified_count, c.rectified_count + coalesce(l.n, 0), c.on_time_count,
         c.realname_substantiated_count, c.realname_revisited_count
  from app.stats_rollup_counts(p_from, p_to, p_group_by, p_region_code, p_unit_id) c
  left join late l on l.k is not distinct from c.group_key
  where c.substantiated_count <> 0;
$function$;
revoke all on function app.loop_metric_rows(date, date, text, text, uuid, date) from public;

create or replace function public.public_bad_review_board (
  p_period      text,
  p_region_code text default '530900'::text
)
  returns table (
    work_order_id uuid,
    rated_on      date,
    region_name   text,
    unit_name     text,
    matter_name   text,
    level         smallint,
    tags          text[],
    comment       text,
    status        text,
    rectified     boolean,
    reply         text,
    replied_on    date
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_from date;
begin
  if p_period is null or p_period !~ '^\d{4}-(0[1-9]|1[0-2])$' then
    perform app.raise_error('invalid_input', 'p_period');
  end if;
  if p_region_code is null or not exists (select 1 from app.regions r where r.code = p_region_code) then
    perform app.raise_error('not_found', 'p_region_code');
  end if;
  v_from := to_date(p_period || '-01', 'YYYY-MM-DD');
  return query
  select w.id, w.rated_day, g.name, u.name, m.name, r.level, r.tags,
         -- Issue 15.4: the comment only when its rater allowed it AND it passed WeChat's content
         -- check and a supervisor approved exactly this text (app.comment_moderation).
         case when r.comment_public and cm.status = 'approved' and cm.content_md5 = md5(r.comment) then r.comment end,
         w.status, w.rectified_at is not null, w.reply, (w.replied_at at time zone 'Asia/Shanghai')::date
  from app.work_orders w
  join app.ratings r on r.id = w.rating_id
  left join app.comment_moderation cm on cm.rating_id = r.id
  join app.units u on u.id = w.unit_id
  join app.regions g on g.code = w.region_code
  left join app.matters m on m.id = w.matter_id
  where w.rated_day between v_from and (v_from + interval '1 month')::date - 1
    and w.region_code in (select app.region_and_below(p_region_code))
    and w.status not in ('dismissed', 'rerouted')
    and r.validity = 'valid'
  order by w.rated_day desc, w.opened_at desc;
end;
$function$;
comment on function public.public_bad_review_board(text, text) is 'R15: a month''s 差评 with their rectification status and reply; no rater, officer or 办件 number, and the comment only where its rater allowed it, WeChat''s content check passed and a supervisor approved it (issue 15.4).';
revoke all on function public.public_bad_review_board(text, text) from public;
grant execute on function public.public_bad_review_board(text, text) to anon, authenticated, service_role;

create or replace function public.set_comment_public (
  p_rating_id uuid,
  p_public    boolean
)
  returns table (
    id             uuid,
    comment_public boolean
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
begin
  if p_public is null then
    perform app.raise_error('invalid_input', 'p_public');
  end if;
  return query
  update app.ratings r set comment_public = p_public
  where r.id = p_rating_id and r.rater_user_id = v_uid
  returning r.id, r.comment_public;
  if not found then
    perform app.raise_error('not_found', 'p_rating_id');
  end if;
end;
$function$;
comment on function public.set_comment_public(uuid, boolean) is 'R15: the rater allows (or withdraws) publication of their comment on the 差评 board.';
revoke all on function public.set_comment_public(uuid, boolean) from public;
grant execute on function public.set_comment_public(uuid, boolean) to authenticated, service_role;

create table app.result_publications (
  period       text                     not null,
  region_code  text                     not null,
  published_by uuid                     not null,
  published_at timestamp with time zone not null default now(),
  note         text,
  constraint result_publications_note_check check ((char_length(note) <= 500)),
  constraint result_publications_period_check check ((period ~ '^\d{4}-(0[1-9]|1[0-2])$'::text)),
  constraint result_publications_pkey primary key (period, region_code)
);
alter table app.result_publications
  enable row level security;
alter table app.result_publications
  add constraint result_publications_region_code_fkey foreign key (region_code) references app.regions(code);
alter table app.result_publications
  add constraint result_publications_published_by_fkey foreign key (published_by) references app.users(id);
create index result_publications_published_by_idx on app.result_publications using btree (published_by);
create index result_publications_region_code_idx on app.result_publications using btree (region_code);
comment on table app.result_publications is 'R15: months whose results a supervisor of the region has published.';
grant select on table app.result_publications to service_role;

create or replace function public.publish_results (
  p_period      text,
  p_region_code text,
  p_note        text default null::text
)
  returns table (
    period       text,
    region_code  text,
    published_at timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
#variable_conflict use_column
declare
  v_uid uuid := app.require_region_supervisor(p_region_code);
begin
  if p_period is null or p_period !~ '^\d{4}-(0[1-9]|1[0-2])$' then
    perform app.raise_error('invalid_input', 'p_period');
  end if;
  -- Only a month that is over (Asia/Shanghai).
  if to_date(p_period || '-01', 'YYYY-MM-DD') + interval '1 month' > (now() at time zone 'Asia/Shanghai')::date then
    perform app.raise_error('period_not_over', p_period);
  end if;
  if char_length(p_note) > 500 then
    perform app.raise_error('invalid_input', 'p_note');
  end if;
  return query
  insert into app.result_publications as p (period, region_code, published_by, note)
  values (p_period, p_region_code, v_uid, nullif(btrim(p_note), ''))
  on conflict (period, region_code) do update set published_at = now(), published_by = v_uid, note = excluded.note
  returning p.period, p.region_code, p.published_at;
end;
$function$;
comment on function public.publish_results(text, text, text) is 'R15: a supervisor publishes a finished month''s results for their region (again = re-published).';
revoke all on function public.publish_results(text, text, text) from public;
grant execute on function public.publish_results(text, text, text) to authenticated, service_role;

create or replace function public.published_periods (
  p_region_code text default '530900'::text
)
  returns table (
    period       text,
    region_code  text,
    region_name  text,
    published_at timestamp with time zone,
    note         text
  )
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select p.period, p.region_code, r.name, p.published_at, p.note
  from app.result_publications p join app.regions r on r.code = p.region_code
  where p.region_code = p_region_code
  order by p.period desc;
$function$;
comment on function public.published_periods(text) is 'R15: the months published for a region, newest first (anyone).';
revoke all on function public.published_periods(text) from public;
grant execute on function public.published_periods(text) to anon, authenticated, service_role;

-- The keys of app.stats_rollup a counted row lands under, as SQL over a row aliased `s` whose day
-- is p_day: each facet (its channel, window, officer, 事项) at each grain (its day, its month). One
-- place for the four statements below.
-- Those statements upsert their rows in key order (ORDER BY the unique key): one rating moves eight
-- rollup rows and the default job thousands, so two transactions locking shared rows in hash order
-- would deadlock (measured: citizens rating during the job, 40P01); in one order they only queue.
create or replace function app.stats_rollup_keys (
  p_day text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  select format($v$(values ('channel', s.channel), ('window', s.window_id::text), ('officer', s.staff_user_id::text), ('matter', s.matter_id::text)) f (facet, facet_key)
    cross join lateral (values ('day', %1$s), ('month', date_trunc('month', %1$s)::date)) p (grain, period)$v$, p_day);
$function$;

create or replace function app.rating_rollup_statement (
  p_rows   text,
  p_sign   integer,
  p_filter text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  -- p_rows: the rows to count, as SQL (a transition table, or app.ratings for a bulk load);
  -- p_filter: more conditions on them (alias r). One statement moves the day and the month rollups.
  -- The rows are counted per daily bucket first (s.n): the stats rollup fans each bucket out to
  -- eight keys, and fanning out the rows themselves sorted 800,000 rows on disk for 100,000
  -- defaults (1.6 s of the default job's 9 s).
  select format($f$
    with s as materialized (
      select (r.rated_at at time zone 'Asia/Shanghai')::date as day, r.region_code, r.unit_id, r.window_id, r.staff_user_id, r.matter_id,
             r.channel, r.level, r.is_default, r.transaction_id is null as is_visit, count(*)::integer as n
      from %2$s r
      where r.assess_number = 1 and r.validity = 'valid' %3$s
      group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
    by_day as (
      insert into app.rating_daily as d (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, level, is_default, is_visit, rating_count)
      select s.day, s.region_code, s.unit_id, s.window_id, s.staff_user_id, s.matter_id, s.channel, s.level, s.is_default, s.is_visit, %1$s * s.n
      from s
      order by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
      on conflict (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, level, is_default, is_visit)
      do update set rating_count = d.rating_count + excluded.rating_count)
    insert into app.stats_rollup as m (facet, grain, period, region_code, unit_id, facet_key, rating_count, default_count, good_count,
                                       default_good_count, neutral_count, default_neutral_count, bad_count)
    select f.facet, p.grain, p.period, s.region_code, s.unit_id, f.facet_key,
           %1$s * sum(s.n), %1$s * sum(case when s.is_default then s.n else 0 end),
           %1$s * sum(case when s.level >= 4 then s.n else 0 end), %1$s * sum(case when s.level >= 4 and s.is_default then s.n else 0 end),
           %1$s * sum(case when s.level = 3 then s.n else 0 end), %1$s * sum(case when s.level = 3 and s.is_default then s.n else 0 end),
           %1$s * sum(case when s.level <= 2 then s.n else 0 end)
    from s cross join lateral %4$s
    group by 1, 2, 3, 4, 5, 6
    order by 1, 2, 3, 4, 5, 6
    on conflict (facet, grain, period, region_code, unit_id, facet_key)
    do update set rating_count = m.rating_count + excluded.rating_count, default_count = m.default_count + excluded.default_count,
                  good_count = m.good_count + excluded.good_count, default_good_count = m.default_good_count + excluded.default_good_count,
                  neutral_count = m.neutral_count + excluded.neutral_count,
                  default_neutral_count = m.default_neutral_count + excluded.default_neutral_count,
                  bad_count = m.bad_count + excluded.bad_count$f$, p_sign, p_rows, p_filter, app.stats_rollup_keys('s.day'));
$function$;

create or replace function app.finished_rollup_statement (
  p_rows   text,
  p_sign   integer,
  p_filter text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  -- p_rows: the 办件 to count, as SQL (a transition table, or app.transactions for a bulk load);
  -- p_filter: more conditions on them (alias t). One statement moves the day and the month rollups.
  select format($f$
    with s as materialized (
      -- counted per daily bucket first, as in rating_rollup_statement
      select (t.finished_at at time zone 'Asia/Shanghai')::date as day, t.region_code, t.unit_id, t.window_id, t.staff_user_id, t.matter_id,
             t.channel, count(*)::integer as n,
             (count(*) filter (where exists (select 1 from app.ratings r
                                             where r.transaction_id = t.id and r.assess_number = 1 and r.validity = 'valid'
                                               and not r.is_default)))::integer as n_active
      from %2$s t
      where t.status = 'finished' %3$s
      group by 1, 2, 3, 4, 5, 6, 7),
    by_day as (
      insert into app.finished_daily as d (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, finished_count, active_count)
      select s.day, s.region_code, s.unit_id, s.window_id, s.staff_user_id, s.matter_id, s.channel, %1$s * s.n, %1$s * s.n_active
      from s
      order by 1, 2, 3, 4, 5, 6, 7
      on conflict (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel)
      do update set finished_count = d.finished_count + excluded.finished_count,
                    active_count = d.active_count + excluded.active_count)
    insert into app.stats_rollup as m (facet, grain, period, region_code, unit_id, facet_key, finished_count, active_count)
    select f.facet, p.grain, p.period, s.region_code, s.unit_id, f.facet_key, %1$s * sum(s.n), %1$s * sum(s.n_active)
    from s cross join lateral %4$s
    group by 1, 2, 3, 4, 5, 6
    order by 1, 2, 3, 4, 5, 6
    on conflict (facet, grain, period, region_code, unit_id, facet_key)
    do update set finished_count = m.finished_count + excluded.finished_count,
                  active_count = m.active_count + excluded.active_count$f$, p_sign, p_rows, p_filter, app.stats_rollup_keys('s.day'));
$function$;

-- 主动评价率's numerator follows the rating: when a first rating of a finished 办件 becomes (or
-- stops being) active and valid, the 办件's own bucket (its finish day and object) moves by one.
-- One first rating per 办件 (ratings_one_per_transaction), so counting ratings counts 办件.
create or replace function app.cohort_rollup_statement (
  p_rows   text,
  p_sign   integer,
  p_filter text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  select format($f$
    with s as materialized (
      -- counted per daily bucket first, as in rating_rollup_statement
      select (t.finished_at at time zone 'Asia/Shanghai')::date as day, t.region_code, t.unit_id, t.window_id, t.staff_user_id, t.matter_id,
             t.channel, count(*)::integer as n
      from %2$s r
      join app.transactions t on t.id = r.transaction_id
      where r.assess_number = 1 and r.validity = 'valid' and not r.is_default and t.status = 'finished' %3$s
      group by 1, 2, 3, 4, 5, 6, 7),
    by_day as (
      insert into app.finished_daily as d (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, finished_count, active_count)
      select s.day, s.region_code, s.unit_id, s.window_id, s.staff_user_id, s.matter_id, s.channel, 0, %1$s * s.n
      from s
      order by 1, 2, 3, 4, 5, 6, 7
      on conflict (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel)
      do update set active_count = d.active_count + excluded.active_count)
    insert into app.stats_rollup as m (facet, grain, period, region_code, unit_id, facet_key, active_count)
    select f.facet, p.grain, p.period, s.region_code, s.unit_id, f.facet_key, %1$s * sum(s.n)
    from s cross join lateral %4$s
    group by 1, 2, 3, 4, 5, 6
    order by 1, 2, 3, 4, 5, 6
    on conflict (facet, grain, period, region_code, unit_id, facet_key)
    do update set active_count = m.active_count + excluded.active_count$f$, p_sign, p_rows, p_filter, app.stats_rollup_keys('s.day'));
$function$;

-- The 差评 loop's rollup (issue 16.1): substantiated, live work orders counted by their 差评's
-- day and month and their own unit and keys; a change of state, deadline, rectification or 回访
-- moves the order's counts (the old row out, the new one in).
create or replace function app.loop_rollup_statement (
  p_rows   text,
  p_sign   integer,
  p_filter text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  select format($f$
    insert into app.stats_rollup as m (facet, grain, period, region_code, unit_id, facet_key, substantiated_count, rectified_count,
                                       on_time_count, realname_substantiated_count, realname_revisited_count)
    select f.facet, p.grain, p.period, s.region_code, s.unit_id, f.facet_key,
           %1$s * count(*), %1$s * count(*) filter (where s.rectified_at is not null),
           %1$s * count(*) filter (where (s.rectified_at at time zone 'Asia/Shanghai')::date <= s.rectify_due_on),
           %1$s * count(*) filter (where s.is_realname),
           %1$s * count(*) filter (where s.is_realname and s.rectified_at is not null and s.return_visit_recorded_at is not null)
    from %2$s s cross join lateral %4$s
    where s.substantiated_at is not null and s.status not in ('dismissed', 'rerouted') %3$s
    group by 1, 2, 3, 4, 5, 6
    order by 1, 2, 3, 4, 5, 6
    on conflict (facet, grain, period, region_code, unit_id, facet_key)
    do update set substantiated_count = m.substantiated_count + excluded.substantiated_count,
                  rectified_count = m.rectified_count + excluded.rectified_count,
                  on_time_count = m.on_time_count + excluded.on_time_count,
                  realname_substantiated_count = m.realname_substantiated_count + excluded.realname_substantiated_count,
                  realname_revisited_count = m.realname_revisited_count + excluded.realname_revisited_count$f$,
    p_sign, p_rows, p_filter, app.stats_rollup_keys('s.rated_day'));
$function$;

-- The one trigger function of every rollup (statement level, transition tables): it runs the
-- statement its builder (TG_ARGV[0]: app.rating_rollup_statement, app.finished_rollup_statement,
-- app.cohort_rollup_statement, app.loop_rollup_statement) makes, the old rows out and the new in.
-- On UPDATE only the rows whose counted columns changed move: TG_ARGV[1] is the builder's row
-- alias, TG_ARGV[2] those columns (expressions) over a row written `@`, compared old against new.
create or replace function app.rollup_trigger()
  returns trigger
  language plpgsql
  set search_path to ''
  as $function$
declare
  v_changed text := '';
  v_sql text;
begin
  if tg_op = 'UPDATE' then
    v_changed := format('and %s.id in (select n.id from old_rows o join new_rows n on n.id = o.id where (%s) is distinct from (%s))',
                        tg_argv[1], replace(tg_argv[2], '@', 'o'), replace(tg_argv[2], '@', 'n'));
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    execute format('select app.%I($1, $2, $3)', tg_argv[0]) into v_sql using 'old_rows', -1, v_changed;
    execute v_sql;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    execute format('select app.%I($1, $2, $3)', tg_argv[0]) into v_sql using 'new_rows', 1, v_changed;
    execute v_sql;
  end if;
  return null;
end;
$function$;

create trigger ratings_cohort_insert
  after insert on app.ratings referencing new table as new_rows
  for each statement
  execute function app.rollup_trigger('cohort_rollup_statement', 'r', '@.transaction_id, @.assess_number, @.validity, @.is_default');

create trigger ratings_cohort_update
  after update on app.ratings referencing old table as old_rows new table as new_rows
  for each statement
  execute function app.rollup_trigger('cohort_rollup_statement', 'r', '@.transaction_id, @.assess_number, @.validity, @.is_default');

create trigger ratings_cohort_delete
  after delete on app.ratings referencing old table as old_rows
  for each statement
  execute function app.rollup_trigger('cohort_rollup_statement', 'r', '@.transaction_id, @.assess_number, @.validity, @.is_default');

create trigger ratings_rollup_insert
  after insert on app.ratings referencing new table as new_rows
  for each statement
  execute function app.rollup_trigger('rating_rollup_statement', 'r', '@.validity, @.level, @.is_default, @.assess_number, @.rated_at, @.channel, @.unit_id, @.window_id, @.staff_user_id, @.matter_id, @.region_code');

create trigger ratings_rollup_update
  after update on app.ratings referencing old table as old_rows new table as new_rows
  for each statement
  execute function app.rollup_trigger('rating_rollup_statement', 'r', '@.validity, @.level, @.is_default, @.assess_number, @.rated_at, @.channel, @.unit_id, @.window_id, @.staff_user_id, @.matter_id, @.region_code');

create trigger ratings_rollup_delete
  after delete on app.ratings referencing old table as old_rows
  for each statement
  execute function app.rollup_trigger('rating_rollup_statement', 'r', '@.validity, @.level, @.is_default, @.assess_number, @.rated_at, @.channel, @.unit_id, @.window_id, @.staff_user_id, @.matter_id, @.region_code');

create trigger transactions_rollup_insert
  after insert on app.transactions referencing new table as new_rows
  for each statement
  execute function app.rollup_trigger('finished_rollup_statement', 't', '@.status, @.finished_at, @.channel, @.unit_id, @.window_id, @.staff_user_id, @.matter_id, @.region_code');

create trigger transactions_rollup_update
  after update on app.transactions referencing old table as old_rows new table as new_rows
  for each statement
  execute function app.rollup_trigger('finished_rollup_statement', 't', '@.status, @.finished_at, @.channel, @.unit_id, @.window_id, @.staff_user_id, @.matter_id, @.region_code');

create trigger transactions_rollup_delete
  after delete on app.transactions referencing old table as old_rows
  for each statement
  execute function app.rollup_trigger('finished_rollup_statement', 't', '@.status, @.finished_at, @.channel, @.unit_id, @.window_id, @.staff_user_id, @.matter_id, @.region_code');

create policy rating_daily_select on app.rating_daily
  for select
  to service_role
  using (true);

create policy finished_daily_select on app.finished_daily
  for select
  to service_role
  using (true);

create policy stats_rollup_select on app.stats_rollup
  for select
  to service_role
  using (true);

create policy result_publications_select on app.result_publications
  for select
  to service_role
  using (true);
