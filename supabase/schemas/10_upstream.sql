-- Upstream: the outbox of ratings reported to the provincial 好差评 platform (filled by triggers,
-- claimed and settled by report-upstream, repushed by supervisors) and the spreadsheet exports.

-- Function bodies are checked when they run: a body may use what a later file defines.
set check_function_bodies = off;

create table app.upstream_settings (
  id                   boolean  not null default true,
  default_channel_pf   smallint not null default 7,
  max_attempts         integer  not null default 8,
  backoff_base_seconds integer  not null default 60,
  backoff_max_seconds  integer  not null default 21600,
  backoff_jitter       numeric  not null default 0.2,
  lease_seconds        integer  not null default 300,
  constraint upstream_settings_backoff_base_seconds_check check (((backoff_base_seconds >= 1) and (backoff_base_seconds <= 86400))),
  constraint upstream_settings_backoff_jitter_check check (((backoff_jitter >= (0)::numeric) and (backoff_jitter <= (1)::numeric))),
  constraint upstream_settings_backoff_max_seconds_check check (((backoff_max_seconds >= 1) and (backoff_max_seconds <= 604800))),
  constraint upstream_settings_default_channel_pf_check check (((default_channel_pf >= 1) and (default_channel_pf <= 7))),
  constraint upstream_settings_id_check check (id),
  constraint upstream_settings_lease_seconds_check check (((lease_seconds >= 10) and (lease_seconds <= 86400))),
  constraint upstream_settings_max_attempts_check check (((max_attempts >= 1) and (max_attempts <= 100))),
  constraint upstream_settings_pkey primary key (id)
);
alter table app.upstream_settings
  enable row level security;
comment on table app.upstream_settings is 'R16 settings (one row). default_channel_pf: the provincial pf code sent for system default ratings (channel default; Zhejiang sends 7). After max_attempts failed sends a message is dead (dead letter). Retry n waits min(backoff_max, backoff_base * 2^(n-1)) seconds times 1 + random jitter (0..backoff_jitter). lease_seconds: how long a claimed (sending) message is reserved for the run that claimed it before another run may take it over.';

create table app.upstream_outbox (
  id              bigint                   generated always as identity not null,
  rating_id       uuid                     not null,
  change_seq      integer                  not null default 1,
  reason          text                     not null,
  region_code     text                     not null,
  status          text                     not null default 'pending'::text,
  attempts        integer                  not null default 0,
  next_attempt_at timestamp with time zone not null default now(),
  idempotency_key text,
  payload         jsonb,
  claim_token     uuid,
  last_attempt_at timestamp with time zone,
  last_error      text,
  delivered_at    timestamp with time zone,
  dead_at         timestamp with time zone,
  repush_count    integer                  not null default 0,
  repushed_at     timestamp with time zone,
  repushed_by     uuid,
  created_at      timestamp with time zone not null default now(),
  constraint upstream_outbox_attempts_check check ((attempts >= 0)),
  constraint upstream_outbox_change_seq_check check ((change_seq >= 1)),
  constraint upstream_outbox_check1 check (((status = 'delivered'::text) = (delivered_at is not null))),
  constraint upstream_outbox_check2 check (((status = 'pending'::text) or (payload is not null))),
  constraint upstream_outbox_check check (((status = 'sending'::text) = (claim_token is not null))),
  constraint upstream_outbox_pkey primary key (id),
  constraint upstream_outbox_rating_id_change_seq_key unique (rating_id, change_seq),
  constraint upstream_outbox_reason_check check ((reason = any (array['rating_created'::text, 'rating_changed'::text]))),
  constraint upstream_outbox_status_check check ((status = any (array['pending'::text, 'sending'::text, 'delivered'::text, 'dead'::text])))
);
alter table app.upstream_outbox
  enable row level security;
create index upstream_outbox_due_idx on app.upstream_outbox using btree (next_attempt_at, id)
  where (status = any (array['pending'::text, 'sending'::text]));
create index upstream_outbox_region_status_idx on app.upstream_outbox using btree (region_code, status);
comment on table app.upstream_outbox is 'R16 outbox: one message per rating insert or change. Filled by triggers on app.ratings (a narrow row, so the default job stays cheap); the provincial item is built in SQL when the message is claimed for sending (app.upstream_items), so it always carries the rating''s state at send time. Drained by the report-upstream function through claim_upstream_batch / record_upstream_results. No API role reads it: supervisors see upstream_status().';
comment on column app.upstream_outbox.attempts is 'Sends tried so far (counted when claimed, so a run that crashed mid-send counts too).';
comment on column app.upstream_outbox.change_seq is '1 = the rating as created; n > 1 = its (n-1)th change. Messages of one rating are sent in change_seq order; also sent as payload.changeSeq.';
comment on column app.upstream_outbox.idempotency_key is 'Set when claimed: 办件编号:评价次数 (e.g. LC20261123H00001:1); visit ratings VISIT-<rating id without dashes>:1. The platform upserts by it.';
comment on column app.upstream_outbox.payload is 'The item as last claimed for sending (null until then), SPEC §6 fields: projectNo, taskCode, taskName, proDepart, deptCode, proManager, pf, userProp, satisfaction (= level, 5 非常满意), evalDetail, writingEvaluation, assessTime (yyyy-MM-dd HH:mm:ss, Asia/Shanghai), assessNumber, areaCode, version (tag-set version of evalDetail); plus isValid (1, or 0 after an approved appeal), isDefault and changeSeq. Never the rater''s identity.';
comment on column app.upstream_outbox.rating_id is 'The rating (app.ratings.id). No foreign key on purpose: only the triggers below write it, from the rows just written, and deleting a rating (test clean-ups, an operator) deletes its messages through a trigger too; a row-by-row FK check made the outbox insert 3–4 times as costly for the default job (measured, 100k rows).';
comment on column app.upstream_outbox.region_code is 'The rating''s region when the message was written (supervisor scope). No foreign key, for the same reason; app.ratings.region_code is checked against app.regions (app.check_rating_keys).';
comment on column app.upstream_outbox.repushed_by is 'The supervisor (app.users.id) who last re-pushed the message by hand.';
comment on column app.upstream_outbox.status is 'pending (waiting for next_attempt_at), sending (claimed by a run; next_attempt_at is then the end of its lease), delivered (the platform acknowledged this item), dead (max_attempts failures; repush_upstream puts it back).';

create table app.upstream_purged_seq (
  rating_id uuid    not null,
  last_seq  integer not null,
  constraint upstream_purged_seq_last_seq_check check ((last_seq >= 1)),
  constraint upstream_purged_seq_pkey primary key (rating_id)
);
alter table app.upstream_purged_seq
  enable row level security;
comment on table app.upstream_purged_seq is 'Issue 19.3: the highest change_seq of a rating''s delivered messages that the retention purge deleted, so that a later change of the rating still goes out numbered after them (changeSeq never repeats for one 办件编号:评价次数). One narrow row per purged rating; no API role reads it.';
grant select on table app.upstream_purged_seq to service_role;

create or replace function app.upstream_next_seq (
  p_rating_id uuid
)
  returns integer
  language sql
  stable
  set search_path to ''
  as $function$
  select 1 + greatest(
    coalesce((select max(x.change_seq) from app.upstream_outbox x where x.rating_id = p_rating_id), 0),
    coalesce((select p.last_seq from app.upstream_purged_seq p where p.rating_id = p_rating_id), 0));
$function$;
comment on function app.upstream_next_seq(uuid) is 'R16: the next change_seq of a rating''s messages: after every message it had, purged ones included (app.upstream_purged_seq).';
revoke all on function app.upstream_next_seq(uuid) from public;

create or replace function app.upstream_items (
  p_rating_ids uuid[]
)
  returns table (
    rating_id       uuid,
    idempotency_key text,
    region_code     text,
    payload         jsonb
  )
  language sql
  stable
  set search_path to ''
  as $function$
  with s as (select default_channel_pf from app.upstream_settings where id)
  select r.id,
         x.project_no || ':' || r.assess_number,
         r.region_code,
         jsonb_build_object(
           'projectNo', x.project_no,
           'taskCode', m.code,
           'taskName', m.name,
           'proDepart', u.name,
           'deptCode', u.credit_code,
           'proManager', nullif(su.masked_name, ''),
           'pf', case r.channel
                   when 'pc' then 1 when 'mobile' then 2 when 'qrcode' then 3 when 'hall_pad' then 4
                   when 'hall_terminal' then 5 when 'phone' then 6 when 'sms' then 7
                   else (select s.default_channel_pf from s) end,
           'userProp', coalesce(t.applicant_type, 1),
           'satisfaction', r.level,
           'evalDetail', array_to_string(r.tags, ','),
           'writingEvaluation', coalesce(r.comment, ''),
           'assessTime', to_char(r.rated_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'),
           'assessNumber', r.assess_number,
           'areaCode', r.region_code,
           'version', r.tag_version,
           'isValid', case when r.validity = 'valid' then 1 else 0 end,
           'isDefault', case when r.is_default then 1 else 0 end
         )
  from unnest(p_rating_ids) i (id)
  join app.ratings r on r.id = i.id
  left join app.transactions t on t.id = r.transaction_id
  cross join lateral (select coalesce(t.project_no, 'VISIT-' || replace(r.id::text, '-', '')) as project_no) x
  left join app.matters m on m.id = r.matter_id
  join app.units u on u.id = r.unit_id
  left join app.users su on su.id = r.staff_user_id;
$function$;
comment on function app.upstream_items(uuid[]) is 'R16: the provincial item (SPEC §6) of each rating, its idempotency key and region. satisfaction keeps the level''s direction (5 非常满意); pf maps the channel, default through app.upstream_settings.default_channel_pf.';
revoke all on function app.upstream_items(uuid[]) from public;

create or replace function app.enqueue_upstream_created()
  returns trigger
  language plpgsql
  security definer
  set search_path to ''
  as $function$
begin
  -- A rating that replaces a superseded default (issue 19.4) is, to the platform, a change of the
  -- same 办件编号:评价次数: it goes as rating_changed, numbered after the default's messages.
  insert into app.upstream_outbox (rating_id, change_seq, reason, region_code)
  select n.id,
         case when n.supersedes_rating_id is null then 1 else app.upstream_next_seq(n.supersedes_rating_id) end,
         case when n.supersedes_rating_id is null then 'rating_created' else 'rating_changed' end,
         n.region_code
  from new_ratings n;
  return null;
end;
$function$;
revoke all on function app.enqueue_upstream_created() from public;

create or replace function app.enqueue_upstream_changed()
  returns trigger
  language plpgsql
  security definer
  set search_path to ''
  as $function$
begin
  insert into app.upstream_outbox (rating_id, change_seq, reason, region_code)
  select n.id, q.seq, 'rating_changed', n.region_code
  from new_rows n
  join old_rows o on o.id = n.id
  cross join lateral (select app.upstream_next_seq(n.id) as seq) q
  where (n.validity, n.level, n.tags, n.comment, n.unit_id, n.region_code, n.channel, n.rated_at, n.assess_number)
        is distinct from (o.validity, o.level, o.tags, o.comment, o.unit_id, o.region_code, o.channel, o.rated_at, o.assess_number)
    -- A superseded default is reported by its replacement's message (same key), not by its own.
    and n.validity <> 'superseded';
  return null;
end;
$function$;
revoke all on function app.enqueue_upstream_changed() from public;

create or replace function app.drop_upstream_of_deleted()
  returns trigger
  language plpgsql
  security definer
  set search_path to ''
  as $function$
begin
  delete from app.upstream_outbox o using old_ratings d where o.rating_id = d.id;
  return null;
end;
$function$;
revoke all on function app.drop_upstream_of_deleted() from public;

create or replace function app.upstream_scope (
  p_region_code text
)
  returns text[]
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
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
$function$;
revoke all on function app.upstream_scope(text) from public;

create or replace function public.claim_upstream_batch (
  p_limit integer                  default 100,
  p_now   timestamp with time zone default now()
)
  returns table (
    id              bigint,
    claim_token     uuid,
    attempts        integer,
    idempotency_key text,
    change_seq      integer,
    payload         jsonb
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
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
      -- A default's replacement (issue 19.4) waits for the default's own messages: one key, in order.
      and not exists (
        select 1 from app.ratings p join app.upstream_outbox e on e.rating_id = p.supersedes_rating_id
        where p.id = o.rating_id and e.status in ('pending', 'sending')
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
$function$;
comment on function public.claim_upstream_batch(integer, timestamp with time zone) is 'R16 (service role): claims up to p_limit due messages for one send (status sending, attempts + 1, leased until p_now + lease_seconds) and builds each one''s provincial item from the rating as it is now. SKIP LOCKED: concurrent runs get disjoint messages; a rating''s later change waits until its earlier message is delivered or dead.';
revoke all on function public.claim_upstream_batch(integer, timestamp with time zone) from public;
grant execute on function public.claim_upstream_batch(integer, timestamp with time zone) to service_role;

create or replace function public.record_upstream_results (
  p_claim_token uuid,
  p_results     jsonb,
  p_now         timestamp with time zone default now()
)
  returns table (
    id              bigint,
    status          text,
    attempts        integer,
    next_attempt_at timestamp with time zone,
    last_error      text
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
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
$function$;
comment on function public.record_upstream_results(uuid, jsonb, timestamp with time zone) is 'R16 (service role): the outcome of each claimed message. ok → delivered; a failure → pending again after min(backoff_max, base·2^(attempts-1))·(1 + jitter·random) seconds, or dead after max_attempts. Ignores messages no longer held by this claim.';
revoke all on function public.record_upstream_results(uuid, jsonb, timestamp with time zone) from public;
grant execute on function public.record_upstream_results(uuid, jsonb, timestamp with time zone) to service_role;

create or replace function public.upstream_status (
  p_region_code text    default null::text,
  p_dead_limit  integer default 100
)
  returns jsonb
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
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
$function$;
comment on function public.upstream_status(text, integer) is 'R16 for supervisors: outbox counts by status, the oldest undelivered message and the dead letters (newest first) of the regions they supervise (p_region_code and below, default all of theirs).';
revoke all on function public.upstream_status(text, integer) from public;
grant execute on function public.upstream_status(text, integer) to authenticated, service_role;

create or replace function public.repush_upstream (
  p_outbox_id bigint,
  p_now       timestamp with time zone default now()
)
  returns table (
    id              bigint,
    status          text,
    attempts        integer,
    next_attempt_at timestamp with time zone,
    repush_count    integer
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
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
$function$;
comment on function public.repush_upstream(bigint, timestamp with time zone) is 'R16 manual re-push by a supervisor of the message''s region: a dead (or delivered) message goes back to pending with attempts 0 (its item is rebuilt from the rating when sent). Pending or sending: invalid_transition.';
revoke all on function public.repush_upstream(bigint, timestamp with time zone) from public;
grant execute on function public.repush_upstream(bigint, timestamp with time zone) to authenticated, service_role;

create or replace function app.export_period (
  p_from date,
  p_to   date
)
  returns tstzrange
  language plpgsql
  immutable
  set search_path to ''
  as $function$
begin
  if p_from is null or p_to is null or p_from > p_to then
    perform app.raise_error('invalid_input', 'p_from/p_to');
  end if;
  if p_to - p_from > 365 then
    perform app.raise_error('invalid_input', 'p_from/p_to: at most 366 days');
  end if;
  return tstzrange(p_from::timestamp at time zone 'Asia/Shanghai', (p_to + 1)::timestamp at time zone 'Asia/Shanghai', '[)');
end;
$function$;
revoke all on function app.export_period(date, date) from public;

create or replace function public.export_ratings (
  p_from           date,
  p_to             date,
  p_region_code    text                     default null::text,
  p_after_rated_at timestamp with time zone default null::timestamp with time zone,
  p_after_id       uuid                     default null::uuid,
  p_limit          integer                  default 1000
)
  returns table (
    id               uuid,
    project_no       text,
    assess_number    smallint,
    matter_code      text,
    matter_name      text,
    unit_name        text,
    unit_credit_code text,
    region_code      text,
    region_name      text,
    hall_name        text,
    window_name      text,
    officer          text,
    channel          text,
    level            smallint,
    is_bad           boolean,
    is_default       boolean,
    tags             text,
    tag_version      smallint,
    comment          text,
    validity         text,
    rated_at         timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_regions text[] := app.upstream_scope(p_region_code);
  v_period tstzrange := app.export_period(p_from, p_to);
begin
  if p_limit is null or p_limit < 1 or p_limit > 5000 then
    perform app.raise_error('invalid_input', 'p_limit must be 1..5000');
  end if;
  if (p_after_rated_at is null) <> (p_after_id is null) then
    perform app.raise_error('invalid_input', 'p_after_rated_at and p_after_id go together');
  end if;
  return query
  select r.id, t.project_no, r.assess_number, m.code, m.name, u.name, u.credit_code, r.region_code, rg.name,
         h.name, w.name, nullif(su.masked_name, ''), r.channel, r.level, r.is_bad, r.is_default,
         array_to_string(r.tags, ','), r.tag_version, r.comment, r.validity, r.rated_at
  from app.ratings r
  left join app.transactions t on t.id = r.transaction_id
  left join app.matters m on m.id = r.matter_id
  join app.units u on u.id = r.unit_id
  join app.regions rg on rg.code = r.region_code
  left join app.halls h on h.id = r.hall_id
  left join app.windows w on w.id = r.window_id
  left join app.users su on su.id = r.staff_user_id
  where r.rated_at >= lower(v_period) and r.rated_at < upper(v_period)
    and r.region_code = any (v_regions)
    and (p_after_id is null or (r.rated_at, r.id) > (p_after_rated_at, p_after_id))
  order by r.rated_at, r.id
  limit p_limit;
end;
$function$;
comment on function public.export_ratings(date, date, text, timestamp with time zone, uuid, integer) is 'Export for supervisors: ratings of their regions rated in [p_from, p_to] (Asia/Shanghai days), ordered by (rated_at, id); the next page starts after the last row''s (rated_at, id). Never the rater''s identity. level: 5 非常满意 … 1 非常不满意 (R1).';
revoke all on function public.export_ratings(date, date, text, timestamp with time zone, uuid, integer) from public;
grant execute on function public.export_ratings(date, date, text, timestamp with time zone, uuid, integer) to authenticated, service_role;

create or replace function public.export_work_orders (
  p_from            date,
  p_to              date,
  p_region_code     text                     default null::text,
  p_after_opened_at timestamp with time zone default null::timestamp with time zone,
  p_after_id        uuid                     default null::uuid,
  p_limit           integer                  default 1000
)
  returns table (
    id                        uuid,
    project_no                text,
    unit_name                 text,
    region_code               text,
    region_name               text,
    window_name               text,
    officer                   text,
    channel                   text,
    level                     smallint,
    tags                      text,
    status                    text,
    is_realname               boolean,
    opened_at                 timestamp with time zone,
    verify_due_on             date,
    substantiated_at          timestamp with time zone,
    rectify_due_on            date,
    extension_count           integer,
    rectified_at              timestamp with time zone,
    measures                  text,
    replied_at                timestamp with time zone,
    reply                     text,
    return_visit_method       text,
    return_visit_on           date,
    return_visit_satisfaction text,
    fix_level                 smallint,
    escalated_at              timestamp with time zone,
    closed_at                 timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_regions text[] := app.upstream_scope(p_region_code);
  v_period tstzrange := app.export_period(p_from, p_to);
begin
  if p_limit is null or p_limit < 1 or p_limit > 5000 then
    perform app.raise_error('invalid_input', 'p_limit must be 1..5000');
  end if;
  if (p_after_opened_at is null) <> (p_after_id is null) then
    perform app.raise_error('invalid_input', 'p_after_opened_at and p_after_id go together');
  end if;
  return query
  select o.id, t.project_no, u.name, o.region_code, rg.name, w.name, nullif(su.masked_name, ''), o.channel,
         r.level, array_to_string(r.tags, ','), o.status, o.is_realname, o.opened_at, o.verify_due_on,
         o.substantiated_at, o.rectify_due_on, o.extension_count, o.rectified_at, o.measures, o.replied_at, o.reply,
         o.return_visit_method, o.return_visit_on, o.return_visit_satisfaction, o.fix_level, o.escalated_at, o.closed_at
  from app.work_orders o
  join app.ratings r on r.id = o.rating_id
  left join app.transactions t on t.id = o.transaction_id
  join app.units u on u.id = o.unit_id
  join app.regions rg on rg.code = o.region_code
  left join app.windows w on w.id = o.window_id
  left join app.users su on su.id = o.staff_user_id
  where o.opened_at >= lower(v_period) and o.opened_at < upper(v_period)
    and o.region_code = any (v_regions)
    and (p_after_id is null or (o.opened_at, o.id) > (p_after_opened_at, p_after_id))
  order by o.opened_at, o.id
  limit p_limit;
end;
$function$;
comment on function public.export_work_orders(date, date, text, timestamp with time zone, uuid, integer) is 'Export for supervisors: 差评 work orders of their regions opened in [p_from, p_to] (Asia/Shanghai days), ordered by (opened_at, id), keyset pages like export_ratings. No rater identity (is_realname only says whether the 差评 was real-name).';
revoke all on function public.export_work_orders(date, date, text, timestamp with time zone, uuid, integer) from public;
grant execute on function public.export_work_orders(date, date, text, timestamp with time zone, uuid, integer) to authenticated, service_role;

create or replace function app.audit_ingest_key()
  returns trigger
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  -- Business systems have no kind column; a record field cannot be named conditionally in plpgsql.
  v_kind text := coalesce(to_jsonb(new) ->> 'kind', 'business_system');
begin
  if tg_op = 'INSERT' then
    perform app.audit('ingest_key', new.id, 'key_created', new.region_code, null, new.status, null, null, null,
                      jsonb_build_object('key_id', new.key_id, 'kind', v_kind, 'name', new.name));
  elsif new.status is distinct from old.status then
    perform app.audit('ingest_key', new.id, 'key_revoked', new.region_code, old.status, new.status, null, null, null,
                      jsonb_build_object('key_id', new.key_id, 'kind', v_kind, 'name', new.name));
  end if;
  return null;
end;
$function$;
comment on function app.audit_ingest_key() is 'R14: writes the creation and the revocation of a business system''s or device''s key to the audit log (key id, kind, name; never the secret).';
revoke all on function app.audit_ingest_key() from public;

create or replace function app.audit_upstream_repush()
  returns trigger
  language plpgsql
  security definer
  set search_path to ''
  as $function$
begin
  perform app.audit('upstream', new.rating_id, 'repushed', new.region_code, old.status, new.status, null, null, null,
                    jsonb_build_object('outbox_id', new.id, 'repush_count', new.repush_count, 'last_error', old.last_error));
  return null;
end;
$function$;
comment on function app.audit_upstream_repush() is 'R14/R16: writes a supervisor''s manual re-push of a provincial message to the audit log (against the rating; the message id and the error it had).';
revoke all on function app.audit_upstream_repush() from public;

create or replace function public.purge_upstream_outbox (
  p_now timestamp with time zone default now()
)
  returns integer
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_days int := coalesce((select s.outbox_delivered_days from app.retention_settings s where s.id), 180);
  v_n int;
begin
  -- Only delivered messages go; pending, sending and dead ones (dead letters, until a supervisor
  -- re-pushes them and they are delivered) stay. Each rating's highest purged change_seq is kept.
  with gone as (
    delete from app.upstream_outbox o
    where o.status = 'delivered' and o.delivered_at < p_now - make_interval(days => v_days)
    returning o.rating_id, o.change_seq
  ), seqs as (
    insert into app.upstream_purged_seq as p (rating_id, last_seq)
    select g.rating_id, max(g.change_seq) from gone g group by g.rating_id
    on conflict (rating_id) do update set last_seq = greatest(p.last_seq, excluded.last_seq)
  )
  select count(*) into v_n from gone;
  return v_n;
end;
$function$;
comment on function public.purge_upstream_outbox(timestamp with time zone) is 'Retention job (issue 19.3, service role): deletes upstream messages delivered more than app.retention_settings.outbox_delivered_days (default 180) before p_now; dead letters and undelivered messages are kept. Returns how many were deleted. Ratings, work orders and the audit log are never purged.';
revoke all on function public.purge_upstream_outbox(timestamp with time zone) from public;
grant execute on function public.purge_upstream_outbox(timestamp with time zone) to service_role;

create trigger ratings_enqueue_upstream_created
  after insert on app.ratings referencing new table as new_ratings
  for each statement
  execute function app.enqueue_upstream_created();

create trigger ratings_enqueue_upstream_changed
  after update on app.ratings referencing old table as old_rows new table as new_rows
  for each statement
  execute function app.enqueue_upstream_changed();

create trigger ratings_drop_upstream_of_deleted
  after delete on app.ratings referencing old table as old_ratings
  for each statement
  execute function app.drop_upstream_of_deleted();

create trigger business_systems_audit
  after insert or update of status on app.business_systems
  for each row
  execute function app.audit_ingest_key();

create trigger rating_devices_audit
  after insert or update of status on app.rating_devices
  for each row
  execute function app.audit_ingest_key();

create trigger upstream_outbox_audit_repush
  after update of repush_count on app.upstream_outbox
  for each row
  when ((new.repush_count is distinct from old.repush_count))
  execute function app.audit_upstream_repush();

create policy upstream_purged_seq_select on app.upstream_purged_seq
  for select
  to service_role
  using (true);

create policy upstream_settings_select on app.upstream_settings
  for select
  to service_role
  using (true);

create policy upstream_outbox_select on app.upstream_outbox
  for select
  to service_role
  using (true);
