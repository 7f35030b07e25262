-- Issue 20.3: bad input that reaches the value. record_comment refused a received time in the
-- future but took any time in the past, '0001-01-01 BC' or '-infinity' included: a 12345 call
-- "received" before the hotline existed, sorted first in every inbox and counted in no period.
-- A received time before 2000 is now invalid_input too (nothing written). Otherwise the function
-- of 20261204040000_comment_contact_encrypted.sql, unchanged; create or replace keeps the grants
-- and the comment.
create or replace function public.record_comment(
  p_source text,
  p_kind text,
  p_content text,
  p_region_code text default null,
  p_unit_id uuid default null,
  p_contact text default null,
  p_received_at timestamptz default null
)
returns table (
  id uuid, kind text, source text, content text, status text, region_code text, region_name text,
  unit_id uuid, unit_name text, contact_masked text, reply text, replied_at timestamptz,
  routed_at timestamptz, close_note text, closed_at timestamptz, received_at timestamptz, created_at timestamptz
)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
  v_region text;
  v_content text;
  v_contact text;
  v_c app.comments;
begin
  if p_source is null or p_source not in ('hotline', 'supervision_platform', 'email') then
    perform app.raise_error('invalid_input', 'p_source');
  end if;
  if p_kind is null or p_kind not in ('suggestion', 'complaint', 'praise') then
    perform app.raise_error('invalid_input', 'p_kind');
  end if;
  v_content := app.comment_text(p_content, 'p_content');
  v_contact := app.comment_contact(p_contact);
  if p_received_at > now() or p_received_at < timestamptz '2000-01-01 00:00:00+08' then
    perform app.raise_error('invalid_input', 'p_received_at');
  end if;
  perform app.supervised_region(null);
  if p_unit_id is not null then
    select u.region_code into v_region from app.units u where u.id = p_unit_id;
    if not found then
      perform app.raise_error('not_found', 'p_unit_id');
    end if;
    if p_region_code is not null and p_region_code <> v_region then
      perform app.raise_error('invalid_input', 'p_region_code');
    end if;
  end if;
  v_region := app.supervised_region(coalesce(v_region, p_region_code));

  insert into app.comments as c (kind, source, content, contact_enc, contact_masked, region_code, unit_id, status, routed_at,
                                 received_at, recorded_by, updated_by)
  values (p_kind, p_source, v_content, app.pii_encrypt(v_contact), app.mask_contact(v_contact), v_region, p_unit_id,
          case when p_unit_id is null then 'received' else 'routed' end,
          case when p_unit_id is not null then now() end, coalesce(p_received_at, now()), v_uid, v_uid)
  returning * into v_c;
  perform app.log_comment_event(v_c.id, 'recorded', null, 'received', null, null);
  if p_unit_id is not null then
    perform app.log_comment_event(v_c.id, 'routed', 'received', 'routed', p_unit_id, null);
  end if;
  return query select * from app.comment_rows(array[v_c.id]);
end;
$$;

