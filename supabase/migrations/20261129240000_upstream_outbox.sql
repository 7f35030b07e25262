-- R16 upward reporting, first part: the outbox. Every rating insert and every change the
-- provincial platform must know (validity after an appeal or a re-review, a corrected level, tags,
-- comment or unit) puts one message into app.upstream_outbox in the same transaction, so a
-- message exists exactly when the change committed. The triggers are statement-level over
-- transition tables and write narrow rows: the default job's 10,000-row batches cost one plain
-- INSERT … SELECT each. The provincial item (SPEC §6) is built in SQL by app.upstream_items when
-- a message is claimed for sending, so it always carries the rating's state at send time.
-- Measured on 100k default ratings (2 busy cores): the narrow row adds 7–15 % to the default job
-- (11.6–12.6 s vs 10.8–11.9 s); building the payload in the trigger and an FK check per row had
-- cost several times that.
--
-- Idempotency key (the platform upserts by it): 办件编号 + ':' + 评价次数. A visit rating
-- (一次一评 by QR, no 办件) has no 办件编号: it is reported under the stable synthetic number
-- 'VISIT-' + the rating id without dashes (the rating id never changes), 评价次数 1.
-- Each change of the same rating is a new message with the next change_seq; messages of one key
-- are sent strictly in change_seq order (see claim_upstream_batch), so an old state never
-- overtakes a newer one.

create table app.upstream_settings (
  id boolean primary key default true check (id),
  default_channel_pf smallint not null default 7 check (default_channel_pf between 1 and 7),
  max_attempts int not null default 8 check (max_attempts between 1 and 100),
  backoff_base_seconds int not null default 60 check (backoff_base_seconds between 1 and 86400),
  backoff_max_seconds int not null default 21600 check (backoff_max_seconds between 1 and 604800),
  backoff_jitter numeric not null default 0.2 check (backoff_jitter between 0 and 1),
  lease_seconds int not null default 300 check (lease_seconds between 10 and 86400)
);
comment on table app.upstream_settings is 'R16 settings (one row). default_channel_pf: the provincial pf code sent for system default ratings (channel default; Zhejiang sends 7). After max_attempts failed sends a message is dead (dead letter). Retry n waits min(backoff_max, backoff_base * 2^(n-1)) seconds times 1 + random jitter (0..backoff_jitter). lease_seconds: how long a claimed (sending) message is reserved for the run that claimed it before another run may take it over.';
insert into app.upstream_settings default values;
alter table app.upstream_settings enable row level security;
-- Changed by the operator in SQL; read by the definer functions below. The policy documents who
-- may ever read it; no API role holds a grant on it.
create policy upstream_settings_select on app.upstream_settings for select to service_role using (true);

create table app.upstream_outbox (
  id bigint generated always as identity primary key,
  rating_id uuid not null,
  change_seq int not null default 1 check (change_seq >= 1),
  reason text not null check (reason in ('rating_created', 'rating_changed')),
  region_code text not null,
  status text not null default 'pending' check (status in ('pending', 'sending', 'delivered', 'dead')),
  attempts int not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default now(),
  idempotency_key text,
  payload jsonb,
  claim_token uuid,
  last_attempt_at timestamptz,
  last_error text,
  delivered_at timestamptz,
  dead_at timestamptz,
  repush_count int not null default 0,
  repushed_at timestamptz,
  repushed_by uuid,
  created_at timestamptz not null default now(),
  unique (rating_id, change_seq),
  check ((status = 'sending') = (claim_token is not null)),
  check ((status = 'delivered') = (delivered_at is not null)),
  check (status = 'pending' or payload is not null)
);
comment on table app.upstream_outbox is 'R16 outbox: one message per rating insert or change. Filled by triggers on app.ratings (a narrow row, so the default job stays cheap); the provincial item is built in SQL when the message is claimed for sending (app.upstream_items), so it always carries the rating''s state at send time. Drained by the report-upstream function through claim_upstream_batch / record_upstream_results. No API role reads it: supervisors see upstream_status().';
comment on column app.upstream_outbox.rating_id is 'The rating (app.ratings.id). No foreign key on purpose: only the triggers below write it, from the rows just written, and deleting a rating (test clean-ups, an operator) deletes its messages through a trigger too; a row-by-row FK check made the outbox insert 3–4 times as costly for the default job (measured, 100k rows).';
comment on column app.upstream_outbox.region_code is 'The rating''s region when the message was written (supervisor scope). No foreign key, for the same reason; app.ratings.region_code references app.regions.';
comment on column app.upstream_outbox.change_seq is '1 = the rating as created; n > 1 = its (n-1)th change. Messages of one rating are sent in change_seq order; also sent as payload.changeSeq.';
comment on column app.upstream_outbox.status is 'pending (waiting for next_attempt_at), sending (claimed by a run; next_attempt_at is then the end of its lease), delivered (the platform acknowledged this item), dead (max_attempts failures; repush_upstream puts it back).';
comment on column app.upstream_outbox.attempts is 'Sends tried so far (counted when claimed, so a run that crashed mid-send counts too).';
comment on column app.upstream_outbox.idempotency_key is 'Set when claimed: 办件编号:评价次数 (e.g. LC20261123H00001:1); visit ratings VISIT-<rating id without dashes>:1. The platform upserts by it.';
comment on column app.upstream_outbox.payload is 'The item as last claimed for sending (null until then), SPEC §6 fields: projectNo, taskCode, taskName, proDepart, deptCode, proManager, pf, userProp, satisfaction (= level, 5 非常满意), evalDetail, writingEvaluation, assessTime (yyyy-MM-dd HH:mm:ss, Asia/Shanghai), assessNumber, areaCode, version (tag-set version of evalDetail); plus isValid (1, or 0 after an approved appeal), isDefault and changeSeq. Never the rater''s identity.';
comment on column app.upstream_outbox.repushed_by is 'The supervisor (app.users.id) who last re-pushed the message by hand.';
create index upstream_outbox_due_idx on app.upstream_outbox (next_attempt_at, id) where status in ('pending', 'sending');
create index upstream_outbox_region_status_idx on app.upstream_outbox (region_code, status);
alter table app.upstream_outbox enable row level security;
-- No grant: anon, authenticated and service_role reach it only through the RPCs (definer).
create policy upstream_outbox_select on app.upstream_outbox for select to service_role using (true);
revoke all on app.upstream_outbox, app.upstream_settings from anon, authenticated, service_role;

-- The provincial item of each rating, as it is now. Set-based over an id array (one call per
-- trigger statement, a batch of the default job, or a re-push).
create function app.upstream_items(p_rating_ids uuid[])
returns table (rating_id uuid, idempotency_key text, region_code text, payload jsonb)
language sql
stable
set search_path = ''
as $$
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
$$;
comment on function app.upstream_items(uuid[]) is 'R16: the provincial item (SPEC §6) of each rating, its idempotency key and region. satisfaction keeps the level''s direction (5 非常满意); pf maps the channel, default through app.upstream_settings.default_channel_pf.';
revoke execute on function app.upstream_items(uuid[]) from public, anon, authenticated, service_role;

-- The triggers write narrow rows only (no joins, no payload): one INSERT … SELECT per statement.
create function app.enqueue_upstream_created()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into app.upstream_outbox (rating_id, change_seq, reason, region_code)
  select n.id, 1, 'rating_created', n.region_code from new_ratings n;
  return null;
end;
$$;

create function app.enqueue_upstream_changed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into app.upstream_outbox (rating_id, change_seq, reason, region_code)
  select n.id, q.seq, 'rating_changed', n.region_code
  from new_rows n
  join old_rows o on o.id = n.id
  cross join lateral (
    select coalesce(max(x.change_seq), 0) + 1 as seq from app.upstream_outbox x where x.rating_id = n.id
  ) q
  where (n.validity, n.level, n.tags, n.comment, n.unit_id, n.region_code, n.channel, n.rated_at, n.assess_number)
        is distinct from (o.validity, o.level, o.tags, o.comment, o.unit_id, o.region_code, o.channel, o.rated_at, o.assess_number);
  return null;
end;
$$;
-- What a foreign key with ON DELETE CASCADE would do, once per statement: a deleted rating takes
-- its messages along (a message about a rating that no longer exists cannot be built).
create function app.drop_upstream_of_deleted()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from app.upstream_outbox o using old_ratings d where o.rating_id = d.id;
  return null;
end;
$$;
revoke execute on function app.enqueue_upstream_created(), app.enqueue_upstream_changed(), app.drop_upstream_of_deleted()
  from public, anon, authenticated, service_role;

create trigger ratings_enqueue_upstream_created
  after insert on app.ratings
  referencing new table as new_ratings
  for each statement execute function app.enqueue_upstream_created();

create trigger ratings_enqueue_upstream_changed
  after update on app.ratings
  referencing old table as old_rows new table as new_rows
  for each statement execute function app.enqueue_upstream_changed();

create trigger ratings_drop_upstream_of_deleted
  after delete on app.ratings
  referencing old table as old_ratings
  for each statement execute function app.drop_upstream_of_deleted();
