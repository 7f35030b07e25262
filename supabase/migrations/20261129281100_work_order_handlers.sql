-- Choosing the 承办人 (R13, issue 7): assign_work_order takes a user id of the order's unit, but no
-- RPC listed a unit's people to a unit admin (admin_staff is for supervisors). This lists the
-- people assign_work_order accepts for one order — staff and unit admins of its unit, masked
-- names only — with the one currently assigned marked, to the order's unit admins only (the same
-- test assign_work_order makes: not_found for an unknown order, forbidden for everyone else).

create function public.work_order_handlers(p_work_order_id uuid)
returns table (user_id uuid, masked_name text, role text, realname_verified boolean, is_handler boolean)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_wo app.work_orders := app.require_unit_handler(p_work_order_id, true);
begin
  return query
  select s.user_id, u.masked_name,
         -- One row per person: a unit admin who is also staff is listed as unit admin.
         case when bool_or(s.role = 'unit_admin') then 'unit_admin' else 'staff' end,
         u.realname_verified_at is not null,
         s.user_id is not distinct from v_wo.handler_user_id
  from app.staff_roles s
  join app.users u on u.id = s.user_id
  where s.unit_id = v_wo.unit_id and s.role in ('staff', 'unit_admin')
  group by s.user_id, u.masked_name, u.realname_verified_at
  order by 5 desc, 3 desc, 2, 1;
end;
$$;
comment on function public.work_order_handlers(uuid) is
  'R13: the people of a work order''s unit its unit admin may assign as 承办人 (masked names only), the current handler first; unit admins of that unit only.';

revoke execute on function public.work_order_handlers(uuid) from public, anon;
grant execute on function public.work_order_handlers(uuid) to authenticated;
