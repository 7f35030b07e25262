-- The unit's side of a work order (SPEC §5, R9, R10, R12, R13): list, 核实, 延期, 整改, 回复, 回访,
-- assigning the handler, and revealing the masked contact to that handler. Every action goes
-- through app.transition_work_order, so the state machine and the audit log decide and record.
-- No row returned here carries the rater's identity.

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
  appeal_status text
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
         w.unit_id, u.name, t.project_no, m.name, wi.name, r.level, r.tags, r.comment, r.rated_at, w.is_realname,
         w.extension_count, w.escalated_at is not null, w.handler_user_id is not distinct from v_uid,
         (select a.status from app.appeals a where a.work_order_id = w.id order by a.created_at desc limit 1)
  from app.work_orders w
  join app.ratings r on r.id = w.rating_id
  join app.units u on u.id = w.unit_id
  left join app.transactions t on t.id = w.transaction_id
  left join app.matters m on m.id = w.matter_id
  left join app.windows wi on wi.id = w.window_id
  where w.unit_id in (select app.my_unit_ids())
    and (p_status is null or w.status = p_status)
  order by coalesce(w.rectify_due_on, w.verify_due_on), w.opened_at;
end;
$$;
comment on function public.unit_work_orders(text) is 'Work orders of the caller''s units (staff and unit admins), soonest due first; p_status filters. Never the rater''s identity (R13).';

create function public.verify_work_order(p_work_order_id uuid, p_note text default null)
returns table (id uuid, status text, rectify_due_on date, due_is_provisional boolean)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_wo app.work_orders := app.require_unit_handler(p_work_order_id);
  v_due record;
begin
  if char_length(p_note) > 1000 then
    perform app.raise_error('invalid_input', 'p_note');
  end if;
  -- R9: 整改 is due 15 working days after the verification day.
  select d.due_on, d.is_provisional into v_due
  from public.working_deadline((now() at time zone 'Asia/Shanghai')::date, (select p.rectify_working_days from app.loop_policy p)) d;
  v_wo := app.transition_work_order(p_work_order_id, 'verify', null, v_due.due_on, jsonb_build_object('note', p_note));
  update app.work_orders w
  set verified_at = now(), substantiated_at = now(), handler_user_id = coalesce(w.handler_user_id, v_uid),
      rectify_due_on = v_due.due_on, rectify_due_provisional = v_due.is_provisional
  where w.id = p_work_order_id;
  return query select v_wo.id, v_wo.status, v_due.due_on, v_due.is_provisional;
end;
$$;
comment on function public.verify_work_order(uuid, text) is 'R9 查实: the unit confirms the 差评; 整改 is due 15 working days later. The verifier becomes the handler unless one is assigned.';

create function public.assign_work_order(p_work_order_id uuid, p_user_id uuid)
returns table (id uuid, handler_user_id uuid)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_wo app.work_orders := app.require_unit_handler(p_work_order_id, true);
begin
  if p_user_id is null or not exists (
    select 1 from app.staff_roles s where s.user_id = p_user_id and s.unit_id = v_wo.unit_id and s.role in ('staff', 'unit_admin')
  ) then
    perform app.raise_error('invalid_input', 'p_user_id');
  end if;
  update app.work_orders w set handler_user_id = p_user_id, updated_at = now() where w.id = p_work_order_id;
  perform app.audit('work_order', p_work_order_id, 'assigned', v_wo.region_code, v_wo.status, v_wo.status, p_work_order_id,
                    null, null, jsonb_build_object('handler_user_id', p_user_id));
  return query select p_work_order_id, p_user_id;
end;
$$;
comment on function public.assign_work_order(uuid, uuid) is 'Unit admins assign the handler (承办人): the one officer who may see the masked contact for the 回访.';

create function public.extend_work_order(p_work_order_id uuid, p_reason text, p_new_due_date date)
returns table (id uuid, status text, rectify_due_on date, due_is_provisional boolean)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_wo app.work_orders := app.require_unit_handler(p_work_order_id);
  v_policy app.loop_policy;
  v_provisional boolean;
begin
  select * into v_policy from app.loop_policy;
  if p_reason is null or char_length(btrim(p_reason)) not between 2 and 500 then
    perform app.raise_error('invalid_input', 'p_reason');
  end if;
  if v_wo.extension_count >= v_policy.max_extensions then
    perform app.raise_error('extension_limit');
  end if;
  if p_new_due_date is null or v_wo.rectify_due_on is null or p_new_due_date <= v_wo.rectify_due_on
     or p_new_due_date <= (now() at time zone 'Asia/Shanghai')::date
     or p_new_due_date > v_wo.rectify_due_on + v_policy.max_extension_days
     or not app.is_working_day(p_new_due_date) then
    perform app.raise_error('invalid_due_date', 'p_new_due_date');
  end if;
  select c.is_provisional into v_provisional from app.calendar_range(p_new_due_date, p_new_due_date) c;
  v_wo := app.transition_work_order(p_work_order_id, 'extend', btrim(p_reason), p_new_due_date);
  update app.work_orders w
  set rectify_due_on = p_new_due_date, rectify_due_provisional = v_provisional, extension_count = w.extension_count + 1
  where w.id = p_work_order_id;
  return query select v_wo.id, v_wo.status, p_new_due_date, v_provisional;
end;
$$;
comment on function public.extend_work_order(uuid, text, date) is 'R10 延期: reason and a later working day as the new 整改 due date (visible to the rater and supervisors).';

create function public.rectify_work_order(p_work_order_id uuid, p_measures text, p_root_cause text, p_evidence uuid[] default '{}')
returns table (id uuid, status text, rectified_on_time boolean)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_wo app.work_orders := app.require_unit_handler(p_work_order_id);
  v_evidence uuid[];
begin
  if p_measures is null or char_length(btrim(p_measures)) not between 2 and 2000 then
    perform app.raise_error('invalid_input', 'p_measures');
  end if;
  if p_root_cause is null or char_length(btrim(p_root_cause)) not between 2 and 2000 then
    perform app.raise_error('invalid_input', 'p_root_cause');
  end if;
  v_evidence := app.check_evidence(p_evidence, v_wo.unit_id);
  v_wo := app.transition_work_order(p_work_order_id, 'rectify', btrim(p_measures), null,
                                    jsonb_build_object('root_cause', btrim(p_root_cause), 'evidence', to_jsonb(v_evidence)));
  update app.work_orders w
  set rectified_at = now(), measures = btrim(p_measures), root_cause = btrim(p_root_cause), evidence = v_evidence
  where w.id = p_work_order_id;
  return query select v_wo.id, v_wo.status, (now() at time zone 'Asia/Shanghai')::date <= v_wo.rectify_due_on;
end;
$$;
comment on function public.rectify_work_order(uuid, text, text, uuid[]) is 'R10 整改: measures (shown to the rater), root cause and evidence (internal).';

create function public.reply_work_order(p_work_order_id uuid, p_reply text)
returns table (id uuid, status text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_wo app.work_orders := app.require_unit_handler(p_work_order_id);
begin
  if p_reply is null or char_length(btrim(p_reply)) not between 2 and 2000 then
    perform app.raise_error('invalid_input', 'p_reply');
  end if;
  v_wo := app.transition_work_order(p_work_order_id, 'reply', btrim(p_reply));
  update app.work_orders w set replied_at = now(), reply = btrim(p_reply) where w.id = p_work_order_id;
  -- R12: an anonymous 差评 closes with the public reply; a real-name one waits for its 回访.
  if not v_wo.is_realname then
    v_wo := app.transition_work_order(p_work_order_id, 'close');
    update app.work_orders w set closed_at = now() where w.id = p_work_order_id;
  end if;
  return query select v_wo.id, v_wo.status;
end;
$$;
comment on function public.reply_work_order(uuid, text) is 'R10 反馈: the reply to the rater (public on the 差评 board). Anonymous 差评 close here (R12).';

create function public.record_return_visit(
  p_work_order_id uuid,
  p_method text,
  p_visited_on date,
  p_satisfaction text,
  p_note text default null
)
returns table (id uuid, status text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_wo app.work_orders := app.require_unit_handler(p_work_order_id);
  v_today date := (now() at time zone 'Asia/Shanghai')::date;
begin
  if not v_wo.is_realname then
    perform app.raise_error('not_realname_rating');
  end if;
  if p_method is null or p_method not in ('phone', 'sms', 'onsite', 'online') then
    perform app.raise_error('invalid_input', 'p_method');
  end if;
  if p_visited_on is null or p_visited_on > v_today or p_visited_on < v_wo.rated_day then
    perform app.raise_error('invalid_input', 'p_visited_on');
  end if;
  if p_satisfaction is null or p_satisfaction not in ('satisfied', 'basically_satisfied', 'dissatisfied') then
    perform app.raise_error('invalid_input', 'p_satisfaction');
  end if;
  if char_length(p_note) > 1000 then
    perform app.raise_error('invalid_input', 'p_note');
  end if;
  if v_wo.status <> 'replied' then
    perform app.raise_error('invalid_transition', v_wo.status || ' -/-> return_visit');
  end if;
  update app.work_orders w
  set return_visit_method = p_method, return_visit_on = p_visited_on, return_visit_satisfaction = p_satisfaction,
      return_visit_note = nullif(btrim(p_note), ''), return_visit_recorded_at = now()
  where w.id = p_work_order_id;
  perform app.audit('work_order', p_work_order_id, 'return_visit', v_wo.region_code, v_wo.status, v_wo.status, p_work_order_id,
                    null, null, jsonb_build_object('method', p_method, 'visited_on', p_visited_on, 'satisfaction', p_satisfaction, 'note', p_note));
  -- R12: a rater unsatisfied with the fix reopens the order once and it goes to the supervisor.
  if p_satisfaction = 'dissatisfied' and v_wo.reopen_count = 0 then
    perform app.reopen_work_order(p_work_order_id, '回访不满意');
  else
    perform app.transition_work_order(p_work_order_id, 'close');
    update app.work_orders w
    set closed_at = now(),
        escalated_at = case when p_satisfaction = 'dissatisfied' then now() else w.escalated_at end,
        escalation_reason = case when p_satisfaction = 'dissatisfied' then '回访仍不满意' else w.escalation_reason end
    where w.id = p_work_order_id;
  end if;
  return query select w.id, w.status from app.work_orders w where w.id = p_work_order_id;
end;
$$;
comment on function public.record_return_visit(uuid, text, date, text, text) is
  'R12 回访 of a real-name 差评 (phone, sms, onsite, online) after the reply; closes it, or reopens it once if the rater is not satisfied.';

-- R12: reopens once, with a new 整改 due date, and escalates to the supervisor. The order counts
-- as rectified again only when it is rectified again.
create function app.reopen_work_order(p_work_order_id uuid, p_reason text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_due record;
begin
  select d.due_on, d.is_provisional into v_due
  from public.working_deadline((now() at time zone 'Asia/Shanghai')::date, (select p.rectify_working_days from app.loop_policy p)) d;
  perform app.transition_work_order(p_work_order_id, 'reopen', p_reason, v_due.due_on);
  update app.work_orders w
  set reopen_count = w.reopen_count + 1, closed_at = null, rectified_at = null, escalated_at = now(), escalation_reason = p_reason,
      rectify_due_on = v_due.due_on, rectify_due_provisional = v_due.is_provisional
  where w.id = p_work_order_id;
end;
$$;
revoke execute on function app.reopen_work_order(uuid, text) from public, anon, authenticated, service_role;

create function public.reveal_rater_contact(p_work_order_id uuid)
returns table (masked_name text, masked_phone text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_wo app.work_orders := app.require_unit_handler(p_work_order_id);
begin
  if not v_wo.is_realname then
    perform app.raise_error('not_realname_rating');
  end if;
  if v_wo.handler_user_id is distinct from v_uid then
    perform app.raise_error('forbidden', 'only the assigned handler');
  end if;
  perform app.audit('rater_contact', v_wo.rating_id, 'revealed', v_wo.region_code, null, null, p_work_order_id);
  return query
  select u.masked_name, u.masked_phone
  from app.ratings r join app.users u on u.id = r.rater_user_id
  where r.id = v_wo.rating_id;
end;
$$;
comment on function public.reveal_rater_contact(uuid) is 'R13: the masked contact (张*, 138****5678) of a real-name 差评''s rater, for its assigned handler only; every reveal is audited.';

revoke execute on function
  public.unit_work_orders(text), public.verify_work_order(uuid, text), public.assign_work_order(uuid, uuid),
  public.extend_work_order(uuid, text, date), public.rectify_work_order(uuid, text, text, uuid[]),
  public.reply_work_order(uuid, text), public.record_return_visit(uuid, text, date, text, text),
  public.reveal_rater_contact(uuid)
from public, anon;
grant execute on function
  public.unit_work_orders(text), public.verify_work_order(uuid, text), public.assign_work_order(uuid, uuid),
  public.extend_work_order(uuid, text, date), public.rectify_work_order(uuid, text, text, uuid[]),
  public.reply_work_order(uuid, text), public.record_return_visit(uuid, text, date, text, text),
  public.reveal_rater_contact(uuid)
to authenticated;
