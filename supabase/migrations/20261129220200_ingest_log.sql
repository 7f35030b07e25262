-- What ingestion remembers: the signatures seen lately (a replayed request is refused whole),
-- and per item the first result, so that a repeated item is answered from it and writes nothing:
-- 办件 status changes by (办件编号, status), device ratings by (device, external id).
-- Only the ingestion RPCs (security definer, service role) touch these tables.

create table app.ingest_signatures (
  signature text primary key check (signature ~ '^[0-9a-f]{64}$'),
  key_id text not null,
  request_ts timestamptz not null,
  seen_at timestamptz not null default now()
);
comment on table app.ingest_signatures is 'Replay guard: HMAC signatures of accepted requests while their timestamp can still pass the ±300 s check (kept 15 minutes).';
create index ingest_signatures_seen_at_idx on app.ingest_signatures (seen_at);
alter table app.ingest_signatures enable row level security;
create policy ingest_signatures_select on app.ingest_signatures for select to service_role using (true);

create table app.transaction_status_events (
  id uuid primary key default gen_random_uuid(),
  transaction_id uuid not null references app.transactions (id),
  status text not null check (status in ('accepted', 'processing', 'finished', 'cancelled')),
  occurred_at timestamptz not null,
  system_id uuid not null references app.business_systems (id),
  result text not null check (result in ('created', 'updated', 'ignored')),
  received_at timestamptz not null default now(),
  unique (transaction_id, status)
);
comment on table app.transaction_status_events is 'Ingestion log of 办件 status changes, one per (办件, status): what the first push of it did. created = the 办件 was new; updated = it moved forward; ignored = it was older than the 办件''s status (out of order).';
create index transaction_status_events_system_id_idx on app.transaction_status_events (system_id);
alter table app.transaction_status_events enable row level security;
create policy transaction_status_events_select on app.transaction_status_events for select to service_role using (true);

create table app.rating_ingest_log (
  id uuid primary key default gen_random_uuid(),
  device_id uuid not null references app.rating_devices (id),
  external_id text not null check (char_length(external_id) between 1 and 100),
  payload jsonb not null,
  rating_id uuid not null references app.ratings (id),
  received_at timestamptz not null default now(),
  unique (device_id, external_id)
);
comment on table app.rating_ingest_log is 'Ingestion log of device ratings by (device, external id): the item as first received and the rating it created. A repeat with the same payload is answered replayed; with another payload idempotency_conflict. Refused items are not logged (the device may correct and resend them).';
create index rating_ingest_log_rating_id_idx on app.rating_ingest_log (rating_id);
alter table app.rating_ingest_log enable row level security;
create policy rating_ingest_log_select on app.rating_ingest_log for select to service_role using (true);

revoke all on app.ingest_signatures, app.transaction_status_events, app.rating_ingest_log
  from public, anon, authenticated, service_role;

-- The start of every ingestion batch: the key must exist for this endpoint and be active, the
-- timestamp within ±300 s of p_now, and the signature unseen (recorded here, in the batch's
-- transaction: a batch that fails leaves no trace, a concurrent twin waits and is refused).
create function app.ingest_begin(p_endpoint text, p_key_id text, p_signature text, p_request_ts timestamptz, p_now timestamptz)
returns uuid
language plpgsql
set search_path = ''
as $$
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
  if p_signature is null or p_signature !~ '^[0-9a-f]{64}$' then
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
$$;
comment on function app.ingest_begin(text, text, text, timestamptz, timestamptz) is
  'Checks an ingestion request''s key, time and signature freshness (replay guard); returns the business system''s or device''s id.';
revoke execute on function app.ingest_begin(text, text, text, timestamptz, timestamptz) from public;

-- A per-item refusal inside a batch: the code's result with its Chinese message. Batches catch
-- app.raise_error (SQLSTATE PGRST: code and details from its JSON message) and data exceptions
-- (a value that does not cast: invalid_input) per item, in a subtransaction that undoes the item.
create function app.ingest_rejected(p_code text, p_details text default null)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object('status', 'rejected', 'code', e.code, 'message', e.message)
         || case when p_details is not null then jsonb_build_object('details', p_details) else '{}'::jsonb end
  from app.error_codes e where e.code = p_code;
$$;
revoke execute on function app.ingest_rejected(text, text) from public;
