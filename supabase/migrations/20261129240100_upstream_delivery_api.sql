-- R16 upward reporting, second part: the RPCs around the outbox.
--   claim_upstream_batch / record_upstream_results: the report-upstream function (service role).
--     A claim takes due messages with FOR UPDATE SKIP LOCKED, so two runs at once never hold the
--     same message; only the oldest open message of an idempotency key is claimable, so changes
--     of one rating reach the platform in order. A claimed message is `sending` with a lease
--     (next_attempt_at = end of lease): if the run dies, the message is due again after it.
--     Results are recorded only with the claim's token, so a run whose lease ran out cannot
--     overwrite what a later run did. Delivered only on the platform's acknowledgement.
--   upstream_status / repush_upstream: supervisors, for the regions they supervise.

-- The regions a supervisor caller may see: p_region_code and below (it must be theirs), or all
-- of theirs. Not a supervisor: forbidden.
create function app.upstream_scope(p_region_code text)
returns text[]
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := app.require_user();
begin
  if not exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.role = 'supervisor') then
    perform app.raise_error('forbidden');
  end if;
  if p_region_code is null then
    return array(select app.my_region_codes());
  end if;
  if p_region_code not in (select app.my_region_codes()) then
    perform app.raise_error('forbidden', 'p_region_code');
  end if;
  return array(select app.region_and_below(p_region_code));
end;
$$;
revoke execute on function app.upstream_scope(text) from public, anon, authenticated;


create function public.claim_upstream_batch(p_limit int default 100, p_now timestamptz default now())
returns table (id bigint, claim_token uuid, attempts int, idempotency_key text, change_seq int, payload jsonb)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_token uuid := gen_random_uuid();
  v_lease int := (select s.lease_seconds from app.upstream_settings s where s.id);
begin
  if p_limit is null or p_limit < 1 or p_limit > 1000 then
    perform app.raise_error('invalid_input', 'p_limit must be 1..1000');
  end if;
  return query
  with due as (
    select o.id, o.rating_id from app.upstream_outbox o
    where o.status in ('pending', 'sending') and o.next_attempt_at <= p_now
      and not exists (
        select 1 from app.upstream_outbox e
        where e.rating_id = o.rating_id and e.change_seq < o.change_seq and e.status in ('pending', 'sending')
      )
      -- Never let a message without its rating hold a place in the batch (it could not be built).
      and exists (select 1 from app.ratings r where r.id = o.rating_id)
    order by o.next_attempt_at, o.id
    limit p_limit
    for update of o skip locked
  ),
  items as (
    select i.* from app.upstream_items(array(select due.rating_id from due)) i
  )
  update app.upstream_outbox o
  set status = 'sending', claim_token = v_token, attempts = o.attempts + 1, last_attempt_at = p_now,
      next_attempt_at = p_now + make_interval(secs => v_lease),
      idempotency_key = i.idempotency_key,
      payload = i.payload || jsonb_build_object('changeSeq', o.change_seq)
  from due
  join items i on i.rating_id = due.rating_id
  where o.id = due.id
  returning o.id, o.claim_token, o.attempts, o.idempotency_key, o.change_seq, o.payload;
end;
$$;
comment on function public.claim_upstream_batch(int, timestamptz) is 'R16 (service role): claims up to p_limit due messages for one send (status sending, attempts + 1, leased until p_now + lease_seconds) and builds each one''s provincial item from the rating as it is now. SKIP LOCKED: concurrent runs get disjoint messages; a rating''s later change waits until its earlier message is delivered or dead.';
revoke execute on function public.claim_upstream_batch(int, timestamptz) from public, anon, authenticated;
grant execute on function public.claim_upstream_batch(int, timestamptz) to service_role;

-- p_results: [{ "id": <outbox id>, "ok": true } | { "id": …, "ok": false, "error": "…" }].
create function public.record_upstream_results(p_claim_token uuid, p_results jsonb, p_now timestamptz default now())
returns table (id bigint, status text, attempts int, next_attempt_at timestamptz, last_error text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  s app.upstream_settings;
begin
  if p_claim_token is null or p_results is null or jsonb_typeof(p_results) <> 'array' then
    perform app.raise_error('invalid_input', 'p_claim_token, p_results (array)');
  end if;
  select * into s from app.upstream_settings where upstream_settings.id;
  return query
  with r as (
    select (e ->> 'id')::bigint as id, coalesce((e ->> 'ok')::boolean, false) as ok, left(e ->> 'error', 1000) as error
    from jsonb_array_elements(p_results) e
  )
  update app.upstream_outbox o
  set status = case when r.ok then 'delivered' when o.attempts >= s.max_attempts then 'dead' else 'pending' end,
      claim_token = null,
      delivered_at = case when r.ok then p_now end,
      dead_at = case when not r.ok and o.attempts >= s.max_attempts then p_now end,
      last_error = case when r.ok then null else coalesce(r.error, 'failed') end,
      next_attempt_at = case when r.ok or o.attempts >= s.max_attempts then p_now
        else p_now + make_interval(secs => least(s.backoff_max_seconds::float8, s.backoff_base_seconds * power(2::float8, o.attempts - 1))
                                           * (1 + s.backoff_jitter * random())) end
  from r
  where o.id = r.id and o.claim_token = p_claim_token and o.status = 'sending'
  returning o.id, o.status, o.attempts, o.next_attempt_at, o.last_error;
end;
$$;
comment on function public.record_upstream_results(uuid, jsonb, timestamptz) is 'R16 (service role): the outcome of each claimed message. ok → delivered; a failure → pending again after min(backoff_max, base·2^(attempts-1))·(1 + jitter·random) seconds, or dead after max_attempts. Ignores messages no longer held by this claim.';
revoke execute on function public.record_upstream_results(uuid, jsonb, timestamptz) from public, anon, authenticated;
grant execute on function public.record_upstream_results(uuid, jsonb, timestamptz) to service_role;

create function public.upstream_status(p_region_code text default null, p_dead_limit int default 100)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_regions text[] := app.upstream_scope(p_region_code);
begin
  return jsonb_build_object(
    'counts', (
      select jsonb_build_object(
        'pending', count(*) filter (where o.status = 'pending'),
        'sending', count(*) filter (where o.status = 'sending'),
        'delivered', count(*) filter (where o.status = 'delivered'),
        'dead', count(*) filter (where o.status = 'dead'))
      from app.upstream_outbox o where o.region_code = any (v_regions)),
    'oldest_pending_at', (
      select min(o.created_at) from app.upstream_outbox o
      where o.region_code = any (v_regions) and o.status in ('pending', 'sending')),
    'dead_letters', coalesce((
      select jsonb_agg(d order by d.dead_at desc, d.id desc) from (
        select o.id, o.rating_id, o.idempotency_key, o.change_seq, o.reason, o.region_code, o.payload ->> 'projectNo' as project_no,
               (o.payload ->> 'assessNumber')::int as assess_number, o.attempts, o.last_error, o.last_attempt_at,
               o.dead_at, o.created_at, o.repush_count
        from app.upstream_outbox o
        where o.region_code = any (v_regions) and o.status = 'dead'
        order by o.dead_at desc, o.id desc
        limit greatest(0, least(coalesce(p_dead_limit, 100), 1000))
      ) d), '[]'::jsonb)
  );
end;
$$;
comment on function public.upstream_status(text, int) is 'R16 for supervisors: outbox counts by status, the oldest undelivered message and the dead letters (newest first) of the regions they supervise (p_region_code and below, default all of theirs).';
revoke execute on function public.upstream_status(text, int) from public, anon;
grant execute on function public.upstream_status(text, int) to authenticated;

create function public.repush_upstream(p_outbox_id bigint, p_now timestamptz default now())
returns table (id bigint, status text, attempts int, next_attempt_at timestamptz, repush_count int)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_regions text[] := app.upstream_scope(null);
  v_row app.upstream_outbox;
begin
  select * into v_row from app.upstream_outbox o where o.id = p_outbox_id and o.region_code = any (v_regions) for update;
  if not found then
    perform app.raise_error('not_found', 'p_outbox_id');
  end if;
  if v_row.status not in ('dead', 'delivered') then
    perform app.raise_error('invalid_transition', 'only dead or delivered messages can be re-pushed');
  end if;
  -- The item is built again when claimed: a re-push sends the rating as it is then.
  return query
  update app.upstream_outbox o
  set status = 'pending', attempts = 0, next_attempt_at = p_now, last_error = null, delivered_at = null, dead_at = null,
      repush_count = o.repush_count + 1, repushed_at = p_now, repushed_by = auth.uid()
  where o.id = v_row.id
  returning o.id, o.status, o.attempts, o.next_attempt_at, o.repush_count;
end;
$$;
comment on function public.repush_upstream(bigint, timestamptz) is 'R16 manual re-push by a supervisor of the message''s region: a dead (or delivered) message goes back to pending with attempts 0 (its item is rebuilt from the rating when sent). Pending or sending: invalid_transition.';
revoke execute on function public.repush_upstream(bigint, timestamptz) from public, anon;
grant execute on function public.repush_upstream(bigint, timestamptz) to authenticated;
