-- R10 overdue escalation and R19 重点监督. escalate_overdue(p_now) is a job like the default one:
-- an order still being rectified after its due day becomes `overdue` and goes to the
-- supervisor; an order still unverified after its verification day is escalated in place
-- (verification is the unit's to do, so its state stays). Supervisors list both, and the
-- officers and windows with ≥ 3 valid 差评 in 30 days (policy settings).

create function public.escalate_overdue(p_now timestamptz default now())
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_today date := (p_now at time zone 'Asia/Shanghai')::date;
  v_id uuid;
  v_n int := 0;
begin
  for v_id in
    select w.id from app.work_orders w
    where w.status in ('rectifying', 'reopened') and w.rectify_due_on < v_today
    order by w.id
  loop
    perform app.transition_work_order(v_id, 'mark_overdue');
    update app.work_orders w set escalated_at = p_now, escalation_reason = '整改超期' where w.id = v_id;
    v_n := v_n + 1;
  end loop;
  for v_id in
    select w.id from app.work_orders w
    where w.status = 'pending_verification' and w.verify_due_on < v_today and w.escalated_at is null
    order by w.id
  loop
    update app.work_orders w set escalated_at = p_now, escalation_reason = '核实超期' where w.id = v_id;
    perform app.audit('work_order', v_id, 'escalated', w.region_code, w.status, w.status, v_id, null, null,
                      jsonb_build_object('reason', '核实超期'))
    from app.work_orders w where w.id = v_id;
    v_n := v_n + 1;
  end loop;
  return v_n;
end;
$$;
comment on function public.escalate_overdue(timestamptz) is 'R10 job: orders past their 整改 day become overdue, orders past their 核实 day are escalated; returns how many.';
revoke execute on function public.escalate_overdue(timestamptz) from public, anon, authenticated;
grant execute on function public.escalate_overdue(timestamptz) to service_role;

do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule('escalate-overdue', '5 * * * *', 'select public.escalate_overdue()');
  end if;
end;
$$;

create function public.overdue_work_orders()
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
  select w.id, w.status, w.unit_id, u.name, w.region_code, t.project_no, m.name, r.level, w.verify_due_on, w.rectify_due_on,
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
comment on function public.overdue_work_orders() is 'Supervisors: escalated orders of their region (整改超期, 核实超期, rater unsatisfied, re-review asked), with working days overdue.';

create function public.key_supervision_list()
returns table (
  object_type text,
  object_id uuid,
  object_name text,
  unit_name text,
  region_code text,
  bad_count bigint,
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
    select r.* from app.ratings r
    where r.is_bad and not r.is_default and r.assess_number = 1 and r.validity = 'valid'
      and r.rated_at >= now() - make_interval(days => v_policy.concentration_days)
      and r.region_code in (select app.my_region_codes())
  )
  select 'officer', b.staff_user_id, s.masked_name, u.name, max(b.region_code), count(*), max(b.rated_at)
  from bad b join app.users s on s.id = b.staff_user_id join app.units u on u.id = b.unit_id
  where b.staff_user_id is not null
  group by b.staff_user_id, s.masked_name, u.name
  having count(*) >= v_policy.concentration_threshold
  union all
  select 'window', b.window_id, h.name || ' ' || w.name, u.name, max(b.region_code), count(*), max(b.rated_at)
  from bad b join app.windows w on w.id = b.window_id join app.halls h on h.id = w.hall_id join app.units u on u.id = b.unit_id
  where b.window_id is not null
  group by b.window_id, h.name, w.name, u.name
  having count(*) >= v_policy.concentration_threshold
  order by 6 desc, 7 desc;
end;
$$;
create index ratings_recent_bad_idx on app.ratings (rated_at) where is_bad and not is_default and assess_number = 1;

comment on function public.key_supervision_list() is 'R19 重点监督: officers and windows of the supervisor''s region with ≥ 3 valid 差评 in the last 30 days (policy settings).';

revoke execute on function public.overdue_work_orders(), public.key_supervision_list() from public, anon;
grant execute on function public.overdue_work_orders(), public.key_supervision_list() to authenticated;
