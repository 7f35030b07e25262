-- Devices push ratings (/functions/v1/ratings-ingest): 评价器 and 自助终端 of one hall, the 12345
-- hotline and the SMS gateway of a region. The device's kind is the rating's channel (R1: every
-- level accepted on every channel); there is no known rater (rater_user_id null).
-- R3: a 办件 has one first rating, whoever gives it; each (device, external id) is applied once
-- and a repeat answers replayed with the first rating. R4: a hall device rates only 办件 and
-- windows of its own hall; hotline and SMS only those of their region. Offline-buffered ratings
-- keep their original time (rated_at) and count if that time was within the rating window:
-- before the 办件's rating_due_at, or for a window visit by the end of the 5th working day after
-- the visit day (the same rule as R5). R7 tags through app.tag_violation.

create function app.ingest_rating_item(p_device app.rating_devices, p_item jsonb, p_now timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
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
    select * into v_t from app.transactions t where t.project_no = v_project_no;
    if not found then
      perform app.raise_error('unknown_transaction', 'project_no');
    end if;
    if p_device.hall_id is not null and v_t.hall_id is distinct from p_device.hall_id then
      perform app.raise_error('device_other_hall', 'project_no');
    end if;
    if p_device.hall_id is null and v_t.region_code not in (select app.region_and_below(p_device.region_code)) then
      perform app.raise_error('out_of_region', 'project_no');
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
    if v_t.first_rating_id is not null then
      perform app.raise_error('already_rated', 'project_no');
    end if;

    insert into app.ratings (
      transaction_id, assess_number, level, tags, comment, channel, is_anonymous, unit_id, region_code,
      matter_id, hall_id, window_id, staff_user_id, platform_id, rated_at
    ) values (
      v_t.id, 1, v_level, v_tags, v_comment, p_device.kind, v_anonymous, v_t.unit_id, v_t.region_code,
      v_t.matter_id, v_t.hall_id, v_t.window_id, v_t.staff_user_id, v_t.platform_id, v_rated_at
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
$$;
revoke execute on function app.ingest_rating_item(app.rating_devices, jsonb, timestamptz) from public;

-- A batch (items shaped by shared/ingest.ts, each with its index in the request). Answers one
-- result per item, in order: { index, external_id, status, id?, is_bad?, code?, message?, details? }.
create function public.ingest_ratings(
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
$$;
comment on function public.ingest_ratings(text, text, timestamptz, jsonb, timestamptz) is
  'Service role (the ratings-ingest function, after checking the HMAC signature): applies a device''s batch of ratings; per-item results.';
revoke execute on function public.ingest_ratings(text, text, timestamptz, jsonb, timestamptz) from public, anon, authenticated;
grant execute on function public.ingest_ratings(text, text, timestamptz, jsonb, timestamptz) to service_role;
