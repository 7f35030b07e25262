-- R13 (issue 13): choosing the 承办人 of a 差评 never offers, nor accepts, the officer it is
-- about. The unit admin assigns someone else (work_order_handlers leaves the rated officer out;
-- assign_work_order refuses them with own_work_order). A unit admin who is the rated officer is
-- refused both (own_work_order) — a colleague then verifies it, or the supervisors assign.
--
-- Supervisors of the order's region list and assign only where the unit cannot: an order whose
-- unit has nobody but the rated officer (escalated when it opened, on the supervisors' 超期预警
-- list). A supervisor may pick an eligible person of the unit (none today, but one may have
-- joined), or a supervisor overseeing the order's region (themselves included), who then
-- handles it for the unit. Every other order stays the unit admin's to assign.

create function app.unit_has_other_handler(p_wo app.work_orders)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from app.staff_roles s
                 where s.unit_id = p_wo.unit_id and s.role in ('staff', 'unit_admin')
                   and not app.is_rated_officer(p_wo, s.user_id));
$$;
comment on function app.unit_has_other_handler(app.work_orders) is
  'R13: whether the order''s unit has a staff member or unit admin other than the officer the 差评 is about. If not, the region''s supervisors assign its handler.';
-- Asked only inside definer RPCs, which run as the owner.
revoke execute on function app.unit_has_other_handler(app.work_orders) from public, anon, authenticated, service_role;

create or replace function public.assign_work_order(p_work_order_id uuid, p_user_id uuid)
returns table (id uuid, handler_user_id uuid)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_wo app.work_orders;
  v_supervisor boolean;
begin
  select * into v_wo from app.work_orders w where w.id = p_work_order_id;
  if not found then
    perform app.raise_error('not_found', 'p_work_order_id');
  end if;
  v_supervisor := app.is_region_supervisor(v_wo.region_code) and not app.unit_has_other_handler(v_wo);
  if not v_supervisor then
    -- The unit's admin (the rated officer gets own_work_order, other staff forbidden).
    v_wo := app.require_unit_handler(p_work_order_id, true);
  elsif app.is_rated_officer(v_wo, v_uid) then
    perform app.raise_error('own_work_order', 'p_work_order_id');
  end if;
  if p_user_id is null then
    perform app.raise_error('invalid_input', 'p_user_id');
  end if;
  if app.is_rated_officer(v_wo, p_user_id) then
    perform app.raise_error('own_work_order', 'p_user_id');
  end if;
  if not exists (
       select 1 from app.staff_roles s where s.user_id = p_user_id and s.unit_id = v_wo.unit_id and s.role in ('staff', 'unit_admin'))
     and not (v_supervisor and exists (
       select 1 from app.staff_roles s
       where s.user_id = p_user_id and s.role = 'supervisor'
         and v_wo.region_code in (select app.region_and_below(s.scope_region_code)))) then
    perform app.raise_error('invalid_input', 'p_user_id');
  end if;
  update app.work_orders w set handler_user_id = p_user_id, updated_at = now() where w.id = p_work_order_id;
  perform app.audit('work_order', p_work_order_id, 'assigned', v_wo.region_code, v_wo.status, v_wo.status, p_work_order_id,
                    null, null, jsonb_build_object('handler_user_id', p_user_id));
  return query select p_work_order_id, p_user_id;
end;
$$;
comment on function public.assign_work_order(uuid, uuid) is
  'Unit admins assign the handler (承办人): the one officer who may see the masked contact for the 回访. Never the officer the 差评 is about (own_work_order). Where the unit has nobody else, supervisors of the order''s region assign instead, a supervisor of the region included.';

create or replace function public.work_order_handlers(p_work_order_id uuid)
returns table (user_id uuid, masked_name text, role text, realname_verified boolean, is_handler boolean)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_wo app.work_orders;
  v_supervisor boolean;
begin
  select * into v_wo from app.work_orders w where w.id = p_work_order_id;
  if not found then
    perform app.raise_error('not_found', 'p_work_order_id');
  end if;
  v_supervisor := app.is_region_supervisor(v_wo.region_code) and not app.unit_has_other_handler(v_wo);
  if not v_supervisor then
    v_wo := app.require_unit_handler(p_work_order_id, true);
  elsif app.is_rated_officer(v_wo, v_uid) then
    perform app.raise_error('own_work_order', 'p_work_order_id');
  end if;
  return query
  with people as (
    select s.user_id, s.role from app.staff_roles s
    where s.unit_id = v_wo.unit_id and s.role in ('staff', 'unit_admin')
    union all
    -- Supervisors overseeing the order's region: offered to supervisors only.
    select s.user_id, s.role from app.staff_roles s
    where v_supervisor and s.role = 'supervisor' and v_wo.region_code in (select app.region_and_below(s.scope_region_code))
    union all
    -- The supervisor handling it now, so that the unit admin sees who has it.
    select v_wo.handler_user_id, 'supervisor' where app.is_supervisor_handler(v_wo, v_wo.handler_user_id)
  )
  select p.user_id, u.masked_name,
         -- One row per person: a unit admin who is also staff is listed as unit admin.
         case when bool_or(p.role = 'unit_admin') then 'unit_admin' when bool_or(p.role = 'staff') then 'staff' else 'supervisor' end,
         u.realname_verified_at is not null,
         p.user_id is not distinct from v_wo.handler_user_id
  from people p
  join app.users u on u.id = p.user_id
  where not app.is_rated_officer(v_wo, p.user_id)
  group by p.user_id, u.masked_name, u.realname_verified_at
  order by 5 desc, (case when bool_or(p.role = 'unit_admin') then 2 when bool_or(p.role = 'staff') then 1 else 0 end) desc, 2, 1;
end;
$$;
comment on function public.work_order_handlers(uuid) is
  'R13: the people who may be assigned as 承办人 of a work order (masked names only), the current handler first, never the officer the 差评 is about: for the order''s unit admins the unit''s staff and admins; where the unit has nobody else, for supervisors of its region, also the region''s supervisors (role supervisor).';
revoke execute on function public.work_order_handlers(uuid) from public, anon;
grant execute on function public.work_order_handlers(uuid) to authenticated;
