-- Evidence (佐证材料) for appeals and rectification: JPG, PNG or PDF, at most 5 MB each and 5
-- per action. The type is checked from the file's first bytes, not from its name. Files live in
-- the database so that the local stack and a self-hosted 政务云 deployment need nothing else;
-- only the uploader, staff of the order's unit and supervisors of its region can read them.

create table app.evidence_files (
  id uuid primary key default gen_random_uuid(),
  uploaded_by uuid not null references app.users (id),
  unit_id uuid not null references app.units (id),
  file_name text not null check (char_length(file_name) between 1 and 200),
  mime_type text not null check (mime_type in ('image/jpeg', 'image/png', 'application/pdf')),
  byte_size int not null check (byte_size between 1 and 5242880),
  sha256 text not null,
  content bytea not null,
  created_at timestamptz not null default now()
);
comment on table app.evidence_files is '佐证材料 of appeals and rectifications (R10, R11). mime_type is sniffed from the content.';
create index evidence_files_uploaded_by_idx on app.evidence_files (uploaded_by);
create index evidence_files_unit_id_idx on app.evidence_files (unit_id);
alter table app.evidence_files enable row level security;
create policy evidence_files_select on app.evidence_files for select to service_role using (true);
grant select on app.evidence_files to service_role;

create function public.upload_evidence(p_file_name text, p_content_base64 text)
returns table (id uuid, mime_type text, byte_size int)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_unit uuid;
  v_bytes bytea;
  v_mime text;
begin
  select s.unit_id into v_unit from app.staff_roles s
  where s.user_id = v_uid and s.role in ('staff', 'unit_admin') order by s.role desc limit 1;
  if v_unit is null then
    perform app.raise_error('forbidden');
  end if;
  if p_file_name is null or char_length(btrim(p_file_name)) not between 1 and 200 then
    perform app.raise_error('invalid_input', 'p_file_name');
  end if;
  -- 5 MB of content is at most 6,990,508 base64 characters: refuse larger before decoding.
  if p_content_base64 is null or char_length(p_content_base64) = 0 then
    perform app.raise_error('invalid_input', 'p_content_base64');
  end if;
  if char_length(p_content_base64) > 6990508 then
    perform app.raise_error('evidence_too_large', 'p_content_base64');
  end if;
  begin
    v_bytes := decode(p_content_base64, 'base64');
  exception when others then
    perform app.raise_error('invalid_input', 'p_content_base64');
  end;
  if length(v_bytes) > 5242880 then
    perform app.raise_error('evidence_too_large', 'p_content_base64');
  end if;
  v_mime := case
    when substring(v_bytes from 1 for 3) = '\xffd8ff'::bytea then 'image/jpeg'
    when substring(v_bytes from 1 for 8) = '\x89504e470d0a1a0a'::bytea then 'image/png'
    when substring(v_bytes from 1 for 5) = '\x255044462d'::bytea then 'application/pdf'
  end;
  if v_mime is null then
    perform app.raise_error('evidence_invalid', 'p_content_base64');
  end if;
  return query
  insert into app.evidence_files as f (uploaded_by, unit_id, file_name, mime_type, byte_size, sha256, content)
  values (v_uid, v_unit, btrim(p_file_name), v_mime, length(v_bytes), encode(pg_catalog.sha256(v_bytes), 'hex'), v_bytes)
  returning f.id, f.mime_type, f.byte_size;
end;
$$;
comment on function public.upload_evidence(text, text) is 'Staff upload one evidence file (base64); returns its id for submit_appeal / rectify_work_order.';
revoke execute on function public.upload_evidence(text, text) from public, anon;
grant execute on function public.upload_evidence(text, text) to authenticated;

-- Checks a list of evidence ids for an action of the caller's unit: at most 5, all uploaded for
-- that unit. Returns the list without duplicates.
create function app.check_evidence(p_evidence uuid[], p_unit_id uuid)
returns uuid[]
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_ids uuid[] := array(select distinct e from unnest(coalesce(p_evidence, '{}')) e where e is not null);
begin
  if cardinality(v_ids) > 5 then
    perform app.raise_error('evidence_too_large', 'p_evidence');
  end if;
  if (select count(*) from app.evidence_files f where f.id = any (v_ids) and f.unit_id = p_unit_id) <> cardinality(v_ids) then
    perform app.raise_error('not_found', 'p_evidence');
  end if;
  return v_ids;
end;
$$;
revoke execute on function app.check_evidence(uuid[], uuid) from public, anon;
grant execute on function app.check_evidence(uuid[], uuid) to authenticated;
