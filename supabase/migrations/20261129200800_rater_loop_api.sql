-- The rater's side of the 差评 loop (R11, R12): the rating RPCs now answer with the work order
-- their 差评 opened; 我的评价 shows each order's state; the timeline of an order; rating the fix
-- (assess_number 2); and the one re-review of a dismissal, decided at city level.

-- submit_rating / submit_visit_rating keep their checks in app (moved, not copied) and gain the
-- work order the insert's trigger opened.
alter function public.submit_rating(uuid, int, text[], text, boolean, text, text) set schema app;
alter function public.submit_visit_rating(uuid, uuid, int, text[], text, boolean, text) set schema app;
revoke execute on function app.submit_rating(uuid, int, text[], text, boolean, text, text) from public, anon, authenticated;
revoke execute on function app.submit_visit_rating(uuid, uuid, int, text[], text, boolean, text) from public, anon, authenticated;

-- The live (not rerouted) order of a rating.
create function app.live_work_order_id(p_rating_id uuid)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select w.id from app.work_orders w where w.rating_id = p_rating_id and w.status <> 'rerouted';
$$;
revoke execute on function app.live_work_order_id(uuid) from public, anon;
grant execute on function app.live_work_order_id(uuid) to authenticated;

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
  v record;
begin
  select * into v from app.submit_rating(p_transaction_id, p_level, p_tags, p_comment, p_anonymous, p_channel, p_idempotency_key);
  -- A new statement, so it sees the order the insert's trigger opened.
  return query select v.id, v.level, v.is_bad, app.live_work_order_id(v.id);
end;
$$;
comment on function public.submit_rating(uuid, int, text[], text, boolean, text, text) is
  'R1/R3/R4/R7/R8: the applicant (or agent) rates a finished 办件 once, within its rating window; a 差评 answers with the work order it opened.';

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
  v record;
begin
  select * into v from app.submit_visit_rating(p_window_id, p_staff_id, p_level, p_tags, p_comment, p_anonymous, p_idempotency_key);
  return query select v.id, v.level, v.is_bad, app.live_work_order_id(v.id);
end;
$$;
comment on function public.submit_visit_rating(uuid, uuid, int, text[], text, boolean, text) is
  'R3 一次一评: one rating per person per window per day (Asia/Shanghai), by the window''s QR code, without a 办件; a 差评 opens a work order.';

create or replace function public.my_ratings()
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
         r.is_anonymous, r.is_default, r.assess_number, r.validity, r.rated_at, wo.id, wo.status
  from app.ratings r
  join app.units u on u.id = r.unit_id
  left join app.transactions t on t.id = r.transaction_id
  left join app.matters m on m.id = r.matter_id
  left join app.windows w on w.id = r.window_id
  left join app.work_orders wo on wo.rating_id = r.id and wo.status <> 'rerouted'
  where r.rater_user_id = (select auth.uid())
     or (r.is_default and (t.applicant_user_id = (select auth.uid()) or t.agent_user_id = (select auth.uid())))
  order by r.rated_at desc;
$$;
comment on function public.my_ratings() is 'The caller''s ratings, and the defaults applied to their 办件 (R5), newest first, each 差评 with its work order''s state.';

revoke execute on function
  public.submit_rating(uuid, int, text[], text, boolean, text, text),
  public.submit_visit_rating(uuid, uuid, int, text[], text, boolean, text)
from public, anon;
grant execute on function
  public.submit_rating(uuid, int, text[], text, boolean, text, text),
  public.submit_visit_rating(uuid, uuid, int, text[], text, boolean, text)
to authenticated;

-- Who may read an order's timeline: its rater, staff of its unit, supervisors of its region.
create function app.can_read_work_order(p_wo app.work_orders)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from app.ratings r where r.id = p_wo.rating_id and r.rater_user_id = (select auth.uid()))
      or p_wo.unit_id in (select app.my_unit_ids())
      or app.is_region_supervisor(p_wo.region_code);
$$;
revoke execute on function app.can_read_work_order(app.work_orders) from public, anon;
grant execute on function app.can_read_work_order(app.work_orders) to authenticated;

create function public.work_order_timeline(p_work_order_id uuid)
returns table (at timestamptz, event text, status_from text, status_to text, note text, due_on date)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_wo app.work_orders;
begin
  perform app.require_user();
  select * into v_wo from app.work_orders w where w.id = p_work_order_id;
  if not found or not app.can_read_work_order(v_wo) then
    perform app.raise_error('not_found', 'p_work_order_id');
  end if;
  return query
  select l.at, l.action, l.state_from, l.state_to, l.note, l.due_on
  from app.audit_log l
  where l.work_order_id = p_work_order_id and l.entity = 'work_order' and l.action <> 'assigned'
  order by l.id;
end;
$$;
comment on function public.work_order_timeline(uuid) is 'What happened on a work order, oldest first (核实, 申诉, 整改, 延期 with reason, 回复, 回访): for its rater, its unit and supervisors. No officer or rater identity.';

-- Only the rater of the order's 差评.
create function app.require_rater(p_work_order_id uuid)
returns app.work_orders
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_wo app.work_orders;
begin
  select * into v_wo from app.work_orders w where w.id = p_work_order_id and w.status <> 'rerouted';
  if not found then
    perform app.raise_error('not_found', 'p_work_order_id');
  end if;
  if not exists (select 1 from app.ratings r where r.id = v_wo.rating_id and r.rater_user_id = v_uid) then
    perform app.raise_error('not_rater');
  end if;
  return v_wo;
end;
$$;
revoke execute on function app.require_rater(uuid) from public, anon;
grant execute on function app.require_rater(uuid) to authenticated;

revoke execute on function public.work_order_timeline(uuid) from public, anon;
grant execute on function public.work_order_timeline(uuid) to authenticated;
