-- Administration of people (issue 7): staff roles and window assignments, and the 事项 of a
-- unit. Supervisors act within the regions they oversee; a unit admin may grant and revoke the
-- staff role of their own unit only. No one revokes their own supervisor role (no lock-out).

-- May the caller manage `p_role` for `p_unit_id` / `p_scope`? Raises forbidden otherwise.
create function app.require_role_manager(p_role text, p_unit_id uuid, p_scope text)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_unit_region text := (select u.region_code from app.units u where u.id = p_unit_id);
begin
  if p_role in ('staff', 'unit_admin') then
    if v_unit_region is null then
      perform app.raise_error('not_found', 'p_unit_id');
    end if;
    if app.is_region_supervisor(v_unit_region) then
      return;
    end if;
    if p_role = 'staff' and exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.role = 'unit_admin' and s.unit_id = p_unit_id) then
      return;
    end if;
  elsif p_role = 'supervisor' then
    if p_scope is not null and app.is_region_supervisor(p_scope) then
      return;
    end if;
  end if;
  perform app.raise_error('forbidden');
end;
$$;
revoke execute on function app.require_role_manager(text, uuid, text) from public, anon;
grant execute on function app.require_role_manager(text, uuid, text) to authenticated;

create function public.admin_staff(p_region_code text)
returns table (role_id uuid, user_id uuid, masked_name text, realname_verified boolean, role text, unit_id uuid, unit_name text, scope_region_code text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform app.require_region_supervisor(p_region_code);
  return query
  select s.id, s.user_id, us.masked_name, us.realname_verified_at is not null, s.role, s.unit_id, u.name, s.scope_region_code
  from app.staff_roles s
  join app.users us on us.id = s.user_id
  left join app.units u on u.id = s.unit_id
  where coalesce(u.region_code, s.scope_region_code) in (select app.region_and_below(p_region_code))
  order by coalesce(u.region_code, s.scope_region_code), u.name nulls first, s.role, us.masked_name;
end;
$$;
comment on function public.admin_staff(text) is 'Supervisors: staff, unit admins and supervisors of a region (masked names only).';

create function public.admin_grant_role(p_user_id uuid, p_role text, p_unit_id uuid default null, p_scope_region_code text default null)
returns table (role_id uuid)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  if p_role is null or p_role not in ('staff', 'unit_admin', 'supervisor') then
    perform app.raise_error('invalid_input', 'p_role');
  end if;
  if (p_role = 'supervisor') <> (p_unit_id is null) or (p_role = 'supervisor') <> (p_scope_region_code is not null) then
    perform app.raise_error('invalid_input', 'p_unit_id/p_scope_region_code');
  end if;
  perform app.require_role_manager(p_role, p_unit_id, p_scope_region_code);
  if p_user_id is null or not exists (select 1 from app.users u where u.id = p_user_id) then
    perform app.raise_error('not_found', 'p_user_id');
  end if;
  insert into app.staff_roles (user_id, role, unit_id, scope_region_code)
  values (p_user_id, p_role, p_unit_id, p_scope_region_code)
  on conflict (user_id, role, unit_id, scope_region_code) do nothing
  returning app.staff_roles.id into v_id;
  if v_id is null then
    select s.id into v_id from app.staff_roles s
    where s.user_id = p_user_id and s.role = p_role and s.unit_id is not distinct from p_unit_id
      and s.scope_region_code is not distinct from p_scope_region_code;
  else
    perform app.audit('admin', v_id, 'role_granted',
                      coalesce((select u.region_code from app.units u where u.id = p_unit_id), p_scope_region_code),
                      null, p_role, null, null, null, jsonb_build_object('user_id', p_user_id, 'unit_id', p_unit_id, 'scope', p_scope_region_code));
  end if;
  return query select v_id;
end;
$$;
comment on function public.admin_grant_role(uuid, text, uuid, text) is 'Grant staff / unit_admin (of a unit) or supervisor (of a region); idempotent.';

create function public.admin_revoke_role(p_role_id uuid)
returns table (role_id uuid)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_r app.staff_roles;
begin
  select * into v_r from app.staff_roles s where s.id = p_role_id;
  if not found then
    perform app.raise_error('not_found', 'p_role_id');
  end if;
  perform app.require_role_manager(v_r.role, v_r.unit_id, v_r.scope_region_code);
  if v_r.user_id = auth.uid() and v_r.role = 'supervisor' then
    perform app.raise_error('invalid_input', 'own supervisor role');
  end if;
  delete from app.staff_roles s where s.id = p_role_id;
  perform app.audit('admin', p_role_id, 'role_revoked',
                    coalesce((select u.region_code from app.units u where u.id = v_r.unit_id), v_r.scope_region_code),
                    v_r.role, null, null, null, null, jsonb_build_object('user_id', v_r.user_id, 'unit_id', v_r.unit_id, 'scope', v_r.scope_region_code));
  return query select p_role_id;
end;
$$;

create function public.admin_assign_window(p_user_id uuid, p_window_id uuid, p_valid_from date, p_valid_to date default null)
returns table (assignment_id uuid)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_w app.windows;
  v_id uuid;
begin
  select * into v_w from app.windows w where w.id = p_window_id;
  if not found then
    perform app.raise_error('not_found', 'p_window_id');
  end if;
  perform app.require_role_manager('staff', v_w.unit_id, null);
  if not exists (select 1 from app.staff_roles s where s.user_id = p_user_id and s.unit_id = v_w.unit_id and s.role in ('staff', 'unit_admin')) then
    perform app.raise_error('invalid_input', 'p_user_id');
  end if;
  if p_valid_from is null or (p_valid_to is not null and p_valid_to < p_valid_from) then
    perform app.raise_error('invalid_input', 'p_valid_from/p_valid_to');
  end if;
  insert into app.staff_assignments (user_id, unit_id, window_id, valid_from, valid_to)
  values (p_user_id, v_w.unit_id, p_window_id, p_valid_from, p_valid_to)
  returning app.staff_assignments.id into v_id;
  perform app.audit('admin', v_id, 'window_assigned', (select u.region_code from app.units u where u.id = v_w.unit_id),
                    null, null, null, null, null, jsonb_build_object('user_id', p_user_id, 'window_id', p_window_id, 'from', p_valid_from, 'to', p_valid_to));
  return query select v_id;
end;
$$;

create function public.admin_save_matter(
  p_id uuid, p_unit_id uuid, p_code text, p_name text, p_promised_working_days int default null,
  p_rating_channels text[] default '{mobile,qrcode,hall_pad}'
)
returns table (id uuid)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_region text := (select u.region_code from app.units u where u.id = p_unit_id);
  v_id uuid;
begin
  if v_region is null then
    perform app.raise_error('not_found', 'p_unit_id');
  end if;
  perform app.require_region_supervisor(v_region);
  if p_code is null or p_code !~ '^[0-9A-Za-z-]{4,40}$' then
    perform app.raise_error('invalid_input', 'p_code');
  end if;
  if p_name is null or char_length(btrim(p_name)) not between 2 and 100 then
    perform app.raise_error('invalid_input', 'p_name');
  end if;
  if p_promised_working_days is not null and p_promised_working_days not between 0 and 365 then
    perform app.raise_error('invalid_input', 'p_promised_working_days');
  end if;
  if p_rating_channels is null or cardinality(p_rating_channels) = 0 or exists (
    select 1 from unnest(p_rating_channels) c where c is null or c not in ('pc', 'mobile', 'qrcode', 'hall_pad', 'hall_terminal', 'phone', 'sms')) then
    perform app.raise_error('invalid_input', 'p_rating_channels');
  end if;
  if exists (select 1 from app.matters m where m.code = p_code and m.id is distinct from p_id) then
    perform app.raise_error('invalid_input', 'duplicate');
  end if;
  if p_id is null then
    insert into app.matters (code, name, unit_id, rating_channels, promised_working_days)
    values (p_code, btrim(p_name), p_unit_id, p_rating_channels, p_promised_working_days) returning app.matters.id into v_id;
  else
    update app.matters m set code = p_code, name = btrim(p_name), rating_channels = p_rating_channels, promised_working_days = p_promised_working_days
    where m.id = p_id and m.unit_id = p_unit_id returning m.id into v_id;
    if v_id is null then
      perform app.raise_error('not_found', 'p_id');
    end if;
  end if;
  perform app.audit('admin', v_id, 'matter_saved', v_region, null, null, null, null, null,
                    jsonb_build_object('code', p_code, 'name', btrim(p_name), 'channels', p_rating_channels));
  return query select v_id;
end;
$$;
comment on function public.admin_save_matter(uuid, uuid, text, text, int, text[]) is 'Supervisors: create or edit a 事项 of a unit in their region (办事指南 fields that matter for rating).';

revoke execute on function
  public.admin_staff(text), public.admin_grant_role(uuid, text, uuid, text), public.admin_revoke_role(uuid),
  public.admin_assign_window(uuid, uuid, date, date), public.admin_save_matter(uuid, uuid, text, text, int, text[])
from public, anon;
grant execute on function
  public.admin_staff(text), public.admin_grant_role(uuid, text, uuid, text), public.admin_revoke_role(uuid),
  public.admin_assign_window(uuid, uuid, date, date), public.admin_save_matter(uuid, uuid, text, text, int, text[])
to authenticated;
