-- The citizen's rating RPCs (SPEC §5): what is waiting to be rated, rating a 办件 (一事一评),
-- rating a window visit by QR (一次一评), my ratings, and the window landing page.
-- Definer functions: they check who the caller is against the 办件 and write for them; every
-- refusal is an app.raise_error code, raised before anything is written.

create function app.require_user()
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  v_uid uuid := auth.uid();
begin
  if v_uid is null then
    perform app.raise_error('unauthorized');
  end if;
  return v_uid;
end;
$$;
revoke execute on function app.require_user() from public;
grant execute on function app.require_user() to anon, authenticated, service_role;

-- Checks the parts of a rating that do not depend on what is rated.
create function app.check_rating_input(p_level int, p_tags text[], p_comment text, p_idempotency_key text)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  v_violation text;
begin
  if p_level is null or p_level not between 1 and 5 then
    perform app.raise_error('invalid_input', 'p_level');
  end if;
  if p_tags is null or array_position(p_tags, null) is not null then
    perform app.raise_error('invalid_input', 'p_tags');
  end if;
  if char_length(p_comment) > 500 then
    perform app.raise_error('comment_too_long', 'p_comment');
  end if;
  if p_idempotency_key is null or char_length(p_idempotency_key) not between 8 and 100 then
    perform app.raise_error('invalid_input', 'p_idempotency_key');
  end if;
  v_violation := app.tag_violation(p_level, p_tags);
  if v_violation is not null then
    perform app.raise_error(v_violation, 'p_tags');
  end if;
end;
$$;
revoke execute on function app.check_rating_input(int, text[], text, text) from public;
grant execute on function app.check_rating_input(int, text[], text, text) to authenticated, service_role;

-- R3 replays: the caller's earlier rating under this idempotency key, if any. A key reused for
-- a different rating (another 办件 or window, another level) is idempotency_conflict.
create function app.replayed_rating(p_uid uuid, p_key text, p_transaction_id uuid, p_window_id uuid, p_level int)
returns app.ratings
language plpgsql
stable
set search_path = ''
as $$
declare
  v_r app.ratings;
begin
  select * into v_r from app.ratings r where r.rater_user_id = p_uid and r.idempotency_key = p_key;
  if found and (v_r.transaction_id is distinct from p_transaction_id
                or (p_transaction_id is null and v_r.window_id is distinct from p_window_id)
                or v_r.level <> p_level) then
    perform app.raise_error('idempotency_conflict', 'p_idempotency_key');
  end if;
  return v_r;
end;
$$;
revoke execute on function app.replayed_rating(uuid, text, uuid, uuid, int) from public;
grant execute on function app.replayed_rating(uuid, text, uuid, uuid, int) to authenticated, service_role;

create function public.my_pending_ratings()
returns table (
  transaction_id uuid,
  project_no text,
  matter_name text,
  unit_name text,
  window_name text,
  staff_name text,
  finished_at timestamptz,
  rating_due_at timestamptz,
  due_is_provisional boolean
)
language sql
stable
security definer
set search_path = ''
as $$
  select t.id, t.project_no, m.name, u.name, w.name, s.masked_name, t.finished_at, t.rating_due_at, t.rating_due_provisional
  from app.transactions t
  join app.matters m on m.id = t.matter_id
  join app.units u on u.id = t.unit_id
  left join app.windows w on w.id = t.window_id
  left join app.users s on s.id = t.staff_user_id
  where (t.applicant_user_id = (select auth.uid()) or t.agent_user_id = (select auth.uid()))
    and t.status = 'finished'
    and t.first_rating_id is null
    and t.rating_due_at > now()
    and t.staff_user_id is distinct from (select auth.uid())
  order by t.rating_due_at, t.finished_at;
$$;
comment on function public.my_pending_ratings() is 'Finished 办件 of the caller (applicant or agent) still open for rating, soonest deadline first.';

create function public.submit_rating(
  p_transaction_id uuid,
  p_level int,
  p_tags text[] default '{}',
  p_comment text default null,
  p_anonymous boolean default false,
  p_channel text default 'mobile',
  p_idempotency_key text default null
)
returns table (id uuid, level smallint, is_bad boolean, work_order_id uuid)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_t app.transactions;
  v_r app.ratings;
begin
  perform app.check_rating_input(p_level, p_tags, p_comment, p_idempotency_key);
  if p_channel is null or p_channel not in ('mobile', 'pc', 'qrcode') then
    perform app.raise_error('invalid_input', 'p_channel');
  end if;

  -- A replay of an earlier call returns its result and writes nothing (R3).
  v_r := app.replayed_rating(v_uid, p_idempotency_key, p_transaction_id, null, p_level);
  if v_r.id is not null then
    return query select v_r.id, v_r.level, v_r.is_bad, null::uuid;
    return;
  end if;

  select * into v_t from app.transactions t where t.id = p_transaction_id;
  if not found then
    perform app.raise_error('not_found', 'p_transaction_id');
  end if;
  if v_t.staff_user_id = v_uid then
    perform app.raise_error('own_work');
  end if;
  if v_uid is distinct from v_t.applicant_user_id and v_uid is distinct from v_t.agent_user_id then
    perform app.raise_error('not_applicant');
  end if;
  if v_t.status <> 'finished' then
    perform app.raise_error('not_finished');
  end if;
  if v_t.first_rating_id is not null then
    perform app.raise_error('already_rated');
  end if;
  if now() >= v_t.rating_due_at then
    perform app.raise_error('rating_window_closed');
  end if;

  -- The unique index decides a race with another submit or the default job: one row wins.
  insert into app.ratings as r (
    transaction_id, assess_number, level, tags, comment, channel, is_anonymous, rater_user_id,
    unit_id, region_code, matter_id, hall_id, window_id, staff_user_id, platform_id, idempotency_key
  ) values (
    v_t.id, 1, p_level, p_tags, nullif(btrim(p_comment), ''), p_channel, coalesce(p_anonymous, false), v_uid,
    v_t.unit_id, v_t.region_code, v_t.matter_id, v_t.hall_id, v_t.window_id, v_t.staff_user_id, v_t.platform_id, p_idempotency_key
  )
  on conflict do nothing
  returning * into v_r;
  if v_r.id is null then
    -- Lost a race: to our own retry (same key: answer as a replay) or to another rating.
    v_r := app.replayed_rating(v_uid, p_idempotency_key, p_transaction_id, null, p_level);
    if v_r.id is null then
      perform app.raise_error('already_rated');
    end if;
  end if;
  return query select v_r.id, v_r.level, v_r.is_bad, null::uuid;
end;
$$;
comment on function public.submit_rating(uuid, int, text[], text, boolean, text, text) is
  'R1/R3/R4/R7: the applicant (or agent) rates a finished 办件 once, within its rating window. work_order_id is set once 差评 work orders exist.';

create function public.submit_visit_rating(
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
  v_region text;
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
  if p_staff_id = v_uid then
    perform app.raise_error('own_work');
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
comment on function public.submit_visit_rating(uuid, uuid, int, text[], text, boolean, text) is
  'R3 一次一评: one rating per person per window per day (Asia/Shanghai), by the window''s QR code, without a 办件.';

create function public.my_ratings()
returns table (
  id uuid,
  transaction_id uuid,
  project_no text,
  matter_name text,
  unit_name text,
  window_name text,
  level smallint,
  tags text[],
  comment text,
  is_anonymous boolean,
  is_default boolean,
  assess_number smallint,
  validity text,
  rated_at timestamptz,
  work_order_id uuid,
  work_order_status text
)
language sql
stable
security definer
set search_path = ''
as $$
  select r.id, r.transaction_id, t.project_no, m.name, u.name, w.name, r.level, r.tags, r.comment,
         r.is_anonymous, r.is_default, r.assess_number, r.validity, r.rated_at, null::uuid, null::text
  from app.ratings r
  join app.units u on u.id = r.unit_id
  left join app.transactions t on t.id = r.transaction_id
  left join app.matters m on m.id = r.matter_id
  left join app.windows w on w.id = r.window_id
  where r.rater_user_id = (select auth.uid())
     or (r.is_default and (t.applicant_user_id = (select auth.uid()) or t.agent_user_id = (select auth.uid())))
  order by r.rated_at desc;
$$;
comment on function public.my_ratings() is 'The caller''s ratings, and the defaults applied to their 办件 (R5), newest first. Work order columns fill in with the 差评 loop.';

create function public.window_info(p_window_id uuid)
returns table (
  window_id uuid,
  window_name text,
  hall_name text,
  unit_id uuid,
  unit_name text,
  region_code text,
  region_name text,
  staff jsonb
)
language sql
stable
security definer
set search_path = ''
as $$
  select w.id, w.name, h.name, u.id, u.name, r.code, r.name,
         coalesce((
           select jsonb_agg(jsonb_build_object('staff_id', s.id, 'name', s.masked_name) order by s.masked_name)
           from app.staff_assignments a join app.users s on s.id = a.user_id
           where a.window_id = w.id
             and a.valid_from <= (now() at time zone 'Asia/Shanghai')::date
             and (a.valid_to is null or a.valid_to >= (now() at time zone 'Asia/Shanghai')::date)
         ), '[]'::jsonb)
  from app.windows w
  join app.halls h on h.id = w.hall_id
  join app.units u on u.id = w.unit_id
  join app.regions r on r.code = h.region_code
  where w.id = p_window_id;
$$;
comment on function public.window_info(uuid) is 'The QR landing page: a window, its hall and unit, and the officers on duty today (masked names).';

revoke execute on function
  public.my_pending_ratings(), public.submit_rating(uuid, int, text[], text, boolean, text, text),
  public.submit_visit_rating(uuid, uuid, int, text[], text, boolean, text), public.my_ratings(),
  public.window_info(uuid)
from public, anon;
grant execute on function
  public.my_pending_ratings(), public.submit_rating(uuid, int, text[], text, boolean, text, text),
  public.submit_visit_rating(uuid, uuid, int, text[], text, boolean, text), public.my_ratings()
to authenticated;
grant execute on function public.window_info(uuid) to anon, authenticated;
