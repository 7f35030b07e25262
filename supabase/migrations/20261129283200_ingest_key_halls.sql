-- The halls a supervisor may place a 评价器 or 自助终端 in (create_rating_device's p_hall_id):
-- those of the regions they oversee. app.halls is not exposed through the API, so the keys
-- screen asks this instead.

create function public.ingest_key_halls()
returns table (hall_id uuid, hall_name text, kind text, region_code text, region_name text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform app.require_supervisor_of(null);
  return query
  select h.id, h.name, h.kind, h.region_code, r.name
  from app.halls h join app.regions r on r.code = h.region_code
  where h.region_code in (select app.my_region_codes())
  order by h.region_code, h.name;
end;
$$;
comment on function public.ingest_key_halls() is 'Supervisors: the halls of their regions, where a hall_pad / hall_terminal device may be placed.';

revoke execute on function public.ingest_key_halls() from public, anon;
grant execute on function public.ingest_key_halls() to authenticated;
