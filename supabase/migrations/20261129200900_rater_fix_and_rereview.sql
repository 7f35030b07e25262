-- R12: the rater rates the fix (assess_number 2 on the same 办件); 不满意 (levels 1–2) reopens the
-- order once and escalates it. R11: the real-name rater of a dismissed 差评 asks once for a
-- re-review; a city-level supervisor upholds the dismissal or overturns it (the rating becomes
-- valid again and 整改 starts).

create function public.rate_rectification(p_work_order_id uuid, p_level int, p_comment text default null)
returns table (id uuid, status text, reopened boolean)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_wo app.work_orders := app.require_rater(p_work_order_id);
  v_r app.ratings;
begin
  if p_level is null or p_level not between 1 and 5 then
    perform app.raise_error('invalid_input', 'p_level');
  end if;
  if char_length(p_comment) > 500 then
    perform app.raise_error('comment_too_long', 'p_comment');
  end if;
  select * into v_wo from app.work_orders w where w.id = v_wo.id for update;
  if v_wo.fix_level is not null then
    perform app.raise_error('fix_already_rated');
  end if;
  if v_wo.status not in ('replied', 'closed') then
    perform app.raise_error('invalid_transition', v_wo.status || ' -/-> rate_fix');
  end if;
  select * into v_r from app.ratings r where r.id = v_wo.rating_id;
  if v_r.transaction_id is not null then
    insert into app.ratings (
      transaction_id, assess_number, level, comment, channel, is_anonymous, rater_user_id,
      unit_id, region_code, matter_id, hall_id, window_id, staff_user_id, platform_id
    ) values (
      v_r.transaction_id, 2, p_level, nullif(btrim(p_comment), ''), 'mobile', v_r.is_anonymous, v_r.rater_user_id,
      v_r.unit_id, v_r.region_code, v_r.matter_id, v_r.hall_id, v_r.window_id, v_r.staff_user_id, v_r.platform_id
    );
  end if;
  update app.work_orders w set fix_level = p_level, fix_rated_at = now() where w.id = v_wo.id;
  perform app.audit('work_order', v_wo.id, 'rated_fix', v_wo.region_code, v_wo.status, v_wo.status, v_wo.id,
                    nullif(btrim(p_comment), ''), null, jsonb_build_object('level', p_level));
  if p_level <= 2 then
    if v_wo.reopen_count = 0 then
      perform app.reopen_work_order(v_wo.id, '群众对整改结果不满意');
    else
      update app.work_orders w set escalated_at = now(), escalation_reason = '群众对再次整改仍不满意' where w.id = v_wo.id;
    end if;
  end if;
  return query select w.id, w.status, w.status = 'reopened' from app.work_orders w where w.id = v_wo.id;
end;
$$;
comment on function public.rate_rectification(uuid, int, text) is 'R12: the rater''s rating of the fix, once; 不满意 reopens the order once and escalates it.';

create function public.request_rereview(p_work_order_id uuid, p_reason text)
returns table (id uuid, status text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_wo app.work_orders := app.require_rater(p_work_order_id);
begin
  if p_reason is null or char_length(btrim(p_reason)) not between 2 and 500 then
    perform app.raise_error('invalid_input', 'p_reason');
  end if;
  if not v_wo.is_realname then
    perform app.raise_error('not_realname_rating');
  end if;
  select * into v_wo from app.work_orders w where w.id = v_wo.id for update;
  if v_wo.rereview_requested_at is not null then
    perform app.raise_error('rereview_used');
  end if;
  if v_wo.status <> 'dismissed' then
    perform app.raise_error('invalid_transition', v_wo.status || ' -/-> rereview');
  end if;
  update app.work_orders w set rereview_requested_at = now(), rereview_reason = btrim(p_reason), escalated_at = now(),
                               escalation_reason = '群众申请复核'
  where w.id = v_wo.id;
  perform app.audit('work_order', v_wo.id, 'rereview_requested', v_wo.region_code, v_wo.status, v_wo.status, v_wo.id, btrim(p_reason));
  return query select v_wo.id, v_wo.status;
end;
$$;
comment on function public.request_rereview(uuid, text) is 'R11: the real-name rater of a dismissed 差评 asks once for a re-review by the city.';

create function public.decide_rereview(p_work_order_id uuid, p_overturn boolean, p_note text)
returns table (id uuid, status text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_wo app.work_orders;
  v_due date;
begin
  if not exists (
    select 1 from app.staff_roles s join app.regions r on r.code = s.scope_region_code
    where s.user_id = v_uid and s.role = 'supervisor' and r.level in ('city', 'province')
  ) then
    perform app.raise_error('city_supervisor_required');
  end if;
  select * into v_wo from app.work_orders w where w.id = p_work_order_id for update;
  if not found or not app.is_region_supervisor(v_wo.region_code) then
    perform app.raise_error('not_found', 'p_work_order_id');
  end if;
  if p_overturn is null then
    perform app.raise_error('invalid_input', 'p_overturn');
  end if;
  if p_note is null or char_length(btrim(p_note)) not between 2 and 1000 then
    perform app.raise_error('invalid_input', 'p_note');
  end if;
  if v_wo.rereview_requested_at is null or v_wo.rereview_decided_at is not null then
    perform app.raise_error('invalid_transition', 'no re-review pending');
  end if;
  update app.work_orders w set rereview_decided_at = now() where w.id = v_wo.id;
  if p_overturn then
    update app.ratings r set validity = 'valid' where r.id = v_wo.rating_id;
    v_due := app.start_rectification(v_wo.id);
    v_wo := app.transition_work_order(v_wo.id, 'overturn_dismissal', btrim(p_note), v_due, jsonb_build_object('overturned', true));
  else
    perform app.audit('work_order', v_wo.id, 'rereview_decided', v_wo.region_code, v_wo.status, v_wo.status, v_wo.id,
                      btrim(p_note), null, jsonb_build_object('overturned', false));
  end if;
  return query select v_wo.id, v_wo.status;
end;
$$;
comment on function public.decide_rereview(uuid, boolean, text) is 'R11: a city-level supervisor upholds a dismissal or overturns it (rating valid again, 整改 due in 15 working days).';

revoke execute on function
  public.rate_rectification(uuid, int, text), public.request_rereview(uuid, text), public.decide_rereview(uuid, boolean, text)
from public, anon;
grant execute on function
  public.rate_rectification(uuid, int, text), public.request_rereview(uuid, text), public.decide_rereview(uuid, boolean, text)
to authenticated;
