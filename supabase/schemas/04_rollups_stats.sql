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
comment on column app.finished_daily.active_count is '主动评价率''s numerator: of the finished_count 办件, those whose valid first rating (assess_number 1) is not a default, whenever it was given. A subset of finished_count, so the rate never exceeds 100 % (SPEC §3: a cohort). Kept by app.rollup_finished (the 办件 moves) and app.rollup_cohort (its rating changes).';
grant select on table app.finished_daily to service_role;

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
  with scope as (select app.region_and_below(p_region_code) as code),
  -- Ratings and finished 办件 side by side (a finished row has no level and counts no rating).
  -- 主动评价率 is a cohort (SPEC §3): of the 办件 finished in the period, those that got an active
  -- rating, by the 办件's finish day and object; ratings given in the period are not its numerator.
  facts as (
    select d.day, d.region_code, d.unit_id, d.window_id, d.staff_user_id, d.matter_id, d.channel,
           d.level, d.is_default, d.is_visit, d.rating_count, 0::bigint as finished_count, 0::bigint as active_count
    from app.rating_daily d
    where p_unit_id is null and d.day between p_from and p_to and d.region_code in (select code from scope)
    union all
    select d.day, d.region_code, d.unit_id, d.window_id, d.staff_user_id, d.matter_id, d.channel,
           d.level, d.is_default, d.is_visit, d.rating_count, 0::bigint, 0::bigint
    from app.rating_daily d
    where d.unit_id = p_unit_id and d.day between p_from and p_to and d.region_code in (select code from scope)
    union all
    select d.day, d.region_code, d.unit_id, d.window_id, d.staff_user_id, d.matter_id, d.channel,
           null, null, null, 0, d.finished_count, d.active_count
    from app.finished_daily d
    where p_unit_id is null and d.day between p_from and p_to and d.region_code in (select code from scope)
    union all
    select d.day, d.region_code, d.unit_id, d.window_id, d.staff_user_id, d.matter_id, d.channel,
           null, null, null, 0, d.finished_count, d.active_count
    from app.finished_daily d
    where d.unit_id = p_unit_id and d.day between p_from and p_to and d.region_code in (select code from scope)
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
           coalesce(sum(f.active_count), 0)::bigint as n_active
    from facts f
    group by 1
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
  select case p_group_by
           when 'region' then w.region_code when 'unit' then w.unit_id::text when 'window' then w.window_id::text
           when 'officer' then w.staff_user_id::text when 'matter' then w.matter_id::text when 'channel' then w.channel
           when 'day' then w.rated_day::text else to_char(w.rated_day, 'YYYY-MM') end,
         count(*),
         count(*) filter (where w.rectified_at is not null),
         count(*) filter (where w.rectified_at is not null or w.rectify_due_on < p_today),
         count(*) filter (where (w.rectified_at at time zone 'Asia/Shanghai')::date <= w.rectify_due_on),
         count(*) filter (where w.is_realname),
         count(*) filter (where w.is_realname and w.rectified_at is not null and w.return_visit_recorded_at is not null)
  from app.work_orders w
  where w.rated_day between p_from and p_to
    and w.region_code in (select app.region_and_below(p_region_code))
    and (p_unit_id is null or w.unit_id = p_unit_id)
    and w.substantiated_at is not null
    and w.status not in ('dismissed', 'rerouted')
  group by 1;
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
  select format($f$
    insert into app.rating_daily as d (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, level, is_default, is_visit, rating_count)
    select (r.rated_at at time zone 'Asia/Shanghai')::date, r.region_code, r.unit_id, r.window_id, r.staff_user_id, r.matter_id,
           r.channel, r.level, r.is_default, r.transaction_id is null, %s * count(*)
    from %I r
    where r.assess_number = 1 and r.validity = 'valid' %s
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    on conflict (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, level, is_default, is_visit)
    do update set rating_count = d.rating_count + excluded.rating_count$f$, p_sign, p_rows, p_filter);
$function$;

create or replace function app.rollup_ratings()
  returns trigger
  language plpgsql
  set search_path to ''
  as $function$
declare
  v_changed text := '';
begin
  if tg_op = 'UPDATE' then
    v_changed := $c$ and r.id in (
      select n.id from old_rows o join new_rows n on n.id = o.id
      where (o.validity, o.level, o.is_default, o.assess_number, o.rated_at, o.channel, o.unit_id, o.window_id, o.staff_user_id, o.matter_id, o.region_code)
        is distinct from (n.validity, n.level, n.is_default, n.assess_number, n.rated_at, n.channel, n.unit_id, n.window_id, n.staff_user_id, n.matter_id, n.region_code))$c$;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    execute app.rating_rollup_statement('old_rows', -1, v_changed);
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    execute app.rating_rollup_statement('new_rows', 1, v_changed);
  end if;
  return null;
end;
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
  select format($f$
    insert into app.finished_daily as d (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, finished_count, active_count)
    select (t.finished_at at time zone 'Asia/Shanghai')::date, t.region_code, t.unit_id, t.window_id, t.staff_user_id, t.matter_id,
           t.channel, %1$s * count(*),
           %1$s * count(*) filter (where exists (
             select 1 from app.ratings r
             where r.transaction_id = t.id and r.assess_number = 1 and r.validity = 'valid' and not r.is_default))
    from %2$I t
    where t.status = 'finished' %3$s
    group by 1, 2, 3, 4, 5, 6, 7
    on conflict (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel)
    do update set finished_count = d.finished_count + excluded.finished_count,
                  active_count = d.active_count + excluded.active_count$f$, p_sign, p_rows, p_filter);
$function$;

create or replace function app.rollup_finished()
  returns trigger
  language plpgsql
  set search_path to ''
  as $function$
declare
  v_changed text := '';
begin
  if tg_op = 'UPDATE' then
    v_changed := $c$ and t.id in (
      select n.id from old_rows o join new_rows n on n.id = o.id
      where (o.status, o.finished_at, o.channel, o.unit_id, o.window_id, o.staff_user_id, o.matter_id, o.region_code)
        is distinct from (n.status, n.finished_at, n.channel, n.unit_id, n.window_id, n.staff_user_id, n.matter_id, n.region_code))$c$;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    execute app.finished_rollup_statement('old_rows', -1, v_changed);
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    execute app.finished_rollup_statement('new_rows', 1, v_changed);
  end if;
  return null;
end;
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
    insert into app.finished_daily as d (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, finished_count, active_count)
    select (t.finished_at at time zone 'Asia/Shanghai')::date, t.region_code, t.unit_id, t.window_id, t.staff_user_id, t.matter_id,
           t.channel, 0, %s * count(*)
    from %I r
    join app.transactions t on t.id = r.transaction_id
    where r.assess_number = 1 and r.validity = 'valid' and not r.is_default and t.status = 'finished' %s
    group by 1, 2, 3, 4, 5, 6, 7
    on conflict (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel)
    do update set active_count = d.active_count + excluded.active_count$f$, p_sign, p_rows, p_filter);
$function$;

create or replace function app.rollup_cohort()
  returns trigger
  language plpgsql
  set search_path to ''
  as $function$
declare
  v_changed text := '';
begin
  if tg_op = 'UPDATE' then
    v_changed := $c$ and r.id in (
      select n.id from old_rows o join new_rows n on n.id = o.id
      where (o.transaction_id, o.assess_number, o.validity, o.is_default)
        is distinct from (n.transaction_id, n.assess_number, n.validity, n.is_default))$c$;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    execute app.cohort_rollup_statement('old_rows', -1, v_changed);
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    execute app.cohort_rollup_statement('new_rows', 1, v_changed);
  end if;
  return null;
end;
$function$;

create trigger ratings_cohort_insert
  after insert on app.ratings referencing new table as new_rows
  for each statement
  execute function app.rollup_cohort();

create trigger ratings_cohort_update
  after update on app.ratings referencing old table as old_rows new table as new_rows
  for each statement
  execute function app.rollup_cohort();

create trigger ratings_cohort_delete
  after delete on app.ratings referencing old table as old_rows
  for each statement
  execute function app.rollup_cohort();

create trigger ratings_rollup_insert
  after insert on app.ratings referencing new table as new_rows
  for each statement
  execute function app.rollup_ratings();

create trigger ratings_rollup_update
  after update on app.ratings referencing old table as old_rows new table as new_rows
  for each statement
  execute function app.rollup_ratings();

create trigger ratings_rollup_delete
  after delete on app.ratings referencing old table as old_rows
  for each statement
  execute function app.rollup_ratings();

create trigger transactions_rollup_insert
  after insert on app.transactions referencing new table as new_rows
  for each statement
  execute function app.rollup_finished();

create trigger transactions_rollup_update
  after update on app.transactions referencing old table as old_rows new table as new_rows
  for each statement
  execute function app.rollup_finished();

create trigger transactions_rollup_delete
  after delete on app.transactions referencing old table as old_rows
  for each statement
  execute function app.rollup_finished();

create policy rating_daily_select on app.rating_daily
  for select
  to service_role
  using (true);

create policy finished_daily_select on app.finished_daily
  for select
  to service_role
  using (true);

create policy result_publications_select on app.result_publications
  for select
  to service_role
  using (true);
