-- Business systems push 办件 and their status (/functions/v1/transactions). One item is one
-- status of one 办件: the 办件 is created at its first item, whatever status that is, and then
-- only moves forward (accepted 受理 → processing 办理中 → finished 办结 | cancelled 撤件/不予受理);
-- an older status arriving late is acknowledged as ignored. Each (办件编号, status) is applied
-- once: a repeat answers replayed with the first result. Reaching 办结 sets finished_at, and
-- the existing trigger starts the rating window (R5). Items fail one by one; the batch commits.

-- Business systems know applicants by ID number (身份证号 / 统一社会信用代码), not by our user id.
-- A known person is linked at once (app.user_id_by_id_number, a blind-index lookup); for one who
-- has not bound a real name yet, the blind index is kept here, out of every API role's reach, so
-- that binding later can claim their 办件 (R17 invitations, my_pending_ratings).
create table app.transaction_party_ids (
  transaction_id uuid primary key references app.transactions (id),
  applicant_id_bidx bytea,
  agent_id_bidx bytea,
  check (applicant_id_bidx is not null or agent_id_bidx is not null)
);
comment on table app.transaction_party_ids is 'Blind indexes (app.pii_blind_index) of the ID numbers a business system gave for a 办件''s applicant and agent. No API role has a grant.';
create index transaction_party_ids_applicant_idx on app.transaction_party_ids (applicant_id_bidx) where applicant_id_bidx is not null;
create index transaction_party_ids_agent_idx on app.transaction_party_ids (agent_id_bidx) where agent_id_bidx is not null;
alter table app.transaction_party_ids enable row level security;
create policy transaction_party_ids_select on app.transaction_party_ids for select to service_role using (true);
revoke all on app.transaction_party_ids from public, anon, authenticated, service_role;

create function app.transaction_status_rank(p_status text)
returns int
language sql
immutable
set search_path = ''
as $$
  select case p_status when 'accepted' then 1 when 'processing' then 2 when 'finished' then 3 when 'cancelled' then 3 end;
$$;
revoke execute on function app.transaction_status_rank(text) from public;

-- One item; raises app.raise_error codes for refusals (the caller turns them into results).
create function app.ingest_transaction_item(p_system app.business_systems, p_item jsonb, p_now timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
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
$$;
revoke execute on function app.ingest_transaction_item(app.business_systems, jsonb, timestamptz) from public;

-- A batch (items already shaped by shared/ingest.ts; each carries its index in the request).
-- Answers one result per item, in order: { index, project_no, status, id?, code?, message?, details? }.
create function public.ingest_transactions(
  p_key_id text,
  p_signature text,
  p_request_ts timestamptz,
  p_items jsonb,
  p_now timestamptz default now()
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
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
$$;
comment on function public.ingest_transactions(text, text, timestamptz, jsonb, timestamptz) is
  'Service role (the transactions function, after checking the HMAC signature): applies a business system''s batch of 办件 status items; per-item results.';
revoke execute on function public.ingest_transactions(text, text, timestamptz, jsonb, timestamptz) from public, anon, authenticated;
grant execute on function public.ingest_transactions(text, text, timestamptz, jsonb, timestamptz) to service_role;
