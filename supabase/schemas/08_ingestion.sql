-- Ingestion: business systems and rating devices that push 办件 and ratings with HMAC-signed
-- requests (secrets encrypted with the PII key), the request log, and the per-item checks.

-- Function bodies are checked when they run: a body may use what a later file defines.
set check_function_bodies = off;

create table app.business_systems (
  id           uuid                     not null default gen_random_uuid(),
  key_id       text                     not null,
  name         text                     not null,
  region_code  text                     not null,
  status       text                     not null default 'active'::text,
  created_by   uuid,
  created_at   timestamp with time zone not null default now(),
  revoked_by   uuid,
  revoked_at   timestamp with time zone,
  last_used_at timestamp with time zone,
  secret_enc   bytea                    not null,
  constraint business_systems_check check (((status = 'revoked'::text) = (revoked_at is not null))),
  constraint business_systems_key_id_check check ((key_id ~ '^bs_[0-9a-z_]{6,60}$'::text)),
  constraint business_systems_key_id_key unique (key_id),
  constraint business_systems_name_check check (((char_length(btrim(name)) >= 1) and (char_length(btrim(name)) <= 100))),
  constraint business_systems_pkey primary key (id),
  constraint business_systems_status_check check ((status = any (array['active'::text, 'revoked'::text])))
);
alter table app.business_systems
  enable row level security;
alter table app.business_systems
  add constraint business_systems_region_code_fkey foreign key (region_code) references app.regions(code);
alter table app.business_systems
  add constraint business_systems_created_by_fkey foreign key (created_by) references app.users(id);
alter table app.business_systems
  add constraint business_systems_revoked_by_fkey foreign key (revoked_by) references app.users(id);
create index business_systems_created_by_idx on app.business_systems using btree (created_by);
create index business_systems_region_code_idx on app.business_systems using btree (region_code);
create index business_systems_revoked_by_idx on app.business_systems using btree (revoked_by);
comment on table app.business_systems is '业务系统 that push 办件 and their status to /functions/v1/transactions, each with its own HMAC key. May push 办件 of its region and the regions below it.';
comment on column app.business_systems.key_id is 'Public key id sent as X-HCP-Key-Id.';
comment on column app.business_systems.secret_enc is 'HMAC-SHA256 secret (≥ 32 characters, used as its UTF-8 bytes), app.pii_encrypt. Decrypted only by ingest_key_secret() (service role); shown once by create_business_system().';
comment on column app.business_systems.status is 'active, or revoked (final: a revoked key is refused with key_revoked).';

create table app.rating_devices (
  id           uuid                     not null default gen_random_uuid(),
  key_id       text                     not null,
  kind         text                     not null,
  name         text                     not null,
  hall_id      uuid,
  region_code  text                     not null,
  status       text                     not null default 'active'::text,
  created_by   uuid,
  created_at   timestamp with time zone not null default now(),
  revoked_by   uuid,
  revoked_at   timestamp with time zone,
  last_used_at timestamp with time zone,
  secret_enc   bytea,
  window_id    uuid,
  public_key   jsonb,
  constraint rating_devices_check1 check (((kind = any (array['hall_pad'::text, 'hall_terminal'::text])) = (hall_id is not null))),
  constraint rating_devices_check check (((status = 'revoked'::text) = (revoked_at is not null))),
  constraint rating_devices_key_id_check check ((key_id ~ '^dev_[0-9a-z_]{6,60}$'::text)),
  constraint rating_devices_key_id_key unique (key_id),
  constraint rating_devices_kind_check check ((kind = any (array['hall_pad'::text, 'hall_terminal'::text, 'phone'::text, 'sms'::text]))),
  constraint rating_devices_key_material_check check (((secret_enc is null) <> (public_key is null))),
  constraint rating_devices_public_key_check check (((public_key is null) or ((public_key ->> 'kty'::text) = 'EC'::text) and ((public_key ->> 'crv'::text) = 'P-256'::text) and ((public_key ->> 'x'::text) ~ '^[A-Za-z0-9_-]{43}$'::text) and ((public_key ->> 'y'::text) ~ '^[A-Za-z0-9_-]{43}$'::text))),
  constraint rating_devices_window_check check (((window_id is null) or (kind = 'hall_pad'::text))),
  constraint rating_devices_name_check check (((char_length(btrim(name)) >= 1) and (char_length(btrim(name)) <= 100))),
  constraint rating_devices_pkey primary key (id),
  constraint rating_devices_status_check check ((status = any (array['active'::text, 'revoked'::text])))
);
alter table app.rating_devices
  enable row level security;
alter table app.rating_devices
  add constraint rating_devices_hall_id_fkey foreign key (hall_id) references app.halls(id);
alter table app.rating_devices
  add constraint rating_devices_region_code_fkey foreign key (region_code) references app.regions(code);
alter table app.rating_devices
  add constraint rating_devices_created_by_fkey foreign key (created_by) references app.users(id);
alter table app.rating_devices
  add constraint rating_devices_revoked_by_fkey foreign key (revoked_by) references app.users(id);
alter table app.rating_devices
  add constraint rating_devices_window_id_fkey foreign key (window_id) references app.windows(id);
create index rating_devices_created_by_idx on app.rating_devices using btree (created_by);
create index rating_devices_hall_id_idx on app.rating_devices using btree (hall_id);
create index rating_devices_region_code_idx on app.rating_devices using btree (region_code);
create index rating_devices_revoked_by_idx on app.rating_devices using btree (revoked_by);
create index rating_devices_window_id_idx on app.rating_devices using btree (window_id);
comment on table app.rating_devices is 'Sources of ratings for /functions/v1/ratings-ingest: 评价器 (hall_pad, channel 4) and 自助终端 (hall_terminal, 5) of one hall, the 12345 hotline (phone, 6) and the SMS gateway (sms, 7) of a region. kind is the channel of their ratings.';
comment on column app.rating_devices.hall_id is 'R4: a hall device rates only 办件 and windows of this hall.';
comment on column app.rating_devices.region_code is 'The hall''s region for hall devices; for phone and sms the region (and below) whose 办件 and windows they may rate.';
comment on column app.rating_devices.secret_enc is 'HMAC-SHA256 secret (≥ 32 characters, used as its UTF-8 bytes), app.pii_encrypt. Decrypted only by ingest_key_secret() (service role); shown once by create_rating_device(). Null for a device that signs with its own key pair (public_key).';
comment on column app.rating_devices.window_id is 'A window 评价器 (issue 18, paired by kiosk_pair): rates only 办件 and visits of this window (device_other_window), besides the hall rule.';
comment on column app.rating_devices.public_key is 'A paired tablet''s ECDSA P-256 public key (JWK: kty, crv, x, y). Its private key was made on the tablet, non-extractable, and never left it; requests are signed ECDSA-SHA256 over the same input as the HMAC scheme.';

create or replace function app.new_ingest_secret()
  returns text
  language sql
  set search_path to ''
  as $function$
  select encode(extensions.gen_random_bytes(32), 'hex');
$function$;
revoke all on function app.new_ingest_secret() from public;

create or replace function app.require_supervisor_of (
  p_region_code text
)
  returns uuid
  language plpgsql
  stable
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
begin
  if not exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.role = 'supervisor') then
    perform app.raise_error('forbidden');
  end if;
  if p_region_code is not null and p_region_code not in (select app.my_region_codes()) then
    perform app.raise_error('forbidden', 'p_region_code');
  end if;
  return v_uid;
end;
$function$;
revoke all on function app.require_supervisor_of(text) from public;

create or replace function public.create_business_system (
  p_name        text,
  p_region_code text
)
  returns table (
    id          uuid,
    key_id      text,
    secret      text,
    region_code text
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
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
$function$;
comment on function public.create_business_system(text, text) is 'Supervisors: a business system of their region with a new HMAC key. The secret is in this answer only (stored encrypted); it cannot be read again.';
revoke all on function public.create_business_system(text, text) from public;
grant execute on function public.create_business_system(text, text) to authenticated, service_role;

create or replace function public.create_rating_device (
  p_kind        text,
  p_name        text,
  p_hall_id     uuid default null::uuid,
  p_region_code text default null::text
)
  returns table (
    id          uuid,
    key_id      text,
    secret      text,
    kind        text,
    hall_id     uuid,
    region_code text
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
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
$function$;
comment on function public.create_rating_device(text, text, uuid, text) is 'Supervisors: a rating device (hall_pad / hall_terminal of a hall in their region; phone / sms of a region they supervise) with a new HMAC key, shown only in this answer (stored encrypted).';
revoke all on function public.create_rating_device(text, text, uuid, text) from public;
grant execute on function public.create_rating_device(text, text, uuid, text) to authenticated, service_role;

create or replace function public.revoke_ingest_key (
  p_key_id text
)
  returns table (
    key_id     text,
    status     text,
    revoked_at timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_supervisor_of(null);
begin
  return query
    with u as (
      update app.business_systems b
      set status = 'revoked', revoked_at = coalesce(b.revoked_at, now()), revoked_by = coalesce(b.revoked_by, v_uid)
      where b.key_id = p_key_id and b.region_code in (select app.my_region_codes())
      returning b.key_id, b.status, b.revoked_at
    ) select * from u;
  if found then
    return;
  end if;
  return query
    with u as (
      update app.rating_devices d
      set status = 'revoked', revoked_at = coalesce(d.revoked_at, now()), revoked_by = coalesce(d.revoked_by, v_uid)
      where d.key_id = p_key_id and d.region_code in (select app.my_region_codes())
      returning d.key_id, d.status, d.revoked_at
    ) select * from u;
  if not found then
    perform app.raise_error('not_found', 'p_key_id');
  end if;
end;
$function$;
comment on function public.revoke_ingest_key(text) is 'Supervisors: revoke a business system''s or device''s key of their region (final; repeating it changes nothing).';
revoke all on function public.revoke_ingest_key(text) from public;
grant execute on function public.revoke_ingest_key(text) to authenticated, service_role;

create or replace function public.ingest_keys()
  returns table (
    kind         text,
    id           uuid,
    key_id       text,
    name         text,
    region_code  text,
    hall_id      uuid,
    hall_name    text,
    status       text,
    created_at   timestamp with time zone,
    revoked_at   timestamp with time zone,
    last_used_at timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  perform app.require_supervisor_of(null);
  return query
    select k.* from (
      select 'business_system'::text as kind, b.id, b.key_id, b.name, b.region_code, null::uuid as hall_id, null::text as hall_name,
             b.status, b.created_at, b.revoked_at, b.last_used_at
      from app.business_systems b
      where b.region_code in (select app.my_region_codes())
      union all
      select d.kind, d.id, d.key_id, d.name, d.region_code, d.hall_id, h.name,
             d.status, d.created_at, d.revoked_at, d.last_used_at
      from app.rating_devices d left join app.halls h on h.id = d.hall_id
      where d.region_code in (select app.my_region_codes())
    ) k
    order by k.region_code, k.kind, k.name, k.created_at;
end;
$function$;
comment on function public.ingest_keys() is 'Supervisors: the business systems and rating devices of their regions, without secrets. kind is business_system or the device kind.';
revoke all on function public.ingest_keys() from public;
grant execute on function public.ingest_keys() to authenticated, service_role;

create or replace function public.ingest_key_secret (
  p_key_id text
)
  returns table (
    kind        text,
    key_id      text,
    secret      text,
    status      text,
    region_code text,
    hall_id     uuid,
    window_id   uuid,
    public_key  jsonb
  )
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select 'business_system'::text, b.key_id, app.pii_decrypt(b.secret_enc), b.status, b.region_code, null::uuid, null::uuid, null::jsonb
  from app.business_systems b where b.key_id = p_key_id
  union all
  select d.kind, d.key_id, case when d.secret_enc is not null then app.pii_decrypt(d.secret_enc) end, d.status, d.region_code, d.hall_id,
         d.window_id, d.public_key
  from app.rating_devices d where d.key_id = p_key_id;
$function$;
comment on function public.ingest_key_secret(text) is 'Service role only (the ingestion functions verify signatures with it): the key''s HMAC secret, decrypted here and nowhere else, or a paired tablet''s public key (secret null). kind is business_system or the device kind.';
revoke all on function public.ingest_key_secret(text) from public;
grant execute on function public.ingest_key_secret(text) to service_role;

create table app.ingest_signatures (
  signature  text                     not null,
  key_id     text                     not null,
  request_ts timestamp with time zone not null,
  seen_at    timestamp with time zone not null default now(),
  constraint ingest_signatures_pkey primary key (signature),
  constraint ingest_signatures_signature_check check ((signature ~ '^[0-9a-f]{64}([0-9a-f]{64})?$'::text))
);
alter table app.ingest_signatures
  enable row level security;
create index ingest_signatures_seen_at_idx on app.ingest_signatures using btree (seen_at);
comment on table app.ingest_signatures is 'Replay guard: signatures (HMAC, or ECDSA with s normalised low so a flipped twin is the same entry) of accepted requests while their timestamp can still pass the ±300 s check (kept 15 minutes).';

create table app.transaction_status_events (
  id             uuid                     not null default gen_random_uuid(),
  transaction_id uuid                     not null,
  status         text                     not null,
  occurred_at    timestamp with time zone not null,
  system_id      uuid                     not null,
  result         text                     not null,
  received_at    timestamp with time zone not null default now(),
  constraint transaction_status_events_pkey primary key (id),
  constraint transaction_status_events_result_check check ((result = any (array['created'::text, 'updated'::text, 'ignored'::text]))),
  constraint transaction_status_events_status_check check ((status = any (array['accepted'::text, 'processing'::text, 'finished'::text, 'cancelled'::text]))),
  constraint transaction_status_events_transaction_id_status_key unique (transaction_id, status)
);
alter table app.transaction_status_events
  enable row level security;
alter table app.transaction_status_events
  add constraint transaction_status_events_system_id_fkey foreign key (system_id) references app.business_systems(id);
alter table app.transaction_status_events
  add constraint transaction_status_events_transaction_id_fkey foreign key (transaction_id) references app.transactions(id);
create index transaction_status_events_system_id_idx on app.transaction_status_events using btree (system_id);
comment on table app.transaction_status_events is 'Ingestion log of 办件 status changes, one per (办件, status): what the first push of it did. created = the 办件 was new; updated = it moved forward; ignored = it was older than the 办件''s status (out of order).';

create table app.rating_ingest_log (
  id          uuid                     not null default gen_random_uuid(),
  device_id   uuid                     not null,
  external_id text                     not null,
  payload     jsonb                    not null,
  rating_id   uuid                     not null,
  received_at timestamp with time zone not null default now(),
  constraint rating_ingest_log_device_id_external_id_key unique (device_id, external_id),
  constraint rating_ingest_log_external_id_check check (((char_length(external_id) >= 1) and (char_length(external_id) <= 100))),
  constraint rating_ingest_log_pkey primary key (id)
);
alter table app.rating_ingest_log
  enable row level security;
alter table app.rating_ingest_log
  add constraint rating_ingest_log_device_id_fkey foreign key (device_id) references app.rating_devices(id);
alter table app.rating_ingest_log
  add constraint rating_ingest_log_rating_id_fkey foreign key (rating_id) references app.ratings(id);
create index rating_ingest_log_rating_id_idx on app.rating_ingest_log using btree (rating_id);
comment on table app.rating_ingest_log is 'Ingestion log of device ratings by (device, external id): the item as first received and the rating it created. A repeat with the same payload is answered replayed; with another payload idempotency_conflict. Refused items are not logged (the device may correct and resend them).';

create or replace function app.ingest_begin (
  p_endpoint   text,
  p_key_id     text,
  p_signature  text,
  p_request_ts timestamp with time zone,
  p_now        timestamp with time zone
)
  returns uuid
  language plpgsql
  set search_path to ''
  as $function$
declare
  v_id uuid;
  v_status text;
  v_n int;
begin
  if p_endpoint = 'transactions' then
    select b.id, b.status into v_id, v_status from app.business_systems b where b.key_id = p_key_id;
  else
    select d.id, d.status into v_id, v_status from app.rating_devices d where d.key_id = p_key_id;
  end if;
  if v_id is null then
    perform app.raise_error('unknown_key');
  end if;
  if v_status <> 'active' then
    perform app.raise_error('key_revoked');
  end if;
  if p_request_ts is null or abs(extract(epoch from p_now - p_request_ts)) > 300 then
    perform app.raise_error('timestamp_stale');
  end if;
  -- 64 hex: HMAC-SHA256; 128 hex: an ECDSA P-256 signature (r‖s), low-s normalised by the function.
  if p_signature is null or p_signature !~ '^[0-9a-f]{64}([0-9a-f]{64})?$' then
    perform app.raise_error('signature_invalid');
  end if;

  delete from app.ingest_signatures s where s.seen_at < p_now - interval '15 minutes';
  insert into app.ingest_signatures (signature, key_id, request_ts, seen_at)
  values (p_signature, p_key_id, p_request_ts, p_now)
  on conflict do nothing;
  get diagnostics v_n = row_count;
  if v_n = 0 then
    perform app.raise_error('request_replayed');
  end if;

  if p_endpoint = 'transactions' then
    update app.business_systems b set last_used_at = p_now where b.id = v_id;
  else
    update app.rating_devices d set last_used_at = p_now where d.id = v_id;
  end if;
  return v_id;
end;
$function$;
comment on function app.ingest_begin(text, text, text, timestamp with time zone, timestamp with time zone) is 'Checks an ingestion request''s key, time and signature freshness (replay guard); returns the business system''s or device''s id.';
revoke all on function app.ingest_begin(text, text, text, timestamp with time zone, timestamp with time zone) from public;

create or replace function app.ingest_rejected (
  p_code    text,
  p_details text default null::text
)
  returns jsonb
  language sql
  stable
  set search_path to ''
  as $function$
  select jsonb_build_object('status', 'rejected', 'code', e.code, 'message', e.message)
         || case when p_details is not null then jsonb_build_object('details', p_details) else '{}'::jsonb end
  from app.error_codes e where e.code = p_code;
$function$;
revoke all on function app.ingest_rejected(text, text) from public;

create table app.transaction_party_ids (
  transaction_id    uuid  not null,
  applicant_id_bidx bytea,
  agent_id_bidx     bytea,
  constraint transaction_party_ids_check check (((applicant_id_bidx is not null) or (agent_id_bidx is not null))),
  constraint transaction_party_ids_pkey primary key (transaction_id)
);
alter table app.transaction_party_ids
  enable row level security;
alter table app.transaction_party_ids
  add constraint transaction_party_ids_transaction_id_fkey foreign key (transaction_id) references app.transactions(id);
create index transaction_party_ids_agent_idx on app.transaction_party_ids using btree (agent_id_bidx)
  where (agent_id_bidx is not null);
create index transaction_party_ids_applicant_idx on app.transaction_party_ids using btree (applicant_id_bidx)
  where (applicant_id_bidx is not null);
comment on table app.transaction_party_ids is 'Blind indexes (app.pii_blind_index) of the ID numbers a business system gave for a 办件''s applicant and agent. No API role has a grant.';

create or replace function app.transaction_status_rank (
  p_status text
)
  returns integer
  language sql
  immutable
  set search_path to ''
  as $function$
  select case p_status when 'accepted' then 1 when 'processing' then 2 when 'finished' then 3 when 'cancelled' then 3 end;
$function$;
revoke all on function app.transaction_status_rank(text) from public;

create or replace function app.ingest_transaction_item (
  p_system app.business_systems,
  p_item   jsonb,
  p_now    timestamp with time zone
)
  returns jsonb
  language plpgsql
  set search_path to ''
  as $function$
declare
  v_no text := p_item ->> 'project_no';
  v_status text := p_item ->> 'status';
  v_accepted timestamptz := (p_item ->> 'accepted_at')::timestamptz;
  v_occurred timestamptz := coalesce((p_item ->> 'occurred_at')::timestamptz,
                                     case when p_item ->> 'status' = 'accepted' then (p_item ->> 'accepted_at')::timestamptz end);
  v_window_id uuid := (p_item ->> 'window_id')::uuid;
  v_hall_id uuid := (p_item ->> 'hall_id')::uuid;
  v_staff_id uuid := (p_item ->> 'staff_id')::uuid;
  v_platform_id uuid := (p_item ->> 'platform_id')::uuid;
  v_applicant_id uuid := (p_item ->> 'applicant_user_id')::uuid;
  v_agent_id uuid := (p_item ->> 'agent_user_id')::uuid;
  v_applicant_no text := p_item ->> 'applicant_id_number';
  v_agent_no text := p_item ->> 'agent_id_number';
  v_applicant_type smallint := coalesce((p_item ->> 'applicant_type')::smallint, 1);
  v_channel text := p_item ->> 'channel';
  v_matter app.matters;
  v_region text;
  v_t app.transactions;
  v_result text;
begin
  if v_no is null or v_no !~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' then
    perform app.raise_error('invalid_input', 'project_no');
  end if;
  if app.transaction_status_rank(v_status) is null then
    perform app.raise_error('invalid_input', 'status');
  end if;
  if v_accepted is null or v_accepted > p_now + interval '5 minutes' then
    perform app.raise_error('invalid_input', 'accepted_at');
  end if;
  if v_occurred is null or v_occurred < v_accepted or v_occurred > p_now + interval '5 minutes' then
    perform app.raise_error('invalid_input', 'occurred_at');
  end if;
  if v_channel is null or v_channel not in ('pc', 'mobile', 'qrcode', 'hall_pad', 'hall_terminal', 'phone', 'sms') then
    perform app.raise_error('invalid_input', 'channel');
  end if;
  if v_applicant_type not in (1, 2, 3, 4, 5, 6, 9) then
    perform app.raise_error('invalid_input', 'applicant_type');
  end if;

  select * into v_matter from app.matters m where m.code = p_item ->> 'matter_code';
  if not found then
    perform app.raise_error('unknown_matter', 'matter_code');
  end if;
  select u.region_code into v_region from app.units u where u.id = v_matter.unit_id;
  if v_region not in (select app.region_and_below(p_system.region_code)) then
    perform app.raise_error('out_of_region', 'matter_code');
  end if;

  -- Places and people, when named, must exist; a window names its hall.
  if v_window_id is not null then
    select w.hall_id into v_hall_id from app.windows w
    where w.id = v_window_id and (v_hall_id is null or w.hall_id = v_hall_id);
    if not found then
      perform app.raise_error('unknown_reference', 'window_id');
    end if;
  end if;
  if v_hall_id is not null and not exists (
    select 1 from app.halls h where h.id = v_hall_id and h.region_code in (select app.region_and_below(p_system.region_code))
  ) then
    perform app.raise_error('unknown_reference', 'hall_id');
  end if;
  if v_staff_id is not null and not exists (
    select 1 from app.staff_roles s where s.user_id = v_staff_id and s.unit_id = v_matter.unit_id
  ) then
    perform app.raise_error('unknown_reference', 'staff_id');
  end if;
  if v_platform_id is not null and not exists (select 1 from app.platforms p where p.id = v_platform_id) then
    perform app.raise_error('unknown_reference', 'platform_id');
  end if;
  if v_applicant_id is not null and not exists (select 1 from app.users u where u.id = v_applicant_id) then
    perform app.raise_error('unknown_reference', 'applicant_user_id');
  end if;
  if v_agent_id is not null and not exists (select 1 from app.users u where u.id = v_agent_id) then
    perform app.raise_error('unknown_reference', 'agent_user_id');
  end if;
  if v_applicant_no is not null and v_applicant_no !~ '^[0-9A-Za-z]{15,18}$' then
    perform app.raise_error('invalid_input', 'applicant_id_number');
  end if;
  if v_agent_no is not null and v_agent_no !~ '^[0-9A-Za-z]{15,18}$' then
    perform app.raise_error('invalid_input', 'agent_id_number');
  end if;
  v_applicant_id := coalesce(v_applicant_id, app.user_id_by_id_number(v_applicant_no));
  v_agent_id := coalesce(v_agent_id, app.user_id_by_id_number(v_agent_no));

  -- New 办件: created at whatever status arrives first (a late 受理 is then ignored).
  insert into app.transactions (
    project_no, matter_id, unit_id, region_code, hall_id, window_id, staff_user_id, platform_id,
    applicant_user_id, applicant_type, agent_user_id, channel, status, accepted_at, finished_at
  ) values (
    v_no, v_matter.id, v_matter.unit_id, v_region, v_hall_id, v_window_id, v_staff_id, v_platform_id,
    v_applicant_id, v_applicant_type, v_agent_id, v_channel, v_status, v_accepted,
    case when v_status = 'finished' then v_occurred end
  )
  on conflict (project_no) do nothing
  returning * into v_t;
  if v_t.id is not null then
    if v_applicant_no is not null or v_agent_no is not null then
      insert into app.transaction_party_ids (transaction_id, applicant_id_bidx, agent_id_bidx)
      values (v_t.id, app.pii_blind_index('id_number', v_applicant_no), app.pii_blind_index('id_number', v_agent_no));
    end if;
    insert into app.transaction_status_events (transaction_id, status, occurred_at, system_id, result)
    values (v_t.id, v_status, v_occurred, p_system.id, 'created');
    return jsonb_build_object('status', 'created', 'id', v_t.id);
  end if;

  select * into v_t from app.transactions t where t.project_no = v_no for update;
  if v_t.matter_id <> v_matter.id then
    perform app.raise_error('transaction_conflict', 'matter_code');
  end if;
  select e.result into v_result from app.transaction_status_events e
  where e.transaction_id = v_t.id and e.status = v_status;
  if found then
    return jsonb_build_object('status', 'replayed', 'id', v_t.id, 'original_status', v_result);
  end if;

  if app.transaction_status_rank(v_status) > app.transaction_status_rank(v_t.status) then
    if v_status = 'finished' and v_occurred < v_t.accepted_at then
      perform app.raise_error('invalid_input', 'occurred_at');
    end if;
    update app.transactions t set
      status = v_status,
      finished_at = case when v_status = 'finished' then v_occurred end,
      hall_id = coalesce(v_hall_id, t.hall_id),
      window_id = coalesce(v_window_id, t.window_id),
      staff_user_id = coalesce(v_staff_id, t.staff_user_id),
      platform_id = coalesce(v_platform_id, t.platform_id),
      applicant_user_id = coalesce(v_applicant_id, t.applicant_user_id),
      agent_user_id = coalesce(v_agent_id, t.agent_user_id)
    where t.id = v_t.id;
    v_result := 'updated';
  else
    v_result := 'ignored';
  end if;
  insert into app.transaction_status_events (transaction_id, status, occurred_at, system_id, result)
  values (v_t.id, v_status, v_occurred, p_system.id, v_result);
  if v_result = 'ignored' then
    return jsonb_build_object('status', 'ignored', 'id', v_t.id) || (app.ingest_rejected('stale_status', v_t.status) - 'status');
  end if;
  return jsonb_build_object('status', 'updated', 'id', v_t.id);
end;
$function$;
revoke all on function app.ingest_transaction_item(app.business_systems, jsonb, timestamp with time zone) from public;

create or replace function public.ingest_transactions (
  p_key_id     text,
  p_signature  text,
  p_request_ts timestamp with time zone,
  p_items      jsonb,
  p_now        timestamp with time zone default now()
)
  returns jsonb
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_system app.business_systems;
  v_source_id uuid;
  v_item jsonb;
  v_result jsonb;
  v_results jsonb := '[]'::jsonb;
begin
  if jsonb_typeof(p_items) is distinct from 'array' or jsonb_array_length(p_items) > 500 then
    perform app.raise_error('invalid_input', 'items');
  end if;
  v_source_id := app.ingest_begin('transactions', p_key_id, p_signature, p_request_ts, p_now);
  select * into v_system from app.business_systems b where b.id = v_source_id;

  for v_item in select value from jsonb_array_elements(p_items) loop
    begin
      v_result := app.ingest_transaction_item(v_system, v_item, p_now);
    exception
      when sqlstate 'PGRST' then
        v_result := app.ingest_rejected(sqlerrm::jsonb ->> 'code', sqlerrm::jsonb ->> 'details');
      when data_exception then
        v_result := app.ingest_rejected('invalid_input', sqlerrm);
    end;
    v_results := v_results || jsonb_build_array(
      jsonb_build_object('index', v_item -> 'index', 'project_no', v_item -> 'project_no') || v_result);
  end loop;
  return v_results;
end;
$function$;
comment on function public.ingest_transactions(text, text, timestamp with time zone, jsonb, timestamp with time zone) is 'Service role (the transactions function, after checking the HMAC signature): applies a business system''s batch of 办件 status items; per-item results.';
revoke all on function public.ingest_transactions(text, text, timestamp with time zone, jsonb, timestamp with time zone) from public;
grant execute on function public.ingest_transactions(text, text, timestamp with time zone, jsonb, timestamp with time zone) to service_role;

create or replace function app.ingest_rating_item (
  p_device app.rating_devices,
  p_item   jsonb,
  p_now    timestamp with time zone
)
  returns jsonb
  language plpgsql
  set search_path to ''
  as $function$
declare
  v_external_id text := p_item ->> 'external_id';
  v_payload jsonb := p_item - 'index';
  v_project_no text := p_item ->> 'project_no';
  v_window_id uuid := (p_item ->> 'window_id')::uuid;
  v_staff_id uuid := (p_item ->> 'staff_id')::uuid;
  v_level int := (p_item ->> 'level')::int;
  v_tags text[];
  v_comment text := nullif(btrim(p_item ->> 'comment'), '');
  v_rated_at timestamptz := (p_item ->> 'rated_at')::timestamptz;
  v_anonymous boolean := coalesce((p_item ->> 'anonymous')::boolean, false);
  v_log app.rating_ingest_log;
  v_t app.transactions;
  v_w app.windows;
  v_hall_region text;
  v_day date;
  v_violation text;
  v_r app.ratings;
  v_default app.ratings;
begin
  if v_external_id is null or char_length(v_external_id) not between 1 and 100 then
    perform app.raise_error('invalid_input', 'external_id');
  end if;

  -- A repeat of an item this device sent before: its first result, or a conflict.
  select * into v_log from app.rating_ingest_log l where l.device_id = p_device.id and l.external_id = v_external_id;
  if found then
    if v_log.payload <> v_payload then
      perform app.raise_error('idempotency_conflict', 'external_id');
    end if;
    return jsonb_build_object('status', 'replayed', 'id', v_log.rating_id, 'original_status', 'created');
  end if;

  if v_level is null or v_level not between 1 and 5 then
    perform app.raise_error('invalid_input', 'level');
  end if;
  if jsonb_typeof(p_item -> 'tags') is distinct from 'array'
     or exists (select 1 from jsonb_array_elements(p_item -> 'tags') e where jsonb_typeof(e) <> 'string') then
    perform app.raise_error('invalid_input', 'tags');
  end if;
  select coalesce(array_agg(e order by o), '{}') into v_tags from jsonb_array_elements_text(p_item -> 'tags') with ordinality x (e, o);
  if char_length(v_comment) > 500 then
    perform app.raise_error('comment_too_long', 'comment');
  end if;
  if v_rated_at is null or v_rated_at > p_now + interval '5 minutes' then
    perform app.raise_error('invalid_input', 'rated_at');
  end if;
  if v_project_no is null and v_window_id is null then
    perform app.raise_error('invalid_input', 'project_no');
  end if;
  v_violation := app.tag_violation(v_level, v_tags);
  if v_violation is not null then
    perform app.raise_error(v_violation, 'tags');
  end if;

  if v_project_no is not null then
    -- 一事一评: the first rating of a finished 办件.
    -- Locked: a default's replacement (below) and the default job decide on one 办件 one at a time.
    select * into v_t from app.transactions t where t.project_no = v_project_no for update;
    if not found then
      perform app.raise_error('unknown_transaction', 'project_no');
    end if;
    if p_device.hall_id is not null and v_t.hall_id is distinct from p_device.hall_id then
      perform app.raise_error('device_other_hall', 'project_no');
    end if;
    if p_device.hall_id is null and v_t.region_code not in (select app.region_and_below(p_device.region_code)) then
      perform app.raise_error('out_of_region', 'project_no');
    end if;
    if p_device.window_id is not null and v_t.window_id is distinct from p_device.window_id then
      perform app.raise_error('device_other_window', 'project_no');
    end if;
    if v_window_id is not null and v_window_id is distinct from v_t.window_id then
      perform app.raise_error('invalid_input', 'window_id');
    end if;
    if v_staff_id is not null and v_staff_id is distinct from v_t.staff_user_id then
      perform app.raise_error('invalid_input', 'staff_id');
    end if;
    if v_t.status <> 'finished' then
      perform app.raise_error('not_finished', 'project_no');
    end if;
    if v_rated_at < v_t.accepted_at then
      perform app.raise_error('invalid_input', 'rated_at');
    end if;
    if v_rated_at >= v_t.rating_due_at then
      perform app.raise_error('rating_window_closed', 'rated_at');
    end if;
    -- The 办件's first rating, if it has one (issue 16.5: read from the ratings, not the 办件 row).
    select * into v_default from app.ratings r
    where r.transaction_id = v_t.id and r.assess_number = 1 and r.validity <> 'superseded'
    for update;
    if found then
      -- Issue 19.4: a rating made in time (rated_at inside the window, checked above) that was
      -- buffered offline until after the default 基本满意 was applied replaces the default. The
      -- default is kept, marked superseded (audited by its validity change, out of every metric);
      -- an active first rating is never replaced.
      if not (v_default.is_default and v_default.validity = 'valid') then
        perform app.raise_error('already_rated', 'project_no');
      end if;
      update app.ratings r set validity = 'superseded' where r.id = v_default.id;
    end if;

    insert into app.ratings (
      transaction_id, assess_number, level, tags, comment, channel, is_anonymous, unit_id, region_code,
      matter_id, hall_id, window_id, staff_user_id, platform_id, rated_at, supersedes_rating_id
    ) values (
      v_t.id, 1, v_level, v_tags, v_comment, p_device.kind, v_anonymous, v_t.unit_id, v_t.region_code,
      v_t.matter_id, v_t.hall_id, v_t.window_id, v_t.staff_user_id, v_t.platform_id, v_rated_at, v_default.id
    )
    on conflict do nothing
    returning * into v_r;
    if v_r.id is null then
      -- Lost a race: to a twin of this item in a concurrent batch (then it is a replay) or to
      -- another rating of the 办件.
      select * into v_log from app.rating_ingest_log l where l.device_id = p_device.id and l.external_id = v_external_id;
      if found and v_log.payload = v_payload then
        return jsonb_build_object('status', 'replayed', 'id', v_log.rating_id, 'original_status', 'created');
      end if;
      perform app.raise_error('already_rated', 'project_no');
    end if;
  else
    -- 一次一评: a window visit without a 办件.
    select * into v_w from app.windows w where w.id = v_window_id;
    if not found then
      perform app.raise_error('unknown_reference', 'window_id');
    end if;
    select h.region_code into v_hall_region from app.halls h where h.id = v_w.hall_id;
    if p_device.hall_id is not null and v_w.hall_id <> p_device.hall_id then
      perform app.raise_error('device_other_hall', 'window_id');
    end if;
    if p_device.hall_id is null and v_hall_region not in (select app.region_and_below(p_device.region_code)) then
      perform app.raise_error('out_of_region', 'window_id');
    end if;
    if p_device.window_id is not null and v_w.id <> p_device.window_id then
      perform app.raise_error('device_other_window', 'window_id');
    end if;
    v_day := (v_rated_at at time zone 'Asia/Shanghai')::date;
    if p_now >= ((public.add_working_days(v_day, 5) + 1)::timestamp at time zone 'Asia/Shanghai') then
      perform app.raise_error('rating_window_closed', 'rated_at');
    end if;
    if v_staff_id is not null and not exists (
      select 1 from app.staff_assignments a
      where a.user_id = v_staff_id and a.window_id = v_w.id
        and a.valid_from <= v_day and (a.valid_to is null or a.valid_to >= v_day)
    ) then
      perform app.raise_error('invalid_input', 'staff_id');
    end if;

    insert into app.ratings (
      level, tags, comment, channel, is_anonymous, unit_id, region_code, hall_id, window_id,
      staff_user_id, visit_day, rated_at
    ) values (
      v_level, v_tags, v_comment, p_device.kind, v_anonymous, v_w.unit_id, v_hall_region, v_w.hall_id, v_w.id,
      v_staff_id, v_day, v_rated_at
    )
    returning * into v_r;
  end if;

  -- A concurrent twin that committed first makes this insert fail (unique_violation): the
  -- batch then answers from the log (see ingest_ratings).
  insert into app.rating_ingest_log (device_id, external_id, payload, rating_id)
  values (p_device.id, v_external_id, v_payload, v_r.id);
  return jsonb_build_object('status', 'created', 'id', v_r.id, 'is_bad', v_r.is_bad);
end;
$function$;
revoke all on function app.ingest_rating_item(app.rating_devices, jsonb, timestamp with time zone) from public;

create or replace function public.ingest_ratings (
  p_key_id     text,
  p_signature  text,
  p_request_ts timestamp with time zone,
  p_items      jsonb,
  p_now        timestamp with time zone default now()
)
  returns jsonb
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_device app.rating_devices;
  v_source_id uuid;
  v_item jsonb;
  v_result jsonb;
  v_results jsonb := '[]'::jsonb;
  v_log app.rating_ingest_log;
begin
  if jsonb_typeof(p_items) is distinct from 'array' or jsonb_array_length(p_items) > 500 then
    perform app.raise_error('invalid_input', 'items');
  end if;
  v_source_id := app.ingest_begin('ratings-ingest', p_key_id, p_signature, p_request_ts, p_now);
  select * into v_device from app.rating_devices d where d.id = v_source_id;

  for v_item in select value from jsonb_array_elements(p_items) loop
    begin
      v_result := app.ingest_rating_item(v_device, v_item, p_now);
    exception
      when sqlstate 'PGRST' then
        v_result := app.ingest_rejected(sqlerrm::jsonb ->> 'code', sqlerrm::jsonb ->> 'details');
      when data_exception then
        v_result := app.ingest_rejected('invalid_input', sqlerrm);
      when unique_violation then
        select * into v_log from app.rating_ingest_log l
        where l.device_id = v_device.id and l.external_id = v_item ->> 'external_id';
        v_result := case
          when v_log.payload = v_item - 'index' then jsonb_build_object('status', 'replayed', 'id', v_log.rating_id, 'original_status', 'created')
          else app.ingest_rejected('idempotency_conflict', 'external_id') end;
    end;
    v_results := v_results || jsonb_build_array(
      jsonb_build_object('index', v_item -> 'index', 'external_id', v_item -> 'external_id') || v_result);
  end loop;
  return v_results;
end;
$function$;
comment on function public.ingest_ratings(text, text, timestamp with time zone, jsonb, timestamp with time zone) is 'Service role (the ratings-ingest function, after checking the HMAC signature): applies a device''s batch of ratings; per-item results.';
revoke all on function public.ingest_ratings(text, text, timestamp with time zone, jsonb, timestamp with time zone) from public;
grant execute on function public.ingest_ratings(text, text, timestamp with time zone, jsonb, timestamp with time zone) to service_role;

create or replace function public.ingest_key_halls()
  returns table (
    hall_id     uuid,
    hall_name   text,
    kind        text,
    region_code text,
    region_name text
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  perform app.require_supervisor_of(null);
  return query
  select h.id, h.name, h.kind, h.region_code, r.name
  from app.halls h join app.regions r on r.code = h.region_code
  where h.region_code in (select app.my_region_codes())
  order by h.region_code, h.name;
end;
$function$;
comment on function public.ingest_key_halls() is 'Supervisors: the halls of their regions, where a hall_pad / hall_terminal device may be placed.';
revoke all on function public.ingest_key_halls() from public;
grant execute on function public.ingest_key_halls() to authenticated, service_role;

create policy business_systems_select on app.business_systems
  for select
  to service_role
  using (true);

create policy rating_devices_select on app.rating_devices
  for select
  to service_role
  using (true);

create policy ingest_signatures_select on app.ingest_signatures
  for select
  to service_role
  using (true);

create policy transaction_status_events_select on app.transaction_status_events
  for select
  to service_role
  using (true);

create policy rating_ingest_log_select on app.rating_ingest_log
  for select
  to service_role
  using (true);

create policy transaction_party_ids_select on app.transaction_party_ids
  for select
  to service_role
  using (true);
