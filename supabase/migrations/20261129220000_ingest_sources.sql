-- Who may push data in (R16's other end): 业务系统 (business systems pushing 办件) and rating
-- devices (评价器 hall_pad, 自助终端 hall_terminal, 12345 hotline phone, SMS gateway sms). Each
-- holds its own HMAC-SHA256 secret, named by a public key id; supervisors create and revoke them
-- for their region. A secret is shown once, when created, and is never readable by an API role:
-- the tables have no grants at all; the ingestion functions get a secret through
-- ingest_key_secret(), which only the service role may call.

create table app.business_systems (
  id uuid primary key default gen_random_uuid(),
  key_id text not null unique check (key_id ~ '^bs_[0-9a-z_]{6,60}$'),
  secret text not null check (char_length(secret) >= 32),
  name text not null check (char_length(btrim(name)) between 1 and 100),
  region_code text not null references app.regions (code),
  status text not null default 'active' check (status in ('active', 'revoked')),
  created_by uuid references app.users (id),
  created_at timestamptz not null default now(),
  revoked_by uuid references app.users (id),
  revoked_at timestamptz,
  last_used_at timestamptz,
  check ((status = 'revoked') = (revoked_at is not null))
);
comment on table app.business_systems is '业务系统 that push 办件 and their status to /functions/v1/transactions, each with its own HMAC key. May push 办件 of its region and the regions below it.';
comment on column app.business_systems.key_id is 'Public key id sent as X-HCP-Key-Id.';
comment on column app.business_systems.secret is 'HMAC-SHA256 secret (used as its UTF-8 bytes). Readable by no API role; shown once by create_business_system().';
comment on column app.business_systems.status is 'active, or revoked (final: a revoked key is refused with key_revoked).';
create index business_systems_region_code_idx on app.business_systems (region_code);
create index business_systems_created_by_idx on app.business_systems (created_by);
create index business_systems_revoked_by_idx on app.business_systems (revoked_by);
alter table app.business_systems enable row level security;
-- No grants to any API role: the policy only documents who the rows are for.
create policy business_systems_select on app.business_systems for select to service_role using (true);

create table app.rating_devices (
  id uuid primary key default gen_random_uuid(),
  key_id text not null unique check (key_id ~ '^dev_[0-9a-z_]{6,60}$'),
  secret text not null check (char_length(secret) >= 32),
  kind text not null check (kind in ('hall_pad', 'hall_terminal', 'phone', 'sms')),
  name text not null check (char_length(btrim(name)) between 1 and 100),
  hall_id uuid references app.halls (id),
  region_code text not null references app.regions (code),
  status text not null default 'active' check (status in ('active', 'revoked')),
  created_by uuid references app.users (id),
  created_at timestamptz not null default now(),
  revoked_by uuid references app.users (id),
  revoked_at timestamptz,
  last_used_at timestamptz,
  check ((status = 'revoked') = (revoked_at is not null)),
  -- 评价器 and 自助终端 stand in a hall; the hotline and the SMS gateway serve a region.
  check ((kind in ('hall_pad', 'hall_terminal')) = (hall_id is not null))
);
comment on table app.rating_devices is 'Sources of ratings for /functions/v1/ratings-ingest: 评价器 (hall_pad, channel 4) and 自助终端 (hall_terminal, 5) of one hall, the 12345 hotline (phone, 6) and the SMS gateway (sms, 7) of a region. kind is the channel of their ratings.';
comment on column app.rating_devices.hall_id is 'R4: a hall device rates only 办件 and windows of this hall.';
comment on column app.rating_devices.region_code is 'The hall''s region for hall devices; for phone and sms the region (and below) whose 办件 and windows they may rate.';
comment on column app.rating_devices.secret is 'HMAC-SHA256 secret (used as its UTF-8 bytes). Readable by no API role; shown once by create_rating_device().';
create index rating_devices_hall_id_idx on app.rating_devices (hall_id);
create index rating_devices_region_code_idx on app.rating_devices (region_code);
create index rating_devices_created_by_idx on app.rating_devices (created_by);
create index rating_devices_revoked_by_idx on app.rating_devices (revoked_by);
alter table app.rating_devices enable row level security;
create policy rating_devices_select on app.rating_devices for select to service_role using (true);

revoke all on app.business_systems, app.rating_devices from public, anon, authenticated, service_role;

-- 256 random bits as 64 hex characters.
create function app.new_ingest_secret()
returns text
language sql
volatile
set search_path = ''
as $$
  select encode(extensions.gen_random_bytes(32), 'hex');
$$;
revoke execute on function app.new_ingest_secret() from public;

-- The caller must supervise p_region_code (it or a region above it); returns the caller.
create function app.require_supervisor_of(p_region_code text)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
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
$$;
revoke execute on function app.require_supervisor_of(text) from public;

create function public.create_business_system(p_name text, p_region_code text)
returns table (id uuid, key_id text, secret text, region_code text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_supervisor_of(null);
  v_row app.business_systems;
begin
  if p_region_code is null or not exists (select 1 from app.regions r where r.code = p_region_code) then
    perform app.raise_error('invalid_input', 'p_region_code');
  end if;
  perform app.require_supervisor_of(p_region_code);
  if p_name is null or char_length(btrim(p_name)) not between 1 and 100 then
    perform app.raise_error('invalid_input', 'p_name');
  end if;
  insert into app.business_systems (key_id, secret, name, region_code, created_by)
  values ('bs_' || replace(gen_random_uuid()::text, '-', ''), app.new_ingest_secret(), btrim(p_name), p_region_code, v_uid)
  returning * into v_row;
  return query select v_row.id, v_row.key_id, v_row.secret, v_row.region_code;
end;
$$;
comment on function public.create_business_system(text, text) is
  'Supervisors: a business system of their region with a new HMAC key. The secret is in this answer only; it cannot be read again.';

create function public.create_rating_device(p_kind text, p_name text, p_hall_id uuid default null, p_region_code text default null)
returns table (id uuid, key_id text, secret text, kind text, hall_id uuid, region_code text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_supervisor_of(null);
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
  insert into app.rating_devices (key_id, secret, kind, name, hall_id, region_code, created_by)
  values ('dev_' || replace(gen_random_uuid()::text, '-', ''), app.new_ingest_secret(), p_kind, btrim(p_name), p_hall_id, v_region, v_uid)
  returning * into v_row;
  return query select v_row.id, v_row.key_id, v_row.secret, v_row.kind, v_row.hall_id, v_row.region_code;
end;
$$;
comment on function public.create_rating_device(text, text, uuid, text) is
  'Supervisors: a rating device (hall_pad / hall_terminal of a hall in their region; phone / sms of a region they supervise) with a new HMAC key, shown only in this answer.';

-- Revoking is final and idempotent. A key outside the caller's regions is not_found (its
-- existence is not told).
create function public.revoke_ingest_key(p_key_id text)
returns table (key_id text, status text, revoked_at timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
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
$$;
comment on function public.revoke_ingest_key(text) is 'Supervisors: revoke a business system''s or device''s key of their region (final; repeating it changes nothing).';

create function public.ingest_keys()
returns table (
  kind text,
  id uuid,
  key_id text,
  name text,
  region_code text,
  hall_id uuid,
  hall_name text,
  status text,
  created_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
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
$$;
comment on function public.ingest_keys() is 'Supervisors: the business systems and rating devices of their regions, without secrets. kind is business_system or the device kind.';

-- For the ingestion functions only: the secret and state of a key, by its id and kind.
create function public.ingest_key_secret(p_key_id text)
returns table (kind text, key_id text, secret text, status text, region_code text, hall_id uuid)
language sql
stable
security definer
set search_path = ''
as $$
  select 'business_system'::text, b.key_id, b.secret, b.status, b.region_code, null::uuid
  from app.business_systems b where b.key_id = p_key_id
  union all
  select d.kind, d.key_id, d.secret, d.status, d.region_code, d.hall_id
  from app.rating_devices d where d.key_id = p_key_id;
$$;
comment on function public.ingest_key_secret(text) is 'Service role only (the ingestion functions verify HMAC signatures with it). kind is business_system or the device kind.';

revoke execute on function
  public.create_business_system(text, text), public.create_rating_device(text, text, uuid, text),
  public.revoke_ingest_key(text), public.ingest_keys(), public.ingest_key_secret(text)
from public, anon, authenticated;
grant execute on function
  public.create_business_system(text, text), public.create_rating_device(text, text, uuid, text),
  public.revoke_ingest_key(text), public.ingest_keys()
to authenticated;
grant execute on function public.ingest_key_secret(text) to service_role;
