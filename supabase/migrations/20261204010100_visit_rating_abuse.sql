-- QR visit ratings (一次一评) could be abused (issue 13.6):
--   * any account could leave a 差评 on every window every day, and three new accounts a day put a
--     named officer on 重点监督 (R19 counted ratings, not raters);
--   * staff could rate their own window by leaving the officer empty.
-- Now: a per-account daily cap of visit ratings across all windows (app.rating_policy, default 3);
-- nobody who works for the window's unit (a staff or unit-admin role there, or an assignment at
-- the window today) rates its windows (own_work); R19 counts distinct raters.

create table app.rating_policy (
  id boolean primary key default true check (id),
  visit_daily_cap int not null default 3 check (visit_daily_cap between 1 and 50)
);
comment on table app.rating_policy is
  'Rating abuse limits (one row): visit_daily_cap = QR visit ratings one account may give per day (Asia/Shanghai) across all windows.';
insert into app.rating_policy default values;
alter table app.rating_policy enable row level security;
create policy rating_policy_select on app.rating_policy for select to authenticated using (true);
grant select on app.rating_policy to authenticated, service_role;

-- The cap counts the caller's visit ratings of the day (visit_day is set only on those).
create index ratings_rater_visit_day_idx on app.ratings (rater_user_id, visit_day) where visit_day is not null;

insert into app.error_codes (code, http_status, message) values
  ('visit_daily_limit', 429, '今天扫码评价的次数已达上限，请明天再评价');

create or replace function app.submit_visit_rating(
  p_window_id uuid,
  p_staff_id uuid default null,
  p_level int default null,
  p_tags text[] default '{}',
  p_comment text default null,
  p_anonymous boolean default false,
  p_idempotency_key text default null
)
returns table (id uuid, level smallint, is_bad boolean, work_order_id uuid)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_w app.windows;
  v_hall_region text;
  v_day date := (now() at time zone 'Asia/Shanghai')::date;
  v_r app.ratings;
begin
  perform app.check_rating_input(p_level, p_tags, p_comment, p_idempotency_key);

  v_r := app.replayed_rating(v_uid, p_idempotency_key, null, p_window_id, p_level);
  if v_r.id is not null then
    return query select v_r.id, v_r.level, v_r.is_bad, null::uuid;
    return;
  end if;

  select * into v_w from app.windows w where w.id = p_window_id;
  if not found then
    perform app.raise_error('not_found', 'p_window_id');
  end if;
  if p_staff_id is not null and not exists (
    select 1 from app.staff_assignments a
    where a.user_id = p_staff_id and a.window_id = p_window_id
      and a.valid_from <= v_day and (a.valid_to is null or a.valid_to >= v_day)
  ) then
    perform app.raise_error('invalid_input', 'p_staff_id');
  end if;
  -- R4: never one's own work. Whoever works for the unit rates none of its windows, named
  -- officer or not (a colleague's 好评 or 差评 is no citizen's verdict).
  if p_staff_id = v_uid
     or exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.unit_id = v_w.unit_id and s.role in ('staff', 'unit_admin'))
     or exists (select 1 from app.staff_assignments a
                where a.user_id = v_uid and (a.window_id = p_window_id or a.unit_id = v_w.unit_id)
                  and a.valid_from <= v_day and (a.valid_to is null or a.valid_to >= v_day)) then
    perform app.raise_error('own_work');
  end if;

  -- One caller's visit ratings are counted and inserted one at a time, so that parallel
  -- requests cannot each see room under the cap.
  perform pg_advisory_xact_lock(hashtextextended('visit_rating:' || v_uid::text, 0));
  if (select count(*) from app.ratings r where r.rater_user_id = v_uid and r.visit_day = v_day)
     >= (select p.visit_daily_cap from app.rating_policy p) then
    v_r := app.replayed_rating(v_uid, p_idempotency_key, null, p_window_id, p_level);
    if v_r.id is not null then
      return query select v_r.id, v_r.level, v_r.is_bad, null::uuid;
      return;
    end if;
    perform app.raise_error('visit_daily_limit');
  end if;
  select h.region_code into v_hall_region from app.halls h where h.id = v_w.hall_id;

  insert into app.ratings as r (
    level, tags, comment, channel, is_anonymous, rater_user_id, unit_id, region_code,
    hall_id, window_id, staff_user_id, visit_day, idempotency_key
  ) values (
    p_level, p_tags, nullif(btrim(p_comment), ''), 'qrcode', coalesce(p_anonymous, false), v_uid, v_w.unit_id, v_hall_region,
    v_w.hall_id, v_w.id, p_staff_id, v_day, p_idempotency_key
  )
  on conflict do nothing
  returning * into v_r;
  if v_r.id is null then
    v_r := app.replayed_rating(v_uid, p_idempotency_key, null, p_window_id, p_level);
    if v_r.id is null then
      perform app.raise_error('already_rated', 'one visit rating per window per day');
    end if;
  end if;
  return query select v_r.id, v_r.level, v_r.is_bad, null::uuid;
end;
$$;
revoke execute on function app.submit_visit_rating(uuid, uuid, int, text[], text, boolean, text) from public, anon, authenticated;

comment on function public.submit_visit_rating(uuid, uuid, int, text[], text, boolean, text) is
  'R3 一次一评: one rating per person per window per day (Asia/Shanghai), by the window''s QR code, without a 办件; at most app.rating_policy.visit_daily_cap a day across windows (visit_daily_limit); nobody working for the window''s unit rates it (own_work); a 差评 opens a work order.';

-- R19 counts distinct raters: one account's repeated 差评 are one voice. A rating without an
-- account (a hall device's press, a 12345 call) counts as a rater of its own.
drop function public.key_supervision_list();
create function public.key_supervision_list()
returns table (
  object_type text,
  object_id uuid,
  object_name text,
  unit_name text,
  region_code text,
  bad_count bigint,
  rater_count bigint,
  last_bad_at timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_policy app.loop_policy;
begin
  perform app.require_user();
  if not exists (select 1 from app.my_region_codes()) then
    perform app.raise_error('forbidden');
  end if;
  select * into v_policy from app.loop_policy;
  return query
  with bad as (
    select r.*, coalesce(r.rater_user_id, r.id) as rater_key from app.ratings r
    where r.is_bad and not r.is_default and r.assess_number = 1 and r.validity = 'valid'
      and r.rated_at >= now() - make_interval(days => v_policy.concentration_days)
      and r.region_code in (select app.my_region_codes())
  )
  select 'officer', b.staff_user_id, s.masked_name, u.name, max(b.region_code), count(*), count(distinct b.rater_key), max(b.rated_at)
  from bad b join app.users s on s.id = b.staff_user_id join app.units u on u.id = b.unit_id
  where b.staff_user_id is not null
  group by b.staff_user_id, s.masked_name, u.name
  having count(distinct b.rater_key) >= v_policy.concentration_threshold
  union all
  select 'window', b.window_id, h.name || ' ' || w.name, u.name, max(b.region_code), count(*), count(distinct b.rater_key), max(b.rated_at)
  from bad b join app.windows w on w.id = b.window_id join app.halls h on h.id = w.hall_id join app.units u on u.id = b.unit_id
  where b.window_id is not null
  group by b.window_id, h.name, w.name, u.name
  having count(distinct b.rater_key) >= v_policy.concentration_threshold
  order by 7 desc, 6 desc, 8 desc;
end;
$$;
comment on function public.key_supervision_list() is
  'R19 重点监督: officers and windows of the supervisor''s region with 差评 from ≥ 3 distinct raters in the last 30 days (policy settings); bad_count = all their valid 差评 in that time.';
revoke execute on function public.key_supervision_list() from public, anon;
grant execute on function public.key_supervision_list() to authenticated;
