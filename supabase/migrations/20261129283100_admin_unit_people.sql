-- 人员与角色 for a unit (issue 7): the staff and unit admins of one unit with the windows they
-- work at now, and the windows of the unit to assign them to. For whoever manages the unit's
-- staff role (app.require_role_manager: supervisors of the unit's region, the unit's own
-- admins), so that a unit admin, whom admin_staff(region) refuses, can see whom they manage.
-- Masked names only.

create function public.admin_unit_staff(p_unit_id uuid)
returns table (role_id uuid, user_id uuid, masked_name text, realname_verified boolean, role text, current_windows text[])
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform app.require_role_manager('staff', p_unit_id, null);
  return query
  select s.id, s.user_id, us.masked_name, us.realname_verified_at is not null, s.role,
         array(select w.name from app.staff_assignments a join app.windows w on w.id = a.window_id
               where a.user_id = s.user_id and a.unit_id = p_unit_id
                 and a.valid_from <= (now() at time zone 'Asia/Shanghai')::date
                 and (a.valid_to is null or a.valid_to >= (now() at time zone 'Asia/Shanghai')::date)
               order by w.name)
  from app.staff_roles s
  join app.users us on us.id = s.user_id
  where s.unit_id = p_unit_id and s.role in ('staff', 'unit_admin')
  order by s.role desc, us.masked_name, s.id;
end;
$$;
comment on function public.admin_unit_staff(uuid) is
  'Managers of the unit''s staff role: its staff and unit admins (masked names) with the windows each works at today (Asia/Shanghai).';

create function public.admin_unit_windows(p_unit_id uuid)
returns table (window_id uuid, window_name text, hall_id uuid, hall_name text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform app.require_role_manager('staff', p_unit_id, null);
  return query
  select w.id, w.name, h.id, h.name
  from app.windows w join app.halls h on h.id = w.hall_id
  where w.unit_id = p_unit_id
  order by h.name, w.name;
end;
$$;
comment on function public.admin_unit_windows(uuid) is 'Managers of the unit''s staff role: the unit''s windows (for admin_assign_window).';

revoke execute on function public.admin_unit_staff(uuid), public.admin_unit_windows(uuid) from public, anon;
grant execute on function public.admin_unit_staff(uuid), public.admin_unit_windows(uuid) to authenticated;
