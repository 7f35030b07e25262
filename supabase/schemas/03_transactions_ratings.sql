-- 办件 and ratings: matters (事项), transactions (办件) with their rating deadline, ratings (一次一评,
-- the citizen RPCs submit_rating / submit_visit_rating, the tags and their rules), default 好评
-- after the deadline, and what a unit sees of its own ratings.

-- Function bodies are checked when they run: a body may use what a later file defines.
set check_function_bodies = off;

create table app.matters (
  id                    uuid    not null default gen_random_uuid(),
  code                  text    not null,
  name                  text    not null,
  unit_id               uuid    not null,
  handling_channels     text[]  not null default '{window}'::text[],
  rating_channels       text[]  not null default '{mobile,qrcode,hall_pad}'::text[],
  promised_working_days integer,
  constraint matters_code_key unique (code),
  constraint matters_pkey primary key (id),
  constraint matters_promised_working_days_check check ((promised_working_days >= 0))
);
alter table app.matters
  enable row level security;
alter table app.matters
  add constraint matters_unit_id_fkey foreign key (unit_id) references app.units(id);
create index matters_unit_id_idx on app.matters using btree (unit_id);
comment on table app.matters is '政务服务事项 with the 办事指南 fields that matter here: 受理单位 (unit_id), 办理渠道, 评价渠道, 承诺时限 (working days).';
grant select on table app.matters to anon, authenticated;
grant select on table app.matters to service_role;

create table app.transactions (
  id                     uuid                     not null default gen_random_uuid(),
  project_no             text                     not null,
  matter_id              uuid                     not null,
  unit_id                uuid                     not null,
  region_code            text                     not null,
  hall_id                uuid,
  window_id              uuid,
  staff_user_id          uuid,
  platform_id            uuid,
  applicant_user_id      uuid,
  applicant_type         smallint                 not null default 1,
  agent_user_id          uuid,
  channel                text                     not null,
  status                 text                     not null default 'accepted'::text,
  accepted_at            timestamp with time zone not null,
  finished_at            timestamp with time zone,
  rating_due_at          timestamp with time zone,
  rating_due_provisional boolean,
  created_at             timestamp with time zone not null default now(),
  constraint transactions_applicant_type_check check ((applicant_type = any (array[1, 2, 3, 4, 5, 6, 9]))),
  constraint transactions_channel_check
    check ((channel = any (array['pc'::text, 'mobile'::text, 'qrcode'::text, 'hall_pad'::text, 'hall_terminal'::text, 'phone'::text, 'sms'::text]))),
  constraint transactions_check1 check (((finished_at is null) or (finished_at >= accepted_at))),
  constraint transactions_check check (((status = 'finished'::text) = (finished_at is not null))),
  constraint transactions_pkey primary key (id),
  constraint transactions_project_no_key unique (project_no),
  constraint transactions_status_check check ((status = any (array['accepted'::text, 'processing'::text, 'finished'::text, 'cancelled'::text])))
);
alter table app.transactions
  enable row level security;
alter table app.transactions
  add constraint transactions_hall_id_fkey foreign key (hall_id) references app.halls(id);
alter table app.transactions
  add constraint transactions_matter_id_fkey foreign key (matter_id) references app.matters(id);
alter table app.transactions
  add constraint transactions_platform_id_fkey foreign key (platform_id) references app.platforms(id);
alter table app.transactions
  add constraint transactions_region_code_fkey foreign key (region_code) references app.regions(code);
alter table app.transactions
  add constraint transactions_unit_id_fkey foreign key (unit_id) references app.units(id);
alter table app.transactions
  add constraint transactions_agent_user_id_fkey foreign key (agent_user_id) references app.users(id);
alter table app.transactions
  add constraint transactions_applicant_user_id_fkey foreign key (applicant_user_id) references app.users(id);
alter table app.transactions
  add constraint transactions_staff_user_id_fkey foreign key (staff_user_id) references app.users(id);
alter table app.transactions
  add constraint transactions_window_id_fkey foreign key (window_id) references app.windows(id);
create index transactions_agent_user_id_idx on app.transactions using btree (agent_user_id);
create index transactions_applicant_user_id_idx on app.transactions using btree (applicant_user_id);
create index transactions_finished_at_idx on app.transactions using btree (finished_at)
  where (status = 'finished'::text);
create index transactions_hall_id_idx on app.transactions using btree (hall_id);
create index transactions_matter_id_idx on app.transactions using btree (matter_id);
create index transactions_platform_id_idx on app.transactions using btree (platform_id);
create index transactions_region_code_idx on app.transactions using btree (region_code);
create index transactions_staff_user_id_idx on app.transactions using btree (staff_user_id);
create index transactions_unit_id_idx on app.transactions using btree (unit_id);
create index transactions_window_id_idx on app.transactions using btree (window_id);
comment on table app.transactions is '办件. project_no is the 办件编号 (unique across systems). applicant_type is userProp (SPEC §6).';
comment on column app.transactions.rating_due_at is 'R5: the instant the rating window closes (end of the 5th working day after the finish day, Asia/Shanghai). Null until 办结.';
comment on column app.transactions.rating_due_provisional is 'R6: the deadline was computed on a provisional (not yet announced) calendar year.';
grant select on table app.transactions to authenticated;
grant insert, select, update on table app.transactions to service_role;

create or replace function app.set_rating_deadline()
  returns trigger
  language plpgsql
  set search_path to ''
  as $function$
declare
  v_due date;
  v_provisional boolean;
begin
  if new.finished_at is null then
    new.rating_due_at := null;
    new.rating_due_provisional := null;
  elsif tg_op = 'INSERT' or new.finished_at is distinct from old.finished_at then
    select d.due_on, d.is_provisional into v_due, v_provisional
    from public.working_deadline((new.finished_at at time zone 'Asia/Shanghai')::date, 5) d;
    new.rating_due_at := ((v_due + 1)::timestamp at time zone 'Asia/Shanghai');
    new.rating_due_provisional := v_provisional;
  end if;
  return new;
end;
$function$;
comment on function app.set_rating_deadline() is 'R5: rating_due_at = end of the 5th working day after the finish day (Asia/Shanghai).';

create table app.eval_tags (
  code    text     not null,
  version smallint not null,
  level   smallint not null,
  name    text     not null,
  constraint eval_tags_level_check check (((level >= 1) and (level <= 5))),
  constraint eval_tags_pkey primary key (code, version)
);
alter table app.eval_tags
  enable row level security;
comment on table app.eval_tags is 'National evalDetail tags by version (R7). Equal to shared/national-eval-tags.json (tested).';
grant select on table app.eval_tags to anon, authenticated;
grant select on table app.eval_tags to service_role;

create view public.eval_tags with (security_invoker=true) as  select code,
    level,
    version,
    name
   from app.eval_tags
  where (version = 2);
comment on view public.eval_tags is 'The current (v2) national tags by level, for the rating page.';
grant select on table public.eval_tags to anon, authenticated;
grant all on table public.eval_tags to service_role;

create or replace function app.tag_violation (
  p_level integer,
  p_tags  text[]
)
  returns text
  language sql
  stable
  set search_path to ''
  as $function$
  select case
    when cardinality(p_tags) > 8
      or cardinality(p_tags) <> (select count(distinct t) from unnest(p_tags) t)
      or exists (
        select 1 from unnest(p_tags) t
        where not exists (select 1 from app.eval_tags e where e.code = t and e.version = 2 and e.level = p_level)
      ) then 'invalid_tag_for_level'
    when p_level <= 2 and cardinality(p_tags) = 0 then 'tag_required'
  end;
$function$;
revoke all on function app.tag_violation(integer, text[]) from public;
grant execute on function app.tag_violation(integer, text[]) to authenticated, service_role;

create table app.ratings (
  id              uuid                     not null default gen_random_uuid(),
  transaction_id  uuid,
  assess_number   smallint                 not null default 1,
  level           smallint                 not null,
  is_bad boolean generated always as ((level <= 2)) stored,
  tags            text[]                   not null default '{}'::text[],
  tag_version     smallint                 not null default 2,
  comment         text,
  channel         text                     not null,
  is_anonymous    boolean                  not null default false,
  is_default      boolean                  not null default false,
  rater_user_id   uuid,
  unit_id         uuid                     not null,
  region_code     text                     not null,
  matter_id       uuid,
  hall_id         uuid,
  window_id       uuid,
  staff_user_id   uuid,
  platform_id     uuid,
  visit_day       date,
  idempotency_key text,
  validity        text                     not null default 'valid'::text,
  rated_at        timestamp with time zone not null default now(),
  created_at      timestamp with time zone not null default now(),
  comment_public  boolean                  not null default false,
  supersedes_rating_id uuid,
  constraint ratings_assess_number_check check ((assess_number = any (array[1, 2]))),
  constraint ratings_channel_check
    check ((channel = any (array['pc'::text, 'mobile'::text, 'qrcode'::text, 'hall_pad'::text, 'hall_terminal'::text, 'phone'::text, 'sms'::text, 'default'::text]))),
  constraint ratings_check1 check (((not is_default) or ((level = 3) and (rater_user_id is null) and (assess_number = 1)))),
  constraint ratings_check2 check (((transaction_id is null) = (visit_day is not null))),
  constraint ratings_check3 check (((transaction_id is not null) or (window_id is not null))),
  constraint ratings_check check ((is_default = (channel = 'default'::text))),
  constraint ratings_comment_check check ((char_length(comment) <= 500)),
  constraint ratings_idempotency_key_check check (((char_length(idempotency_key) >= 8) and (char_length(idempotency_key) <= 100))),
  constraint ratings_level_check check (((level >= 1) and (level <= 5))),
  constraint ratings_pkey primary key (id),
  constraint ratings_validity_check check ((validity = any (array['valid'::text, 'invalid'::text, 'superseded'::text])))
);
alter table app.ratings
  enable row level security;
create unique index ratings_idempotency on app.ratings using btree (rater_user_id, idempotency_key)
  where (idempotency_key is not null);
create unique index ratings_one_per_transaction on app.ratings using btree (transaction_id, assess_number)
  where ((transaction_id is not null) and (validity <> 'superseded'::text));
create unique index ratings_supersedes_rating_id_key on app.ratings using btree (supersedes_rating_id)
  where (supersedes_rating_id is not null);
-- With ratings_one_per_transaction (which leaves superseded ratings out), every rating of a 办件:
-- app.refuse_orphaned_ratings finds them by index. Defaults are written valid: no entry for the job.
create index ratings_superseded_transaction_idx on app.ratings using btree (transaction_id)
  where (validity = 'superseded'::text);
create unique index ratings_one_visit_per_day on app.ratings using btree (rater_user_id, window_id, visit_day)
  where (visit_day is not null);
-- The ratings naming a row, for app.refuse_orphaned_ratings and the lists by officer, window,
-- 事项 and rater. Only ratings with the key are indexed: a default has no rater (and often no
-- platform), and indexing its nulls was work for every default the job writes (issue 16.5).
create index ratings_hall_id_idx on app.ratings using btree (hall_id)
  where (hall_id is not null);
create index ratings_matter_id_idx on app.ratings using btree (matter_id)
  where (matter_id is not null);
create index ratings_platform_id_idx on app.ratings using btree (platform_id)
  where (platform_id is not null);
create index ratings_rated_at_id_idx on app.ratings using btree (rated_at, id);
create index ratings_rater_user_id_idx on app.ratings using btree (rater_user_id)
  where (rater_user_id is not null);
create index ratings_rater_visit_day_idx on app.ratings using btree (rater_user_id, visit_day)
  where (visit_day is not null);
create index ratings_recent_bad_idx on app.ratings using btree (rated_at)
  where (is_bad and (not is_default) and (assess_number = 1));
create index ratings_region_code_idx on app.ratings using btree (region_code);
create index ratings_staff_user_id_idx on app.ratings using btree (staff_user_id)
  where (staff_user_id is not null);
create index ratings_unit_rated_at_idx on app.ratings using btree (unit_id, rated_at);
create index ratings_window_id_idx on app.ratings using btree (window_id)
  where (window_id is not null);
comment on table app.ratings is 'Ratings. level 5 非常满意 … 1 非常不满意 (R1); is_bad = 差评. validity invalid = excluded from every metric after an approved appeal (R11); superseded = a default replaced by an active rating made in time (issue 19.4), excluded likewise.';
comment on column app.ratings.assess_number is '1 = the rating of the service; 2 = the rater''s rating of a 差评''s rectification (R12).';
comment on column app.ratings.comment_public is 'R15: the rater allowed their comment to appear on the public 差评 board. Off unless they turn it on.';
comment on column app.ratings.rater_user_id is 'Who rated; never shown to staff (R13). Null for defaults and device ratings without a known person.';
comment on column app.ratings.supersedes_rating_id is 'Issue 19.4: the default 基本满意 this rating replaced. A device or terminal rating buffered offline, made (rated_at) inside the 办件''s rating window but arriving after the default was applied, takes the default''s place; the default stays, with validity superseded (excluded from every metric, never deleted).';
comment on column app.ratings.visit_day is '一次一评: the Asia/Shanghai day of a window visit rated by QR without a 办件.';
grant select on table app.ratings to authenticated;
grant insert, select, update on table app.ratings to service_role;
-- 办件 awaiting their first rating (R5). Apart from app.transactions on purpose (issue 16.5): when
-- the 办件 row itself carried "rated", every rating rewrote that row, never as a HOT update (the
-- marker was indexed and in partial indexes' predicates), so all of the 办件 table's indexes were
-- written again: the default job's largest cost. Here rating a 办件 deletes one narrow row.
create table app.rating_pending (
  transaction_id uuid                     not null,
  rating_due_at  timestamp with time zone not null,
  constraint rating_pending_pkey primary key (transaction_id)
);
alter table app.rating_pending
  enable row level security;
alter table app.rating_pending
  add constraint rating_pending_transaction_id_fkey foreign key (transaction_id) references app.transactions(id) on delete cascade;
create index rating_pending_due_idx on app.rating_pending using btree (rating_due_at, transaction_id);
create policy rating_pending_select on app.rating_pending
  for select
  to service_role
  using (true);
comment on table app.rating_pending is 'Finished 办件 without a first rating (assess_number 1, not superseded), with their deadline: what the default job, the reminders and the pending lists read. Kept by triggers on app.transactions and app.ratings.';
grant select on table app.rating_pending to service_role;

-- The first rating of a 办件: assess_number 1 and not a superseded default (one at most, by
-- ratings_one_per_transaction).
create or replace function app.is_rated(p_transaction_id uuid)
  returns boolean
  language sql
  stable
  set search_path to ''
  as $function$
  select exists (
    select 1 from app.ratings r
    where r.transaction_id = p_transaction_id and r.assess_number = 1 and r.validity <> 'superseded');
$function$;
comment on function app.is_rated(uuid) is 'Whether the 办件 has its first rating (assess_number 1, not superseded).';
revoke all on function app.is_rated(uuid) from public;

-- A finished 办件 waits for its rating; one that is rated, or not (or no longer) finished, does not.
create or replace function app.keep_rating_pending()
  returns trigger
  language plpgsql
  set search_path to ''
  as $function$
begin
  if new.status = 'finished' and new.rating_due_at is not null and not app.is_rated(new.id) then
    insert into app.rating_pending as p (transaction_id, rating_due_at) values (new.id, new.rating_due_at)
    on conflict (transaction_id) do update set rating_due_at = excluded.rating_due_at
      where p.rating_due_at is distinct from excluded.rating_due_at;
  elsif tg_op = 'UPDATE' then
    delete from app.rating_pending p where p.transaction_id = new.id;
  end if;
  return null;
end;
$function$;

create or replace function app.mark_transactions_rated()
  returns trigger
  language plpgsql
  set search_path to ''
  as $function$
begin
  -- A rating that replaces a superseded default (issue 19.4) finds its 办件 already out of the queue.
  delete from app.rating_pending p
  using new_ratings n
  where p.transaction_id = n.transaction_id and n.assess_number = 1 and n.validity <> 'superseded';
  return null;
end;
$function$;

-- A first rating removed (only ever by hand: ratings are archive material) puts its 办件 back.
create or replace function app.unmark_transactions_rated()
  returns trigger
  language plpgsql
  set search_path to ''
  as $function$
begin
  insert into app.rating_pending (transaction_id, rating_due_at)
  select t.id, t.rating_due_at
  from app.transactions t
  where t.id in (select o.transaction_id from old_ratings o where o.assess_number = 1)
    and t.status = 'finished' and t.rating_due_at is not null and not app.is_rated(t.id)
  on conflict (transaction_id) do nothing;
  return null;
end;
$function$;

create or replace function app.require_user()
  returns uuid
  language plpgsql
  stable
  set search_path to ''
  as $function$
declare
  v_uid uuid := auth.uid();
begin
  if v_uid is null then
    perform app.raise_error('unauthorized');
  end if;
  return v_uid;
end;
$function$;
revoke all on function app.require_user() from public;
grant execute on function app.require_user() to anon, authenticated, service_role;

create or replace function app.check_rating_input (
  p_level           integer,
  p_tags            text[],
  p_comment         text,
  p_idempotency_key text
)
  returns void
  language plpgsql
  stable
  set search_path to ''
  as $function$
declare
  v_violation text;
begin
  if p_level is null or p_level not between 1 and 5 then
    perform app.raise_error('invalid_input', 'p_level');
  end if;
  if p_tags is null or array_position(p_tags, null) is not null then
    perform app.raise_error('invalid_input', 'p_tags');
  end if;
  if char_length(p_comment) > 500 then
    perform app.raise_error('comment_too_long', 'p_comment');
  end if;
  if p_idempotency_key is null or char_length(p_idempotency_key) not between 8 and 100 then
    perform app.raise_error('invalid_input', 'p_idempotency_key');
  end if;
  v_violation := app.tag_violation(p_level, p_tags);
  if v_violation is not null then
    perform app.raise_error(v_violation, 'p_tags');
  end if;
end;
$function$;
revoke all on function app.check_rating_input(integer, text[], text, text) from public;
grant execute on function app.check_rating_input(integer, text[], text, text) to authenticated, service_role;

create or replace function app.replayed_rating (
  p_uid            uuid,
  p_key            text,
  p_transaction_id uuid,
  p_window_id      uuid,
  p_level          integer
)
  returns app.ratings
  language plpgsql
  stable
  set search_path to ''
  as $function$
declare
  v_r app.ratings;
begin
  select * into v_r from app.ratings r where r.rater_user_id = p_uid and r.idempotency_key = p_key;
  if found and (v_r.transaction_id is distinct from p_transaction_id
                or (p_transaction_id is null and v_r.window_id is distinct from p_window_id)
                or v_r.level <> p_level) then
    perform app.raise_error('idempotency_conflict', 'p_idempotency_key');
  end if;
  return v_r;
end;
$function$;
revoke all on function app.replayed_rating(uuid, text, uuid, uuid, integer) from public;
grant execute on function app.replayed_rating(uuid, text, uuid, uuid, integer) to authenticated, service_role;

create or replace function public.my_pending_ratings()
  returns table (
    transaction_id     uuid,
    project_no         text,
    matter_name        text,
    unit_name          text,
    window_name        text,
    staff_name         text,
    finished_at        timestamp with time zone,
    rating_due_at      timestamp with time zone,
    due_is_provisional boolean
  )
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select t.id, t.project_no, m.name, u.name, w.name, s.masked_name, t.finished_at, t.rating_due_at, t.rating_due_provisional
  from app.transactions t
  join app.matters m on m.id = t.matter_id
  join app.units u on u.id = t.unit_id
  left join app.windows w on w.id = t.window_id
  left join app.users s on s.id = t.staff_user_id
  where (t.applicant_user_id = (select auth.uid()) or t.agent_user_id = (select auth.uid()))
    and t.status = 'finished'
    and exists (select 1 from app.rating_pending p where p.transaction_id = t.id)
    and t.rating_due_at > now()
    and t.staff_user_id is distinct from (select auth.uid())
  order by t.rating_due_at, t.finished_at;
$function$;
comment on function public.my_pending_ratings() is 'Finished 办件 of the caller (applicant or agent) still open for rating, soonest deadline first.';
revoke all on function public.my_pending_ratings() from public;
grant execute on function public.my_pending_ratings() to authenticated, service_role;

create or replace function public.submit_rating (
  p_transaction_id  uuid,
  p_level           integer,
  p_tags            text[]  default '{}'::text[],
  p_comment         text    default null::text,
  p_anonymous       boolean default false,
  p_channel         text    default 'mobile'::text,
  p_idempotency_key text    default null::text
)
  returns table (
    id            uuid,
    level         smallint,
    is_bad        boolean,
    work_order_id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v record;
begin
  select * into v from app.submit_rating(p_transaction_id, p_level, p_tags, p_comment, p_anonymous, p_channel, p_idempotency_key);
  -- A new statement, so it sees the order the insert's trigger opened.
  return query select v.id, v.level, v.is_bad, app.live_work_order_id(v.id);
end;
$function$;
comment on function public.submit_rating(uuid, integer, text[], text, boolean, text, text) is 'R1/R3/R4/R7/R8: the applicant (or agent) rates a finished 办件 once, within its rating window; a 差评 answers with the work order it opened.';
revoke all on function public.submit_rating(uuid, integer, text[], text, boolean, text, text) from public;
grant execute on function public.submit_rating(uuid, integer, text[], text, boolean, text, text) to authenticated, service_role;

create or replace function app.submit_rating (
  p_transaction_id  uuid,
  p_level           integer,
  p_tags            text[]  default '{}'::text[],
  p_comment         text    default null::text,
  p_anonymous       boolean default false,
  p_channel         text    default 'mobile'::text,
  p_idempotency_key text    default null::text
)
  returns table (
    id            uuid,
    level         smallint,
    is_bad        boolean,
    work_order_id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_t app.transactions;
  v_r app.ratings;
begin
  perform app.check_rating_input(p_level, p_tags, p_comment, p_idempotency_key);
  if p_channel is null or p_channel not in ('mobile', 'pc', 'qrcode') then
    perform app.raise_error('invalid_input', 'p_channel');
  end if;

  -- A replay of an earlier call returns its result and writes nothing (R3).
  v_r := app.replayed_rating(v_uid, p_idempotency_key, p_transaction_id, null, p_level);
  if v_r.id is not null then
    return query select v_r.id, v_r.level, v_r.is_bad, null::uuid;
    return;
  end if;

  select * into v_t from app.transactions t where t.id = p_transaction_id;
  if not found then
    perform app.raise_error('not_found', 'p_transaction_id');
  end if;
  if v_t.staff_user_id = v_uid then
    perform app.raise_error('own_work');
  end if;
  if v_uid is distinct from v_t.applicant_user_id and v_uid is distinct from v_t.agent_user_id then
    perform app.raise_error('not_applicant');
  end if;
  if v_t.status <> 'finished' then
    perform app.raise_error('not_finished');
  end if;
  if app.is_rated(v_t.id) then
    perform app.raise_error('already_rated');
  end if;
  if now() >= v_t.rating_due_at then
    perform app.raise_error('rating_window_closed');
  end if;

  -- The unique index decides a race with another submit or the default job: one row wins.
  insert into app.ratings as r (
    transaction_id, assess_number, level, tags, comment, channel, is_anonymous, rater_user_id,
    unit_id, region_code, matter_id, hall_id, window_id, staff_user_id, platform_id, idempotency_key
  ) values (
    v_t.id, 1, p_level, p_tags, nullif(btrim(p_comment), ''), p_channel, coalesce(p_anonymous, false), v_uid,
    v_t.unit_id, v_t.region_code, v_t.matter_id, v_t.hall_id, v_t.window_id, v_t.staff_user_id, v_t.platform_id, p_idempotency_key
  )
  on conflict do nothing
  returning * into v_r;
  if v_r.id is null then
    -- Lost a race: to our own retry (same key: answer as a replay) or to another rating.
    v_r := app.replayed_rating(v_uid, p_idempotency_key, p_transaction_id, null, p_level);
    if v_r.id is null then
      perform app.raise_error('already_rated');
    end if;
  end if;
  return query select v_r.id, v_r.level, v_r.is_bad, null::uuid;
end;
$function$;
comment on function app.submit_rating(uuid, integer, text[], text, boolean, text, text) is 'R1/R3/R4/R7: the applicant (or agent) rates a finished 办件 once, within its rating window. work_order_id is set once 差评 work orders exist.';
revoke all on function app.submit_rating(uuid, integer, text[], text, boolean, text, text) from public;
grant execute on function app.submit_rating(uuid, integer, text[], text, boolean, text, text) to service_role;

create or replace function public.submit_visit_rating (
  p_window_id       uuid,
  p_staff_id        uuid    default null::uuid,
  p_level           integer default null::integer,
  p_tags            text[]  default '{}'::text[],
  p_comment         text    default null::text,
  p_anonymous       boolean default false,
  p_idempotency_key text    default null::text
)
  returns table (
    id            uuid,
    level         smallint,
    is_bad        boolean,
    work_order_id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v record;
begin
  select * into v from app.submit_visit_rating(p_window_id, p_staff_id, p_level, p_tags, p_comment, p_anonymous, p_idempotency_key);
  return query select v.id, v.level, v.is_bad, app.live_work_order_id(v.id);
end;
$function$;
comment on function public.submit_visit_rating(uuid, uuid, integer, text[], text, boolean, text) is 'R3 一次一评: one rating per person per window per day (Asia/Shanghai), by the window''s QR code, without a 办件; at most app.rating_policy.visit_daily_cap a day across windows (visit_daily_limit); nobody working for the window''s unit rates it (own_work); a 差评 opens a work order.';
revoke all on function public.submit_visit_rating(uuid, uuid, integer, text[], text, boolean, text) from public;
grant execute on function public.submit_visit_rating(uuid, uuid, integer, text[], text, boolean, text) to authenticated, service_role;

create or replace function public.my_ratings()
  returns table (
    id                uuid,
    transaction_id    uuid,
    project_no        text,
    matter_name       text,
    unit_name         text,
    window_name       text,
    level             smallint,
    tags              text[],
    comment           text,
    is_anonymous      boolean,
    is_default        boolean,
    assess_number     smallint,
    validity          text,
    rated_at          timestamp with time zone,
    work_order_id     uuid,
    work_order_status text,
    comment_public    boolean
  )
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select r.id, r.transaction_id, t.project_no, m.name, u.name, w.name, r.level, r.tags, r.comment,
         r.is_anonymous, r.is_default, r.assess_number, r.validity, r.rated_at, wo.id, wo.status, r.comment_public
  from app.ratings r
  join app.units u on u.id = r.unit_id
  left join app.transactions t on t.id = r.transaction_id
  left join app.matters m on m.id = r.matter_id
  left join app.windows w on w.id = r.window_id
  left join app.work_orders wo on wo.rating_id = r.id and wo.status <> 'rerouted'
  where r.rater_user_id = (select auth.uid())
     or (r.is_default and r.validity <> 'superseded'
         and (t.applicant_user_id = (select auth.uid()) or t.agent_user_id = (select auth.uid())))
  order by r.rated_at desc;
$function$;
comment on function public.my_ratings() is 'The caller''s ratings, and the defaults applied to their 办件 (R5), newest first, each 差评 with its work order''s state and whether its comment may be published.';
revoke all on function public.my_ratings() from public;
grant execute on function public.my_ratings() to authenticated, service_role;

create or replace function public.window_info (
  p_window_id uuid
)
  returns table (
    window_id   uuid,
    window_name text,
    hall_name   text,
    unit_id     uuid,
    unit_name   text,
    region_code text,
    region_name text,
    staff       jsonb
  )
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select w.id, w.name, h.name, u.id, u.name, r.code, r.name,
         coalesce((
           select jsonb_agg(jsonb_build_object('staff_id', s.id, 'name', s.masked_name) order by s.masked_name)
           from app.staff_assignments a join app.users s on s.id = a.user_id
           where a.window_id = w.id
             and a.valid_from <= (now() at time zone 'Asia/Shanghai')::date
             and (a.valid_to is null or a.valid_to >= (now() at time zone 'Asia/Shanghai')::date)
         ), '[]'::jsonb)
  from app.windows w
  join app.halls h on h.id = w.hall_id
  join app.units u on u.id = w.unit_id
  join app.regions r on r.code = h.region_code
  where w.id = p_window_id;
$function$;
comment on function public.window_info(uuid) is 'The QR landing page: a window, its hall and unit, and the officers on duty today (masked names).';
revoke all on function public.window_info(uuid) from public;
grant execute on function public.window_info(uuid) to anon, authenticated, service_role;

create or replace function app.apply_default_ratings_in_batches (
  p_now   timestamp with time zone,
  p_batch integer
)
  returns integer
  language plpgsql
  security definer
  set search_path to ''
  -- A batch's new rows are read by every trigger (transition tables) and sorted by the rollups:
  -- held in memory rather than spilled to temporary files at the default 4 MB. For this job
  -- only, which cron never runs twice at once: 64 MB once.
  set work_mem to '64MB'
  as $function$
declare
  -- Keyset: each batch starts after the last one. The rows done are deleted but, this
  -- transaction being open, their index entries are not yet dead; starting from the top again
  -- visited them all, every batch.
  v_after_due timestamp with time zone := '-infinity';
  v_after_id uuid := '00000000-0000-0000-0000-000000000000';
  v_taken int;
  v_applied int := 0;
  v_n int;
begin
  loop
    -- One statement per batch, joined like one INSERT … SELECT (an array of ids cost one more
    -- index probe per 办件, and a second pass to take them off the queue).
    with batch as materialized (
      -- Due and still waiting, straight from the narrow table's deadline index.
      select p.transaction_id, p.rating_due_at from app.rating_pending p
      where p.rating_due_at <= p_now and (p.rating_due_at, p.transaction_id) > (v_after_due, v_after_id)
      order by p.rating_due_at, p.transaction_id
      limit p_batch),
    applied as (
      insert into app.ratings (
        transaction_id, assess_number, level, channel, is_default, unit_id, region_code,
        matter_id, hall_id, window_id, staff_user_id, platform_id, rated_at
      )
      select t.id, 1, 3, 'default', true, t.unit_id, t.region_code,
             t.matter_id, t.hall_id, t.window_id, t.staff_user_id, t.platform_id, t.rating_due_at
      from batch b join app.transactions t on t.id = b.transaction_id
      -- Only "this 办件 already has its rating" is expected; naming it also spares each row a
      -- probe of the primary key before its insert.
      on conflict (transaction_id, assess_number) where transaction_id is not null and validity <> 'superseded' do nothing
      returning transaction_id),
    -- The applied ones leave the queue through the trigger; one a citizen rated in between (the
    -- unique index refused the default) is rated too, and leaves here.
    skipped as (
      delete from app.rating_pending p
      where p.transaction_id in (select b.transaction_id from batch b except select a.transaction_id from applied a)),
    last as (
      select b.rating_due_at, b.transaction_id from batch b order by b.rating_due_at desc, b.transaction_id desc limit 1)
    select (select count(*) from batch), (select count(*) from applied), l.rating_due_at, l.transaction_id
    into v_taken, v_n, v_after_due, v_after_id
    from last l;
    exit when v_taken is null;
    v_applied := v_applied + v_n;
  end loop;
  return v_applied;
end;
$function$;
comment on function app.apply_default_ratings_in_batches(timestamp with time zone, integer) is 'R5 job, p_batch 办件 per statement (public.apply_default_ratings: 1,000,000; tests: a few, to cross batch edges).';
revoke all on function app.apply_default_ratings_in_batches(timestamp with time zone, integer) from public;

create or replace function public.apply_default_ratings (
  p_now timestamp with time zone default now()
)
  returns integer
  language sql
  security definer
  set search_path to ''
  as $function$
  -- Few, large batches: every batch moves the same rollup rows again inside this one
  -- transaction, one more row version of each every time. Over 1,000,000 due 办件: 47.9 s in
  -- batches of 250,000, 45.7 s of 500,000, 43.9 s in one (BENCHMARKS.md, issue 16.5). Memory
  -- stays bounded at any size: no row-level trigger queues events for a default, and the
  -- statement triggers' transition tables spill to disk past work_mem.
  select app.apply_default_ratings_in_batches(p_now, 1000000);
$function$;
comment on function public.apply_default_ratings(timestamp with time zone) is 'R5 job: default 基本满意 for every 办件 whose rating window closed by p_now. Returns how many were applied.';
revoke all on function public.apply_default_ratings(timestamp with time zone) from public;
grant execute on function public.apply_default_ratings(timestamp with time zone) to service_role;

create or replace function public.unit_ratings (
  p_from date,
  p_to   date
)
  returns table (
    id                uuid,
    rated_at          timestamp with time zone,
    level             smallint,
    is_bad            boolean,
    tags              text[],
    comment           text,
    channel           text,
    is_default        boolean,
    assess_number     smallint,
    validity          text,
    unit_name         text,
    matter_name       text,
    window_name       text,
    staff_name        text,
    is_my_work        boolean,
    work_order_id     uuid,
    work_order_status text
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := auth.uid();
begin
  if p_from is null or p_to is null or p_from > p_to or p_to - p_from > 366 then
    perform app.raise_error('invalid_input', 'p_from/p_to');
  end if;
  return query
  select r.id, r.rated_at, r.level, r.is_bad, r.tags, r.comment, r.channel, r.is_default, r.assess_number, r.validity,
         u.name, m.name, w.name, s.masked_name, r.staff_user_id is not distinct from v_uid and v_uid is not null, wo.id, wo.status
  from app.ratings r
  join app.units u on u.id = r.unit_id
  left join app.matters m on m.id = r.matter_id
  left join app.windows w on w.id = r.window_id
  left join app.users s on s.id = r.staff_user_id
  left join app.work_orders wo on wo.rating_id = r.id and wo.status <> 'rerouted'
  where r.unit_id in (select app.my_unit_ids())
    and r.rated_at >= (p_from::timestamp at time zone 'Asia/Shanghai')
    and r.rated_at < ((p_to + 1)::timestamp at time zone 'Asia/Shanghai')
  order by r.rated_at desc, r.id;
end;
$function$;
comment on function public.unit_ratings(date, date) is 'Staff and unit admins: ratings of their units in [p_from, p_to] (≤ 366 days), own work flagged, never the rater (R13).';
revoke all on function public.unit_ratings(date, date) from public;
grant execute on function public.unit_ratings(date, date) to authenticated, service_role;

create table app.rating_policy (
  id              boolean not null default true,
  visit_daily_cap integer not null default 3,
  constraint rating_policy_id_check check (id),
  constraint rating_policy_pkey primary key (id),
  constraint rating_policy_visit_daily_cap_check check (((visit_daily_cap >= 1) and (visit_daily_cap <= 50)))
);
alter table app.rating_policy
  enable row level security;
comment on table app.rating_policy is 'Rating abuse limits (one row): visit_daily_cap = QR visit ratings one account may give per day (Asia/Shanghai) across all windows.';
grant select on table app.rating_policy to authenticated;
grant select on table app.rating_policy to service_role;

create or replace function app.submit_visit_rating (
  p_window_id       uuid,
  p_staff_id        uuid    default null::uuid,
  p_level           integer default null::integer,
  p_tags            text[]  default '{}'::text[],
  p_comment         text    default null::text,
  p_anonymous       boolean default false,
  p_idempotency_key text    default null::text
)
  returns table (
    id            uuid,
    level         smallint,
    is_bad        boolean,
    work_order_id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_w app.windows;
  v_hall_region text;
  v_day date := (now() at time zone 'Asia/Shanghai')::date;
  v_r app.ratings;
begin
  perform app.check_rating_input(p_level, p_tags, p_comment, p_idempotency_key);

  v_r := app.replayed_rating(v_uid, p_idempotency_key, null, p_window_id, p_level);
  if v_r.id is not null then
    return query select v_r.id, v_r.level, v_r.is_bad, null::uuid;
    return;
  end if;

  select * into v_w from app.windows w where w.id = p_window_id;
  if not found then
    perform app.raise_error('not_found', 'p_window_id');
  end if;
  if p_staff_id is not null and not exists (
    select 1 from app.staff_assignments a
    where a.user_id = p_staff_id and a.window_id = p_window_id
      and a.valid_from <= v_day and (a.valid_to is null or a.valid_to >= v_day)
  ) then
    perform app.raise_error('invalid_input', 'p_staff_id');
  end if;
  -- R4: never one's own work. Whoever works for the unit rates none of its windows, named
  -- officer or not (a colleague's 好评 or 差评 is no citizen's verdict).
  if p_staff_id = v_uid
     or exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.unit_id = v_w.unit_id and s.role in ('staff', 'unit_admin'))
     or exists (select 1 from app.staff_assignments a
                where a.user_id = v_uid and (a.window_id = p_window_id or a.unit_id = v_w.unit_id)
                  and a.valid_from <= v_day and (a.valid_to is null or a.valid_to >= v_day)) then
    perform app.raise_error('own_work');
  end if;

  -- One caller's visit ratings are counted and inserted one at a time, so that parallel
  -- requests cannot each see room under the cap.
  perform pg_advisory_xact_lock(hashtextextended('visit_rating:' || v_uid::text, 0));
  if (select count(*) from app.ratings r where r.rater_user_id = v_uid and r.visit_day = v_day)
     >= (select p.visit_daily_cap from app.rating_policy p) then
    v_r := app.replayed_rating(v_uid, p_idempotency_key, null, p_window_id, p_level);
    if v_r.id is not null then
      return query select v_r.id, v_r.level, v_r.is_bad, null::uuid;
      return;
    end if;
    perform app.raise_error('visit_daily_limit');
  end if;
  select h.region_code into v_hall_region from app.halls h where h.id = v_w.hall_id;

  insert into app.ratings as r (
    level, tags, comment, channel, is_anonymous, rater_user_id, unit_id, region_code,
    hall_id, window_id, staff_user_id, visit_day, idempotency_key
  ) values (
    p_level, p_tags, nullif(btrim(p_comment), ''), 'qrcode', coalesce(p_anonymous, false), v_uid, v_w.unit_id, v_hall_region,
    v_w.hall_id, v_w.id, p_staff_id, v_day, p_idempotency_key
  )
  on conflict do nothing
  returning * into v_r;
  if v_r.id is null then
    v_r := app.replayed_rating(v_uid, p_idempotency_key, null, p_window_id, p_level);
    if v_r.id is null then
      perform app.raise_error('already_rated', 'one visit rating per window per day');
    end if;
  end if;
  return query select v_r.id, v_r.level, v_r.is_bad, null::uuid;
end;
$function$;
comment on function app.submit_visit_rating(uuid, uuid, integer, text[], text, boolean, text) is 'R3 一次一评: one rating per person per window per day (Asia/Shanghai), by the window''s QR code, without a 办件.';
revoke all on function app.submit_visit_rating(uuid, uuid, integer, text[], text, boolean, text) from public;
grant execute on function app.submit_visit_rating(uuid, uuid, integer, text[], text, boolean, text) to service_role;

create trigger transactions_rating_deadline
  before insert or update of finished_at on app.transactions
  for each row
  execute function app.set_rating_deadline();

create trigger transactions_keep_rating_pending
  after insert or update of status, finished_at, rating_due_at on app.transactions
  for each row
  execute function app.keep_rating_pending();

-- Every key a rating names: the seven it copies from its 办件 (or, for a visit rating, from its
-- window) -- unit, region, hall, window, officer, 事项, platform -- and its 办件, its rater and the
-- default it supersedes. They are checked once per statement instead of by ten foreign keys (issue
-- 16.5): a foreign key checks every row through its own query, ~4 µs per rating and key even when
-- the key is null; for the 办件 it was 7 s of the default job's 51 s over 1,000,000 defaults, the
-- rater's and the superseded rating's keys (null in a default) 1 s more. The guarantees are a
-- foreign key's: each distinct key's row is locked FOR KEY SHARE as a foreign key locks it, so it
-- cannot be deleted under the new ratings (a delete first makes the lock find no row), and
-- app.refuse_orphaned_ratings refuses deleting or re-keying a row ratings name. A failure is the
-- foreign key's error: 23503, under the same constraint name.
create or replace function app.lock_referenced_rows (
  p_table      regclass,
  p_key        text,
  p_values     anyarray,
  p_constraint text
)
  returns void
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_locked integer;
  v_missing text;
begin
  if coalesce(cardinality(p_values), 0) = 0 then
    return;
  end if;
  -- One index scan over the sorted keys (one statement of the default job names up to 1,000,000 办件).
  execute format('select count(*) from (select 1 from %s x where x.%I = any($1) for key share of x) l', p_table, p_key)
    into v_locked using p_values;
  if v_locked < cardinality(p_values) then
    execute format('select v::text from unnest($1) v where not exists (select 1 from %s x where x.%I = v) limit 1', p_table, p_key)
      into v_missing using p_values;
    raise exception 'insert or update on table "ratings" violates foreign key constraint "%"', p_constraint
      using errcode = 'foreign_key_violation', schema = 'app', table = 'ratings', constraint = p_constraint,
            detail = format('Key (%s)=(%s) is not present in table "%s".', p_key, v_missing, p_table);
  end if;
end;
$function$;
revoke all on function app.lock_referenced_rows(regclass, text, anyarray, text) from public;

-- The distinct keys of the ratings a statement wrote, each array without nulls or repeats.
create or replace function app.lock_rating_references (
  p_unit_ids              uuid[],
  p_region_codes          text[],
  p_hall_ids              uuid[],
  p_window_ids            uuid[],
  p_staff_user_ids        uuid[],
  p_matter_ids            uuid[],
  p_platform_ids          uuid[],
  p_transaction_ids       uuid[],
  p_rater_user_ids        uuid[],
  p_supersedes_rating_ids uuid[]
)
  returns void
  language plpgsql
  security definer
  set search_path to ''
  as $function$
begin
  perform app.lock_referenced_rows('app.units', 'id', p_unit_ids, 'ratings_unit_id_fkey');
  perform app.lock_referenced_rows('app.regions', 'code', p_region_codes, 'ratings_region_code_fkey');
  perform app.lock_referenced_rows('app.halls', 'id', p_hall_ids, 'ratings_hall_id_fkey');
  perform app.lock_referenced_rows('app.windows', 'id', p_window_ids, 'ratings_window_id_fkey');
  perform app.lock_referenced_rows('app.users', 'id', p_staff_user_ids, 'ratings_staff_user_id_fkey');
  perform app.lock_referenced_rows('app.matters', 'id', p_matter_ids, 'ratings_matter_id_fkey');
  perform app.lock_referenced_rows('app.platforms', 'id', p_platform_ids, 'ratings_platform_id_fkey');
  perform app.lock_referenced_rows('app.transactions', 'id', p_transaction_ids, 'ratings_transaction_id_fkey');
  perform app.lock_referenced_rows('app.users', 'id', p_rater_user_ids, 'ratings_rater_user_id_fkey');
  perform app.lock_referenced_rows('app.ratings', 'id', p_supersedes_rating_ids, 'ratings_supersedes_rating_id_fkey');
end;
$function$;
revoke all on function app.lock_rating_references(uuid[], text[], uuid[], uuid[], uuid[], uuid[], uuid[], uuid[], uuid[], uuid[]) from public;

create or replace function app.check_rating_keys()
  returns trigger
  language plpgsql
  security definer
  set search_path to ''
  as $function$
begin
  -- The copied keys through their distinct combinations (a few thousand at most), the keys
  -- of each rating's own (办件, rater, superseded default) in one more pass.
  perform app.lock_rating_references(
            array_agg(distinct k.unit_id) filter (where k.unit_id is not null),
            array_agg(distinct k.region_code) filter (where k.region_code is not null),
            array_agg(distinct k.hall_id) filter (where k.hall_id is not null),
            array_agg(distinct k.window_id) filter (where k.window_id is not null),
            array_agg(distinct k.staff_user_id) filter (where k.staff_user_id is not null),
            array_agg(distinct k.matter_id) filter (where k.matter_id is not null),
            array_agg(distinct k.platform_id) filter (where k.platform_id is not null),
            (select array_agg(distinct n.transaction_id) from new_rows n where n.transaction_id is not null),
            (select array_agg(distinct n.rater_user_id) from new_rows n where n.rater_user_id is not null),
            (select array_agg(distinct n.supersedes_rating_id) from new_rows n where n.supersedes_rating_id is not null))
  from (select distinct n.unit_id, n.region_code, n.hall_id, n.window_id, n.staff_user_id, n.matter_id, n.platform_id from new_rows n) k;
  return null;
end;
$function$;
revoke all on function app.check_rating_keys() from public;

create or replace function app.check_changed_rating_keys()
  returns trigger
  language plpgsql
  security definer
  set search_path to ''
  as $function$
begin
  -- As a foreign key: only a key an update changed is checked (and its row locked). A rating
  -- whose id changed is new to the check, every key of it.
  perform app.lock_rating_references(
            array_agg(distinct n.unit_id) filter (where n.unit_id is distinct from o.unit_id and n.unit_id is not null),
            array_agg(distinct n.region_code) filter (where n.region_code is distinct from o.region_code and n.region_code is not null),
            array_agg(distinct n.hall_id) filter (where n.hall_id is distinct from o.hall_id and n.hall_id is not null),
            array_agg(distinct n.window_id) filter (where n.window_id is distinct from o.window_id and n.window_id is not null),
            array_agg(distinct n.staff_user_id) filter (where n.staff_user_id is distinct from o.staff_user_id and n.staff_user_id is not null),
            array_agg(distinct n.matter_id) filter (where n.matter_id is distinct from o.matter_id and n.matter_id is not null),
            array_agg(distinct n.platform_id) filter (where n.platform_id is distinct from o.platform_id and n.platform_id is not null),
            array_agg(distinct n.transaction_id) filter (where n.transaction_id is distinct from o.transaction_id and n.transaction_id is not null),
            array_agg(distinct n.rater_user_id) filter (where n.rater_user_id is distinct from o.rater_user_id and n.rater_user_id is not null),
            array_agg(distinct n.supersedes_rating_id) filter (where n.supersedes_rating_id is distinct from o.supersedes_rating_id and n.supersedes_rating_id is not null))
  from new_rows n left join old_rows o on o.id = n.id;
  return null;
end;
$function$;
revoke all on function app.check_changed_rating_keys() from public;

-- The other half of the keys above: a row that ratings name is neither deleted nor re-keyed
-- (a foreign key's NO ACTION). Row level, fired only when a key changes or a row goes, which is
-- rare (org changes, clean-ups); the ratings are found through their indexes on these columns.
-- TG_ARGV: the ratings column, the row's key column, the constraint name errors carry.
create or replace function app.refuse_orphaned_ratings()
  returns trigger
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_named boolean;
begin
  -- Asked in two halves so that a 办件's ratings are found by index too:
  -- ratings_one_per_transaction leaves superseded ratings to ratings_superseded_transaction_idx.
  execute format('select exists (select 1 from app.ratings r where r.%1$I = ($1).%2$I and r.validity <> ''superseded'')
                      or exists (select 1 from app.ratings r where r.%1$I = ($1).%2$I and r.validity = ''superseded'')', tg_argv[0], tg_argv[1])
    into v_named using old;
  if v_named then
    raise exception 'update or delete on table "%" violates foreign key constraint "%" on table "ratings"', tg_table_name, tg_argv[2]
      using errcode = 'foreign_key_violation', schema = 'app', table = tg_table_name, constraint = tg_argv[2],
            detail = format('Key (%s)=(%s) is still referenced from table "ratings".', tg_argv[1], to_jsonb(old) ->> tg_argv[1]);
  end if;
  return null;
end;
$function$;
revoke all on function app.refuse_orphaned_ratings() from public;

create trigger ratings_check_keys_insert
  after insert on app.ratings referencing new table as new_rows
  for each statement
  execute function app.check_rating_keys();

create trigger ratings_check_keys_update
  after update on app.ratings referencing old table as old_rows new table as new_rows
  for each statement
  execute function app.check_changed_rating_keys();

create trigger halls_keep_ratings_hall_id_deleted
  after delete on app.halls
  for each row
  execute function app.refuse_orphaned_ratings('hall_id', 'id', 'ratings_hall_id_fkey');

create trigger halls_keep_ratings_hall_id_rekeyed
  after update of id on app.halls
  for each row
  when (old.id is distinct from new.id)
  execute function app.refuse_orphaned_ratings('hall_id', 'id', 'ratings_hall_id_fkey');

create trigger matters_keep_ratings_matter_id_deleted
  after delete on app.matters
  for each row
  execute function app.refuse_orphaned_ratings('matter_id', 'id', 'ratings_matter_id_fkey');

create trigger matters_keep_ratings_matter_id_rekeyed
  after update of id on app.matters
  for each row
  when (old.id is distinct from new.id)
  execute function app.refuse_orphaned_ratings('matter_id', 'id', 'ratings_matter_id_fkey');

create trigger platforms_keep_ratings_platform_id_deleted
  after delete on app.platforms
  for each row
  execute function app.refuse_orphaned_ratings('platform_id', 'id', 'ratings_platform_id_fkey');

create trigger platforms_keep_ratings_platform_id_rekeyed
  after update of id on app.platforms
  for each row
  when (old.id is distinct from new.id)
  execute function app.refuse_orphaned_ratings('platform_id', 'id', 'ratings_platform_id_fkey');

create trigger regions_keep_ratings_region_code_deleted
  after delete on app.regions
  for each row
  execute function app.refuse_orphaned_ratings('region_code', 'code', 'ratings_region_code_fkey');

create trigger regions_keep_ratings_region_code_rekeyed
  after update of code on app.regions
  for each row
  when (old.code is distinct from new.code)
  execute function app.refuse_orphaned_ratings('region_code', 'code', 'ratings_region_code_fkey');

create trigger units_keep_ratings_unit_id_deleted
  after delete on app.units
  for each row
  execute function app.refuse_orphaned_ratings('unit_id', 'id', 'ratings_unit_id_fkey');

create trigger units_keep_ratings_unit_id_rekeyed
  after update of id on app.units
  for each row
  when (old.id is distinct from new.id)
  execute function app.refuse_orphaned_ratings('unit_id', 'id', 'ratings_unit_id_fkey');

create trigger users_keep_ratings_staff_user_id_deleted
  after delete on app.users
  for each row
  execute function app.refuse_orphaned_ratings('staff_user_id', 'id', 'ratings_staff_user_id_fkey');

create trigger users_keep_ratings_staff_user_id_rekeyed
  after update of id on app.users
  for each row
  when (old.id is distinct from new.id)
  execute function app.refuse_orphaned_ratings('staff_user_id', 'id', 'ratings_staff_user_id_fkey');

create trigger windows_keep_ratings_window_id_deleted
  after delete on app.windows
  for each row
  execute function app.refuse_orphaned_ratings('window_id', 'id', 'ratings_window_id_fkey');

create trigger windows_keep_ratings_window_id_rekeyed
  after update of id on app.windows
  for each row
  when (old.id is distinct from new.id)
  execute function app.refuse_orphaned_ratings('window_id', 'id', 'ratings_window_id_fkey');

create trigger transactions_keep_ratings_transaction_id_deleted
  after delete on app.transactions
  for each row
  execute function app.refuse_orphaned_ratings('transaction_id', 'id', 'ratings_transaction_id_fkey');

create trigger transactions_keep_ratings_transaction_id_rekeyed
  after update of id on app.transactions
  for each row
  when (old.id is distinct from new.id)
  execute function app.refuse_orphaned_ratings('transaction_id', 'id', 'ratings_transaction_id_fkey');

create trigger users_keep_ratings_rater_user_id_deleted
  after delete on app.users
  for each row
  execute function app.refuse_orphaned_ratings('rater_user_id', 'id', 'ratings_rater_user_id_fkey');

create trigger users_keep_ratings_rater_user_id_rekeyed
  after update of id on app.users
  for each row
  when (old.id is distinct from new.id)
  execute function app.refuse_orphaned_ratings('rater_user_id', 'id', 'ratings_rater_user_id_fkey');

create trigger ratings_keep_ratings_supersedes_rating_id_deleted
  after delete on app.ratings
  for each row
  execute function app.refuse_orphaned_ratings('supersedes_rating_id', 'id', 'ratings_supersedes_rating_id_fkey');

create trigger ratings_keep_ratings_supersedes_rating_id_rekeyed
  after update of id on app.ratings
  for each row
  when (old.id is distinct from new.id)
  execute function app.refuse_orphaned_ratings('supersedes_rating_id', 'id', 'ratings_supersedes_rating_id_fkey');

create trigger ratings_mark_transactions_rated
  after insert on app.ratings referencing new table as new_ratings
  for each statement
  execute function app.mark_transactions_rated();

create trigger ratings_unmark_transactions_rated
  after delete on app.ratings referencing old table as old_ratings
  for each statement
  execute function app.unmark_transactions_rated();

create trigger ratings_audit_validity
  after update on app.ratings referencing old table as old_rows new table as new_rows
  for each statement
  execute function app.audit_rating_validity();

create policy matters_select on app.matters
  for select
  to anon, authenticated
  using (true);

create policy transactions_select on app.transactions
  for select
  to authenticated
  using
    (((applicant_user_id = ( select auth.uid() as uid)) or (agent_user_id = ( select auth.uid() as uid)) or (unit_id in ( select app.my_unit_ids() as my_unit_ids)) or (region_code
    in ( select app.my_region_codes() as my_region_codes))));

create policy eval_tags_select on app.eval_tags
  for select
  to anon, authenticated
  using (true);

create policy ratings_select on app.ratings
  for select
  to authenticated
  using ((rater_user_id = ( select auth.uid() as uid)));

create policy rating_policy_select on app.rating_policy
  for select
  to authenticated
  using (true);
