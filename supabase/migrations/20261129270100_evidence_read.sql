-- Reading evidence back (R10, R11): a supervisor deciding an appeal, and the unit handling the
-- order, must be able to open the 佐证材料 they were given. The uploader, staff and unit admins
-- of the file's unit, and supervisors of its region may; everyone else gets not_found.

create function public.evidence_file(p_id uuid)
returns table (id uuid, file_name text, mime_type text, byte_size int, sha256 text, content_base64 text, created_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_f app.evidence_files;
begin
  select * into v_f from app.evidence_files f where f.id = p_id;
  if not found
     or not (v_f.uploaded_by = v_uid
             or v_f.unit_id in (select app.my_unit_ids())
             or app.is_region_supervisor((select u.region_code from app.units u where u.id = v_f.unit_id))) then
    perform app.raise_error('not_found', 'p_id');
  end if;
  -- Postgres wraps base64 every 76 characters; clients want it whole.
  return query select v_f.id, v_f.file_name, v_f.mime_type, v_f.byte_size, v_f.sha256, replace(encode(v_f.content, 'base64'), E'\n', ''), v_f.created_at;
end;
$$;
comment on function public.evidence_file(uuid) is 'One evidence file (base64) for its uploader, its unit and supervisors of its region.';
revoke execute on function public.evidence_file(uuid) from public, anon;
grant execute on function public.evidence_file(uuid) to authenticated;
