-- Ingestion secrets encrypted at rest (issue 13 point 7). Business systems and rating devices
-- sign their batches with HMAC-SHA256 (supabase/functions/_shared/hmac.ts), so the server needs
-- the secret itself, not a hash of it: it was kept in clear in app.business_systems.secret and
-- app.rating_devices.secret, readable by anyone holding a dump or a backup. It is now stored only
-- as app.pii_encrypt(secret) (pgcrypto AES-256 under the PII key of
-- 20261129210000_identity_pii.sql: the Vault secret hcp_pii_key, locally app.settings.pii_key),
-- existing rows are encrypted here and the clear columns are dropped.
--
-- Decrypted in one place: ingest_key_secret(), executable by the service role only, which the
-- transactions and ratings-ingest functions call to verify a signature. create_business_system
-- and create_rating_device still answer the new secret once (from the value they generated, not
-- from the table); ingest_keys() never had it.

alter table app.business_systems add column secret_enc bytea;
alter table app.rating_devices add column secret_enc bytea;
update app.business_systems set secret_enc = app.pii_encrypt(secret);
update app.rating_devices set secret_enc = app.pii_encrypt(secret);
alter table app.business_systems drop column secret;
alter table app.rating_devices drop column secret;
alter table app.business_systems alter column secret_enc set not null;
alter table app.rating_devices alter column secret_enc set not null;
comment on column app.business_systems.secret_enc is
  'HMAC-SHA256 secret (≥ 32 characters, used as its UTF-8 bytes), app.pii_encrypt. Decrypted only by ingest_key_secret() (service role); shown once by create_business_system().';
comment on column app.rating_devices.secret_enc is
  'HMAC-SHA256 secret (≥ 32 characters, used as its UTF-8 bytes), app.pii_encrypt. Decrypted only by ingest_key_secret() (service role); shown once by create_rating_device().';

create or replace function public.create_business_system(p_name text, p_region_code text)
returns table (id uuid, key_id text, secret text, region_code text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_supervisor_of(null);
  v_secret text := app.new_ingest_secret();
  v_row app.business_systems;
begin
  if p_region_code is null or not exists (select 1 from app.regions r where r.code = p_region_code) then
    perform app.raise_error('invalid_input', 'p_region_code');
  end if;
  perform app.require_supervisor_of(p_region_code);
  if p_name is null or char_length(btrim(p_name)) not between 1 and 100 then
    perform app.raise_error('invalid_input', 'p_name');
  end if;
  insert into app.business_systems (key_id, secret_enc, name, region_code, created_by)
  values ('bs_' || replace(gen_random_uuid()::text, '-', ''), app.pii_encrypt(v_secret), btrim(p_name), p_region_code, v_uid)
  returning * into v_row;
  return query select v_row.id, v_row.key_id, v_secret, v_row.region_code;
end;
$$;
comment on function public.create_business_system(text, text) is
  'Supervisors: a business system of their region with a new HMAC key. The secret is in this answer only (stored encrypted); it cannot be read again.';

create or replace function public.create_rating_device(p_kind text, p_name text, p_hall_id uuid default null, p_region_code text default null)
returns table (id uuid, key_id text, secret text, kind text, hall_id uuid, region_code text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_supervisor_of(null);
  v_secret text := app.new_ingest_secret();
  v_region text;
  v_row app.rating_devices;
begin
  if p_kind is null or p_kind not in ('hall_pad', 'hall_terminal', 'phone', 'sms') then
    perform app.raise_error('invalid_input', 'p_kind');
  end if;
  if p_kind in ('hall_pad', 'hall_terminal') then
    -- A hall device belongs to its hall's region; p_region_code, if given, must agree.
    select h.region_code into v_region from app.halls h where h.id = p_hall_id;
    if v_region is null or (p_region_code is not null and p_region_code <> v_region) then
      perform app.raise_error('invalid_input', 'p_hall_id');
    end if;
  else
    if p_hall_id is not null then
      perform app.raise_error('invalid_input', 'p_hall_id');
    end if;
    if p_region_code is null or not exists (select 1 from app.regions r where r.code = p_region_code) then
      perform app.raise_error('invalid_input', 'p_region_code');
    end if;
    v_region := p_region_code;
  end if;
  perform app.require_supervisor_of(v_region);
  if p_name is null or char_length(btrim(p_name)) not between 1 and 100 then
    perform app.raise_error('invalid_input', 'p_name');
  end if;
  insert into app.rating_devices (key_id, secret_enc, kind, name, hall_id, region_code, created_by)
  values ('dev_' || replace(gen_random_uuid()::text, '-', ''), app.pii_encrypt(v_secret), p_kind, btrim(p_name), p_hall_id, v_region, v_uid)
  returning * into v_row;
  return query select v_row.id, v_row.key_id, v_secret, v_row.kind, v_row.hall_id, v_row.region_code;
end;
$$;
comment on function public.create_rating_device(text, text, uuid, text) is
  'Supervisors: a rating device (hall_pad / hall_terminal of a hall in their region; phone / sms of a region they supervise) with a new HMAC key, shown only in this answer (stored encrypted).';

-- The one decryption of a secret: for the ingestion functions, which verify the HMAC with it.
create or replace function public.ingest_key_secret(p_key_id text)
returns table (kind text, key_id text, secret text, status text, region_code text, hall_id uuid)
language sql
stable
security definer
set search_path = ''
as $$
  select 'business_system'::text, b.key_id, app.pii_decrypt(b.secret_enc), b.status, b.region_code, null::uuid
  from app.business_systems b where b.key_id = p_key_id
  union all
  select d.kind, d.key_id, app.pii_decrypt(d.secret_enc), d.status, d.region_code, d.hall_id
  from app.rating_devices d where d.key_id = p_key_id;
$$;
comment on function public.ingest_key_secret(text) is
  'Service role only (the ingestion functions verify HMAC signatures with it): the key''s secret, decrypted here and nowhere else. kind is business_system or the device kind.';
