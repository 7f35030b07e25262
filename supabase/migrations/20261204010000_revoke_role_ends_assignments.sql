-- Revoking a person's last staff or unit-admin role in a unit also ends their window assignments
-- in that unit: a unit admin who takes someone off the unit expects them off its windows too
-- (before, the assignment stayed current, so the person still counted as that window's officer
-- and 人员与角色 kept listing the window).
--   * an assignment that began before today ends yesterday (Asia/Shanghai; valid_to is inclusive),
--     so the history of who worked where stays;
--   * one that begins today or later never took effect before the revocation and is removed.
-- Each ended or removed assignment is audited (window_unassigned). A person who keeps another
-- role in the unit (staff and unit_admin both) keeps their windows.

create or replace function public.admin_revoke_role(p_role_id uuid)
returns table (role_id uuid)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_r app.staff_roles;
  v_region text;
  v_today date := (now() at time zone 'Asia/Shanghai')::date;
  v_a app.staff_assignments;
begin
  select * into v_r from app.staff_roles s where s.id = p_role_id;
  if not found then
    perform app.raise_error('not_found', 'p_role_id');
  end if;
  perform app.require_role_manager(v_r.role, v_r.unit_id, v_r.scope_region_code);
  if v_r.user_id = auth.uid() and v_r.role = 'supervisor' then
    perform app.raise_error('invalid_input', 'own supervisor role');
  end if;
  v_region := coalesce((select u.region_code from app.units u where u.id = v_r.unit_id), v_r.scope_region_code);
  delete from app.staff_roles s where s.id = p_role_id;
  perform app.audit('admin', p_role_id, 'role_revoked', v_region,
                    v_r.role, null, null, null, null, jsonb_build_object('user_id', v_r.user_id, 'unit_id', v_r.unit_id, 'scope', v_r.scope_region_code));

  if v_r.unit_id is not null and not exists (
    select 1 from app.staff_roles s
    where s.user_id = v_r.user_id and s.unit_id = v_r.unit_id and s.role in ('staff', 'unit_admin')) then
    for v_a in
      select * from app.staff_assignments a
      where a.user_id = v_r.user_id and a.unit_id = v_r.unit_id and (a.valid_to is null or a.valid_to >= v_today)
      order by a.valid_from, a.id
    loop
      if v_a.valid_from < v_today then
        update app.staff_assignments a set valid_to = v_today - 1 where a.id = v_a.id;
      else
        delete from app.staff_assignments a where a.id = v_a.id;
      end if;
      perform app.audit('admin', v_a.id, 'window_unassigned', v_region, null, null, null, null, null,
                        jsonb_build_object('user_id', v_a.user_id, 'window_id', v_a.window_id, 'from', v_a.valid_from,
                                           'to', v_a.valid_to, 'ended_on', case when v_a.valid_from < v_today then v_today - 1 end,
                                           'because', 'role_revoked', 'role_id', p_role_id));
    end loop;
  end if;
  return query select p_role_id;
end;
$$;
comment on function public.admin_revoke_role(uuid) is
  'Revoke one role grant (staff / unit_admin of a unit, supervisor of a region) by its id, by whoever may grant it (app.require_role_manager), never a supervisor''s own supervisor role; audited (role_revoked). The person''s last staff/unit_admin role in a unit also ends their window assignments there (begun: ends yesterday, Asia/Shanghai; not begun: removed; each audited window_unassigned). Unknown id: not_found.';
