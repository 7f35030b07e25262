-- Listings for the 管理 screens (issue 7): the halls and windows of a region and the 事项 of a
-- unit, for the supervisors who create and edit them (admin_save_hall/window/matter). The
-- tables stay private (schema app is not exposed); these definer RPCs answer only a supervisor
-- of the region asked for (app.require_region_supervisor: not_found for an unknown region,
-- forbidden for anyone else). Units need no RPC: the public `units` view lists them.

-- The halls of exactly one region (a county's own, not the city's), with how many windows each has.
create function public.admin_halls(p_region_code text)
returns table (id uuid, region_code text, name text, kind text, address text, window_count int)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform app.require_region_supervisor(p_region_code);
  return query
  select h.id, h.region_code, h.name, h.kind, h.address,
         (select count(*)::int from app.windows w where w.hall_id = h.id)
  from app.halls h
  where h.region_code = p_region_code
  order by h.name;
end;
$$;
comment on function public.admin_halls(text) is
  'Supervisors: the halls (center 政务服务中心, hall 部门大厅, station 便民服务站) of one region they oversee, with their window counts.';

-- Every window of the region's halls, with the unit that staffs it (a unit of any region the
-- caller oversees may staff a window, as admin_save_window allows).
create function public.admin_windows(p_region_code text)
returns table (id uuid, hall_id uuid, hall_name text, unit_id uuid, unit_name text, name text)
language plpgsql
stable
security definer
set search_path = ''
as $$
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
$$;
comment on function public.admin_windows(text) is
  'Supervisors: the windows of the halls of one region they oversee, each with its hall and unit.';

-- The 事项 of one unit, with the 办事指南 fields admin_save_matter edits.
create function public.admin_matters(p_unit_id uuid)
returns table (
  id uuid, unit_id uuid, code text, name text, handling_channels text[], rating_channels text[],
  promised_working_days int
)
language plpgsql
stable
security definer
set search_path = ''
as $$
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
$$;
comment on function public.admin_matters(uuid) is
  'Supervisors: the 事项 of a unit in a region they oversee (code, name, channels, 承诺时限 in working days).';

revoke execute on function public.admin_halls(text), public.admin_windows(text), public.admin_matters(uuid)
from public, anon;
grant execute on function public.admin_halls(text), public.admin_windows(text), public.admin_matters(uuid)
to authenticated;
