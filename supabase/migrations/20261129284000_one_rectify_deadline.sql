-- R10: the 整改 deadline (15 working days from today, Asia/Shanghai, per app.loop_policy) was
-- computed in three places: verify_work_order, app.reopen_work_order and app.start_rectification
-- (appeal rejected, dismissal overturned). One function now decides it and all three ask it, so a
-- change of policy or of how "today" is taken cannot reach one path and miss the others.

create function app.rectify_deadline()
returns table (due_on date, is_provisional boolean)
language sql
stable
security definer
set search_path = ''
as $$
  select d.due_on, d.is_provisional
  from public.working_deadline((now() at time zone 'Asia/Shanghai')::date, (select p.rectify_working_days from app.loop_policy p)) d;
$$;
comment on function app.rectify_deadline() is
  'R10: the last working day for 整改 of a 差评 substantiated today (loop_policy.rectify_working_days working days; provisional beyond the announced calendar).';
revoke execute on function app.rectify_deadline() from public, anon, authenticated, service_role;

create or replace function app.start_rectification(p_work_order_id uuid)
returns date
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_due record;
begin
  select d.due_on, d.is_provisional into v_due from app.rectify_deadline() d;
  update app.work_orders w
  set substantiated_at = now(), rectify_due_on = v_due.due_on, rectify_due_provisional = v_due.is_provisional
  where w.id = p_work_order_id;
  return v_due.due_on;
end;
$$;

create or replace function public.verify_work_order(p_work_order_id uuid, p_note text default null)
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
  select d.due_on, d.is_provisional into v_due from app.rectify_deadline() d;
  v_wo := app.transition_work_order(p_work_order_id, 'verify', null, v_due.due_on, jsonb_build_object('note', p_note));
  update app.work_orders w
  set verified_at = now(), substantiated_at = now(), handler_user_id = coalesce(w.handler_user_id, v_uid),
      rectify_due_on = v_due.due_on, rectify_due_provisional = v_due.is_provisional
  where w.id = p_work_order_id;
  return query select v_wo.id, v_wo.status, v_due.due_on, v_due.is_provisional;
end;
$$;

create or replace function app.reopen_work_order(p_work_order_id uuid, p_reason text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_due record;
begin
  select d.due_on, d.is_provisional into v_due from app.rectify_deadline() d;
  perform app.transition_work_order(p_work_order_id, 'reopen', p_reason, v_due.due_on);
  update app.work_orders w
  set reopen_count = w.reopen_count + 1, closed_at = null, rectified_at = null, escalated_at = now(), escalation_reason = p_reason,
      rectify_due_on = v_due.due_on, rectify_due_provisional = v_due.is_provisional
  where w.id = p_work_order_id;
end;
$$;
