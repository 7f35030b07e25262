-- R13 (issue 13): nothing a unit receives about an anonymous rating identifies its applicant.
-- unit_work_orders gave the unit the 办件编号 (project_no) of every 差评, and the unit's own
-- business system maps that number to the applicant — for an anonymous 差评, the rater. Now the
-- unit gets the 办件编号 only of a real-name 差评 (the rater chose to be known and the 回访 needs
-- it), and never on an order about the caller's own work: the rated officer served that
-- applicant and would know them by the number. "Anonymous" here is what the loop already treats
-- as anonymous (work_orders.is_realname false: 匿名 chosen, or no verified real name, or a device
-- rating with no rater), the orders that close without a 回访 (R12).
--
-- The order also says whether it is about the caller (is_about_me), so the 工作台 shows why the
-- officer cannot act on it instead of offering actions the server refuses (own_work_order).
--
-- Supervisors (decision, README "Where the rules live"): they are not the unit and do not hold
-- its business system, but they see only what their task needs. Deciding an appeal means
-- checking the unit's claim against the 办件 (was it this unit's, did the person come to the
-- window), so appeals_to_review keeps project_no; exports keep it (they carry what the provincial
-- platform receives, keyed by 办件编号 under the national interface). Chasing overdue orders needs
-- no 办件编号, so overdue_work_orders drops it for non-real-name orders.

drop function public.unit_work_orders(text);
create function public.unit_work_orders(p_status text default null)
returns table (
  id uuid,
  status text,
  rating_id uuid,
  verify_due_on date,
  rectify_due_on date,
  due_is_provisional boolean,
  unit_id uuid,
  unit_name text,
  project_no text,
  matter_name text,
  window_name text,
  level smallint,
  tags text[],
  comment text,
  rated_at timestamptz,
  is_realname boolean,
  extension_count int,
  escalated boolean,
  handler_is_me boolean,
  appeal_status text,
  is_about_me boolean
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := auth.uid();
begin
  if p_status is not null and p_status not in (select t.from_status from app.work_order_transitions t union select t.to_status from app.work_order_transitions t) then
    perform app.raise_error('invalid_input', 'p_status');
  end if;
  return query
  select w.id, w.status, w.rating_id, w.verify_due_on, w.rectify_due_on,
         case when w.rectify_due_on is null then w.verify_due_provisional else coalesce(w.rectify_due_provisional, false) end,
         w.unit_id, u.name,
         case when w.is_realname and not me.yes then t.project_no end,
         m.name, wi.name, r.level, r.tags, r.comment, r.rated_at, w.is_realname,
         w.extension_count, w.escalated_at is not null, w.handler_user_id is not distinct from v_uid,
         (select a.status from app.appeals a where a.work_order_id = w.id order by a.created_at desc limit 1),
         me.yes
  from app.work_orders w
  join app.ratings r on r.id = w.rating_id
  join app.units u on u.id = w.unit_id
  left join app.transactions t on t.id = w.transaction_id
  left join app.matters m on m.id = w.matter_id
  left join app.windows wi on wi.id = w.window_id
  cross join lateral (select app.is_rated_officer(w, v_uid) as yes) me
  where w.unit_id in (select app.my_unit_ids())
    and (p_status is null or w.status = p_status)
  order by coalesce(w.rectify_due_on, w.verify_due_on), w.opened_at;
end;
$$;
comment on function public.unit_work_orders(text) is
  'Work orders of the caller''s units (staff and unit admins), soonest due first; p_status filters. Never the rater''s identity (R13): project_no only for a real-name 差评 not about the caller; is_about_me marks the caller''s own (they may not act on it).';
revoke execute on function public.unit_work_orders(text) from public, anon;
grant execute on function public.unit_work_orders(text) to authenticated;

create or replace function public.overdue_work_orders()
returns table (
  id uuid,
  status text,
  unit_id uuid,
  unit_name text,
  region_code text,
  project_no text,
  matter_name text,
  level smallint,
  verify_due_on date,
  rectify_due_on date,
  overdue_working_days int,
  escalated_at timestamptz,
  escalation_reason text
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_today date := (now() at time zone 'Asia/Shanghai')::date;
begin
  perform app.require_user();
  if not exists (select 1 from app.my_region_codes()) then
    perform app.raise_error('forbidden');
  end if;
  return query
  select w.id, w.status, w.unit_id, u.name, w.region_code, case when w.is_realname then t.project_no end, m.name, r.level,
         w.verify_due_on, w.rectify_due_on,
         (select count(*)::int from app.calendar_range(coalesce(w.rectify_due_on, w.verify_due_on) + 1, v_today) c where c.is_workday),
         w.escalated_at, w.escalation_reason
  from app.work_orders w
  join app.units u on u.id = w.unit_id
  join app.ratings r on r.id = w.rating_id
  left join app.transactions t on t.id = w.transaction_id
  left join app.matters m on m.id = w.matter_id
  where w.region_code in (select app.my_region_codes())
    and w.escalated_at is not null
    and w.status not in ('closed', 'dismissed', 'rerouted')
  order by w.escalated_at;
end;
$$;
comment on function public.overdue_work_orders() is
  'Supervisors: escalated orders of their region (整改超期, 核实超期, rater unsatisfied, re-review asked, a unit with nobody but the rated officer), with working days overdue; project_no only for real-name 差评 (R13).';
