-- SPEC §3's 差评-loop metrics (差评整改率, 按时整改率, 实名差评回访整改率) join stats() and the
-- published results, and R15's 差评 board lists each published 差评 with its rectification and
-- reply. Work orders are a small share of ratings, so their counts come straight from
-- app.work_orders (indexed by region and day); the rating counts stay on the rollups.
-- A rater decides whether the text of their comment may be published (comment_public).

alter table app.ratings add column comment_public boolean not null default false;
comment on column app.ratings.comment_public is 'R15: the rater allowed their comment to appear on the public 差评 board. Off unless they turn it on.';

-- Loop counts of the orders whose 差评 was rated in [p_from, p_to] in a region (and below),
-- grouped by p_group_by like app.metric_rows. Dismissed and rerouted orders are not counted
-- (an approved appeal removes the 差评 from every metric); p_today decides what is due.
create function app.loop_metric_rows(
  p_from date,
  p_to date,
  p_group_by text,
  p_region_code text,
  p_unit_id uuid,
  p_today date
)
returns table (
  group_key text,
  substantiated_count bigint,
  rectified_count bigint,
  due_count bigint,
  on_time_count bigint,
  realname_substantiated_count bigint,
  realname_revisited_count bigint
)
language sql
stable
set search_path = ''
as $$
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
$$;
revoke execute on function app.loop_metric_rows(date, date, text, text, uuid, date) from public;

drop function public.stats(date, date, text, text, uuid, boolean);
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
  active_rate numeric,
  substantiated_count bigint,
  rectified_count bigint,
  due_count bigint,
  on_time_count bigint,
  realname_substantiated_count bigint,
  realname_revisited_count bigint,
  rectify_rate numeric,
  on_time_rate numeric,
  realname_revisit_rate numeric
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
$$;
comment on function public.stats(date, date, text, text, uuid, boolean) is
  'SPEC §3 metrics for supervisors over their region (days in Asia/Shanghai), with the 差评 loop''s 整改率, 按时整改率 and 实名差评回访整改率 (the same in 含默认 and 仅主动: defaults open no orders).';
revoke execute on function public.stats(date, date, text, text, uuid, boolean) from public, anon;
grant execute on function public.stats(date, date, text, text, uuid, boolean) to authenticated;

drop function public.public_results(text, text);
create function public.public_results(p_period text, p_region_code text default '530900')
returns table (
  region_code text,
  region_name text,
  unit_id uuid,
  unit_name text,
  rating_count bigint,
  default_count bigint,
  good_count bigint,
  bad_count bigint,
  satisfaction_rate numeric,
  good_rate numeric,
  active_rate numeric,
  substantiated_count bigint,
  rectified_count bigint,
  rectify_rate numeric
)
language plpgsql
stable
security definer
set search_path = ''
as $$
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
         round(l.rectified_count::numeric / nullif(l.substantiated_count, 0), 4)
  from app.units u
  join app.regions g on g.code = u.region_code
  left join app.metric_rows(v_from, v_to, 'unit', p_region_code, null, true) m on m.group_key = u.id::text
  left join app.loop_metric_rows(v_from, v_to, 'unit', p_region_code, null, (now() at time zone 'Asia/Shanghai')::date) l on l.group_key = u.id::text
  where u.region_code in (select app.region_and_below(p_region_code))
  order by u.region_code, u.name;
end;
$$;
comment on function public.public_results(text, text) is 'R15: a month''s results per unit of a region (and the regions below it), with 差评数 and 整改率, for everyone.';
revoke execute on function public.public_results(text, text) from public;
grant execute on function public.public_results(text, text) to anon, authenticated;

create function public.public_bad_review_board(p_period text, p_region_code text default '530900')
returns table (
  work_order_id uuid,
  rated_on date,
  region_name text,
  unit_name text,
  matter_name text,
  level smallint,
  tags text[],
  comment text,
  status text,
  rectified boolean,
  reply text,
  replied_on date
)
language plpgsql
stable
security definer
set search_path = ''
as $$
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
         case when r.comment_public then r.comment end,
         w.status, w.rectified_at is not null, w.reply, (w.replied_at at time zone 'Asia/Shanghai')::date
  from app.work_orders w
  join app.ratings r on r.id = w.rating_id
  join app.units u on u.id = w.unit_id
  join app.regions g on g.code = w.region_code
  left join app.matters m on m.id = w.matter_id
  where w.rated_day between v_from and (v_from + interval '1 month')::date - 1
    and w.region_code in (select app.region_and_below(p_region_code))
    and w.status not in ('dismissed', 'rerouted')
    and r.validity = 'valid'
  order by w.rated_day desc, w.opened_at desc;
end;
$$;
comment on function public.public_bad_review_board(text, text) is 'R15: a month''s 差评 with their rectification status and reply; no rater, officer or 办件 number, and the comment only where its rater allowed it.';
revoke execute on function public.public_bad_review_board(text, text) from public;
grant execute on function public.public_bad_review_board(text, text) to anon, authenticated;

create function public.set_comment_public(p_rating_id uuid, p_public boolean)
returns table (id uuid, comment_public boolean)
language plpgsql
security definer
set search_path = ''
as $$
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
$$;
comment on function public.set_comment_public(uuid, boolean) is 'R15: the rater allows (or withdraws) publication of their comment on the 差评 board.';
revoke execute on function public.set_comment_public(uuid, boolean) from public, anon;
grant execute on function public.set_comment_public(uuid, boolean) to authenticated;
