-- Work orders (差评 整改) and appeals: a 差评 opens a work order; the unit verifies, rectifies
-- within working-day deadlines, replies; the rater rates the rectification or asks for a
-- re-review; supervisors escalate overdue orders and decide appeals and re-reviews. Evidence files
-- and the work-order timeline are here too.

-- Function bodies are checked when they run: a body may use what a later file defines.
set check_function_bodies = off;

create table app.loop_policy (
  id                      boolean not null default true,
  verify_working_days     integer not null default 1,
  rectify_working_days    integer not null default 15,
  max_extensions          integer not null default 2,
  max_extension_days      integer not null default 60,
  concentration_threshold integer not null default 3,
  concentration_days      integer not null default 30,
  rereview_request_working_days integer not null default 15,
  constraint loop_policy_concentration_days_check check (((concentration_days >= 7) and (concentration_days <= 366))),
  constraint loop_policy_concentration_threshold_check check ((concentration_threshold >= 2)),
  constraint loop_policy_id_check check (id),
  constraint loop_policy_max_extension_days_check check (((max_extension_days >= 1) and (max_extension_days <= 365))),
  constraint loop_policy_max_extensions_check check (((max_extensions >= 0) and (max_extensions <= 5))),
  constraint loop_policy_pkey primary key (id),
  constraint loop_policy_rectify_working_days_check check (((rectify_working_days >= 1) and (rectify_working_days <= 60))),
  constraint loop_policy_rereview_request_working_days_check check (((rereview_request_working_days >= 1) and (rereview_request_working_days <= 60))),
  constraint loop_policy_verify_working_days_check check (((verify_working_days >= 1) and (verify_working_days <= 10)))
);
alter table app.loop_policy
  enable row level security;
comment on table app.loop_policy is 'Policy settings of the 差评 loop (one row): 核实 1 working day (R8), 整改 15 working days (R10), extensions, 重点监督 threshold (R19: ≥ 3 差评 in 30 days), and how long a real-name rater may ask for a re-review after an upheld appeal (R11).';
comment on column app.loop_policy.rereview_request_working_days is 'R11 复核: a real-name rater may ask for a re-review until this many working days after the day the appeal was upheld (request_rereview refuses later: rereview_window_closed). The 临沧 policy text sets no period; 15 working days mirrors its 整改 period (twin: REREVIEW_REQUEST_WORKING_DAYS in shared/work-orders.ts).';
grant select on table app.loop_policy to authenticated;
grant select on table app.loop_policy to service_role;

create table app.work_orders (
  id                        uuid                     not null default gen_random_uuid(),
  rating_id                 uuid                     not null,
  transaction_id            uuid,
  unit_id                   uuid                     not null,
  region_code               text                     not null,
  window_id                 uuid,
  staff_user_id             uuid,
  matter_id                 uuid,
  channel                   text                     not null,
  rated_day                 date                     not null,
  is_realname               boolean                  not null,
  status                    text                     not null default 'pending_verification'::text,
  opened_at                 timestamp with time zone not null,
  verify_due_on             date                     not null,
  verify_due_provisional    boolean                  not null default false,
  handler_user_id           uuid,
  verified_at               timestamp with time zone,
  substantiated_at          timestamp with time zone,
  rectify_due_on            date,
  rectify_due_provisional   boolean,
  extension_count           integer                  not null default 0,
  rectified_at              timestamp with time zone,
  measures                  text,
  root_cause                text,
  evidence                  uuid[]                   not null default '{}'::uuid[],
  replied_at                timestamp with time zone,
  reply                     text,
  return_visit_method       text,
  return_visit_on           date,
  return_visit_satisfaction text,
  return_visit_note         text,
  return_visit_recorded_at  timestamp with time zone,
  fix_level                 smallint,
  fix_rated_at              timestamp with time zone,
  reopen_count              integer                  not null default 0,
  escalated_at              timestamp with time zone,
  escalation_reason         text,
  closed_at                 timestamp with time zone,
  rereview_requested_at     timestamp with time zone,
  rereview_reason           text,
  rereview_decided_at       timestamp with time zone,
  rerouted_from_id          uuid,
  updated_at                timestamp with time zone not null default now(),
  rereview_due_on           date,
  constraint work_orders_fix_level_check check (((fix_level >= 1) and (fix_level <= 5))),
  constraint work_orders_measures_check check ((char_length(measures) <= 2000)),
  constraint work_orders_pkey primary key (id),
  constraint work_orders_reply_check check ((char_length(reply) <= 2000)),
  constraint work_orders_rereview_reason_check check ((char_length(rereview_reason) <= 500)),
  constraint work_orders_return_visit_method_check check ((return_visit_method = any (array['phone'::text, 'sms'::text, 'onsite'::text, 'online'::text]))),
  constraint work_orders_return_visit_note_check check ((char_length(return_visit_note) <= 1000)),
  constraint work_orders_return_visit_satisfaction_check check ((return_visit_satisfaction = any (array['satisfied'::text, 'basically_satisfied'::text, 'dissatisfied'::text]))),
  constraint work_orders_root_cause_check check ((char_length(root_cause) <= 2000)),
  constraint work_orders_status_check
    check
    ((status = any (array['pending_verification'::text, 'appealing'::text, 'rectifying'::text, 'rectified'::text, 'replied'::text, 'closed'::text, 'dismissed'::text,
    'rerouted'::text, 'overdue'::text, 'reopened'::text])))
);
alter table app.work_orders
  enable row level security;
alter table app.work_orders
  add constraint work_orders_handler_user_id_fkey foreign key (handler_user_id) references app.users(id);
alter table app.work_orders
  add constraint work_orders_matter_id_fkey foreign key (matter_id) references app.matters(id);
alter table app.work_orders
  add constraint work_orders_rating_id_fkey foreign key (rating_id) references app.ratings(id);
alter table app.work_orders
  add constraint work_orders_region_code_fkey foreign key (region_code) references app.regions(code);
alter table app.work_orders
  add constraint work_orders_rerouted_from_id_fkey foreign key (rerouted_from_id) references app.work_orders(id);
alter table app.work_orders
  add constraint work_orders_staff_user_id_fkey foreign key (staff_user_id) references app.users(id);
alter table app.work_orders
  add constraint work_orders_transaction_id_fkey foreign key (transaction_id) references app.transactions(id);
alter table app.work_orders
  add constraint work_orders_unit_id_fkey foreign key (unit_id) references app.units(id);
alter table app.work_orders
  add constraint work_orders_window_id_fkey foreign key (window_id) references app.windows(id);
create unique index work_orders_one_live_per_rating on app.work_orders using btree (rating_id)
  where (status <> 'rerouted'::text);
create index work_orders_handler_user_id_idx on app.work_orders using btree (handler_user_id);
create index work_orders_matter_id_idx on app.work_orders using btree (matter_id);
create index work_orders_opened_at_id_idx on app.work_orders using btree (opened_at, id);
create index work_orders_rating_id_idx on app.work_orders using btree (rating_id);
create index work_orders_region_day_idx on app.work_orders using btree (region_code, rated_day);
-- Issue 16.1: 按时整改率's denominator counts the substantiated live orders not yet rectified whose
-- deadline has passed (app.loop_metric_rows): only those, index-only.
create index work_orders_unrectified_idx on app.work_orders using btree (region_code, rated_day)
  include (unit_id, window_id, staff_user_id, matter_id, channel, rectify_due_on)
  where ((substantiated_at is not null) and (rectified_at is null) and (status <> all (array['dismissed'::text, 'rerouted'::text])));
create index work_orders_replied_at_idx on app.work_orders using btree (replied_at)
  where (replied_at is not null);
create index work_orders_rerouted_from_id_idx on app.work_orders using btree (rerouted_from_id);
create index work_orders_staff_user_id_idx on app.work_orders using btree (staff_user_id);
create index work_orders_status_due_idx on app.work_orders using btree (status, rectify_due_on);
create index work_orders_transaction_id_idx on app.work_orders using btree (transaction_id);
create index work_orders_unit_status_idx on app.work_orders using btree (unit_id, status);
create index work_orders_window_id_idx on app.work_orders using btree (window_id);
-- The 差评 loop's rollup (app.stats_rollup, schemas/04_rollups_stats.sql).
create trigger work_orders_loop_rollup_insert
  after insert on app.work_orders referencing new table as new_rows
  for each statement
  execute function app.rollup_trigger('loop_rollup_statement', 's', '@.substantiated_at is null, @.status in (''dismissed'', ''rerouted''), @.rectified_at, @.rectify_due_on, @.is_realname, @.return_visit_recorded_at, @.rated_day, @.region_code, @.unit_id, @.window_id, @.staff_user_id, @.matter_id, @.channel');

create trigger work_orders_loop_rollup_update
  after update on app.work_orders referencing old table as old_rows new table as new_rows
  for each statement
  execute function app.rollup_trigger('loop_rollup_statement', 's', '@.substantiated_at is null, @.status in (''dismissed'', ''rerouted''), @.rectified_at, @.rectify_due_on, @.is_realname, @.return_visit_recorded_at, @.rated_day, @.region_code, @.unit_id, @.window_id, @.staff_user_id, @.matter_id, @.channel');

create trigger work_orders_loop_rollup_delete
  after delete on app.work_orders referencing old table as old_rows
  for each statement
  execute function app.rollup_trigger('loop_rollup_statement', 's', '@.substantiated_at is null, @.status in (''dismissed'', ''rerouted''), @.rectified_at, @.rectify_due_on, @.is_realname, @.return_visit_recorded_at, @.rated_day, @.region_code, @.unit_id, @.window_id, @.staff_user_id, @.matter_id, @.channel');

comment on table app.work_orders is '差评工单 (R8–R12). unit_id = the responsible unit; window/officer/事项/channel/rated_day are copied from the rating for the loop metrics.';
comment on column app.work_orders.escalated_at is 'Escalated to the supervisor (overdue, or the rater unsatisfied with the fix).';
comment on column app.work_orders.is_realname is 'The 差评 is real-name: rated by a real-name user who did not choose 匿名. Such orders close only after a 回访 (R12).';
comment on column app.work_orders.rectify_due_on is 'Last working day for 整改: 15 working days after the day it was substantiated, or the extension''s date (R10).';
comment on column app.work_orders.rereview_due_on is 'R11: the last day (Asia/Shanghai) the real-name rater may ask for a re-review of an upheld appeal, fixed when the appeal is decided (app.rereview_deadline); null when no re-review can be asked.';
comment on column app.work_orders.substantiated_at is '查实: verified by the unit, or the unit''s appeal rejected, or a dismissal overturned on re-review. The denominator of 整改率.';
grant select on table app.work_orders to service_role;

create table app.work_order_transitions (
  action      text not null,
  from_status text not null,
  to_status   text not null,
  constraint work_order_transitions_pkey primary key (action, from_status)
);
alter table app.work_order_transitions
  enable row level security;
comment on table app.work_order_transitions is 'The state machine: the only moves app.transition_work_order allows. Anything else is invalid_transition.';
grant select on table app.work_order_transitions to authenticated;
grant select on table app.work_order_transitions to service_role;

create or replace function app.work_order_event (
  p_action text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  select case p_action
    when 'verify' then 'verified' when 'appeal' then 'appealed' when 'approve_appeal' then 'appeal_approved'
    when 'reroute' then 'rerouted' when 'reject_appeal' then 'appeal_rejected' when 'extend' then 'extended'
    when 'rectify' then 'rectified' when 'reply' then 'replied' when 'close' then 'closed'
    when 'mark_overdue' then 'overdue' when 'reopen' then 'reopened' when 'overturn_dismissal' then 'rereview_decided'
    else p_action end;
$function$;

create or replace function app.transition_work_order (
  p_id     uuid,
  p_action text,
  p_note   text  default null::text,
  p_due_on date  default null::date,
  p_detail jsonb default '{}'::jsonb
)
  returns app.work_orders
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_wo app.work_orders;
  v_from text;
  v_to text;
begin
  select * into v_wo from app.work_orders w where w.id = p_id for update;
  if not found then
    perform app.raise_error('not_found', 'p_work_order_id');
  end if;
  v_from := v_wo.status;
  select t.to_status into v_to from app.work_order_transitions t where t.action = p_action and t.from_status = v_from;
  if v_to is null then
    perform app.raise_error('invalid_transition', v_from || ' -/-> ' || p_action);
  end if;
  update app.work_orders w set status = v_to, updated_at = now() where w.id = p_id returning * into v_wo;
  perform app.audit('work_order', p_id, app.work_order_event(p_action), v_wo.region_code,
                    v_from, v_to, p_id, p_note, p_due_on, p_detail);
  return v_wo;
end;
$function$;
revoke all on function app.transition_work_order(uuid, text, text, date, jsonb) from public;

create or replace function app.open_work_orders()
  returns trigger
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_policy app.loop_policy;
begin
  select * into v_policy from app.loop_policy;
  with opened as (
    insert into app.work_orders (
      rating_id, transaction_id, unit_id, region_code, window_id, staff_user_id, matter_id, channel,
      rated_day, is_realname, opened_at, verify_due_on, verify_due_provisional, escalated_at, escalation_reason
    )
    select n.id, n.transaction_id, n.unit_id, u.region_code, n.window_id, n.staff_user_id, n.matter_id, n.channel,
           (n.rated_at at time zone 'Asia/Shanghai')::date,
           not n.is_anonymous and coalesce(ru.realname_verified_at is not null, false),
           n.rated_at, d.due_on, d.is_provisional,
           case when alone.yes then n.rated_at end,
           case when alone.yes then '本单位无被评价人以外的承办人员' end
    from new_ratings n
    join app.units u on u.id = n.unit_id
    left join app.users ru on ru.id = n.rater_user_id
    cross join lateral public.working_deadline((n.rated_at at time zone 'Asia/Shanghai')::date, v_policy.verify_working_days) d
    -- Nobody of the unit may handle it but the officer it is about (app.is_rated_officer's test,
    -- before the order exists: the rating's officer and the 办件's).
    cross join lateral (
      select not exists (
        select 1 from app.staff_roles s
        where s.unit_id = n.unit_id and s.role in ('staff', 'unit_admin')
          and s.user_id is distinct from n.staff_user_id
          and not exists (select 1 from app.transactions t where t.id = n.transaction_id and t.staff_user_id = s.user_id)
      ) as yes
    ) alone
    where n.assess_number = 1 and n.is_bad and not n.is_default and n.validity = 'valid'
    returning id, region_code, verify_due_on, escalated_at
  )
  insert into app.audit_log (actor_user_id, actor_role, entity, entity_id, work_order_id, action, state_from, state_to, due_on, detail, region_code)
  select null, 'system', 'work_order', e.id, e.id, e.action, e.state_from, 'pending_verification', e.due_on, e.detail, e.region_code
  from (
    select o.id, o.region_code, 1 as step, 'opened' as action, null::text as state_from, o.verify_due_on as due_on, '{}'::jsonb as detail
    from opened o
    union all
    select o.id, o.region_code, 2, 'escalated', 'pending_verification', null, jsonb_build_object('reason', '本单位无被评价人以外的承办人员')
    from opened o where o.escalated_at is not null
  ) e
  order by e.id, e.step;
  return null;
end;
$function$;
revoke all on function app.open_work_orders() from public;

create or replace function app.require_unit_handler (
  p_work_order_id   uuid,
  p_unit_admin_only boolean default false
)
  returns app.work_orders
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_wo app.work_orders;
  v_member boolean;
begin
  select * into v_wo from app.work_orders w where w.id = p_work_order_id;
  if not found then
    perform app.raise_error('not_found', 'p_work_order_id');
  end if;
  v_member := exists (select 1 from app.staff_roles s
                      where s.user_id = v_uid and s.unit_id = v_wo.unit_id and s.role in ('staff', 'unit_admin'));
  if not v_member and not app.is_supervisor_handler(v_wo, v_uid) then
    perform app.raise_error('forbidden', 'p_work_order_id');
  end if;
  if app.is_rated_officer(v_wo, v_uid) then
    perform app.raise_error('own_work_order', 'p_work_order_id');
  end if;
  if p_unit_admin_only and not exists (
    select 1 from app.staff_roles s where s.user_id = v_uid and s.unit_id = v_wo.unit_id and s.role = 'unit_admin'
  ) then
    perform app.raise_error('forbidden', 'p_work_order_id');
  end if;
  return v_wo;
end;
$function$;
revoke all on function app.require_unit_handler(uuid, boolean) from public;
grant execute on function app.require_unit_handler(uuid, boolean) to authenticated;

create or replace function app.is_region_supervisor (
  p_region_code text
)
  returns boolean
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select p_region_code in (select app.my_region_codes());
$function$;
revoke all on function app.is_region_supervisor(text) from public;
grant execute on function app.is_region_supervisor(text) to authenticated;

create table app.evidence_files (
  id          uuid                     not null default gen_random_uuid(),
  uploaded_by uuid                     not null,
  unit_id     uuid                     not null,
  file_name   text                     not null,
  mime_type   text                     not null,
  byte_size   integer                  not null,
  sha256      text                     not null,
  content     bytea                    not null,
  created_at  timestamp with time zone not null default now(),
  constraint evidence_files_byte_size_check check (((byte_size >= 1) and (byte_size <= 5242880))),
  constraint evidence_files_file_name_check check (((char_length(file_name) >= 1) and (char_length(file_name) <= 200))),
  constraint evidence_files_mime_type_check check ((mime_type = any (array['image/jpeg'::text, 'image/png'::text, 'application/pdf'::text]))),
  constraint evidence_files_pkey primary key (id)
);
alter table app.evidence_files
  enable row level security;
alter table app.evidence_files
  add constraint evidence_files_unit_id_fkey foreign key (unit_id) references app.units(id);
alter table app.evidence_files
  add constraint evidence_files_uploaded_by_fkey foreign key (uploaded_by) references app.users(id);
create index evidence_files_unit_id_idx on app.evidence_files using btree (unit_id);
create index evidence_files_uploaded_by_idx on app.evidence_files using btree (uploaded_by);
comment on table app.evidence_files is '佐证材料 of appeals and rectifications (R10, R11). mime_type is sniffed from the content.';
grant select on table app.evidence_files to service_role;

create or replace function public.upload_evidence (
  p_file_name      text,
  p_content_base64 text
)
  returns table (
    id        uuid,
    mime_type text,
    byte_size integer
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_unit uuid;
  v_bytes bytea;
  v_mime text;
begin
  select s.unit_id into v_unit from app.staff_roles s
  where s.user_id = v_uid and s.role in ('staff', 'unit_admin') order by s.role desc limit 1;
  if v_unit is null then
    perform app.raise_error('forbidden');
  end if;
  if p_file_name is null or char_length(btrim(p_file_name)) not between 1 and 200 then
    perform app.raise_error('invalid_input', 'p_file_name');
  end if;
  -- 5 MB of content is at most 6,990,508 base64 characters: refuse larger before decoding.
  if p_content_base64 is null or char_length(p_content_base64) = 0 then
    perform app.raise_error('invalid_input', 'p_content_base64');
  end if;
  if char_length(p_content_base64) > 6990508 then
    perform app.raise_error('evidence_too_large', 'p_content_base64');
  end if;
  begin
    v_bytes := decode(p_content_base64, 'base64');
  exception when others then
    perform app.raise_error('invalid_input', 'p_content_base64');
  end;
  if length(v_bytes) > 5242880 then
    perform app.raise_error('evidence_too_large', 'p_content_base64');
  end if;
  v_mime := case
    when substring(v_bytes from 1 for 3) = '\xffd8ff'::bytea then 'image/jpeg'
    when substring(v_bytes from 1 for 8) = '\x89504e470d0a1a0a'::bytea then 'image/png'
    when substring(v_bytes from 1 for 5) = '\x255044462d'::bytea then 'application/pdf'
  end;
  if v_mime is null then
    perform app.raise_error('evidence_invalid', 'p_content_base64');
  end if;
  return query
  insert into app.evidence_files as f (uploaded_by, unit_id, file_name, mime_type, byte_size, sha256, content)
  values (v_uid, v_unit, btrim(p_file_name), v_mime, length(v_bytes), encode(pg_catalog.sha256(v_bytes), 'hex'), v_bytes)
  returning f.id, f.mime_type, f.byte_size;
end;
$function$;
comment on function public.upload_evidence(text, text) is 'Staff upload one evidence file (base64); returns its id for submit_appeal / rectify_work_order.';
revoke all on function public.upload_evidence(text, text) from public;
grant execute on function public.upload_evidence(text, text) to authenticated, service_role;

create or replace function app.check_evidence (
  p_evidence uuid[],
  p_unit_id  uuid
)
  returns uuid[]
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_ids uuid[] := array(select distinct e from unnest(coalesce(p_evidence, '{}')) e where e is not null);
begin
  if cardinality(v_ids) > 5 then
    perform app.raise_error('evidence_too_large', 'p_evidence');
  end if;
  if (select count(*) from app.evidence_files f where f.id = any (v_ids) and f.unit_id = p_unit_id) <> cardinality(v_ids) then
    perform app.raise_error('not_found', 'p_evidence');
  end if;
  return v_ids;
end;
$function$;
revoke all on function app.check_evidence(uuid[], uuid) from public;
grant execute on function app.check_evidence(uuid[], uuid) to authenticated;

-- A page of a list as the desk pages read them: p_limit rows (1–200, null: all) after p_offset
-- (0–1,000,000); anything else is invalid_input naming the parameter.
create or replace function app.check_page (
  p_limit  integer,
  p_offset integer
)
  returns void
  language plpgsql
  stable
  set search_path to ''
  as $function$
begin
  if p_limit is not null and p_limit not between 1 and 200 then
    perform app.raise_error('invalid_input', 'p_limit');
  end if;
  if p_offset is null or p_offset not between 0 and 1000000 then
    perform app.raise_error('invalid_input', 'p_offset');
  end if;
end;
$function$;
revoke all on function app.check_page(integer, integer) from public;

create or replace function public.unit_work_orders (
  p_status text    default null::text,
  p_open   boolean default null::boolean,
  p_limit  integer default null::integer,
  p_offset integer default 0
)
  returns table (
    id                 uuid,
    status             text,
    rating_id          uuid,
    verify_due_on      date,
    rectify_due_on     date,
    due_is_provisional boolean,
    unit_id            uuid,
    unit_name          text,
    project_no         text,
    matter_name        text,
    window_name        text,
    level              smallint,
    tags               text[],
    comment            text,
    rated_at           timestamp with time zone,
    is_realname        boolean,
    extension_count    integer,
    escalated          boolean,
    handler_is_me      boolean,
    appeal_status      text,
    is_about_me        boolean
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := auth.uid();
begin
  if p_status is not null and p_status not in (select t.from_status from app.work_order_transitions t union select t.to_status from app.work_order_transitions t) then
    perform app.raise_error('invalid_input', 'p_status');
  end if;
  perform app.check_page(p_limit, p_offset);
  return query
  select w.id, w.status, w.rating_id, w.verify_due_on, w.rectify_due_on,
         case when w.rectify_due_on is null then w.verify_due_provisional else coalesce(w.rectify_due_provisional, false) end,
         w.unit_id, u.name,
         case when w.is_realname and not me.yes then t.project_no end,
         m.name, wi.name, r.level, r.tags, r.comment, r.rated_at, w.is_realname,
         w.extension_count, w.escalated_at is not null, w.handler_user_id is not distinct from v_uid,
         (select a.status from app.appeals a where a.work_order_id = w.id order by a.created_at desc limit 1),
         me.yes
  from app.work_orders w
  join app.ratings r on r.id = w.rating_id
  join app.units u on u.id = w.unit_id
  left join app.transactions t on t.id = w.transaction_id
  left join app.matters m on m.id = w.matter_id
  left join app.windows wi on wi.id = w.window_id
  cross join lateral (select app.is_rated_officer(w, v_uid) as yes) me
  cross join lateral (select w.status in ('closed', 'dismissed', 'rerouted') as yes) done
  where w.unit_id in (select app.my_unit_ids())
    and (p_status is null or w.status = p_status)
    and (p_open is null or p_open = not done.yes)
  -- The 工作台's order (issue 21.2, twin of byUrgency in miniapp/src/lib/staff-view.ts): open orders
  -- 已超期, 今明到期, then by the due date that matters now; finished ones after, latest first.
  order by done.yes,
           app.work_order_urgency(w.status, w.verify_due_on, w.rectify_due_on, (now() at time zone 'Asia/Shanghai')::date),
           app.work_order_due(w.status, w.verify_due_on, w.rectify_due_on),
           case when done.yes then w.updated_at end desc,
           w.opened_at, w.id
  limit p_limit offset p_offset;
end;
$function$;
comment on function public.unit_work_orders(text, boolean, integer, integer) is 'Work orders of the caller''s units (staff and unit admins): open ones by urgency (已超期, 今明到期, due date), then finished ones latest first; p_status filters a state, p_open true the open ones (处理中) and false the finished ones (已办结: closed, dismissed, rerouted); p_limit (1–200) and p_offset page. Never the rater''s identity (R13): project_no only for a real-name 差评 not about the caller; is_about_me marks the caller''s own (they may not act on it).';
revoke all on function public.unit_work_orders(text, boolean, integer, integer) from public;
grant execute on function public.unit_work_orders(text, boolean, integer, integer) to authenticated, service_role;

create or replace function app.work_order_due (
  p_status        text,
  p_verify_due_on date,
  p_rectify_due_on date
)
  returns date
  language sql
  immutable
  set search_path to ''
  as $function$
  select case when p_status = 'pending_verification' then p_verify_due_on
              when p_status in ('rectifying', 'overdue', 'reopened') then p_rectify_due_on end;
$function$;
comment on function app.work_order_due(text, date, date) is 'The due day that matters now: 核实 before verification, 整改 while rectifying; null otherwise. Twin of dueOf in miniapp/src/lib/staff-view.ts.';
revoke all on function app.work_order_due(text, date, date) from public;

create or replace function app.work_order_urgency (
  p_status         text,
  p_verify_due_on  date,
  p_rectify_due_on date,
  p_today          date
)
  returns integer
  language sql
  immutable
  set search_path to ''
  as $function$
  select case when p_status = 'overdue' or app.work_order_due(p_status, p_verify_due_on, p_rectify_due_on) < p_today then 0
              when app.work_order_due(p_status, p_verify_due_on, p_rectify_due_on) <= p_today + 1 then 1
              when app.work_order_due(p_status, p_verify_due_on, p_rectify_due_on) is not null then 2
              else 3 end;
$function$;
comment on function app.work_order_urgency(text, date, date, date) is 'How urgent an order is on the 工作台 (issue 21.2): 0 已超期, 1 due today or tomorrow (今明到期), 2 later, 3 no due day. Twin of urgencyOf in miniapp/src/lib/staff-view.ts.';
revoke all on function app.work_order_urgency(text, date, date, date) from public;

create or replace function public.my_urgent_count()
  returns table (
    overdue integer,
    soon    integer
  )
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  -- Only counts, only of the caller's own units (the orders unit_work_orders lists them): a citizen,
  -- a supervisor without a unit or anon-like caller gets 0 and 0, never anything of another unit.
  select (count(*) filter (where u.rank = 0))::integer, (count(*) filter (where u.rank = 1))::integer
  from app.work_orders w
  cross join lateral (
    select app.work_order_urgency(w.status, w.verify_due_on, w.rectify_due_on, (now() at time zone 'Asia/Shanghai')::date) as rank
  ) u
  where w.unit_id in (select app.my_unit_ids())
    and w.status not in ('closed', 'dismissed', 'rerouted');
$function$;
comment on function public.my_urgent_count() is 'The home page''s 工作台 tile (issue 21.2): how many open work orders of the caller''s units are 已超期 and 今明到期, by the 工作台''s urgency rule (app.work_order_urgency). Counts only; 0 and 0 for anyone without a staff or unit-admin role. Callable from the mini-programs'' main package, which carries no staff RPC.';
revoke all on function public.my_urgent_count() from public;
grant execute on function public.my_urgent_count() to authenticated, service_role;

create or replace function app.rereview_deadline (
  p_decided_on date
)
  returns table (
    due_on         date,
    is_provisional boolean
  )
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select d.due_on, d.is_provisional
  from public.working_deadline(p_decided_on, (select p.rereview_request_working_days from app.loop_policy p)) d;
$function$;
comment on function app.rereview_deadline(date) is 'R11: the last day a real-name rater may ask for a re-review of an appeal upheld on p_decided_on (loop_policy.rereview_request_working_days working days). Twin of rereviewDeadline in shared/work-orders.ts.';
revoke all on function app.rereview_deadline(date) from public;

create or replace function public.verify_work_order (
  p_work_order_id uuid,
  p_note          text default null::text
)
  returns table (
    id                 uuid,
    status             text,
    rectify_due_on     date,
    due_is_provisional boolean
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_wo app.work_orders := app.require_unit_handler(p_work_order_id);
  v_due record;
begin
  if char_length(p_note) > 1000 then
    perform app.raise_error('invalid_input', 'p_note');
  end if;
  -- R9: 整改 is due 15 working days after the verification day.
  select d.due_on, d.is_provisional into v_due from app.rectify_deadline() d;
  v_wo := app.transition_work_order(p_work_order_id, 'verify', null, v_due.due_on, jsonb_build_object('note', p_note));
  update app.work_orders w
  set verified_at = now(), substantiated_at = now(), handler_user_id = coalesce(w.handler_user_id, v_uid),
      rectify_due_on = v_due.due_on, rectify_due_provisional = v_due.is_provisional
  where w.id = p_work_order_id;
  return query select v_wo.id, v_wo.status, v_due.due_on, v_due.is_provisional;
end;
$function$;
comment on function public.verify_work_order(uuid, text) is 'R9 查实: the unit confirms the 差评; 整改 is due 15 working days later. The verifier becomes the handler unless one is assigned.';
revoke all on function public.verify_work_order(uuid, text) from public;
grant execute on function public.verify_work_order(uuid, text) to authenticated, service_role;

create or replace function public.assign_work_order (
  p_work_order_id uuid,
  p_user_id       uuid
)
  returns table (
    id              uuid,
    handler_user_id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_wo app.work_orders;
  v_supervisor boolean;
begin
  select * into v_wo from app.work_orders w where w.id = p_work_order_id;
  if not found then
    perform app.raise_error('not_found', 'p_work_order_id');
  end if;
  v_supervisor := app.is_region_supervisor(v_wo.region_code) and not app.unit_has_other_handler(v_wo);
  if not v_supervisor then
    -- The unit's admin (the rated officer gets own_work_order, other staff forbidden).
    v_wo := app.require_unit_handler(p_work_order_id, true);
  elsif app.is_rated_officer(v_wo, v_uid) then
    perform app.raise_error('own_work_order', 'p_work_order_id');
  end if;
  if p_user_id is null then
    perform app.raise_error('invalid_input', 'p_user_id');
  end if;
  if app.is_rated_officer(v_wo, p_user_id) then
    perform app.raise_error('own_work_order', 'p_user_id');
  end if;
  if not exists (
       select 1 from app.staff_roles s where s.user_id = p_user_id and s.unit_id = v_wo.unit_id and s.role in ('staff', 'unit_admin'))
     and not (v_supervisor and exists (
       select 1 from app.staff_roles s
       where s.user_id = p_user_id and s.role = 'supervisor'
         and v_wo.region_code in (select app.region_and_below(s.scope_region_code)))) then
    perform app.raise_error('invalid_input', 'p_user_id');
  end if;
  update app.work_orders w set handler_user_id = p_user_id, updated_at = now() where w.id = p_work_order_id;
  perform app.audit('work_order', p_work_order_id, 'assigned', v_wo.region_code, v_wo.status, v_wo.status, p_work_order_id,
                    null, null, jsonb_build_object('handler_user_id', p_user_id));
  return query select p_work_order_id, p_user_id;
end;
$function$;
comment on function public.assign_work_order(uuid, uuid) is 'Unit admins assign the handler (承办人): the one officer who may see the masked contact for the 回访. Never the officer the 差评 is about (own_work_order). Where the unit has nobody else, supervisors of the order''s region assign instead, a supervisor of the region included.';
revoke all on function public.assign_work_order(uuid, uuid) from public;
grant execute on function public.assign_work_order(uuid, uuid) to authenticated, service_role;

create or replace function public.extend_work_order (
  p_work_order_id uuid,
  p_reason        text,
  p_new_due_date  date
)
  returns table (
    id                 uuid,
    status             text,
    rectify_due_on     date,
    due_is_provisional boolean
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_wo app.work_orders := app.require_unit_handler(p_work_order_id);
  v_policy app.loop_policy;
  v_provisional boolean;
begin
  select * into v_policy from app.loop_policy;
  if p_reason is null or char_length(btrim(p_reason)) not between 2 and 500 then
    perform app.raise_error('invalid_input', 'p_reason');
  end if;
  if v_wo.extension_count >= v_policy.max_extensions then
    perform app.raise_error('extension_limit');
  end if;
  if p_new_due_date is null or v_wo.rectify_due_on is null or p_new_due_date <= v_wo.rectify_due_on
     or p_new_due_date <= (now() at time zone 'Asia/Shanghai')::date
     or p_new_due_date > v_wo.rectify_due_on + v_policy.max_extension_days
     or not app.is_working_day(p_new_due_date) then
    perform app.raise_error('invalid_due_date', 'p_new_due_date');
  end if;
  select c.is_provisional into v_provisional from app.calendar_range(p_new_due_date, p_new_due_date) c;
  v_wo := app.transition_work_order(p_work_order_id, 'extend', btrim(p_reason), p_new_due_date);
  update app.work_orders w
  set rectify_due_on = p_new_due_date, rectify_due_provisional = v_provisional, extension_count = w.extension_count + 1
  where w.id = p_work_order_id;
  return query select v_wo.id, v_wo.status, p_new_due_date, v_provisional;
end;
$function$;
comment on function public.extend_work_order(uuid, text, date) is 'R10 延期: reason and a later working day as the new 整改 due date (visible to the rater and supervisors).';
revoke all on function public.extend_work_order(uuid, text, date) from public;
grant execute on function public.extend_work_order(uuid, text, date) to authenticated, service_role;

create or replace function public.rectify_work_order (
  p_work_order_id uuid,
  p_measures      text,
  p_root_cause    text,
  p_evidence      uuid[] default '{}'::uuid[]
)
  returns table (
    id                uuid,
    status            text,
    rectified_on_time boolean
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_wo app.work_orders := app.require_unit_handler(p_work_order_id);
  v_evidence uuid[];
begin
  if p_measures is null or char_length(btrim(p_measures)) not between 2 and 2000 then
    perform app.raise_error('invalid_input', 'p_measures');
  end if;
  if p_root_cause is null or char_length(btrim(p_root_cause)) not between 2 and 2000 then
    perform app.raise_error('invalid_input', 'p_root_cause');
  end if;
  v_evidence := app.check_evidence(p_evidence, v_wo.unit_id);
  v_wo := app.transition_work_order(p_work_order_id, 'rectify', btrim(p_measures), null,
                                    jsonb_build_object('root_cause', btrim(p_root_cause), 'evidence', to_jsonb(v_evidence)));
  update app.work_orders w
  set rectified_at = now(), measures = btrim(p_measures), root_cause = btrim(p_root_cause), evidence = v_evidence
  where w.id = p_work_order_id;
  return query select v_wo.id, v_wo.status, (now() at time zone 'Asia/Shanghai')::date <= v_wo.rectify_due_on;
end;
$function$;
comment on function public.rectify_work_order(uuid, text, text, uuid[]) is 'R10 整改: measures (shown to the rater), root cause and evidence (internal).';
revoke all on function public.rectify_work_order(uuid, text, text, uuid[]) from public;
grant execute on function public.rectify_work_order(uuid, text, text, uuid[]) to authenticated, service_role;

create or replace function public.reply_work_order (
  p_work_order_id uuid,
  p_reply         text
)
  returns table (
    id     uuid,
    status text
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_wo app.work_orders := app.require_unit_handler(p_work_order_id);
begin
  if p_reply is null or char_length(btrim(p_reply)) not between 2 and 2000 then
    perform app.raise_error('invalid_input', 'p_reply');
  end if;
  v_wo := app.transition_work_order(p_work_order_id, 'reply', btrim(p_reply));
  update app.work_orders w set replied_at = now(), reply = btrim(p_reply) where w.id = p_work_order_id;
  -- R12: an anonymous 差评 closes with the public reply; a real-name one waits for its 回访.
  if not v_wo.is_realname then
    v_wo := app.transition_work_order(p_work_order_id, 'close');
    update app.work_orders w set closed_at = now() where w.id = p_work_order_id;
  end if;
  return query select v_wo.id, v_wo.status;
end;
$function$;
comment on function public.reply_work_order(uuid, text) is 'R10 反馈: the reply to the rater (public on the 差评 board). Anonymous 差评 close here (R12).';
revoke all on function public.reply_work_order(uuid, text) from public;
grant execute on function public.reply_work_order(uuid, text) to authenticated, service_role;

create or replace function public.record_return_visit (
  p_work_order_id uuid,
  p_method        text,
  p_visited_on    date,
  p_satisfaction  text,
  p_note          text default null::text
)
  returns table (
    id     uuid,
    status text
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_wo app.work_orders := app.require_unit_handler(p_work_order_id);
  v_today date := (now() at time zone 'Asia/Shanghai')::date;
begin
  if not v_wo.is_realname then
    perform app.raise_error('not_realname_rating');
  end if;
  if p_method is null or p_method not in ('phone', 'sms', 'onsite', 'online') then
    perform app.raise_error('invalid_input', 'p_method');
  end if;
  if p_visited_on is null or p_visited_on > v_today or p_visited_on < v_wo.rated_day then
    perform app.raise_error('invalid_input', 'p_visited_on');
  end if;
  if p_satisfaction is null or p_satisfaction not in ('satisfied', 'basically_satisfied', 'dissatisfied') then
    perform app.raise_error('invalid_input', 'p_satisfaction');
  end if;
  if char_length(p_note) > 1000 then
    perform app.raise_error('invalid_input', 'p_note');
  end if;
  if v_wo.status <> 'replied' then
    perform app.raise_error('invalid_transition', v_wo.status || ' -/-> return_visit');
  end if;
  update app.work_orders w
  set return_visit_method = p_method, return_visit_on = p_visited_on, return_visit_satisfaction = p_satisfaction,
      return_visit_note = nullif(btrim(p_note), ''), return_visit_recorded_at = now()
  where w.id = p_work_order_id;
  perform app.audit('work_order', p_work_order_id, 'return_visit', v_wo.region_code, v_wo.status, v_wo.status, p_work_order_id,
                    null, null, jsonb_build_object('method', p_method, 'visited_on', p_visited_on, 'satisfaction', p_satisfaction, 'note', p_note));
  -- R12: a rater unsatisfied with the fix reopens the order once and it goes to the supervisor.
  if p_satisfaction = 'dissatisfied' and v_wo.reopen_count = 0 then
    perform app.reopen_work_order(p_work_order_id, '回访不满意');
  else
    perform app.transition_work_order(p_work_order_id, 'close');
    update app.work_orders w
    set closed_at = now(),
        escalated_at = case when p_satisfaction = 'dissatisfied' then now() else w.escalated_at end,
        escalation_reason = case when p_satisfaction = 'dissatisfied' then '回访仍不满意' else w.escalation_reason end
    where w.id = p_work_order_id;
  end if;
  return query select w.id, w.status from app.work_orders w where w.id = p_work_order_id;
end;
$function$;
comment on function public.record_return_visit(uuid, text, date, text, text) is 'R12 回访 of a real-name 差评 (phone, sms, onsite, online) after the reply; closes it, or reopens it once if the rater is not satisfied.';
revoke all on function public.record_return_visit(uuid, text, date, text, text) from public;
grant execute on function public.record_return_visit(uuid, text, date, text, text) to authenticated, service_role;

create or replace function app.reopen_work_order (
  p_work_order_id uuid,
  p_reason        text
)
  returns void
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_due record;
begin
  select d.due_on, d.is_provisional into v_due from app.rectify_deadline() d;
  perform app.transition_work_order(p_work_order_id, 'reopen', p_reason, v_due.due_on);
  update app.work_orders w
  set reopen_count = w.reopen_count + 1, closed_at = null, rectified_at = null, escalated_at = now(), escalation_reason = p_reason,
      rectify_due_on = v_due.due_on, rectify_due_provisional = v_due.is_provisional
  where w.id = p_work_order_id;
end;
$function$;
revoke all on function app.reopen_work_order(uuid, text) from public;

create or replace function public.reveal_rater_contact (
  p_work_order_id uuid
)
  returns table (
    masked_name  text,
    masked_phone text
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_wo app.work_orders := app.require_unit_handler(p_work_order_id);
begin
  if not v_wo.is_realname then
    perform app.raise_error('not_realname_rating');
  end if;
  if v_wo.handler_user_id is distinct from v_uid then
    perform app.raise_error('forbidden', 'only the assigned handler');
  end if;
  perform app.audit('rater_contact', v_wo.rating_id, 'revealed', v_wo.region_code, null, null, p_work_order_id);
  return query
  select c.masked_name, c.masked_phone
  from app.ratings r cross join lateral app.user_masked_contact(r.rater_user_id) c
  where r.id = v_wo.rating_id;
end;
$function$;
comment on function public.reveal_rater_contact(uuid) is 'R13: the masked contact (张*, 138****5678) of a real-name 差评''s rater, for its assigned handler only; every reveal is audited.';
revoke all on function public.reveal_rater_contact(uuid) from public;
grant execute on function public.reveal_rater_contact(uuid) to authenticated, service_role;

create table app.appeals (
  id                uuid                     not null default gen_random_uuid(),
  work_order_id     uuid                     not null,
  unit_id           uuid                     not null,
  region_code       text                     not null,
  appellant_user_id uuid                     not null,
  reason            text                     not null,
  statement         text                     not null,
  evidence          uuid[]                   not null default '{}'::uuid[],
  status            text                     not null default 'pending'::text,
  decided_by        uuid,
  decided_at        timestamp with time zone,
  decision_note     text,
  reroute_unit_id   uuid,
  created_at        timestamp with time zone not null default now(),
  constraint appeals_decision_note_check check ((char_length(decision_note) <= 1000)),
  constraint appeals_pkey primary key (id),
  constraint appeals_reason_check check ((reason = any (array['mistaken'::text, 'malicious'::text, 'wrong_unit'::text, 'other'::text]))),
  constraint appeals_statement_check check (((char_length(statement) >= 10) and (char_length(statement) <= 2000))),
  constraint appeals_status_check check ((status = any (array['pending'::text, 'approved'::text, 'rejected'::text]))),
  constraint appeals_work_order_id_key unique (work_order_id)
);
alter table app.appeals
  enable row level security;
alter table app.appeals
  add constraint appeals_region_code_fkey foreign key (region_code) references app.regions(code);
alter table app.appeals
  add constraint appeals_reroute_unit_id_fkey foreign key (reroute_unit_id) references app.units(id);
alter table app.appeals
  add constraint appeals_unit_id_fkey foreign key (unit_id) references app.units(id);
alter table app.appeals
  add constraint appeals_appellant_user_id_fkey foreign key (appellant_user_id) references app.users(id);
alter table app.appeals
  add constraint appeals_decided_by_fkey foreign key (decided_by) references app.users(id);
alter table app.appeals
  add constraint appeals_work_order_id_fkey foreign key (work_order_id) references app.work_orders(id);
create index appeals_appellant_user_id_idx on app.appeals using btree (appellant_user_id);
create index appeals_decided_by_idx on app.appeals using btree (decided_by);
create index appeals_region_status_idx on app.appeals using btree (region_code, status);
create index appeals_reroute_unit_id_idx on app.appeals using btree (reroute_unit_id);
create index appeals_unit_id_idx on app.appeals using btree (unit_id);
comment on table app.appeals is 'R11: one appeal per work order. reason: mistaken 误评, malicious 恶意差评, wrong_unit 非本单位职责, other 其他.';
grant select on table app.appeals to service_role;

create or replace function app.start_rectification (
  p_work_order_id uuid
)
  returns date
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_due record;
begin
  select d.due_on, d.is_provisional into v_due from app.rectify_deadline() d;
  update app.work_orders w
  set substantiated_at = now(), rectify_due_on = v_due.due_on, rectify_due_provisional = v_due.is_provisional
  where w.id = p_work_order_id;
  return v_due.due_on;
end;
$function$;
revoke all on function app.start_rectification(uuid) from public;

create or replace function public.submit_appeal (
  p_work_order_id uuid,
  p_reason        text,
  p_statement     text,
  p_evidence      uuid[] default '{}'::uuid[]
)
  returns table (
    id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_wo app.work_orders := app.require_unit_handler(p_work_order_id);
  v_evidence uuid[];
  v_id uuid;
begin
  if not exists (select 1 from app.staff_roles s
                 where s.user_id = v_uid and s.unit_id = v_wo.unit_id and s.role in ('staff', 'unit_admin')) then
    perform app.raise_error('forbidden', 'p_work_order_id');
  end if;
  if not exists (select 1 from app.users u where u.id = v_uid and u.realname_verified_at is not null) then
    perform app.raise_error('realname_required');
  end if;
  if exists (select 1 from app.appeals a where a.work_order_id = p_work_order_id) then
    perform app.raise_error('appeal_exists');
  end if;
  if p_reason is null or p_reason not in ('mistaken', 'malicious', 'wrong_unit', 'other') then
    perform app.raise_error('invalid_input', 'p_reason');
  end if;
  if p_statement is null or char_length(btrim(p_statement)) not between 10 and 2000 then
    perform app.raise_error('invalid_input', 'p_statement');
  end if;
  v_evidence := app.check_evidence(p_evidence, v_wo.unit_id);
  perform app.transition_work_order(p_work_order_id, 'appeal', null, null, jsonb_build_object('reason', p_reason));
  insert into app.appeals (work_order_id, unit_id, region_code, appellant_user_id, reason, statement, evidence)
  values (p_work_order_id, v_wo.unit_id, v_wo.region_code, v_uid, p_reason, btrim(p_statement), v_evidence)
  returning appeals.id into v_id;
  perform app.audit('appeal', v_id, 'submitted', v_wo.region_code, null, 'pending', p_work_order_id);
  return query select v_id;
end;
$function$;
comment on function public.submit_appeal(uuid, text, text, uuid[]) is 'R11: a real-name officer of the unit, other than the officer the 差评 is about (own_work_order), appeals it before verifying it; once per work order.';
revoke all on function public.submit_appeal(uuid, text, text, uuid[]) from public;
grant execute on function public.submit_appeal(uuid, text, text, uuid[]) to authenticated, service_role;

create or replace function public.review_appeal (
  p_appeal_id       uuid,
  p_approve         boolean,
  p_note            text,
  p_reroute_unit_id uuid    default null::uuid
)
  returns table (
    id                uuid,
    status            text,
    work_order_status text,
    new_work_order_id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_a app.appeals;
  v_wo app.work_orders;
  v_new uuid;
  v_due date;
  v_old app.ratings;
  v_moved app.ratings;
begin
  select * into v_a from app.appeals a where a.id = p_appeal_id for update;
  if not found then
    perform app.raise_error('not_found', 'p_appeal_id');
  end if;
  if not app.is_region_supervisor(v_a.region_code) then
    perform app.raise_error('forbidden', 'p_appeal_id');
  end if;
  if app.must_recuse((select w from app.work_orders w where w.id = v_a.work_order_id), v_uid) then
    perform app.raise_error('review_recused', 'p_appeal_id');
  end if;
  if p_approve is null then
    perform app.raise_error('invalid_input', 'p_approve');
  end if;
  if p_note is null or char_length(btrim(p_note)) not between 2 and 1000 then
    perform app.raise_error('invalid_input', 'p_note');
  end if;
  if v_a.status <> 'pending' then
    perform app.raise_error('invalid_transition', 'appeal ' || v_a.status);
  end if;
  if p_approve and v_a.reason = 'wrong_unit' and (
       p_reroute_unit_id is null or p_reroute_unit_id = v_a.unit_id
       or not exists (select 1 from app.units u where u.id = p_reroute_unit_id and app.is_region_supervisor(u.region_code))) then
    perform app.raise_error('invalid_input', 'p_reroute_unit_id');
  end if;

  if not p_approve then
    v_due := app.start_rectification(v_a.work_order_id);
    v_wo := app.transition_work_order(v_a.work_order_id, 'reject_appeal', btrim(p_note), v_due);
  elsif v_a.reason = 'wrong_unit' then
    v_wo := app.transition_work_order(v_a.work_order_id, 'reroute', btrim(p_note), null, jsonb_build_object('to_unit_id', p_reroute_unit_id));
    -- 谁办理、谁负责: the responsible unit gets a fresh order for the same 差评.
    insert into app.work_orders (
      rating_id, transaction_id, unit_id, region_code, window_id, staff_user_id, matter_id, channel, rated_day,
      is_realname, opened_at, verify_due_on, verify_due_provisional, rerouted_from_id
    )
    select w.rating_id, w.transaction_id, u.id, u.region_code, null, null, w.matter_id, w.channel, w.rated_day,
           w.is_realname, now(), d.due_on, d.is_provisional, w.id
    from app.work_orders w
    join app.units u on u.id = p_reroute_unit_id
    cross join lateral public.working_deadline((now() at time zone 'Asia/Shanghai')::date, (select p.verify_working_days from app.loop_policy p)) d
    where w.id = v_a.work_order_id
    returning work_orders.id into v_new;
    perform app.audit('work_order', v_new, 'opened', (select u.region_code from app.units u where u.id = p_reroute_unit_id),
                      null, 'pending_verification', v_new, null,
                      (select w.verify_due_on from app.work_orders w where w.id = v_new), jsonb_build_object('rerouted_from', v_a.work_order_id));
    -- Issue 19.5: the rating itself is the right unit's from now on, so stats, rankings and the
    -- upward report (a rating_changed message) follow it, and the original unit's figures no longer
    -- count it. The window and officer were the wrong unit's: dropped (a visit rating keeps its
    -- window, its only object). The 办件 stays the business system's record.
    select * into v_old from app.ratings r where r.id = v_wo.rating_id for update;
    update app.ratings r
    set unit_id = u.id, region_code = u.region_code,
        window_id = case when r.transaction_id is null then r.window_id end,
        staff_user_id = null
    from app.units u
    where u.id = p_reroute_unit_id and r.id = v_wo.rating_id
    returning r.* into v_moved;
    perform app.audit('rating', v_old.id, 'unit_moved', v_moved.region_code, v_old.unit_id::text, v_moved.unit_id::text, v_new,
                      null, null, jsonb_build_object('appeal_id', p_appeal_id, 'from_unit_id', v_old.unit_id,
                        'from_region_code', v_old.region_code, 'from_window_id', v_old.window_id,
                        'from_staff_user_id', v_old.staff_user_id, 'to_unit_id', v_moved.unit_id));
  else
    -- R11: a real-name rater may ask for a re-review until a day fixed now; the timeline's
    -- appeal_approved row carries it, so the rater reads the same day the server enforces.
    select * into v_wo from app.work_orders w where w.id = v_a.work_order_id;
    v_due := case when v_wo.is_realname then (select d.due_on from app.rereview_deadline((now() at time zone 'Asia/Shanghai')::date) d) end;
    v_wo := app.transition_work_order(v_a.work_order_id, 'approve_appeal', btrim(p_note), v_due);
    update app.work_orders w set rereview_due_on = v_due where w.id = v_wo.id;
    update app.ratings r set validity = 'invalid' where r.id = v_wo.rating_id;
  end if;

  update app.appeals a
  set status = case when p_approve then 'approved' else 'rejected' end, decided_by = v_uid, decided_at = now(),
      decision_note = btrim(p_note), reroute_unit_id = case when p_approve then p_reroute_unit_id end
  where a.id = p_appeal_id;
  perform app.audit('appeal', p_appeal_id, 'decided', v_a.region_code, 'pending', case when p_approve then 'approved' else 'rejected' end,
                    v_a.work_order_id, btrim(p_note));
  return query select p_appeal_id, case when p_approve then 'approved' else 'rejected' end, v_wo.status, v_new;
end;
$function$;
comment on function public.review_appeal(uuid, boolean, text, uuid) is 'R11: a supervisor of the region, not a party to the 差评 (review_recused: its officer or its appellant), approves (rating invalid, a real-name rater may ask for a re-review until rereview_due_on; or, for 非本单位职责, the order rerouted to p_reroute_unit_id and the rating moved there, audited unit_moved, issue 19.5) or rejects (整改 due 15 working days later).';
revoke all on function public.review_appeal(uuid, boolean, text, uuid) from public;
grant execute on function public.review_appeal(uuid, boolean, text, uuid) to authenticated, service_role;

create or replace function public.appeals_to_review (
  p_status text default 'pending'::text
)
  returns table (
    id            uuid,
    work_order_id uuid,
    unit_name     text,
    region_code   text,
    reason        text,
    statement     text,
    evidence      uuid[],
    status        text,
    decision_note text,
    created_at    timestamp with time zone,
    level         smallint,
    tags          text[],
    comment       text,
    project_no    text,
    matter_name   text,
    rectify_due_if_rejected  date,
    rereview_due_if_approved date,
    must_recuse              boolean
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := auth.uid();
  v_today date := (now() at time zone 'Asia/Shanghai')::date;
  v_rectify date := (select d.due_on from app.rectify_deadline() d);
  v_rereview date := (select d.due_on from app.rereview_deadline(v_today) d);
begin
  if p_status is not null and p_status not in ('pending', 'approved', 'rejected') then
    perform app.raise_error('invalid_input', 'p_status');
  end if;
  return query
  select a.id, a.work_order_id, u.name, a.region_code, a.reason, a.statement, a.evidence, a.status, a.decision_note, a.created_at,
         r.level, r.tags, r.comment, t.project_no, m.name,
         -- What a decision today would set (issue 21.3: the confirm sheet shows it): rejected →
         -- 整改 due (R10), upheld → the real-name rater's re-review period (R11; none when rerouted).
         case when a.status = 'pending' then v_rectify end,
         case when a.status = 'pending' and a.reason <> 'wrong_unit' and w.is_realname then v_rereview end,
         -- 回避, shown before the supervisor tries (review_appeal refuses it: review_recused).
         app.must_recuse(w, v_uid)
  from app.appeals a
  join app.work_orders w on w.id = a.work_order_id
  join app.ratings r on r.id = w.rating_id
  join app.units u on u.id = a.unit_id
  left join app.transactions t on t.id = w.transaction_id
  left join app.matters m on m.id = w.matter_id
  where a.region_code in (select app.my_region_codes())
    and (p_status is null or a.status = p_status)
  order by a.created_at;
end;
$function$;
comment on function public.appeals_to_review(text) is 'Supervisors: appeals of their region with the rating beside the statement (no rater identity); for a pending one, the days a decision today would set: 整改 due if rejected, the re-review period if upheld (real-name, not rerouted); must_recuse: the caller is a party to the 差评 (回避) and may not decide it.';
revoke all on function public.appeals_to_review(text) from public;
grant execute on function public.appeals_to_review(text) to authenticated, service_role;

create or replace function app.live_work_order_id (
  p_rating_id uuid
)
  returns uuid
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select w.id from app.work_orders w where w.rating_id = p_rating_id and w.status <> 'rerouted';
$function$;
revoke all on function app.live_work_order_id(uuid) from public;
grant execute on function app.live_work_order_id(uuid) to authenticated;

create or replace function app.can_read_work_order (
  p_wo app.work_orders
)
  returns boolean
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select exists (select 1 from app.ratings r where r.id = p_wo.rating_id and r.rater_user_id = (select auth.uid()))
      or p_wo.unit_id in (select app.my_unit_ids())
      or app.is_region_supervisor(p_wo.region_code);
$function$;
revoke all on function app.can_read_work_order(app.work_orders) from public;
grant execute on function app.can_read_work_order(app.work_orders) to authenticated;

create or replace function public.work_order_timeline (
  p_work_order_id uuid
)
  returns table (
    at          timestamp with time zone,
    event       text,
    status_from text,
    status_to   text,
    note        text,
    due_on      date
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_wo app.work_orders;
begin
  perform app.require_user();
  select * into v_wo from app.work_orders w where w.id = p_work_order_id;
  if not found or not app.can_read_work_order(v_wo) then
    perform app.raise_error('not_found', 'p_work_order_id');
  end if;
  return query
  select l.at, l.action, l.state_from, l.state_to, l.note, l.due_on
  from app.audit_log l
  where l.work_order_id = p_work_order_id and l.entity = 'work_order' and l.action <> 'assigned'
  order by l.id;
end;
$function$;
comment on function public.work_order_timeline(uuid) is 'What happened on a work order, oldest first (核实, 申诉, 整改, 延期 with reason, 回复, 回访): for its rater, its unit and supervisors. No officer or rater identity.';
revoke all on function public.work_order_timeline(uuid) from public;
grant execute on function public.work_order_timeline(uuid) to authenticated, service_role;

create or replace function app.require_rater (
  p_work_order_id uuid
)
  returns app.work_orders
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_wo app.work_orders;
begin
  select * into v_wo from app.work_orders w where w.id = p_work_order_id and w.status <> 'rerouted';
  if not found then
    perform app.raise_error('not_found', 'p_work_order_id');
  end if;
  if not exists (select 1 from app.ratings r where r.id = v_wo.rating_id and r.rater_user_id = v_uid) then
    perform app.raise_error('not_rater');
  end if;
  return v_wo;
end;
$function$;
revoke all on function app.require_rater(uuid) from public;
grant execute on function app.require_rater(uuid) to authenticated;

create or replace function public.rate_rectification (
  p_work_order_id uuid,
  p_level         integer,
  p_comment       text    default null::text
)
  returns table (
    id       uuid,
    status   text,
    reopened boolean
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_wo app.work_orders := app.require_rater(p_work_order_id);
  v_r app.ratings;
begin
  if p_level is null or p_level not between 1 and 5 then
    perform app.raise_error('invalid_input', 'p_level');
  end if;
  if char_length(p_comment) > 500 then
    perform app.raise_error('comment_too_long', 'p_comment');
  end if;
  select * into v_wo from app.work_orders w where w.id = v_wo.id for update;
  if v_wo.fix_level is not null then
    perform app.raise_error('fix_already_rated');
  end if;
  if v_wo.status not in ('replied', 'closed') then
    perform app.raise_error('invalid_transition', v_wo.status || ' -/-> rate_fix');
  end if;
  select * into v_r from app.ratings r where r.id = v_wo.rating_id;
  if v_r.transaction_id is not null then
    insert into app.ratings (
      transaction_id, assess_number, level, comment, channel, is_anonymous, rater_user_id,
      unit_id, region_code, matter_id, hall_id, window_id, staff_user_id, platform_id
    ) values (
      v_r.transaction_id, 2, p_level, nullif(btrim(p_comment), ''), 'mobile', v_r.is_anonymous, v_r.rater_user_id,
      v_r.unit_id, v_r.region_code, v_r.matter_id, v_r.hall_id, v_r.window_id, v_r.staff_user_id, v_r.platform_id
    );
  end if;
  update app.work_orders w set fix_level = p_level, fix_rated_at = now() where w.id = v_wo.id;
  perform app.audit('work_order', v_wo.id, 'rated_fix', v_wo.region_code, v_wo.status, v_wo.status, v_wo.id,
                    nullif(btrim(p_comment), ''), null, jsonb_build_object('level', p_level));
  if p_level <= 2 then
    if v_wo.reopen_count = 0 then
      perform app.reopen_work_order(v_wo.id, '群众对整改结果不满意');
    else
      update app.work_orders w set escalated_at = now(), escalation_reason = '群众对再次整改仍不满意' where w.id = v_wo.id;
    end if;
  end if;
  return query select w.id, w.status, w.status = 'reopened' from app.work_orders w where w.id = v_wo.id;
end;
$function$;
comment on function public.rate_rectification(uuid, integer, text) is 'R12: the rater''s rating of the fix, once; 不满意 reopens the order once and escalates it.';
revoke all on function public.rate_rectification(uuid, integer, text) from public;
grant execute on function public.rate_rectification(uuid, integer, text) to authenticated, service_role;

create or replace function public.request_rereview (
  p_work_order_id uuid,
  p_reason        text
)
  returns table (
    id     uuid,
    status text
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_wo app.work_orders := app.require_rater(p_work_order_id);
begin
  if p_reason is null or char_length(btrim(p_reason)) not between 2 and 500 then
    perform app.raise_error('invalid_input', 'p_reason');
  end if;
  if not v_wo.is_realname then
    perform app.raise_error('not_realname_rating');
  end if;
  select * into v_wo from app.work_orders w where w.id = v_wo.id for update;
  if v_wo.rereview_requested_at is not null then
    perform app.raise_error('rereview_used');
  end if;
  if v_wo.status <> 'dismissed' then
    perform app.raise_error('invalid_transition', v_wo.status || ' -/-> rereview');
  end if;
  -- The period told to the rater when the appeal was upheld (loop_policy.rereview_request_working_days).
  if v_wo.rereview_due_on is not null and (now() at time zone 'Asia/Shanghai')::date > v_wo.rereview_due_on then
    perform app.raise_error('rereview_window_closed', v_wo.rereview_due_on::text);
  end if;
  update app.work_orders w set rereview_requested_at = now(), rereview_reason = btrim(p_reason), escalated_at = now(),
                               escalation_reason = '群众申请复核'
  where w.id = v_wo.id;
  perform app.audit('work_order', v_wo.id, 'rereview_requested', v_wo.region_code, v_wo.status, v_wo.status, v_wo.id, btrim(p_reason));
  return query select v_wo.id, v_wo.status;
end;
$function$;
comment on function public.request_rereview(uuid, text) is 'R11: the real-name rater of a dismissed 差评 asks once for a re-review by the city, until the order''s rereview_due_on (rereview_window_closed after it).';
revoke all on function public.request_rereview(uuid, text) from public;
grant execute on function public.request_rereview(uuid, text) to authenticated, service_role;

create or replace function public.decide_rereview (
  p_work_order_id uuid,
  p_overturn      boolean,
  p_note          text
)
  returns table (
    id     uuid,
    status text
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_wo app.work_orders;
  v_due date;
begin
  if not exists (
    select 1 from app.staff_roles s join app.regions r on r.code = s.scope_region_code
    where s.user_id = v_uid and s.role = 'supervisor' and r.level in ('city', 'province')
  ) then
    perform app.raise_error('city_supervisor_required');
  end if;
  select * into v_wo from app.work_orders w where w.id = p_work_order_id for update;
  if not found or not app.is_region_supervisor(v_wo.region_code) then
    perform app.raise_error('not_found', 'p_work_order_id');
  end if;
  if app.must_recuse(v_wo, v_uid) then
    perform app.raise_error('review_recused', 'p_work_order_id');
  end if;
  if p_overturn is null then
    perform app.raise_error('invalid_input', 'p_overturn');
  end if;
  if p_note is null or char_length(btrim(p_note)) not between 2 and 1000 then
    perform app.raise_error('invalid_input', 'p_note');
  end if;
  if v_wo.rereview_requested_at is null or v_wo.rereview_decided_at is not null then
    perform app.raise_error('invalid_transition', 'no re-review pending');
  end if;
  update app.work_orders w set rereview_decided_at = now() where w.id = v_wo.id;
  if p_overturn then
    update app.ratings r set validity = 'valid' where r.id = v_wo.rating_id;
    v_due := app.start_rectification(v_wo.id);
    v_wo := app.transition_work_order(v_wo.id, 'overturn_dismissal', btrim(p_note), v_due, jsonb_build_object('overturned', true));
  else
    perform app.audit('work_order', v_wo.id, 'rereview_decided', v_wo.region_code, v_wo.status, v_wo.status, v_wo.id,
                      btrim(p_note), null, jsonb_build_object('overturned', false));
  end if;
  return query select v_wo.id, v_wo.status;
end;
$function$;
comment on function public.decide_rereview(uuid, boolean, text) is 'R11: a city-level supervisor, not a party to the 差评 (review_recused), upholds a dismissal or overturns it (rating valid again, 整改 due in 15 working days).';
revoke all on function public.decide_rereview(uuid, boolean, text) from public;
grant execute on function public.decide_rereview(uuid, boolean, text) to authenticated, service_role;

create or replace function public.escalate_overdue (
  p_now timestamp with time zone default now()
)
  returns integer
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_today date := (p_now at time zone 'Asia/Shanghai')::date;
  v_id uuid;
  v_n int := 0;
begin
  for v_id in
    select w.id from app.work_orders w
    where w.status in ('rectifying', 'reopened') and w.rectify_due_on < v_today
    order by w.id
  loop
    perform app.transition_work_order(v_id, 'mark_overdue');
    update app.work_orders w set escalated_at = p_now, escalation_reason = '整改超期' where w.id = v_id;
    v_n := v_n + 1;
  end loop;
  for v_id in
    select w.id from app.work_orders w
    where w.status = 'pending_verification' and w.verify_due_on < v_today and w.escalated_at is null
    order by w.id
  loop
    update app.work_orders w set escalated_at = p_now, escalation_reason = '核实超期' where w.id = v_id;
    perform app.audit('work_order', v_id, 'escalated', w.region_code, w.status, w.status, v_id, null, null,
                      jsonb_build_object('reason', '核实超期'))
    from app.work_orders w where w.id = v_id;
    v_n := v_n + 1;
  end loop;
  return v_n;
end;
$function$;
comment on function public.escalate_overdue(timestamp with time zone) is 'R10 job: orders past their 整改 day become overdue, orders past their 核实 day are escalated; returns how many.';
revoke all on function public.escalate_overdue(timestamp with time zone) from public;
grant execute on function public.escalate_overdue(timestamp with time zone) to service_role;

create or replace function public.urge_work_order (
  p_work_order_id uuid,
  p_note          text
)
  returns table (
    id                uuid,
    status            text,
    escalated_at      timestamp with time zone,
    escalation_reason text
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
#variable_conflict use_column
declare
  v_wo app.work_orders;
begin
  perform app.require_user();
  if p_note is null or char_length(btrim(p_note)) < 2 or char_length(p_note) > 500 then
    perform app.raise_error('invalid_input', 'p_note');
  end if;
  select * into v_wo from app.work_orders w where w.id = p_work_order_id for update;
  -- Someone else's region answers as a missing order: its existence is not theirs to learn.
  if v_wo.id is null or not app.is_region_supervisor(v_wo.region_code) then
    perform app.raise_error('not_found', 'p_work_order_id');
  end if;
  if v_wo.status in ('closed', 'dismissed', 'rerouted') then
    perform app.raise_error('invalid_transition', v_wo.status || ' -/-> urge');
  end if;
  update app.work_orders w
  set escalated_at = coalesce(w.escalated_at, now()), escalation_reason = '督办：' || btrim(p_note)
  where w.id = v_wo.id;
  perform app.audit('work_order', v_wo.id, 'escalated', v_wo.region_code, v_wo.status, v_wo.status, v_wo.id, btrim(p_note), null,
                    jsonb_build_object('reason', '监督员督办'));
  return query
  select w.id, w.status, w.escalated_at, w.escalation_reason from app.work_orders w where w.id = v_wo.id;
end;
$function$;
comment on function public.urge_work_order(uuid, text) is 'R10 督办 (issue 21.2): a supervisor of the order''s region presses the unit on an open order from 超期预警, with a note (2–500 chars) that the unit sees as the escalation reason; written to the audit log as an escalation. Orders outside the caller''s regions are not_found.';
revoke all on function public.urge_work_order(uuid, text) from public;
grant execute on function public.urge_work_order(uuid, text) to authenticated, service_role;

create or replace function public.overdue_work_orders (
  p_limit  integer default null::integer,
  p_offset integer default 0
)
  returns table (
    id                   uuid,
    status               text,
    unit_id              uuid,
    unit_name            text,
    region_code          text,
    project_no           text,
    matter_name          text,
    level                smallint,
    verify_due_on        date,
    rectify_due_on       date,
    overdue_working_days integer,
    escalated_at         timestamp with time zone,
    escalation_reason    text,
    total_count          bigint
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_today date := (now() at time zone 'Asia/Shanghai')::date;
begin
  perform app.require_user();
  if not exists (select 1 from app.my_region_codes()) then
    perform app.raise_error('forbidden');
  end if;
  perform app.check_page(p_limit, p_offset);
  -- Every escalated order is counted (total_count), a page of them is read: a region with
  -- thousands of them used to get the API's first 1,000 rows as if they were all.
  return query
  with listed as materialized (
    select w.* from app.work_orders w
    where w.region_code in (select app.my_region_codes())
      and w.escalated_at is not null
      and w.status not in ('closed', 'dismissed', 'rerouted')
  ),
  page as (
    -- Most overdue first (what a supervisor chases first): the earlier the missed due date, the
    -- more working days overdue; orders escalated without one (rater unsatisfied, re-review) after.
    select l.* from listed l
    order by coalesce(l.rectify_due_on, l.verify_due_on) nulls last, l.escalated_at, l.id
    limit p_limit offset p_offset
  )
  select w.id, w.status, w.unit_id, u.name, w.region_code, case when w.is_realname then t.project_no end, m.name, r.level,
         w.verify_due_on, w.rectify_due_on,
         (select count(*)::int from app.calendar_range(coalesce(w.rectify_due_on, w.verify_due_on) + 1, v_today) c where c.is_workday),
         w.escalated_at, w.escalation_reason, (select count(*) from listed)
  from page w
  join app.units u on u.id = w.unit_id
  join app.ratings r on r.id = w.rating_id
  left join app.transactions t on t.id = w.transaction_id
  left join app.matters m on m.id = w.matter_id
  order by coalesce(w.rectify_due_on, w.verify_due_on) nulls last, w.escalated_at, w.id;
end;
$function$;
comment on function public.overdue_work_orders(integer, integer) is 'Supervisors: escalated orders of their region (整改超期, 核实超期, rater unsatisfied, re-review asked, a unit with nobody but the rated officer), most overdue first (earliest missed due date), with working days overdue; total_count = all of them, p_limit (1–200, default all) and p_offset page; project_no only for real-name 差评 (R13).';
revoke all on function public.overdue_work_orders(integer, integer) from public;
grant execute on function public.overdue_work_orders(integer, integer) to authenticated, service_role;

create or replace function public.key_supervision_list()
  returns table (
    object_type  text,
    object_id    uuid,
    object_name  text,
    unit_name    text,
    region_code  text,
    bad_count    bigint,
    rater_count  bigint,
    last_bad_at  timestamp with time zone,
    rating_count bigint,
    bad_rate     numeric,
    bad_bound    double precision
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_policy app.loop_policy;
begin
  perform app.require_user();
  if not exists (select 1 from app.my_region_codes()) then
    perform app.raise_error('forbidden');
  end if;
  select * into v_policy from app.loop_policy;
  return query
  -- The active first ratings of the supervisor's regions in the window (defaults are never 差评 and
  -- are not a rater's voice: the 差评率 is over active ratings, as 预警's).
  with rated as (
    select r.*, coalesce(r.rater_user_id, r.id) as rater_key from app.ratings r
    where not r.is_default and r.assess_number = 1 and r.validity = 'valid'
      and r.rated_at >= now() - make_interval(days => v_policy.concentration_days)
      and r.region_code in (select app.my_region_codes())
  ),
  listed as (
    select 'officer' as object_type, b.staff_user_id as object_id, s.masked_name as object_name, u.name as unit_name,
           max(b.region_code) as region_code, count(*) filter (where b.is_bad) as bad_count,
           count(distinct b.rater_key) filter (where b.is_bad) as rater_count, max(b.rated_at) filter (where b.is_bad) as last_bad_at,
           count(*) as rating_count
    from rated b join app.users s on s.id = b.staff_user_id join app.units u on u.id = b.unit_id
    where b.staff_user_id is not null
    group by b.staff_user_id, s.masked_name, u.name
    having count(distinct b.rater_key) filter (where b.is_bad) >= v_policy.concentration_threshold
    union all
    select 'window', b.window_id, h.name || ' ' || w.name, u.name,
           max(b.region_code), count(*) filter (where b.is_bad),
           count(distinct b.rater_key) filter (where b.is_bad), max(b.rated_at) filter (where b.is_bad),
           count(*)
    from rated b join app.windows w on w.id = b.window_id join app.halls h on h.id = w.hall_id join app.units u on u.id = b.unit_id
    where b.window_id is not null
    group by b.window_id, h.name, w.name, u.name
    having count(distinct b.rater_key) filter (where b.is_bad) >= v_policy.concentration_threshold
  )
  select l.object_type, l.object_id, l.object_name, l.unit_name, l.region_code, l.bad_count, l.rater_count, l.last_bad_at,
         l.rating_count, round(l.bad_count::numeric / l.rating_count, 4), app.wilson_lower_bound(l.bad_count, l.rating_count)
  from listed l
  -- Issue 16.2: the most confidently bad first (the Wilson lower bound of the 差评率), not the most 差评.
  order by 11 desc, 7 desc, 6 desc, 8 desc, 2;
end;
$function$;
comment on function public.key_supervision_list() is 'R19 重点监督: officers and windows of the supervisor''s region with 差评 from ≥ 3 distinct raters in the last 30 days (policy settings); bad_count = all their valid 差评 in that time, rating_count = all their valid active ratings then, bad_rate = bad_count / rating_count, bad_bound = its Wilson lower bound (app.wilson_lower_bound, issue 16.2), the order: most confidently bad first.';
revoke all on function public.key_supervision_list() from public;
grant execute on function public.key_supervision_list() to authenticated, service_role;

create or replace function public.evidence_file (
  p_id uuid
)
  returns table (
    id             uuid,
    file_name      text,
    mime_type      text,
    byte_size      integer,
    sha256         text,
    content_base64 text,
    created_at     timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_f app.evidence_files;
begin
  select * into v_f from app.evidence_files f where f.id = p_id;
  if not found
     or not (v_f.uploaded_by = v_uid
             or v_f.unit_id in (select app.my_unit_ids())
             or app.is_region_supervisor((select u.region_code from app.units u where u.id = v_f.unit_id))) then
    perform app.raise_error('not_found', 'p_id');
  end if;
  -- Postgres wraps base64 every 76 characters; clients want it whole.
  return query select v_f.id, v_f.file_name, v_f.mime_type, v_f.byte_size, v_f.sha256, replace(encode(v_f.content, 'base64'), E'\n', ''), v_f.created_at;
end;
$function$;
comment on function public.evidence_file(uuid) is 'One evidence file (base64) for its uploader, its unit and supervisors of its region.';
revoke all on function public.evidence_file(uuid) from public;
grant execute on function public.evidence_file(uuid) to authenticated, service_role;

create or replace function public.rereviews_to_decide()
  returns table (
    work_order_id         uuid,
    status                text,
    region_code           text,
    region_name           text,
    unit_id               uuid,
    unit_name             text,
    project_no            text,
    matter_name           text,
    window_name           text,
    level                 smallint,
    tags                  text[],
    comment               text,
    rated_at              timestamp with time zone,
    appeal_id             uuid,
    appeal_reason         text,
    appeal_statement      text,
    appeal_evidence       uuid[],
    appeal_decision_note  text,
    appeal_decided_at     timestamp with time zone,
    rereview_reason       text,
    rereview_requested_at timestamp with time zone,
    can_decide            boolean,
    rectify_due_if_overturned date,
    must_recuse           boolean
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  -- The same test decide_rereview makes before anything else.
  v_city boolean := exists (
    select 1 from app.staff_roles s join app.regions r on r.code = s.scope_region_code
    where s.user_id = v_uid and s.role = 'supervisor' and r.level in ('city', 'province')
  );
begin
  if not exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.role = 'supervisor') then
    perform app.raise_error('forbidden');
  end if;
  return query
  select w.id, w.status, w.region_code, g.name, w.unit_id, u.name, t.project_no, m.name, wi.name,
         r.level, r.tags, r.comment, r.rated_at,
         a.id, a.reason, a.statement, a.evidence, a.decision_note, a.decided_at,
         w.rereview_reason, w.rereview_requested_at, v_city and not app.must_recuse(w, v_uid),
         -- Overturned today: 整改 due as decide_rereview sets it (issue 21.3: shown on the confirm sheet).
         (select d.due_on from app.rectify_deadline() d),
         app.must_recuse(w, v_uid)
  from app.work_orders w
  join app.ratings r on r.id = w.rating_id
  join app.units u on u.id = w.unit_id
  join app.regions g on g.code = w.region_code
  left join app.transactions t on t.id = w.transaction_id
  left join app.matters m on m.id = w.matter_id
  left join app.windows wi on wi.id = w.window_id
  left join lateral (
    select ap.* from app.appeals ap where ap.work_order_id = w.id and ap.status = 'approved'
    order by ap.decided_at desc nulls last limit 1
  ) a on true
  where w.rereview_requested_at is not null
    and w.rereview_decided_at is null
    and w.region_code in (select app.my_region_codes())
  order by w.rereview_requested_at, w.id;
end;
$function$;
comment on function public.rereviews_to_decide() is 'R11: pending re-review requests of the caller''s regions, oldest first, with the rating, the unit and the approved appeal; can_decide = decide_rereview would hear the caller: a city-level supervisor who need not recuse; must_recuse = the caller is a party to the 差评 (回避: the officer it is about, or its appellant). County supervisors read only; non-supervisors forbidden. Never the rater''s identity.';
revoke all on function public.rereviews_to_decide() from public;
grant execute on function public.rereviews_to_decide() to authenticated, service_role;

create or replace function public.work_order_handlers (
  p_work_order_id uuid
)
  returns table (
    user_id           uuid,
    masked_name       text,
    role              text,
    realname_verified boolean,
    is_handler        boolean
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_wo app.work_orders;
  v_supervisor boolean;
begin
  select * into v_wo from app.work_orders w where w.id = p_work_order_id;
  if not found then
    perform app.raise_error('not_found', 'p_work_order_id');
  end if;
  v_supervisor := app.is_region_supervisor(v_wo.region_code) and not app.unit_has_other_handler(v_wo);
  if not v_supervisor then
    v_wo := app.require_unit_handler(p_work_order_id, true);
  elsif app.is_rated_officer(v_wo, v_uid) then
    perform app.raise_error('own_work_order', 'p_work_order_id');
  end if;
  return query
  with people as (
    select s.user_id, s.role from app.staff_roles s
    where s.unit_id = v_wo.unit_id and s.role in ('staff', 'unit_admin')
    union all
    -- Supervisors overseeing the order's region: offered to supervisors only.
    select s.user_id, s.role from app.staff_roles s
    where v_supervisor and s.role = 'supervisor' and v_wo.region_code in (select app.region_and_below(s.scope_region_code))
    union all
    -- The supervisor handling it now, so that the unit admin sees who has it.
    select v_wo.handler_user_id, 'supervisor' where app.is_supervisor_handler(v_wo, v_wo.handler_user_id)
  )
  select p.user_id, u.masked_name,
         -- One row per person: a unit admin who is also staff is listed as unit admin.
         case when bool_or(p.role = 'unit_admin') then 'unit_admin' when bool_or(p.role = 'staff') then 'staff' else 'supervisor' end,
         u.realname_verified_at is not null,
         p.user_id is not distinct from v_wo.handler_user_id
  from people p
  join app.users u on u.id = p.user_id
  where not app.is_rated_officer(v_wo, p.user_id)
  group by p.user_id, u.masked_name, u.realname_verified_at
  order by 5 desc, (case when bool_or(p.role = 'unit_admin') then 2 when bool_or(p.role = 'staff') then 1 else 0 end) desc, 2, 1;
end;
$function$;
comment on function public.work_order_handlers(uuid) is 'R13: the people who may be assigned as 承办人 of a work order (masked names only), the current handler first, never the officer the 差评 is about: for the order''s unit admins the unit''s staff and admins; where the unit has nobody else, for supervisors of its region, also the region''s supervisors (role supervisor).';
revoke all on function public.work_order_handlers(uuid) from public;
grant execute on function public.work_order_handlers(uuid) to authenticated, service_role;

create or replace function app.rectify_deadline()
  returns table (
    due_on         date,
    is_provisional boolean
  )
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select d.due_on, d.is_provisional
  from public.working_deadline((now() at time zone 'Asia/Shanghai')::date, (select p.rectify_working_days from app.loop_policy p)) d;
$function$;
comment on function app.rectify_deadline() is 'R10: the last working day for 整改 of a 差评 substantiated today (loop_policy.rectify_working_days working days; provisional beyond the announced calendar).';
revoke all on function app.rectify_deadline() from public;

create or replace function app.is_rated_officer (
  p_wo      app.work_orders,
  p_user_id uuid
)
  returns boolean
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  -- Never null (a null would read as "no" in one place and slip through a NOT in another).
  select coalesce(p_user_id = p_wo.staff_user_id, false)
      or exists (select 1 from app.ratings r where r.id = p_wo.rating_id and r.staff_user_id = p_user_id)
      or exists (select 1 from app.transactions t where t.id = p_wo.transaction_id and t.staff_user_id = p_user_id);
$function$;
comment on function app.is_rated_officer(app.work_orders, uuid) is 'R13: whether p_user_id is an officer the order''s 差评 is about (the order''s, the rating''s or the 办件''s officer). Such an officer never handles, is assigned or appeals it.';
revoke all on function app.is_rated_officer(app.work_orders, uuid) from public;

create or replace function app.must_recuse (
  p_wo      app.work_orders,
  p_user_id uuid
)
  returns boolean
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select app.is_rated_officer(p_wo, p_user_id)
      or exists (select 1 from app.appeals a where a.work_order_id = p_wo.id and a.appellant_user_id = p_user_id);
$function$;
comment on function app.must_recuse(app.work_orders, uuid) is 'R11/R13 回避: whether p_user_id is a party to the order''s 差评 (an officer it is about, or who appealed it), and so may not decide its appeal or re-review even as a supervisor of the region.';
revoke all on function app.must_recuse(app.work_orders, uuid) from public;

create or replace function app.is_supervisor_handler (
  p_wo      app.work_orders,
  p_user_id uuid
)
  returns boolean
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select coalesce(p_user_id is not null and p_wo.handler_user_id = p_user_id, false)
     and exists (select 1 from app.staff_roles s
                 where s.user_id = p_user_id and s.role = 'supervisor'
                   and p_wo.region_code in (select app.region_and_below(s.scope_region_code)));
$function$;
comment on function app.is_supervisor_handler(app.work_orders, uuid) is 'A supervisor overseeing the order''s region who was assigned as its handler (an order whose unit has nobody but the rated officer).';
revoke all on function app.is_supervisor_handler(app.work_orders, uuid) from public;

create or replace function app.unit_has_other_handler (
  p_wo app.work_orders
)
  returns boolean
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select exists (select 1 from app.staff_roles s
                 where s.unit_id = p_wo.unit_id and s.role in ('staff', 'unit_admin')
                   and not app.is_rated_officer(p_wo, s.user_id));
$function$;
comment on function app.unit_has_other_handler(app.work_orders) is 'R13: whether the order''s unit has a staff member or unit admin other than the officer the 差评 is about. If not, the region''s supervisors assign its handler.';
revoke all on function app.unit_has_other_handler(app.work_orders) from public;

create trigger ratings_open_work_orders
  after insert on app.ratings referencing new table as new_ratings
  for each statement
  execute function app.open_work_orders();

create policy loop_policy_select on app.loop_policy
  for select
  to authenticated
  using (true);

create policy work_orders_select on app.work_orders
  for select
  to service_role
  using (true);

create policy work_order_transitions_select on app.work_order_transitions
  for select
  to authenticated
  using (true);

create policy evidence_files_select on app.evidence_files
  for select
  to service_role
  using (true);

create policy appeals_select on app.appeals
  for select
  to service_role
  using (true);
