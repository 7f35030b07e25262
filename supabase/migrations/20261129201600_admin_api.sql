-- Administration for supervisors (issue 7): units, halls, windows (with the QR scene each
-- window's code carries), 事项, staff roles and window assignments, each within the regions the
-- supervisor oversees; unit admins manage the staff role of their own unit. Every change is
-- written to the audit log (entity admin) with what it set.

alter table app.audit_log drop constraint audit_log_entity_check;
alter table app.audit_log add constraint audit_log_entity_check
  check (entity in ('rating', 'work_order', 'appeal', 'rater_contact', 'admin'));

create function app.require_region_supervisor(p_region_code text)
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
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
$$;
revoke execute on function app.require_region_supervisor(text) from public, anon;
grant execute on function app.require_region_supervisor(text) to authenticated;

create function public.admin_save_unit(p_id uuid, p_region_code text, p_name text, p_credit_code text default null)
returns table (id uuid)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_id uuid;
begin
  perform app.require_region_supervisor(p_region_code);
  if p_name is null or char_length(btrim(p_name)) not between 2 and 100 then
    perform app.raise_error('invalid_input', 'p_name');
  end if;
  if p_credit_code is not null and p_credit_code !~ '^[0-9A-HJ-NPQRTUWXY]{18}$' then
    perform app.raise_error('invalid_input', 'p_credit_code');
  end if;
  if exists (select 1 from app.units u where u.region_code = p_region_code and u.name = btrim(p_name) and u.id is distinct from p_id)
     or exists (select 1 from app.units u where u.credit_code = p_credit_code and u.id is distinct from p_id) then
    perform app.raise_error('invalid_input', 'duplicate');
  end if;
  if p_id is null then
    insert into app.units (region_code, name, credit_code) values (p_region_code, btrim(p_name), p_credit_code) returning app.units.id into v_id;
  else
    update app.units u set name = btrim(p_name), credit_code = p_credit_code
    where u.id = p_id and u.region_code = p_region_code returning u.id into v_id;
    if v_id is null then
      perform app.raise_error('not_found', 'p_id');
    end if;
  end if;
  perform app.audit('admin', v_id, 'unit_saved', p_region_code, null, null, null, null, null,
                    jsonb_build_object('name', btrim(p_name), 'credit_code', p_credit_code));
  return query select v_id;
end;
$$;
comment on function public.admin_save_unit(uuid, text, text, text) is 'Supervisors: create (p_id null) or rename a unit of their region.';

create function public.admin_save_hall(p_id uuid, p_region_code text, p_name text, p_kind text, p_address text default null)
returns table (id uuid)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  perform app.require_region_supervisor(p_region_code);
  if p_name is null or char_length(btrim(p_name)) not between 2 and 100 then
    perform app.raise_error('invalid_input', 'p_name');
  end if;
  if p_kind is null or p_kind not in ('center', 'hall', 'station') then
    perform app.raise_error('invalid_input', 'p_kind');
  end if;
  if char_length(p_address) > 200 then
    perform app.raise_error('invalid_input', 'p_address');
  end if;
  if exists (select 1 from app.halls h where h.region_code = p_region_code and h.name = btrim(p_name) and h.id is distinct from p_id) then
    perform app.raise_error('invalid_input', 'duplicate');
  end if;
  if p_id is null then
    insert into app.halls (region_code, name, kind, address) values (p_region_code, btrim(p_name), p_kind, p_address) returning app.halls.id into v_id;
  else
    update app.halls h set name = btrim(p_name), kind = p_kind, address = p_address
    where h.id = p_id and h.region_code = p_region_code returning h.id into v_id;
    if v_id is null then
      perform app.raise_error('not_found', 'p_id');
    end if;
  end if;
  perform app.audit('admin', v_id, 'hall_saved', p_region_code, null, null, null, null, null,
                    jsonb_build_object('name', btrim(p_name), 'kind', p_kind, 'address', p_address));
  return query select v_id;
end;
$$;

create function public.admin_save_window(p_id uuid, p_hall_id uuid, p_unit_id uuid, p_name text)
returns table (id uuid)
language plpgsql
security definer
set search_path = ''
as $$
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
  if p_name is null or char_length(btrim(p_name)) not between 1 and 60 then
    perform app.raise_error('invalid_input', 'p_name');
  end if;
  if exists (select 1 from app.windows w where w.hall_id = p_hall_id and w.name = btrim(p_name) and w.id is distinct from p_id) then
    perform app.raise_error('invalid_input', 'duplicate');
  end if;
  if p_id is null then
    insert into app.windows (hall_id, unit_id, name) values (p_hall_id, p_unit_id, btrim(p_name)) returning app.windows.id into v_id;
  else
    update app.windows w set unit_id = p_unit_id, name = btrim(p_name)
    where w.id = p_id and w.hall_id = p_hall_id returning w.id into v_id;
    if v_id is null then
      perform app.raise_error('not_found', 'p_id');
    end if;
  end if;
  perform app.audit('admin', v_id, 'window_saved', v_region, null, null, null, null, null,
                    jsonb_build_object('hall_id', p_hall_id, 'unit_id', p_unit_id, 'name', btrim(p_name)));
  return query select v_id;
end;
$$;

-- What each window's printed QR code carries: the mini-program page and scene (w=<window id>),
-- and the H5 path of the same page. The console renders the codes, a sheet per hall.
create function public.window_qr_codes(p_hall_id uuid)
returns table (window_id uuid, window_name text, unit_name text, hall_name text, page text, scene text, h5_path text)
language plpgsql
stable
security definer
set search_path = ''
as $$
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
$$;
comment on function public.window_qr_codes(uuid) is 'Supervisors: the QR contents of every window of a hall (一次一评 by scanning, R3).';

revoke execute on function
  public.admin_save_unit(uuid, text, text, text), public.admin_save_hall(uuid, text, text, text, text),
  public.admin_save_window(uuid, uuid, uuid, text), public.window_qr_codes(uuid)
from public, anon;
grant execute on function
  public.admin_save_unit(uuid, text, text, text), public.admin_save_hall(uuid, text, text, text, text),
  public.admin_save_window(uuid, uuid, uuid, text), public.window_qr_codes(uuid)
to authenticated;
