-- 窗口评价器 on a tablet (issue 18): a unit admin or supervisor issues a one-time pairing code for a
-- window; the tablet exchanges it (kiosk-pair function) for a device of kind hall_pad bound to that
-- window, with the tablet's own ECDSA P-256 public key; the tablet then polls the window's just
-- finished 办件 (kiosk-feed) and rates them through ratings-ingest like any other 评价器.

-- Function bodies are checked when they run: a body may use what a later file defines.
set check_function_bodies = off;

create table app.kiosk_pairings (
  id         uuid                     not null default gen_random_uuid(),
  window_id  uuid                     not null,
  code_hash  bytea                    not null,
  created_by uuid                     not null,
  created_at timestamp with time zone not null default now(),
  expires_at timestamp with time zone not null,
  used_at    timestamp with time zone,
  device_id  uuid,
  voided_at  timestamp with time zone,
  constraint kiosk_pairings_check check ((expires_at > created_at)),
  constraint kiosk_pairings_used_check check (((used_at is null) = (device_id is null))),
  constraint kiosk_pairings_pkey primary key (id)
);
alter table app.kiosk_pairings
  enable row level security;
alter table app.kiosk_pairings
  add constraint kiosk_pairings_window_id_fkey foreign key (window_id) references app.windows(id);
alter table app.kiosk_pairings
  add constraint kiosk_pairings_created_by_fkey foreign key (created_by) references app.users(id);
alter table app.kiosk_pairings
  add constraint kiosk_pairings_device_id_fkey foreign key (device_id) references app.rating_devices(id);
create index kiosk_pairings_code_hash_idx on app.kiosk_pairings using btree (code_hash);
create index kiosk_pairings_created_by_idx on app.kiosk_pairings using btree (created_by);
create index kiosk_pairings_device_id_idx on app.kiosk_pairings using btree (device_id);
create index kiosk_pairings_window_id_idx on app.kiosk_pairings using btree (window_id);
comment on table app.kiosk_pairings is 'One-time codes (6 digits, 10 minutes) that pair a tablet with a window as its 评价器. The code itself is never stored: code_hash is a keyed HMAC of it. A new code for a window voids the window''s earlier unused ones, so a window has at most one live code.';
comment on column app.kiosk_pairings.code_hash is 'HMAC-SHA256 of ''kiosk-pairing:<code>'' keyed with the PII blind-index key (app.kiosk_code_hash).';
comment on column app.kiosk_pairings.voided_at is 'Set when a newer code was issued for the window before this one was used.';

create table app.kiosk_pairing_attempts (
  id     bigint                   generated always as identity not null,
  source text                     not null,
  at     timestamp with time zone not null default now(),
  result text                     not null,
  constraint kiosk_pairing_attempts_pkey primary key (id),
  constraint kiosk_pairing_attempts_result_check check ((result = any (array['paired'::text, 'invalid'::text, 'expired'::text, 'used'::text]))),
  constraint kiosk_pairing_attempts_source_check check (((char_length(source) >= 1) and (char_length(source) <= 64)))
);
alter table app.kiosk_pairing_attempts
  enable row level security;
create index kiosk_pairing_attempts_at_idx on app.kiosk_pairing_attempts using btree (at);
create index kiosk_pairing_attempts_source_at_idx on app.kiosk_pairing_attempts using btree (source, at);
comment on table app.kiosk_pairing_attempts is 'Every pairing attempt that reached a code check, for the brute-force limits of kiosk_pair (a 6-digit code is guessable without them). source is the client address the function saw.';

create or replace function app.kiosk_code_hash (
  p_code text
)
  returns bytea
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select extensions.hmac(convert_to('kiosk-pairing:' || p_code, 'UTF8'), convert_to(app.pii_key('blind-index'), 'UTF8'), 'sha256');
$function$;
comment on function app.kiosk_code_hash(text) is 'Keyed hash of a pairing code: the table never holds a live code in clear.';
revoke all on function app.kiosk_code_hash(text) from public;

create or replace function app.kiosk_window_manager (
  p_window_id uuid
)
  returns uuid
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_unit uuid;
  v_region text;
begin
  select w.unit_id, h.region_code into v_unit, v_region
  from app.windows w join app.halls h on h.id = w.hall_id where w.id = p_window_id;
  if v_unit is null then
    perform app.raise_error('not_found', 'p_window_id');
  end if;
  if exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.role = 'unit_admin' and s.unit_id = v_unit)
     or v_region in (select app.my_region_codes()) then
    return v_uid;
  end if;
  perform app.raise_error('forbidden', 'p_window_id');
  return null;
end;
$function$;
comment on function app.kiosk_window_manager(uuid) is 'The caller, when they may pair and revoke a window''s 评价器: a unit admin of the window''s unit or a supervisor of its hall''s region; else forbidden (not_found for no such window).';
revoke all on function app.kiosk_window_manager(uuid) from public;

create or replace function public.kiosk_windows()
  returns table (
    window_id      uuid,
    window_name    text,
    hall_id        uuid,
    hall_name      text,
    unit_id        uuid,
    unit_name      text,
    region_code    text,
    active_devices integer,
    last_used_at   timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
begin
  if not exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.role in ('unit_admin', 'supervisor')) then
    perform app.raise_error('forbidden');
  end if;
  return query
    select w.id, w.name, h.id, h.name, u.id, u.name, h.region_code,
           (select count(*)::int from app.rating_devices d where d.window_id = w.id and d.status = 'active'),
           (select max(d.last_used_at) from app.rating_devices d where d.window_id = w.id and d.status = 'active')
    from app.windows w
    join app.halls h on h.id = w.hall_id
    join app.units u on u.id = w.unit_id
    where w.unit_id in (select s.unit_id from app.staff_roles s where s.user_id = v_uid and s.role = 'unit_admin')
       or h.region_code in (select app.my_region_codes())
    order by h.region_code, h.name, w.name;
end;
$function$;
comment on function public.kiosk_windows() is '管理 → 评价器: the windows whose tablet 评价器 the caller may pair (unit admins: their units'' windows; supervisors: their regions''), with the count of active paired devices and their last request.';
revoke all on function public.kiosk_windows() from public;
grant execute on function public.kiosk_windows() to authenticated, service_role;

create or replace function public.create_kiosk_pairing (
  p_window_id uuid
)
  returns table (
    code        text,
    expires_at  timestamp with time zone,
    window_id   uuid,
    window_name text
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.kiosk_window_manager(p_window_id);
  v_code text;
  v_row app.kiosk_pairings;
begin
  -- One live code per window: an earlier unused one is void from now on.
  update app.kiosk_pairings k set voided_at = now()
  where k.window_id = p_window_id and k.used_at is null and k.voided_at is null and k.expires_at > now();
  -- Live codes are distinct across windows (a typed code must name one window); the lock keeps
  -- two concurrent issuers from drawing the same one.
  perform pg_advisory_xact_lock(hashtext('app.kiosk_pairings'));
  loop
    v_code := lpad(((('x' || encode(extensions.gen_random_bytes(4), 'hex'))::bit(32)::bigint) % 1000000)::text, 6, '0');
    exit when not exists (
      select 1 from app.kiosk_pairings k
      where k.code_hash = app.kiosk_code_hash(v_code) and k.used_at is null and k.voided_at is null and k.expires_at > now());
  end loop;
  insert into app.kiosk_pairings (window_id, code_hash, created_by, expires_at)
  values (p_window_id, app.kiosk_code_hash(v_code), v_uid, now() + interval '10 minutes')
  returning * into v_row;
  return query select v_code, v_row.expires_at, w.id, w.name from app.windows w where w.id = p_window_id;
end;
$function$;
comment on function public.create_kiosk_pairing(uuid) is 'A unit admin of the window''s unit or a supervisor of its region: a one-time 6-digit code (valid 10 minutes, shown in this answer only) that pairs one tablet as the window''s 评价器; voids the window''s earlier unused code.';
revoke all on function public.create_kiosk_pairing(uuid) from public;
grant execute on function public.create_kiosk_pairing(uuid) to authenticated, service_role;

create or replace function public.kiosk_devices (
  p_window_id uuid
)
  returns table (
    id           uuid,
    key_id       text,
    name         text,
    status       text,
    created_at   timestamp with time zone,
    last_used_at timestamp with time zone,
    revoked_at   timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  perform app.kiosk_window_manager(p_window_id);
  return query
    select d.id, d.key_id, d.name, d.status, d.created_at, d.last_used_at, d.revoked_at
    from app.rating_devices d where d.window_id = p_window_id
    order by d.status, d.created_at desc;
end;
$function$;
comment on function public.kiosk_devices(uuid) is 'The tablets paired with a window (active first, newest first), for whoever may manage its 评价器.';
revoke all on function public.kiosk_devices(uuid) from public;
grant execute on function public.kiosk_devices(uuid) to authenticated, service_role;

create or replace function public.revoke_kiosk_device (
  p_device_id uuid
)
  returns table (
    id         uuid,
    status     text,
    revoked_at timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_window uuid;
  v_uid uuid;
begin
  select d.window_id into v_window from app.rating_devices d where d.id = p_device_id;
  if v_window is null then
    perform app.raise_error('not_found', 'p_device_id');
  end if;
  v_uid := app.kiosk_window_manager(v_window);
  return query
    update app.rating_devices d
    set status = 'revoked', revoked_at = coalesce(d.revoked_at, now()), revoked_by = coalesce(d.revoked_by, v_uid)
    where d.id = p_device_id
    returning d.id, d.status, d.revoked_at;
end;
$function$;
comment on function public.revoke_kiosk_device(uuid) is 'Revokes a window tablet (final; repeating it changes nothing): its next request is refused with key_revoked. For a unit admin of the window''s unit or a supervisor of its region.';
revoke all on function public.revoke_kiosk_device(uuid) from public;
grant execute on function public.revoke_kiosk_device(uuid) to authenticated, service_role;

create or replace function public.kiosk_pair (
  p_code       text,
  p_public_key jsonb,
  p_source     text,
  p_now        timestamp with time zone default now()
)
  returns jsonb
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_source text := left(coalesce(nullif(btrim(p_source), ''), 'unknown'), 64);
  v_pairing app.kiosk_pairings;
  v_window record;
  v_device app.rating_devices;
  v_result text;
begin
  if p_code is null or p_code !~ '^[0-9]{6}$' then
    perform app.raise_error('invalid_input', 'code');
  end if;
  if jsonb_typeof(p_public_key) is distinct from 'object'
     or p_public_key ->> 'kty' is distinct from 'EC' or p_public_key ->> 'crv' is distinct from 'P-256'
     or coalesce(p_public_key ->> 'x', '') !~ '^[A-Za-z0-9_-]{43}$' or coalesce(p_public_key ->> 'y', '') !~ '^[A-Za-z0-9_-]{43}$' then
    perform app.raise_error('invalid_input', 'public_key');
  end if;

  -- Brute force: a 6-digit code is one in a million. Failed attempts are counted under one lock
  -- (parallel guesses cannot overrun the limits): 5 per address and 30 in all per 10 minutes.
  -- Beyond either, every attempt is refused before any code is looked at, the right one too,
  -- and nothing is written; the limit lifts as the oldest failures pass 10 minutes.
  perform pg_advisory_xact_lock(hashtext('app.kiosk_pairing_attempts'));
  if (select count(*) from app.kiosk_pairing_attempts a
      where a.result <> 'paired' and a.at > p_now - interval '10 minutes' and a.source = v_source) >= 5
     or (select count(*) from app.kiosk_pairing_attempts a
         where a.result <> 'paired' and a.at > p_now - interval '10 minutes') >= 30 then
    perform app.raise_error('pairing_rate_limited');
  end if;

  select * into v_pairing from app.kiosk_pairings k
  where k.code_hash = app.kiosk_code_hash(p_code)
  order by (k.used_at is null and k.voided_at is null and k.expires_at > p_now) desc, k.created_at desc
  limit 1
  for update;
  v_result := case
    when v_pairing.id is null or v_pairing.voided_at is not null then 'invalid'
    when v_pairing.used_at is not null then 'used'
    when v_pairing.expires_at <= p_now then 'expired'
    else 'paired' end;
  insert into app.kiosk_pairing_attempts (source, at, result) values (v_source, p_now, v_result);
  if v_result <> 'paired' then
    -- Answered, not raised: the attempt must stay counted.
    return jsonb_build_object('status', 'refused', 'code',
      case v_result when 'used' then 'pairing_code_used' when 'expired' then 'pairing_code_expired' else 'pairing_code_invalid' end);
  end if;

  select w.id, w.name, w.hall_id, h.name as hall_name, h.region_code, u.name as unit_name into v_window
  from app.windows w join app.halls h on h.id = w.hall_id join app.units u on u.id = w.unit_id
  where w.id = v_pairing.window_id;
  insert into app.rating_devices (key_id, kind, name, hall_id, region_code, window_id, public_key, created_by)
  values ('dev_' || replace(gen_random_uuid()::text, '-', ''), 'hall_pad', left(v_window.name || ' 评价器（平板）', 100),
          v_window.hall_id, v_window.region_code, v_window.id,
          jsonb_build_object('kty', 'EC', 'crv', 'P-256', 'x', p_public_key ->> 'x', 'y', p_public_key ->> 'y'),
          v_pairing.created_by)
  returning * into v_device;
  update app.kiosk_pairings k set used_at = p_now, device_id = v_device.id where k.id = v_pairing.id;
  return jsonb_build_object('status', 'paired', 'key_id', v_device.key_id, 'window', jsonb_build_object(
    'id', v_window.id, 'name', v_window.name, 'hall_name', v_window.hall_name, 'unit_name', v_window.unit_name));
end;
$function$;
comment on function public.kiosk_pair(text, jsonb, text, timestamp with time zone) is 'Service role (the kiosk-pair function, which has checked the key is a P-256 point): exchanges a live pairing code for a window 评价器 holding the tablet''s public key. Answers {status: paired, key_id, window} or {status: refused, code} (the attempt is counted); pairing_rate_limited is raised with nothing written.';
revoke all on function public.kiosk_pair(text, jsonb, text, timestamp with time zone) from public;
grant execute on function public.kiosk_pair(text, jsonb, text, timestamp with time zone) to service_role;

create or replace function public.kiosk_feed (
  p_key_id text,
  p_now    timestamp with time zone default now()
)
  returns jsonb
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_device app.rating_devices;
  v_window jsonb;
  v_items jsonb;
begin
  select * into v_device from app.rating_devices d where d.key_id = p_key_id;
  if v_device.id is null or v_device.window_id is null then
    perform app.raise_error('unknown_key');
  end if;
  if v_device.status <> 'active' then
    perform app.raise_error('key_revoked');
  end if;
  -- A poll a second is a read; last_used_at is kept to the minute so that polling writes little.
  update app.rating_devices d set last_used_at = p_now
  where d.id = v_device.id and (d.last_used_at is null or d.last_used_at < p_now - interval '1 minute');

  select jsonb_build_object('id', w.id, 'name', w.name, 'hall_name', h.name, 'unit_name', u.name) into v_window
  from app.windows w join app.halls h on h.id = w.hall_id join app.units u on u.id = w.unit_id
  where w.id = v_device.window_id;
  -- The window's 办件 finished in the last 30 minutes and not rated yet, newest first: what the
  -- applicant at the counter has just received. Nothing about the applicant is in it (R13).
  select coalesce(jsonb_agg(jsonb_build_object(
           'project_no', t.project_no, 'matter_name', m.name, 'staff_name', nullif(s.masked_name, ''),
           'finished_at', t.finished_at) order by t.finished_at desc, t.project_no), '[]'::jsonb)
    into v_items
  from (
    select * from app.transactions t
    where t.window_id = v_device.window_id and t.status = 'finished'
      and exists (select 1 from app.rating_pending p where p.transaction_id = t.id)
      and t.finished_at > p_now - interval '30 minutes' and t.finished_at <= p_now + interval '5 minutes'
      and t.rating_due_at > p_now
    order by t.finished_at desc
    limit 20
  ) t
  join app.matters m on m.id = t.matter_id
  left join app.users s on s.id = t.staff_user_id;
  return jsonb_build_object('window', v_window, 'items', v_items, 'server_time', p_now);
end;
$function$;
comment on function public.kiosk_feed(text, timestamp with time zone) is 'Service role (the kiosk-feed function, after checking the tablet''s signature): the paired window and its 办件 finished in the last 30 minutes and not yet rated, newest first (事项, masked officer, 办结时间; never the applicant). A revoked device is refused with key_revoked.';
revoke all on function public.kiosk_feed(text, timestamp with time zone) from public;
grant execute on function public.kiosk_feed(text, timestamp with time zone) to service_role;

create policy kiosk_pairings_select on app.kiosk_pairings
  for select
  to service_role
  using (true);

create policy kiosk_pairing_attempts_select on app.kiosk_pairing_attempts
  for select
  to service_role
  using (true);
