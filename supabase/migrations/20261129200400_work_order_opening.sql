-- R8: every non-default 差评 opens its work order in the same statement that inserted the rating,
-- whatever inserted it (mini-program, QR, devices, hotline, imports). Defaults never do (R5), nor
-- do ratings of a fix (assess_number 2), which R12 handles on the existing order.

create function app.open_work_orders()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_policy app.loop_policy;
begin
  select * into v_policy from app.loop_policy;
  with opened as (
    insert into app.work_orders (
      rating_id, transaction_id, unit_id, region_code, window_id, staff_user_id, matter_id, channel,
      rated_day, is_realname, opened_at, verify_due_on, verify_due_provisional
    )
    select n.id, n.transaction_id, n.unit_id, u.region_code, n.window_id, n.staff_user_id, n.matter_id, n.channel,
           (n.rated_at at time zone 'Asia/Shanghai')::date,
           not n.is_anonymous and coalesce(ru.realname_verified_at is not null, false),
           n.rated_at, d.due_on, d.is_provisional
    from new_ratings n
    join app.units u on u.id = n.unit_id
    left join app.users ru on ru.id = n.rater_user_id
    cross join lateral public.working_deadline((n.rated_at at time zone 'Asia/Shanghai')::date, v_policy.verify_working_days) d
    where n.assess_number = 1 and n.is_bad and not n.is_default and n.validity = 'valid'
    returning id, region_code, verify_due_on
  )
  insert into app.audit_log (actor_user_id, actor_role, entity, entity_id, work_order_id, action, state_to, due_on, region_code)
  select auth.uid(), coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role', session_user),
         'work_order', o.id, o.id, 'opened', 'pending_verification', o.verify_due_on, o.region_code
  from opened o;
  return null;
end;
$$;
create trigger ratings_open_work_orders
  after insert on app.ratings
  referencing new table as new_ratings
  for each statement execute function app.open_work_orders();

-- Who may act on an order: staff and unit admins of its unit. Refuses everyone else with
-- forbidden (after not_found for an unknown id), so an officer of another unit learns nothing.
create function app.require_unit_handler(p_work_order_id uuid, p_unit_admin_only boolean default false)
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
  select * into v_wo from app.work_orders w where w.id = p_work_order_id;
  if not found then
    perform app.raise_error('not_found', 'p_work_order_id');
  end if;
  if not exists (
    select 1 from app.staff_roles s
    where s.user_id = v_uid and s.unit_id = v_wo.unit_id
      and (s.role = 'unit_admin' or (not p_unit_admin_only and s.role = 'staff'))
  ) then
    perform app.raise_error('forbidden', 'p_work_order_id');
  end if;
  return v_wo;
end;
$$;
revoke execute on function app.require_unit_handler(uuid, boolean) from public, anon;
grant execute on function app.require_unit_handler(uuid, boolean) to authenticated;

-- Supervisors of the order's region (its unit's region or a region above it).
create function app.is_region_supervisor(p_region_code text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select p_region_code in (select app.my_region_codes());
$$;
revoke execute on function app.is_region_supervisor(text) from public, anon;
grant execute on function app.is_region_supervisor(text) to authenticated;
