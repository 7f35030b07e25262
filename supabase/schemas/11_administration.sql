-- Administration: units, halls, windows, matters and people managed by unit admins and
-- supervisors (granting and revoking roles, assigning windows, finding a user), with their scope
-- checks and the lookup flags that stop sweeps.

-- Function bodies are checked when they run: a body may use what a later file defines.
set check_function_bodies = off;

create or replace function app.require_region_supervisor (
  p_region_code text
)
  returns uuid
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
begin
  if p_region_code is null or not exists (select 1 from app.regions r where r.code = p_region_code) then
    perform app.raise_error('not_found', 'p_region_code');
  end if;
  if not app.is_region_supervisor(p_region_code) then
    perform app.raise_error('forbidden', 'p_region_code');
  end if;
  return v_uid;
end;
$function$;
revoke all on function app.require_region_supervisor(text) from public;
grant execute on function app.require_region_supervisor(text) to authenticated;

create or replace function public.admin_save_unit (
  p_id          uuid,
  p_region_code text,
  p_name        text,
  p_credit_code text default null::text
)
  returns table (
    id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
#variable_conflict use_column
declare
  v_id uuid;
begin
  perform app.require_region_supervisor(p_region_code);
  if p_name is null or char_length(app.trim_ws(p_name)) not between 2 and 100 then
    perform app.raise_error('invalid_input', 'p_name');
  end if;
  if p_credit_code is not null and p_credit_code !~ '^[0-9A-HJ-NPQRTUWXY]{18}$' then
    perform app.raise_error('invalid_input', 'p_credit_code');
  end if;
  if exists (select 1 from app.units u where u.region_code = p_region_code and u.name = app.trim_ws(p_name) and u.id is distinct from p_id)
     or exists (select 1 from app.units u where u.credit_code = p_credit_code and u.id is distinct from p_id) then
    perform app.raise_error('invalid_input', 'duplicate');
  end if;
  if p_id is null then
    insert into app.units (region_code, name, credit_code) values (p_region_code, app.trim_ws(p_name), p_credit_code) returning app.units.id into v_id;
  else
    update app.units u set name = app.trim_ws(p_name), credit_code = p_credit_code
    where u.id = p_id and u.region_code = p_region_code returning u.id into v_id;
    if v_id is null then
      perform app.raise_error('not_found', 'p_id');
    end if;
  end if;
  perform app.audit('admin', v_id, 'unit_saved', p_region_code, null, null, null, null, null,
                    jsonb_build_object('name', app.trim_ws(p_name), 'credit_code', p_credit_code));
  return query select v_id;
end;
$function$;
comment on function public.admin_save_unit(uuid, text, text, text) is 'Supervisors: create (p_id null) or rename a unit of their region.';
revoke all on function public.admin_save_unit(uuid, text, text, text) from public;
grant execute on function public.admin_save_unit(uuid, text, text, text) to authenticated, service_role;

create or replace function public.admin_save_hall (
  p_id          uuid,
  p_region_code text,
  p_name        text,
  p_kind        text,
  p_address     text default null::text
)
  returns table (
    id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_id uuid;
begin
  perform app.require_region_supervisor(p_region_code);
  if p_name is null or char_length(app.trim_ws(p_name)) not between 2 and 100 then
    perform app.raise_error('invalid_input', 'p_name');
  end if;
  if p_kind is null or p_kind not in ('center', 'hall', 'station') then
    perform app.raise_error('invalid_input', 'p_kind');
  end if;
  if char_length(app.trim_ws(p_address)) > 200 then
    perform app.raise_error('invalid_input', 'p_address');
  end if;
  if exists (select 1 from app.halls h where h.region_code = p_region_code and h.name = app.trim_ws(p_name) and h.id is distinct from p_id) then
    perform app.raise_error('invalid_input', 'duplicate');
  end if;
  if p_id is null then
    insert into app.halls (region_code, name, kind, address) values (p_region_code, app.trim_ws(p_name), p_kind, p_address) returning app.halls.id into v_id;
  else
    update app.halls h set name = app.trim_ws(p_name), kind = p_kind, address = p_address
    where h.id = p_id and h.region_code = p_region_code returning h.id into v_id;
    if v_id is null then
      perform app.raise_error('not_found', 'p_id');
    end if;
  end if;
  perform app.audit('admin', v_id, 'hall_saved', p_region_code, null, null, null, null, null,
                    jsonb_build_object('name', app.trim_ws(p_name), 'kind', p_kind, 'address', p_address));
  return query select v_id;
end;
$function$;
revoke all on function public.admin_save_hall(uuid, text, text, text, text) from public;
grant execute on function public.admin_save_hall(uuid, text, text, text, text) to authenticated, service_role;

create or replace function public.admin_save_window (
  p_id      uuid,
  p_hall_id uuid,
  p_unit_id uuid,
  p_name    text
)
  returns table (
    id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_region text := (select h.region_code from app.halls h where h.id = p_hall_id);
  v_id uuid;
begin
  if v_region is null then
    perform app.raise_error('not_found', 'p_hall_id');
  end if;
  perform app.require_region_supervisor(v_region);
  if not exists (select 1 from app.units u where u.id = p_unit_id and app.is_region_supervisor(u.region_code)) then
    perform app.raise_error('not_found', 'p_unit_id');
  end if;
  if p_name is null or char_length(app.trim_ws(p_name)) not between 1 and 60 then
    perform app.raise_error('invalid_input', 'p_name');
  end if;
  if exists (select 1 from app.windows w where w.hall_id = p_hall_id and w.name = app.trim_ws(p_name) and w.id is distinct from p_id) then
    perform app.raise_error('invalid_input', 'duplicate');
  end if;
  if p_id is null then
    insert into app.windows (hall_id, unit_id, name) values (p_hall_id, p_unit_id, app.trim_ws(p_name)) returning app.windows.id into v_id;
  else
    update app.windows w set unit_id = p_unit_id, name = app.trim_ws(p_name)
    where w.id = p_id and w.hall_id = p_hall_id returning w.id into v_id;
    if v_id is null then
      perform app.raise_error('not_found', 'p_id');
    end if;
  end if;
  perform app.audit('admin', v_id, 'window_saved', v_region, null, null, null, null, null,
                    jsonb_build_object('hall_id', p_hall_id, 'unit_id', p_unit_id, 'name', app.trim_ws(p_name)));
  return query select v_id;
end;
$function$;
revoke all on function public.admin_save_window(uuid, uuid, uuid, text) from public;
grant execute on function public.admin_save_window(uuid, uuid, uuid, text) to authenticated, service_role;

create or replace function public.window_qr_codes (
  p_hall_id uuid
)
  returns table (
    window_id   uuid,
    window_name text,
    unit_name   text,
    hall_name   text,
    page        text,
    scene       text,
    h5_path     text
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_region text := (select h.region_code from app.halls h where h.id = p_hall_id);
begin
  if v_region is null then
    perform app.raise_error('not_found', 'p_hall_id');
  end if;
  perform app.require_region_supervisor(v_region);
  return query
  select w.id, w.name, u.name, h.name, 'pages/scan/index', 'w=' || w.id::text, '/pages/scan/index?w=' || w.id::text
  from app.windows w join app.halls h on h.id = w.hall_id join app.units u on u.id = w.unit_id
  where w.hall_id = p_hall_id
  order by w.name;
end;
$function$;
comment on function public.window_qr_codes(uuid) is 'Supervisors: the QR contents of every window of a hall (一次一评 by scanning, R3).';
revoke all on function public.window_qr_codes(uuid) from public;
grant execute on function public.window_qr_codes(uuid) to authenticated, service_role;

create or replace function app.require_role_manager (
  p_role    text,
  p_unit_id uuid,
  p_scope   text
)
  returns void
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
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
$function$;
revoke all on function app.require_role_manager(text, uuid, text) from public;
grant execute on function app.require_role_manager(text, uuid, text) to authenticated;

create or replace function public.admin_staff (
  p_region_code text
)
  returns table (
    role_id           uuid,
    user_id           uuid,
    masked_name       text,
    realname_verified boolean,
    role              text,
    unit_id           uuid,
    unit_name         text,
    scope_region_code text
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
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
$function$;
comment on function public.admin_staff(text) is 'Supervisors: staff, unit admins and supervisors of a region (masked names only).';
revoke all on function public.admin_staff(text) from public;
grant execute on function public.admin_staff(text) to authenticated, service_role;

create or replace function public.admin_grant_role (
  p_user_id           uuid,
  p_role              text,
  p_unit_id           uuid default null::uuid,
  p_scope_region_code text default null::text
)
  returns table (
    role_id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
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
$function$;
comment on function public.admin_grant_role(uuid, text, uuid, text) is 'Grant staff / unit_admin (of a unit) or supervisor (of a region); idempotent.';
revoke all on function public.admin_grant_role(uuid, text, uuid, text) from public;
grant execute on function public.admin_grant_role(uuid, text, uuid, text) to authenticated, service_role;

create or replace function public.admin_revoke_role (
  p_role_id uuid
)
  returns table (
    role_id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
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
$function$;
comment on function public.admin_revoke_role(uuid) is 'Revoke one role grant (staff / unit_admin of a unit, supervisor of a region) by its id, by whoever may grant it (app.require_role_manager), never a supervisor''s own supervisor role; audited (role_revoked). The person''s last staff/unit_admin role in a unit also ends their window assignments there (begun: ends yesterday, Asia/Shanghai; not begun: removed; each audited window_unassigned). Unknown id: not_found.';
revoke all on function public.admin_revoke_role(uuid) from public;
grant execute on function public.admin_revoke_role(uuid) to authenticated, service_role;

create or replace function public.admin_assign_window (
  p_user_id    uuid,
  p_window_id  uuid,
  p_valid_from date,
  p_valid_to   date default null::date
)
  returns table (
    assignment_id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
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
  if p_valid_from is null or (p_valid_to is not null and p_valid_to < p_valid_from)
     or p_valid_from not between date '1900-01-01' and date '9999-12-31'
     or (p_valid_to is not null and p_valid_to not between date '1900-01-01' and date '9999-12-31') then
    perform app.raise_error('invalid_input', 'p_valid_from/p_valid_to');
  end if;
  insert into app.staff_assignments (user_id, unit_id, window_id, valid_from, valid_to)
  values (p_user_id, v_w.unit_id, p_window_id, p_valid_from, p_valid_to)
  returning app.staff_assignments.id into v_id;
  perform app.audit('admin', v_id, 'window_assigned', (select u.region_code from app.units u where u.id = v_w.unit_id),
                    null, null, null, null, null, jsonb_build_object('user_id', p_user_id, 'window_id', p_window_id, 'from', p_valid_from, 'to', p_valid_to));
  return query select v_id;
end;
$function$;
revoke all on function public.admin_assign_window(uuid, uuid, date, date) from public;
grant execute on function public.admin_assign_window(uuid, uuid, date, date) to authenticated, service_role;

create or replace function public.admin_save_matter (
  p_id                    uuid,
  p_unit_id               uuid,
  p_code                  text,
  p_name                  text,
  p_promised_working_days integer default null::integer,
  p_rating_channels       text[]  default '{mobile,qrcode,hall_pad}'::text[]
)
  returns table (
    id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
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
  if p_name is null or char_length(app.trim_ws(p_name)) not between 2 and 100 then
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
    values (p_code, app.trim_ws(p_name), p_unit_id, p_rating_channels, p_promised_working_days) returning app.matters.id into v_id;
  else
    update app.matters m set code = p_code, name = app.trim_ws(p_name), rating_channels = p_rating_channels, promised_working_days = p_promised_working_days
    where m.id = p_id and m.unit_id = p_unit_id returning m.id into v_id;
    if v_id is null then
      perform app.raise_error('not_found', 'p_id');
    end if;
  end if;
  perform app.audit('admin', v_id, 'matter_saved', v_region, null, null, null, null, null,
                    jsonb_build_object('code', p_code, 'name', app.trim_ws(p_name), 'channels', p_rating_channels));
  return query select v_id;
end;
$function$;
comment on function public.admin_save_matter(uuid, uuid, text, text, integer, text[]) is 'Supervisors: create or edit a 事项 of a unit in their region (办事指南 fields that matter for rating).';
revoke all on function public.admin_save_matter(uuid, uuid, text, text, integer, text[]) from public;
grant execute on function public.admin_save_matter(uuid, uuid, text, text, integer, text[]) to authenticated, service_role;

create or replace function public.admin_halls (
  p_region_code text
)
  returns table (
    id           uuid,
    region_code  text,
    name         text,
    kind         text,
    address      text,
    window_count integer
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  perform app.require_region_supervisor(p_region_code);
  return query
  select h.id, h.region_code, h.name, h.kind, h.address,
         (select count(*)::int from app.windows w where w.hall_id = h.id)
  from app.halls h
  where h.region_code = p_region_code
  order by h.name;
end;
$function$;
comment on function public.admin_halls(text) is 'Supervisors: the halls (center 政务服务中心, hall 部门大厅, station 便民服务站) of one region they oversee, with their window counts.';
revoke all on function public.admin_halls(text) from public;
grant execute on function public.admin_halls(text) to authenticated, service_role;

create or replace function public.admin_windows (
  p_region_code text
)
  returns table (
    id        uuid,
    hall_id   uuid,
    hall_name text,
    unit_id   uuid,
    unit_name text,
    name      text
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  perform app.require_region_supervisor(p_region_code);
  return query
  select w.id, h.id, h.name, u.id, u.name, w.name
  from app.windows w
  join app.halls h on h.id = w.hall_id
  join app.units u on u.id = w.unit_id
  where h.region_code = p_region_code
  order by h.name, w.name;
end;
$function$;
comment on function public.admin_windows(text) is 'Supervisors: the windows of the halls of one region they oversee, each with its hall and unit.';
revoke all on function public.admin_windows(text) from public;
grant execute on function public.admin_windows(text) to authenticated, service_role;

create or replace function public.admin_matters (
  p_unit_id uuid
)
  returns table (
    id                    uuid,
    unit_id               uuid,
    code                  text,
    name                  text,
    handling_channels     text[],
    rating_channels       text[],
    promised_working_days integer
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_region text := (select u.region_code from app.units u where u.id = p_unit_id);
begin
  if v_region is null then
    perform app.raise_error('not_found', 'p_unit_id');
  end if;
  perform app.require_region_supervisor(v_region);
  return query
  select m.id, m.unit_id, m.code, m.name, m.handling_channels, m.rating_channels, m.promised_working_days
  from app.matters m
  where m.unit_id = p_unit_id
  order by m.code;
end;
$function$;
comment on function public.admin_matters(uuid) is 'Supervisors: the 事项 of a unit in a region they oversee (code, name, channels, 承诺时限 in working days).';
revoke all on function public.admin_matters(uuid) from public;
grant execute on function public.admin_matters(uuid) to authenticated, service_role;

create or replace function public.admin_find_user (
  p_identifier        text,
  p_unit_id           uuid default null::uuid,
  p_scope_region_code text default null::text,
  p_id_number         text default null::text
)
  returns table (
    user_id           uuid,
    masked_name       text,
    realname_verified boolean
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_region text;
  v_supervisor boolean;
  v_value text;
  v_id_number text;
  v_kind text;
  v_ids uuid[];
  v_misses int;
begin
  if (p_unit_id is null) = (p_scope_region_code is null) then
    perform app.raise_error('invalid_input', 'p_unit_id/p_scope_region_code');
  end if;
  if p_unit_id is not null then
    perform app.require_role_manager('staff', p_unit_id, null);
    v_region := (select u.region_code from app.units u where u.id = p_unit_id);
  else
    perform app.require_role_manager('supervisor', null, p_scope_region_code);
    v_region := p_scope_region_code;
  end if;
  -- Who may look up by phone alone: a supervisor of the region (a unit's own admin may not).
  v_supervisor := app.is_region_supervisor(v_region);

  if char_length(coalesce(p_identifier, '')) > 64 then
    perform app.raise_error('invalid_input', 'p_identifier');
  end if;
  v_value := upper(regexp_replace(coalesce(p_identifier, ''), '[\s-]', '', 'g'));
  if v_value ~ '^(\+?86)?1[3-9]\d{9}$' then
    v_kind := 'phone';
  elsif v_value ~ '^\d{17}[\dX]$' then
    v_kind := 'id_number';
  else
    perform app.raise_error('invalid_input', 'p_identifier');
  end if;
  if p_id_number is not null then
    if char_length(p_id_number) > 64 then
      perform app.raise_error('invalid_input', 'p_id_number');
    end if;
    v_id_number := upper(regexp_replace(p_id_number, '[\s-]', '', 'g'));
    -- Only beside a phone: the ID number that must go with it.
    if v_kind <> 'phone' or v_id_number !~ '^\d{17}[\dX]$' then
      perform app.raise_error('invalid_input', 'p_id_number');
    end if;
    v_kind := 'phone+id_number';
  end if;
  if v_kind = 'phone' and not v_supervisor then
    perform app.raise_error('lookup_needs_id_number', 'p_id_number');
  end if;

  perform pg_advisory_xact_lock(hashtextextended('admin_find_user:' || v_uid::text, 0));
  if exists (select 1 from app.audit_log a
             where a.actor_user_id = v_uid and a.action = 'lookup_sweep_flagged' and a.at > now() - interval '24 hours') then
    perform app.raise_error('lookup_locked', '24 hours after a sweep was flagged');
  end if;
  if (select count(*) from app.audit_log a
      where a.actor_user_id = v_uid and a.action = 'user_lookup' and a.at > now() - interval '24 hours') >= 100 then
    perform app.raise_error('lookup_daily_limit', '100 in 24 hours');
  end if;
  if (select count(*) from app.audit_log a
      where a.actor_user_id = v_uid and a.action = 'user_lookup' and a.at > now() - interval '10 minutes') >= 30 then
    perform app.raise_error('lookup_rate_limited', '30 in 10 minutes');
  end if;

  if v_kind = 'phone' then
    select array_agg(distinct coalesce(u.merged_into, u.id)) into v_ids
    from app.user_identities i join app.users u on u.id = i.user_id
    where i.phone_bidx = app.pii_blind_index('phone', v_value);
  elsif v_kind = 'phone+id_number' then
    select array_agg(distinct coalesce(u.merged_into, u.id)) into v_ids
    from app.user_identities i join app.users u on u.id = i.user_id
    where i.phone_bidx = app.pii_blind_index('phone', v_value)
      and i.id_number_bidx = app.pii_blind_index('id_number', v_id_number);
  else
    select array_agg(distinct coalesce(u.merged_into, u.id)) into v_ids
    from app.user_identities i join app.users u on u.id = i.user_id
    where i.id_number_bidx = app.pii_blind_index('id_number', v_value);
  end if;
  v_ids := coalesce(v_ids, '{}');

  perform app.audit('admin', v_uid, 'user_lookup', v_region, null, null, null, null, null,
                    jsonb_build_object('kind', v_kind, 'found', cardinality(v_ids), 'user_ids', to_jsonb(v_ids),
                                       'unit_id', p_unit_id, 'scope', p_scope_region_code));

  if cardinality(v_ids) = 0 then
    select count(*) into v_misses from app.audit_log a
    where a.actor_user_id = v_uid and a.action = 'user_lookup' and a.at > now() - interval '24 hours'
      and (a.detail ->> 'found') = '0';
    if v_misses >= 10 then
      perform app.audit('admin', v_uid, 'lookup_sweep_flagged', v_region, null, 'locked', null, null, null,
                        jsonb_build_object('misses_24h', v_misses, 'kind', v_kind, 'unit_id', p_unit_id,
                                           'scope', p_scope_region_code, 'locked_until', now() + interval '24 hours'));
    end if;
  end if;

  return query
  select u.id, u.masked_name, u.realname_verified_at is not null
  from app.users u
  where u.id = any (v_ids)
  order by u.masked_name, u.id
  limit 10;
end;
$function$;
comment on function public.admin_find_user(text, uuid, text, text) is 'Role managers: the person with this mobile number or ID number (blind-index match), as user id, masked name and realname_verified, for granting a role in p_unit_id or p_scope_region_code (exactly one). Phone alone: supervisors of the region only; a unit admin gives the ID number, alone or as p_id_number beside the phone (both must match). Audited (user_lookup, without the value); at most 30 per 10 minutes and 100 per 24 hours per caller; 10 misses in 24 hours flag a sweep (lookup_sweep_flagged) and lock the caller out for 24 hours.';
revoke all on function public.admin_find_user(text, uuid, text, text) from public;
grant execute on function public.admin_find_user(text, uuid, text, text) to authenticated, service_role;

create or replace function public.admin_unit_staff (
  p_unit_id uuid
)
  returns table (
    role_id           uuid,
    user_id           uuid,
    masked_name       text,
    realname_verified boolean,
    role              text,
    current_windows   text[]
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
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
$function$;
comment on function public.admin_unit_staff(uuid) is 'Managers of the unit''s staff role: its staff and unit admins (masked names) with the windows each works at today (Asia/Shanghai).';
revoke all on function public.admin_unit_staff(uuid) from public;
grant execute on function public.admin_unit_staff(uuid) to authenticated, service_role;

create or replace function public.admin_unit_windows (
  p_unit_id uuid
)
  returns table (
    window_id   uuid,
    window_name text,
    hall_id     uuid,
    hall_name   text
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  perform app.require_role_manager('staff', p_unit_id, null);
  return query
  select w.id, w.name, h.id, h.name
  from app.windows w join app.halls h on h.id = w.hall_id
  where w.unit_id = p_unit_id
  order by h.name, w.name;
end;
$function$;
comment on function public.admin_unit_windows(uuid) is 'Managers of the unit''s staff role: the unit''s windows (for admin_assign_window).';
revoke all on function public.admin_unit_windows(uuid) from public;
grant execute on function public.admin_unit_windows(uuid) to authenticated, service_role;

create or replace function public.admin_lookup_flags (
  p_region_code text
)
  returns table (
    flagged_at   timestamp with time zone,
    user_id      uuid,
    masked_name  text,
    region_code  text,
    unit_id      uuid,
    unit_name    text,
    misses       integer,
    locked_until timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  perform app.require_region_supervisor(p_region_code);
  return query
  select a.at, a.actor_user_id, us.masked_name, a.region_code, un.id, un.name,
         (a.detail ->> 'misses_24h')::int, a.at + interval '24 hours'
  from app.audit_log a
  left join app.users us on us.id = a.actor_user_id
  left join app.units un on un.id = (a.detail ->> 'unit_id')::uuid
  where a.action = 'lookup_sweep_flagged'
    and a.region_code in (select app.region_and_below(p_region_code))
  order by a.at desc
  limit 200;
end;
$function$;
comment on function public.admin_lookup_flags(text) is 'Supervisors: admin_find_user sweeps flagged in a region they oversee and below (lookup_sweep_flagged audit rows), newest first: who (masked), where, misses, locked until.';
revoke all on function public.admin_lookup_flags(text) from public;
grant execute on function public.admin_lookup_flags(text) to authenticated, service_role;
