-- Baseline (issue 17.4): the whole database in one migration, from before the first deploy.
-- It replaced the 103 migrations of 2026-11-29 … 2026-12-04 (git history up to 069fb8e has them).
-- Generated, not written: part 2 is supabase/schemas/*.sql in name order; parts 1, 3 and 5 are the
-- prerequisite, Vault and schedule statements of the old migrations, verbatim; part 4 is the rows
-- those migrations inserted, read back from a database brought to them. A database built from this
-- file and one built from the 103 had the same catalogue (scripts/schema/catalogue.ts) and the
-- same rows in every table of app, cron.job and the Vault entry names.
-- From here on migrations are append-only: `npm run db:diff -- <intent>` writes the next one.

-- Function bodies are checked when they run: a body may use what a later part defines.
set local check_function_bodies = off;

-- ══════════ 1. Platform extensions (was 20261204050000_platform_extensions) ══════════
-- pgcrypto: identity encryption and blind indexes; pg_cron: the schedule (part 5); pg_net:
-- scheduled calls of the functions; supabase_vault: the PII key, the functions' URL and the
-- scheduler secret. On Supabase the non-superuser postgres may create all four (supautils); where
-- an extension is missing the push stops here with what to do.

create extension if not exists pgcrypto with schema extensions;

do $$
declare
  v_need record;
begin
  for v_need in
    select * from (values
      ('pg_cron', 'pg_catalog', 'cron.schedule(text, text, text)'),
      ('pg_net', 'extensions', 'net.http_post(text, jsonb, jsonb, jsonb, integer)'),
      ('supabase_vault', 'vault', 'vault.create_secret(text, text, text, uuid)')
    ) as t(extname, extschema, probe)
  loop
    if not exists (select from pg_extension where extname = v_need.extname)
       and exists (select from pg_available_extensions where name = v_need.extname) then
      begin
        execute format('create extension if not exists %I with schema %I', v_need.extname, v_need.extschema);
      exception when insufficient_privilege then
        raise exception '% cannot be enabled by %: %', v_need.extname, current_user, sqlerrm
          using hint = format('Enable %s once as the platform allows (Supabase dashboard → Database → Extensions, or as supabase_admin: create extension %s with schema %s;), then push again.',
                              v_need.extname, v_need.extname, v_need.extschema);
      end;
    end if;
    if to_regprocedure(v_need.probe) is null then
      raise exception 'this system needs % (%), which this database does not have', v_need.extname, v_need.probe
        using hint = format('Use Supabase (hosted, or self-hosted supabase/postgres 15+), where %s is available, or install it on this server; then push again.', v_need.extname);
    end if;
  end loop;
  if to_regclass('vault.decrypted_secrets') is null then
    raise exception 'supabase_vault is incomplete: vault.decrypted_secrets is missing'
      using hint = 'Reinstall the supabase_vault extension, then push again.';
  end if;
end;
$$;

-- ══════════ 2. Definitions ══════════

-- ══════════ supabase/schemas/00_foundation.sql ══════════

-- Foundation: the private schema `app` and the platform defaults this project narrows.
-- Every table lives in `app` (not exposed by PostgREST); the API is the public functions and the
-- security_invoker views defined in the files after this one. Supabase's default privileges grant
-- everything new in `public` to anon and authenticated: they are revoked here, so every grant in
-- these files is deliberate. app.raise_error turns a business error code (app.error_codes, rows
-- in the migrations) into the HTTP status and Chinese message PostgREST answers with.


create schema app;
comment on schema app is 'Private tables of 好差评. Not exposed by PostgREST; reached through public RPCs and security_invoker views, with RLS on every table.';
grant usage on schema app to anon, authenticated;
grant usage on schema app to service_role;
alter default privileges for role postgres in schema public revoke all on sequences from anon;
alter default privileges for role postgres in schema public revoke all on sequences from authenticated;
alter default privileges for role postgres in schema public revoke all on functions from anon;
alter default privileges for role postgres in schema public revoke all on functions from authenticated;
alter default privileges for role postgres in schema public revoke all on tables from anon;
alter default privileges for role postgres in schema public revoke all on tables from authenticated;

create table app.error_codes (
  code        text    not null,
  http_status integer not null,
  message     text    not null,
  constraint error_codes_code_check check ((code ~ '^[a-z][a-z0-9_]*$'::text)),
  constraint error_codes_http_status_check check (((http_status >= 400) and (http_status <= 599))),
  constraint error_codes_pkey primary key (code)
);
alter table app.error_codes
  enable row level security;
comment on table app.error_codes is 'Machine code → HTTP status and the Chinese message shown to users.';
grant select on table app.error_codes to anon, authenticated;
grant select on table app.error_codes to service_role;

create or replace function app.raise_error (
  p_code    text,
  p_details text default null::text
)
  returns void
  language plpgsql
  stable
  set search_path to ''
  as $function$
declare
  e app.error_codes;
begin
  select * into e from app.error_codes where code = p_code;
  if not found then
    raise exception 'app.raise_error: unknown error code %', p_code;
  end if;
  raise sqlstate 'PGRST' using
    message = json_build_object('code', e.code, 'message', e.message, 'details', p_details, 'hint', null)::text,
    detail = json_build_object('status', e.http_status, 'headers', json_build_object())::text;
end;
$function$;
comment on function app.raise_error(text, text) is 'Raise a business error by code (see app.error_codes).';
revoke all on function app.raise_error(text, text) from public;
grant execute on function app.raise_error(text, text) to anon, authenticated, service_role;

create policy error_codes_select on app.error_codes
  for select
  to anon, authenticated
  using (true);

-- ══════════ supabase/schemas/01_organisation.sql ══════════

-- Organisation: regions (市/县), units (政务服务 units), users and their roles (staff, unit_admin,
-- supervisor), halls, windows, platforms and staff assignments to windows; the helpers every
-- policy uses to ask "which regions and units may the caller see"; the audit log every domain
-- writes to (append-only).


create table app.regions (
  code        text not null,
  name        text not null,
  parent_code text,
  level       text not null,
  constraint regions_code_check check ((code ~ '^\d{6}$'::text)),
  constraint regions_level_check check ((level = any (array['province'::text, 'city'::text, 'county'::text]))),
  constraint regions_pkey primary key (code)
);
alter table app.regions
  enable row level security;
alter table app.regions
  add constraint regions_parent_code_fkey foreign key (parent_code) references app.regions(code);
create index regions_parent_code_idx on app.regions using btree (parent_code);
comment on table app.regions is '行政区划 (GB/T 2260 codes). 临沧市 is 530900 and its counties 5309xx (SPEC §6).';
comment on column app.regions.level is 'province 省, city 市/州, county 县/区.';
grant select on table app.regions to anon, authenticated;
grant select on table app.regions to service_role;

create table app.units (
  id          uuid                     not null default gen_random_uuid(),
  region_code text                     not null,
  name        text                     not null,
  credit_code text,
  created_at  timestamp with time zone not null default now(),
  constraint units_credit_code_check check ((credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'::text)),
  constraint units_credit_code_key unique (credit_code),
  constraint units_pkey primary key (id),
  constraint units_region_code_name_key unique (region_code, name)
);
alter table app.units
  enable row level security;
alter table app.units
  add constraint units_region_code_fkey foreign key (region_code) references app.regions(code);
comment on table app.units is '政务服务机构/部门: the unit that handles a 办件 and answers for its 差评 (谁办理、谁负责).';
comment on column app.units.credit_code is '统一社会信用代码 (GB 32100), 18 characters.';
grant select on table app.units to anon, authenticated;
grant select on table app.units to service_role;

create view public.regions with (security_invoker=true) as  select code,
    name,
    parent_code,
    level
   from app.regions;
comment on view public.regions is 'Public list of 行政区划.';
grant select on table public.regions to anon, authenticated;
grant all on table public.regions to service_role;

create view public.units with (security_invoker=true) as  select id,
    name,
    credit_code,
    region_code,
    ( select r.name
           from app.regions r
          where (r.code = u.region_code)) as region_name
   from app.units u;
comment on view public.units is 'Public directory of 政务服务 units with their region.';
grant select on table public.units to anon, authenticated;
grant all on table public.units to service_role;

create table app.users (
  id                   uuid                     not null default gen_random_uuid(),
  masked_name          text                     not null default ''::text,
  region_code          text,
  created_at           timestamp with time zone not null default now(),
  realname_verified_at timestamp with time zone,
  masked_phone         text                     not null default ''::text,
  merged_into          uuid,
  constraint users_pkey primary key (id)
);
alter table app.users
  enable row level security;
alter table app.users
  add constraint users_merged_into_fkey foreign key (merged_into) references app.users(id);
alter table app.users
  add constraint users_region_code_fkey foreign key (region_code) references app.regions(code);
create index users_merged_into_idx on app.users using btree (merged_into);
create index users_region_code_idx on app.users using btree (region_code);
comment on table app.users is 'One row per person. JWT sub = id.';
comment on column app.users.masked_name is 'Display value only (e.g. 张*); never the real name.';
comment on column app.users.masked_phone is 'Display value only (e.g. 138****5678); never the number.';
comment on column app.users.merged_into is 'Set when this account was merged into the row of the same person (same ID number); its logins now reach that row.';
comment on column app.users.realname_verified_at is 'When the provincial identity platform verified this person''s real name; null = not real-name.';
grant select on table app.users to authenticated;
grant select on table app.users to service_role;

create table app.staff_roles (
  id                uuid not null default gen_random_uuid(),
  user_id           uuid not null,
  role              text not null,
  unit_id           uuid,
  scope_region_code text,
  constraint staff_roles_pkey primary key (id),
  constraint staff_roles_region_for_supervisors check (((role = 'supervisor'::text) = (scope_region_code is not null))),
  constraint staff_roles_role_check check ((role = any (array['staff'::text, 'unit_admin'::text, 'supervisor'::text]))),
  constraint staff_roles_unit_for_unit_roles check (((role = any (array['staff'::text, 'unit_admin'::text])) = (unit_id is not null))),
  constraint staff_roles_user_id_role_unit_id_scope_region_code_key unique nulls not distinct (user_id, role, unit_id, scope_region_code)
);
alter table app.staff_roles
  enable row level security;
alter table app.staff_roles
  add constraint staff_roles_scope_region_code_fkey foreign key (scope_region_code) references app.regions(code);
alter table app.staff_roles
  add constraint staff_roles_unit_id_fkey foreign key (unit_id) references app.units(id);
alter table app.staff_roles
  add constraint staff_roles_user_id_fkey foreign key (user_id) references app.users(id);
create index staff_roles_scope_region_code_idx on app.staff_roles using btree (scope_region_code);
create index staff_roles_unit_id_idx on app.staff_roles using btree (unit_id);
create index staff_roles_user_id_idx on app.staff_roles using btree (user_id);
comment on table app.staff_roles is 'staff 窗口工作人员/经办人 and unit_admin 单位管理员 of a unit; supervisor 监督员 of a region (市 or 县 政务服务管理局).';
grant select on table app.staff_roles to authenticated;
grant select on table app.staff_roles to service_role;

create or replace function public.whoami()
  returns table (
    user_id           uuid,
    masked_name       text,
    region_code       text,
    region_name       text,
    role              text,
    unit_id           uuid,
    unit_name         text,
    scope_region_code text,
    realname_verified boolean
  )
  language sql
  stable
  set search_path to ''
  as $function$
  select u.id, u.masked_name, u.region_code, r.name, s.role, s.unit_id, un.name, s.scope_region_code,
         u.realname_verified_at is not null
  from app.users u
  left join app.regions r on r.code = u.region_code
  left join app.staff_roles s on s.user_id = u.id
  left join app.units un on un.id = s.unit_id
  where u.id = (select auth.uid())
  order by s.role, un.name;
$function$;
comment on function public.whoami() is 'The signed-in user and one row per staff role (RLS: only their own rows).';
revoke all on function public.whoami() from public;
grant execute on function public.whoami() to authenticated, service_role;

create table app.halls (
  id          uuid not null default gen_random_uuid(),
  region_code text not null,
  name        text not null,
  kind        text not null,
  address     text,
  constraint halls_kind_check check ((kind = any (array['center'::text, 'hall'::text, 'station'::text]))),
  constraint halls_pkey primary key (id),
  constraint halls_region_code_name_key unique (region_code, name)
);
alter table app.halls
  enable row level security;
alter table app.halls
  add constraint halls_region_code_fkey foreign key (region_code) references app.regions(code);
comment on table app.halls is '政务服务中心 (center), 部门大厅 (hall), 乡镇/村便民服务站点 (station).';
grant select on table app.halls to anon, authenticated;
grant select on table app.halls to service_role;

create table app.windows (
  id      uuid not null default gen_random_uuid(),
  hall_id uuid not null,
  unit_id uuid not null,
  name    text not null,
  constraint windows_hall_id_name_key unique (hall_id, name),
  constraint windows_pkey primary key (id)
);
alter table app.windows
  enable row level security;
alter table app.windows
  add constraint windows_hall_id_fkey foreign key (hall_id) references app.halls(id);
alter table app.windows
  add constraint windows_unit_id_fkey foreign key (unit_id) references app.units(id);
create index windows_unit_id_idx on app.windows using btree (unit_id);
comment on table app.windows is '窗口: a counter in a hall, staffed by one unit. Its QR code carries scene w=<id>.';
grant select on table app.windows to anon, authenticated;
grant select on table app.windows to service_role;

create table app.platforms (
  id          uuid not null default gen_random_uuid(),
  region_code text not null,
  kind        text not null,
  name        text not null,
  constraint platforms_kind_check check ((kind = any (array['business_system'::text, 'hotline'::text, 'mobile'::text, 'self_service'::text]))),
  constraint platforms_pkey primary key (id),
  constraint platforms_region_code_name_key unique (region_code, name)
);
alter table app.platforms
  enable row level security;
alter table app.platforms
  add constraint platforms_region_code_fkey foreign key (region_code) references app.regions(code);
comment on table app.platforms is '政务服务平台 rated as objects (R2): 业务系统, 热线 12345, 移动端 (一部手机办事通), 自助端.';
grant select on table app.platforms to anon, authenticated;
grant select on table app.platforms to service_role;

create table app.staff_assignments (
  id         uuid not null default gen_random_uuid(),
  user_id    uuid not null,
  unit_id    uuid not null,
  window_id  uuid,
  valid_from date not null,
  valid_to   date,
  constraint staff_assignments_check check (((valid_to is null) or (valid_to >= valid_from))),
  constraint staff_assignments_pkey primary key (id)
);
alter table app.staff_assignments
  enable row level security;
alter table app.staff_assignments
  add constraint staff_assignments_unit_id_fkey foreign key (unit_id) references app.units(id);
alter table app.staff_assignments
  add constraint staff_assignments_user_id_fkey foreign key (user_id) references app.users(id);
alter table app.staff_assignments
  add constraint staff_assignments_window_id_fkey foreign key (window_id) references app.windows(id);
create index staff_assignments_unit_id_idx on app.staff_assignments using btree (unit_id);
create index staff_assignments_user_id_idx on app.staff_assignments using btree (user_id);
create index staff_assignments_window_id_idx on app.staff_assignments using btree (window_id);
comment on table app.staff_assignments is 'An officer (经办人) works for a unit, at a window or not, from valid_from to valid_to (inclusive; null = still).';
grant select on table app.staff_assignments to authenticated;
grant select on table app.staff_assignments to service_role;

create or replace function app.my_unit_ids()
  returns setof uuid
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select unit_id from app.staff_roles
  where user_id = (select auth.uid()) and role in ('staff', 'unit_admin');
$function$;
comment on function app.my_unit_ids() is 'Units where the caller is staff or unit admin.';
revoke all on function app.my_unit_ids() from public;
grant execute on function app.my_unit_ids() to authenticated, service_role;

create or replace function app.region_and_below (
  p_code text
)
  returns setof text
  language sql
  stable
  set search_path to ''
  as $function$
  with recursive tree as (
    select code from app.regions where code = p_code
    union
    select r.code from app.regions r join tree on r.parent_code = tree.code
  )
  select code from tree;
$function$;
revoke all on function app.region_and_below(text) from public;
grant execute on function app.region_and_below(text) to anon, authenticated, service_role;

create or replace function app.my_region_codes()
  returns setof text
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select app.region_and_below(s.scope_region_code)
  from app.staff_roles s
  where s.user_id = (select auth.uid()) and s.role = 'supervisor';
$function$;
comment on function app.my_region_codes() is 'Regions a supervisor of the caller''s scope oversees (the scope and every region below it).';
revoke all on function app.my_region_codes() from public;
grant execute on function app.my_region_codes() to authenticated, service_role;

create table app.audit_log (
  id            bigint                   generated always as identity not null,
  at            timestamp with time zone not null default clock_timestamp(),
  actor_user_id uuid,
  actor_role    text                     not null default current_user,
  entity        text                     not null,
  entity_id     uuid                     not null,
  work_order_id uuid,
  action        text                     not null,
  state_from    text,
  state_to      text,
  note          text,
  due_on        date,
  detail        jsonb                    not null default '{}'::jsonb,
  region_code   text                     not null,
  constraint audit_log_entity_check
    check
    ((entity = any (array['identity'::text, 'rating'::text, 'work_order'::text, 'appeal'::text, 'rater_contact'::text, 'admin'::text, 'comment'::text, 'comment_contact'::text,
    'ingest_key'::text, 'upstream'::text, 'calendar'::text]))),
  constraint audit_log_pkey primary key (id)
);
alter table app.audit_log
  enable row level security;
alter table app.audit_log
  add constraint audit_log_region_code_fkey foreign key (region_code) references app.regions(code);
alter table app.audit_log
  add constraint audit_log_actor_user_id_fkey foreign key (actor_user_id) references app.users(id);
create index audit_log_actor_user_id_idx on app.audit_log using btree (actor_user_id);
create index audit_log_entity_idx on app.audit_log using btree (entity_id, id);
create index audit_log_lookups_idx on app.audit_log using btree (actor_user_id, at)
  where (action = any (array['user_lookup'::text, 'lookup_sweep_flagged'::text]));
create index audit_log_region_at_idx on app.audit_log using btree (region_code, at);
create index audit_log_work_order_idx on app.audit_log using btree (work_order_id, id)
  where (work_order_id is not null);
comment on table app.audit_log is 'R14: append-only. One row per state change (rating validity, work order, appeal) and per PII reveal.';
comment on column app.audit_log.actor_role is 'The database role that acted: authenticated, service_role, postgres (jobs); system for an order''s opening and escalation by the trigger; rater for the unnamed rater of a non-real-name 差评.';
comment on column app.audit_log.actor_user_id is 'Who acted (JWT sub); null for jobs and triggers (an order''s opening is the system''s), and for the rater of a non-real-name 差评 (R13).';
comment on column app.audit_log.due_on is 'A due date this change set (verification, rectification, extension).';
comment on column app.audit_log.note is 'Text meant for the rater''s timeline (reply, measures, extension reason); internal remarks go to detail.';
grant select on table app.audit_log to authenticated;

create or replace function app.refuse_audit_change()
  returns trigger
  language plpgsql
  set search_path to ''
  as $function$
begin
  raise exception '%.% is append-only (R14): % refused', tg_table_schema, tg_table_name, tg_op
    using errcode = 'insufficient_privilege';
end;
$function$;

create or replace function app.audit (
  p_entity        text,
  p_entity_id     uuid,
  p_action        text,
  p_region_code   text,
  p_state_from    text  default null::text,
  p_state_to      text  default null::text,
  p_work_order_id uuid  default null::uuid,
  p_note          text  default null::text,
  p_due_on        date  default null::date,
  p_detail        jsonb default '{}'::jsonb
)
  returns void
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := auth.uid();
  v_role text := coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role', session_user);
begin
  -- The rater of a non-real-name 差评 acting on its order is not named (R13).
  if v_uid is not null and p_work_order_id is not null and exists (
       select 1 from app.work_orders w join app.ratings r on r.id = w.rating_id
       where w.id = p_work_order_id and not w.is_realname and r.rater_user_id = v_uid) then
    v_uid := null;
    v_role := 'rater';
  end if;
  insert into app.audit_log (actor_user_id, actor_role, entity, entity_id, work_order_id, action, state_from, state_to, note, due_on, detail, region_code)
  values (v_uid, v_role, p_entity, p_entity_id, p_work_order_id, p_action, p_state_from, p_state_to, p_note, p_due_on,
          coalesce(p_detail, '{}'), p_region_code);
end;
$function$;
revoke all on function app.audit(text, uuid, text, text, text, text, uuid, text, date, jsonb) from public;

create or replace function app.audit_rating_validity()
  returns trigger
  language plpgsql
  security definer
  set search_path to ''
  as $function$
begin
  insert into app.audit_log (actor_user_id, actor_role, entity, entity_id, action, state_from, state_to, region_code)
  select auth.uid(), coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role', session_user),
         'rating', n.id, 'validity_changed', o.validity, n.validity, n.region_code
  from new_rows n join old_rows o on o.id = n.id
  where n.validity is distinct from o.validity;
  return null;
end;
$function$;
revoke all on function app.audit_rating_validity() from public;

create trigger audit_log_append_only
  before delete or update on app.audit_log
  for each row
  execute function app.refuse_audit_change();

create trigger audit_log_no_truncate
  before truncate on app.audit_log
  for each statement
  execute function app.refuse_audit_change();

create policy regions_select on app.regions
  for select
  to anon, authenticated
  using (true);

create policy units_select on app.units
  for select
  to anon, authenticated
  using (true);

create policy users_select on app.users
  for select
  to authenticated
  using ((id = ( select auth.uid() as uid)));

create policy staff_roles_select on app.staff_roles
  for select
  to authenticated
  using ((user_id = ( select auth.uid() as uid)));

create policy halls_select on app.halls
  for select
  to anon, authenticated
  using (true);

create policy windows_select on app.windows
  for select
  to anon, authenticated
  using (true);

create policy platforms_select on app.platforms
  for select
  to anon, authenticated
  using (true);

create policy staff_assignments_select on app.staff_assignments
  for select
  to authenticated
  using ((user_id = ( select auth.uid() as uid)));

create policy audit_log_select on app.audit_log
  for select
  to authenticated
  using ((region_code in ( select app.my_region_codes() as my_region_codes)));

-- ══════════ supabase/schemas/02_calendar.sql ══════════

-- Working-day calendar: 法定节假日 and 调休 days (rows loaded by migrations from chinese-days, edited
-- by supervisors), announced years, and the working-day arithmetic every deadline uses
-- (add_working_days refuses dates outside the supported range; the unbounded form is internal).


create table app.calendar_years (
  year       integer                  not null,
  source     text                     not null,
  loaded_at  timestamp with time zone not null default now(),
  updated_by uuid,
  constraint calendar_years_pkey primary key (year),
  constraint calendar_years_source_check check ((source = any (array['chinese-days'::text, 'supervisor'::text]))),
  constraint calendar_years_year_check check (((year >= 1900) and (year <= 9999)))
);
alter table app.calendar_years
  enable row level security;
alter table app.calendar_years
  add constraint calendar_years_updated_by_fkey foreign key (updated_by) references app.users(id);
create index calendar_years_updated_by_idx on app.calendar_years using btree (updated_by);
comment on table app.calendar_years is 'Years whose official holiday schedule is loaded (announced). Any other year is provisional (R6).';
comment on column app.calendar_years.updated_by is 'The supervisor who marked the year announced; null for package data.';
grant select on table app.calendar_years to anon, authenticated;
grant select on table app.calendar_years to service_role;

create table app.calendar_days (
  day        date                     not null,
  is_workday boolean                  not null,
  kind text generated always as (
    case
        when (not is_workday) then 'holiday'::text
        when (extract(isodow from day) >= (6)::numeric) then 'makeup_workday'::text
        else 'workday'::text
    end) stored not null,
  name       text,
  note       text,
  source     text                     not null,
  updated_by uuid,
  updated_at timestamp with time zone not null default now(),
  constraint calendar_days_note_check check ((char_length(note) <= 200)),
  constraint calendar_days_pkey primary key (day),
  constraint calendar_days_source_check check ((source = any (array['chinese-days'::text, 'supervisor'::text])))
);
alter table app.calendar_days
  enable row level security;
alter table app.calendar_days
  add constraint calendar_days_updated_by_fkey foreign key (updated_by) references app.users(id);
create index calendar_days_updated_by_idx on app.calendar_days using btree (updated_by);
comment on table app.calendar_days is 'Exceptions to the weekend rule (a day without a row is a workday Monday–Friday). Written only by the data migration and public.set_calendar_day.';
comment on column app.calendar_days.kind is 'Derived: holiday (not worked), makeup_workday (调休: a worked Saturday/Sunday), workday (a weekday a supervisor keeps working although a provisional year''s statutory holiday falls on it).';
comment on column app.calendar_days.name is 'Holiday name, e.g. 春节; for a make-up workday the holiday it makes up for.';
comment on column app.calendar_days.source is 'chinese-days (package data, replaced when the package is updated) or supervisor (kept over package data).';
grant select on table app.calendar_days to anon, authenticated;
grant select on table app.calendar_days to service_role;

create table app.statutory_holidays (
  day  date not null,
  name text not null,
  constraint statutory_holidays_pkey primary key (day)
);
alter table app.statutory_holidays
  enable row level security;
comment on table app.statutory_holidays is 'Holidays fixed by law (current law, 13 days a year), used only for provisional years. Generated from chinese-days lunar and solar-term tables.';
grant select on table app.statutory_holidays to anon, authenticated;
grant select on table app.statutory_holidays to service_role;

create or replace function app.calendar_range (
  p_from date,
  p_to   date
)
  returns table (
    day            date,
    is_workday     boolean,
    is_provisional boolean
  )
  language plpgsql
  stable
  set search_path to ''
  as $function$
declare
  v_announced int[] := array(
    select y.year from app.calendar_years y
    where y.year between extract(year from p_from)::int and extract(year from p_to)::int);
begin
  return query
  select d.day,
         coalesce((select c.is_workday from app.calendar_days c where c.day = d.day),
                  extract(isodow from d.day) < 6
                  and (not d.provisional or (select true from app.statutory_holidays s where s.day = d.day) is null)),
         d.provisional
  from (select p_from + g.i as day, extract(year from p_from + g.i)::int <> all (v_announced) as provisional
        from generate_series(0, p_to - p_from) as g (i)) d
  order by d.day;
end;
$function$;
comment on function app.calendar_range(date, date) is 'Each day of [p_from, p_to] with is_workday and is_provisional (R6). Empty when p_to < p_from or either is null.';
revoke all on function app.calendar_range(date, date) from public;
grant execute on function app.calendar_range(date, date) to anon, authenticated, service_role;

create or replace function app.is_working_day (
  p_day date
)
  returns boolean
  language plpgsql
  stable
  set search_path to ''
  as $function$
begin
  return (select r.is_workday from app.calendar_range(p_day, p_day) r);
end;
$function$;
comment on function app.is_working_day(date) is 'Whether p_day is a working day (R6); null for null.';
revoke all on function app.is_working_day(date) from public;
grant execute on function app.is_working_day(date) to anon, authenticated, service_role;

create or replace function public.add_working_days (
  p_from date,
  p_n    integer
)
  returns date
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_due date;
begin
  if p_from is null or p_from not between date '2000-01-01' and date '2099-12-31' then
    perform app.raise_error('invalid_input', 'p_from');
  end if;
  v_due := app.add_working_days_unbounded(p_from, p_n);
  if v_due > date '2099-12-31' then
    perform app.raise_error('invalid_input', 'p_n');
  end if;
  return v_due;
end;
$function$;
comment on function public.add_working_days(date, integer) is 'The p_n-th working day strictly after p_from (R5, R6); p_n in 0..1000, 0 gives p_from; days within 2000-01-01..2099-12-31. Twin of addWorkingDays in shared/calendar.';
revoke all on function public.add_working_days(date, integer) from public;
grant execute on function public.add_working_days(date, integer) to anon, authenticated, service_role;

create or replace function public.working_deadline (
  p_from date,
  p_n    integer
)
  returns table (
    due_on         date,
    is_provisional boolean
  )
  language plpgsql
  stable
  set search_path to ''
  as $function$
declare
  v_due date := public.add_working_days(p_from, p_n);
begin
  return query
  select v_due, v_due > p_from and exists (
    select 1 from generate_series(extract(year from p_from + 1)::int, extract(year from v_due)::int) as g (y)
    where not exists (select 1 from app.calendar_years cy where cy.year = g.y));
end;
$function$;
comment on function public.working_deadline(date, integer) is 'add_working_days(p_from, p_n) and whether it depends on a provisional year (R6). Twin of workingDeadline in shared/calendar.';
revoke all on function public.working_deadline(date, integer) from public;
grant execute on function public.working_deadline(date, integer) to anon, authenticated, service_role;

create or replace function app.assert_calendar_editor()
  returns uuid
  language plpgsql
  stable
  set search_path to ''
  as $function$
declare
  v_uid uuid := (select auth.uid());
begin
  if v_uid is null then
    perform app.raise_error('unauthorized');
  end if;
  if not exists (
    select 1 from app.staff_roles s join app.regions r on r.code = s.scope_region_code
    where s.user_id = v_uid and s.role = 'supervisor' and r.level in ('province', 'city')) then
    perform app.raise_error('forbidden');
  end if;
  return v_uid;
end;
$function$;
comment on function app.assert_calendar_editor() is 'The caller''s id if they may edit the calendar (a city supervisor); raises unauthorized / forbidden otherwise.';
revoke all on function app.assert_calendar_editor() from public;

create or replace function public.set_calendar_day (
  p_day        date,
  p_is_workday boolean,
  p_note       text
)
  returns table (
    day          date,
    is_workday   boolean,
    is_exception boolean
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.assert_calendar_editor();
  v_weekday boolean;
  v_rule boolean;
  v_keep boolean;
begin
  if p_day is null or not isfinite(p_day) or extract(year from p_day) not between 1900 and 9999 then
    perform app.raise_error('invalid_input', 'p_day');
  end if;
  if p_is_workday is null then
    perform app.raise_error('invalid_input', 'p_is_workday');
  end if;
  if p_note is null or btrim(p_note) = '' or char_length(btrim(p_note)) > 200 then
    perform app.raise_error('invalid_input', 'p_note');
  end if;

  v_weekday := extract(isodow from p_day) < 6;
  v_rule := v_weekday and (
    exists (select 1 from app.calendar_years y where y.year = extract(year from p_day)::int)
    or not exists (select 1 from app.statutory_holidays s where s.day = p_day));
  v_keep := p_is_workday <> v_weekday or p_is_workday <> v_rule;

  if v_keep then
    insert into app.calendar_days as c (day, is_workday, name, note, source, updated_by, updated_at)
    values (p_day, p_is_workday, (select s.name from app.statutory_holidays s where s.day = p_day),
            btrim(p_note), 'supervisor', v_uid, now())
    on conflict on constraint calendar_days_pkey do update
      set is_workday = excluded.is_workday, note = excluded.note, source = excluded.source,
          updated_by = excluded.updated_by, updated_at = excluded.updated_at,
          name = coalesce(c.name, excluded.name);
  else
    delete from app.calendar_days c where c.day = p_day;
  end if;
  return query select p_day, p_is_workday, v_keep;
end;
$function$;
comment on function public.set_calendar_day(date, boolean, text) is 'City supervisors: make p_day a working day or not (R6), with a note (1–200 characters). Returns whether an exception row is stored.';
revoke all on function public.set_calendar_day(date, boolean, text) from public;
grant execute on function public.set_calendar_day(date, boolean, text) to authenticated, service_role;

create or replace function public.set_calendar_year_announced (
  p_year      integer,
  p_announced boolean
)
  returns boolean
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.assert_calendar_editor();
begin
  if p_year is null or p_year not between 1900 and 9999 then
    perform app.raise_error('invalid_input', 'p_year');
  end if;
  if p_announced is null then
    perform app.raise_error('invalid_input', 'p_announced');
  end if;
  if p_announced then
    insert into app.calendar_years (year, source, updated_by, loaded_at)
    values (p_year, 'supervisor', v_uid, now())
    on conflict do nothing;
  else
    delete from app.calendar_years y where y.year = p_year;
  end if;
  return p_announced;
end;
$function$;
comment on function public.set_calendar_year_announced(integer, boolean) is 'City supervisors: mark a year''s holiday schedule as announced (loaded) or not (R6).';
revoke all on function public.set_calendar_year_announced(integer, boolean) from public;
grant execute on function public.set_calendar_year_announced(integer, boolean) to authenticated, service_role;

create view public.calendar_days with (security_invoker=true) as  select day,
    is_workday,
    kind,
    name,
    note,
    source,
    updated_at
   from app.calendar_days;
comment on view public.calendar_days is 'Exceptions to the weekend rule (holidays on weekdays, make-up workdays on weekends), public.';
grant select on table public.calendar_days to anon, authenticated;
grant all on table public.calendar_days to service_role;

create view public.calendar_years with (security_invoker=true) as  select year,
    source,
    loaded_at
   from app.calendar_years;
comment on view public.calendar_years is 'Years whose holiday schedule is announced; other years are provisional.';
grant select on table public.calendar_years to anon, authenticated;
grant all on table public.calendar_years to service_role;

create view public.statutory_holidays with (security_invoker=true) as  select day,
    name
   from app.statutory_holidays;
comment on view public.statutory_holidays is 'Holidays fixed by law, the calendar of provisional years.';
grant select on table public.statutory_holidays to anon, authenticated;
grant all on table public.statutory_holidays to service_role;

create or replace function app.add_working_days_unbounded (
  p_from date,
  p_n    integer
)
  returns date
  language plpgsql
  stable
  set search_path to ''
  as $function$
declare
  v_left int := p_n;
  v_start date;
  v_end date;
  v_due date;
  v_found int;
begin
  if p_from is null or not isfinite(p_from) then
    perform app.raise_error('invalid_input', 'p_from');
  end if;
  if p_n is null or p_n < 0 or p_n > 1000 then
    perform app.raise_error('invalid_input', 'p_n');
  end if;
  if p_n = 0 then
    return p_from;
  end if;
  v_start := p_from + 1;
  loop
    v_end := v_start + v_left + v_left / 2 + 14;
    select max(w.day) filter (where w.k = v_left), count(*)::int
      into v_due, v_found
      from (select r.day, row_number() over (order by r.day) as k
              from app.calendar_range(v_start, v_end) r
             where r.is_workday) w;
    if v_due is not null then
      return v_due;
    end if;
    v_left := v_left - v_found;
    v_start := v_end + 1;
  end loop;
end;
$function$;
comment on function app.add_working_days_unbounded(date, integer) is 'The p_n-th working day strictly after p_from (R5, R6); p_n in 0..1000, 0 gives p_from. Twin of addWorkingDays in shared/calendar.';
revoke all on function app.add_working_days_unbounded(date, integer) from public;

create or replace function app.audit_calendar_change()
  returns trigger
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  -- NEW is null on DELETE, OLD on INSERT; the row as it is now (or was) names the day or year.
  v_new jsonb := case when tg_op = 'DELETE' then null else to_jsonb(new) end;
  v_row jsonb := coalesce(v_new, to_jsonb(old));
  v_is_day boolean := tg_table_name = 'calendar_days';
  v_key text := case when v_is_day then 'day:' || (v_row ->> 'day') else 'year:' || (v_row ->> 'year') end;
begin
  perform app.audit(
    'calendar', md5('calendar:' || v_key)::uuid,
    case when v_is_day then case when tg_op = 'DELETE' then 'day_reset' else 'day_set' end
         else case when tg_op = 'DELETE' then 'year_unannounced' else 'year_announced' end end,
    '530900', null, null, null, v_new ->> 'note', null,
    case when v_is_day then jsonb_build_object('day', v_row ->> 'day', 'is_workday', (v_new ->> 'is_workday')::boolean)
         else jsonb_build_object('year', (v_row ->> 'year')::int) end);
  return null;
end;
$function$;
comment on function app.audit_calendar_change() is 'R6/R14: writes a signed-in supervisor''s change of a calendar day (set, or reset to the rules) or of a year''s announced mark to the audit log.';
revoke all on function app.audit_calendar_change() from public;

create trigger calendar_days_audit
  after insert or delete or update on app.calendar_days
  for each row
  when ((auth.uid() is not null))
  execute function app.audit_calendar_change();

create trigger calendar_years_audit
  after insert or delete or update on app.calendar_years
  for each row
  when ((auth.uid() is not null))
  execute function app.audit_calendar_change();

create policy calendar_years_select on app.calendar_years
  for select
  to anon, authenticated
  using (true);

create policy calendar_days_select on app.calendar_days
  for select
  to anon, authenticated
  using (true);

create policy statutory_holidays_select on app.statutory_holidays
  for select
  to anon, authenticated
  using (true);

-- ══════════ supabase/schemas/03_transactions_ratings.sql ══════════

-- 办件 and ratings: matters (事项), transactions (办件) with their rating deadline, ratings (一次一评,
-- the citizen RPCs submit_rating / submit_visit_rating, the tags and their rules), default 好评
-- after the deadline, and what a unit sees of its own ratings.


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
  first_rating_id        uuid,
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
create index transactions_awaiting_rating_idx on app.transactions using btree (id) include (rating_due_at)
  where ((status = 'finished'::text) and (first_rating_id is null));
create index transactions_finished_at_idx on app.transactions using btree (finished_at)
  where (status = 'finished'::text);
create index transactions_first_rating_id_idx on app.transactions using btree (first_rating_id);
create index transactions_hall_id_idx on app.transactions using btree (hall_id);
create index transactions_matter_id_idx on app.transactions using btree (matter_id);
create index transactions_platform_id_idx on app.transactions using btree (platform_id);
create index transactions_rating_due_unrated_idx on app.transactions using btree (rating_due_at)
  where ((status = 'finished'::text) and (first_rating_id is null));
create index transactions_region_code_idx on app.transactions using btree (region_code);
create index transactions_staff_user_id_idx on app.transactions using btree (staff_user_id);
create index transactions_unit_id_idx on app.transactions using btree (unit_id);
create index transactions_window_id_idx on app.transactions using btree (window_id);
comment on table app.transactions is '办件. project_no is the 办件编号 (unique across systems). applicant_type is userProp (SPEC §6).';
comment on column app.transactions.first_rating_id is 'The rating with assess_number 1, once there is one (kept by a trigger on app.ratings).';
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
  constraint ratings_validity_check check ((validity = any (array['valid'::text, 'invalid'::text])))
);
alter table app.ratings
  enable row level security;
alter table app.ratings
  add constraint ratings_hall_id_fkey foreign key (hall_id) references app.halls(id);
alter table app.ratings
  add constraint ratings_matter_id_fkey foreign key (matter_id) references app.matters(id);
alter table app.ratings
  add constraint ratings_platform_id_fkey foreign key (platform_id) references app.platforms(id);
alter table app.ratings
  add constraint ratings_region_code_fkey foreign key (region_code) references app.regions(code);
alter table app.ratings
  add constraint ratings_transaction_id_fkey foreign key (transaction_id) references app.transactions(id);
alter table app.ratings
  add constraint ratings_unit_id_fkey foreign key (unit_id) references app.units(id);
alter table app.ratings
  add constraint ratings_rater_user_id_fkey foreign key (rater_user_id) references app.users(id);
alter table app.ratings
  add constraint ratings_staff_user_id_fkey foreign key (staff_user_id) references app.users(id);
alter table app.ratings
  add constraint ratings_window_id_fkey foreign key (window_id) references app.windows(id);
create unique index ratings_idempotency on app.ratings using btree (rater_user_id, idempotency_key)
  where (idempotency_key is not null);
create unique index ratings_one_per_transaction on app.ratings using btree (transaction_id, assess_number)
  where (transaction_id is not null);
create unique index ratings_one_visit_per_day on app.ratings using btree (rater_user_id, window_id, visit_day)
  where (visit_day is not null);
create index ratings_hall_id_idx on app.ratings using btree (hall_id);
create index ratings_matter_id_idx on app.ratings using btree (matter_id);
create index ratings_platform_id_idx on app.ratings using btree (platform_id);
create index ratings_rated_at_id_idx on app.ratings using btree (rated_at, id);
create index ratings_rater_user_id_idx on app.ratings using btree (rater_user_id);
create index ratings_rater_visit_day_idx on app.ratings using btree (rater_user_id, visit_day)
  where (visit_day is not null);
create index ratings_recent_bad_idx on app.ratings using btree (rated_at)
  where (is_bad and (not is_default) and (assess_number = 1));
create index ratings_region_code_idx on app.ratings using btree (region_code);
create index ratings_staff_user_id_idx on app.ratings using btree (staff_user_id);
create index ratings_unit_id_idx on app.ratings using btree (unit_id);
create index ratings_unit_rated_at_idx on app.ratings using btree (unit_id, rated_at);
create index ratings_window_id_idx on app.ratings using btree (window_id);
comment on table app.ratings is 'Ratings. level 5 非常满意 … 1 非常不满意 (R1); is_bad = 差评. validity invalid = excluded from every metric after an approved appeal (R11).';
comment on column app.ratings.assess_number is '1 = the rating of the service; 2 = the rater''s rating of a 差评''s rectification (R12).';
comment on column app.ratings.comment_public is 'R15: the rater allowed their comment to appear on the public 差评 board. Off unless they turn it on.';
comment on column app.ratings.rater_user_id is 'Who rated; never shown to staff (R13). Null for defaults and device ratings without a known person.';
comment on column app.ratings.visit_day is '一次一评: the Asia/Shanghai day of a window visit rated by QR without a 办件.';
grant select on table app.ratings to authenticated;
grant insert, select, update on table app.ratings to service_role;
-- Foreign keys of tables defined earlier that point here.
alter table app.transactions
  add constraint transactions_first_rating_id_fkey foreign key (first_rating_id) references app.ratings(id);

create or replace function app.mark_transactions_rated()
  returns trigger
  language plpgsql
  set search_path to ''
  as $function$
begin
  update app.transactions t set first_rating_id = n.id
  from new_ratings n
  where n.transaction_id = t.id and n.assess_number = 1 and t.first_rating_id is null;
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
    and t.first_rating_id is null
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
  if v_t.first_rating_id is not null then
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
     or (r.is_default and (t.applicant_user_id = (select auth.uid()) or t.agent_user_id = (select auth.uid())))
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

create or replace function public.apply_default_ratings (
  p_now timestamp with time zone default now()
)
  returns integer
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_batch constant int := 10000;
  v_last uuid := '00000000-0000-0000-0000-000000000000';
  v_ids uuid[];
  v_applied int := 0;
  v_n int;
begin
  loop
    select array_agg(id order by id) into v_ids
    from (
      select t.id from app.transactions t
      where t.status = 'finished' and t.first_rating_id is null and t.id > v_last
      order by t.id
      limit v_batch
    ) b;
    exit when v_ids is null;
    v_last := v_ids[cardinality(v_ids)];

    insert into app.ratings (
      transaction_id, assess_number, level, channel, is_default, unit_id, region_code,
      matter_id, hall_id, window_id, staff_user_id, platform_id, rated_at
    )
    select t.id, 1, 3, 'default', true, t.unit_id, t.region_code,
           t.matter_id, t.hall_id, t.window_id, t.staff_user_id, t.platform_id, t.rating_due_at
    from app.transactions t
    where t.id = any (v_ids) and t.rating_due_at <= p_now and t.first_rating_id is null
    on conflict do nothing;
    get diagnostics v_n = row_count;
    v_applied := v_applied + v_n;
  end loop;
  return v_applied;
end;
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

create trigger ratings_mark_transactions_rated
  after insert on app.ratings referencing new table as new_ratings
  for each statement
  execute function app.mark_transactions_rated();

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

-- ══════════ supabase/schemas/04_rollups_stats.sql ══════════

-- Rollups and statistics: daily rollups kept by statement triggers on ratings and transactions
-- (transition tables), the metrics of SPEC §3 (stats, loop metrics, the bad-review board) and the
-- publication of results per period.


create table app.rating_daily (
  id            bigint   generated always as identity not null,
  day           date     not null,
  region_code   text     not null,
  unit_id       uuid     not null,
  window_id     uuid,
  staff_user_id uuid,
  matter_id     uuid,
  channel       text     not null,
  level         smallint not null,
  is_default    boolean  not null,
  is_visit      boolean  not null,
  rating_count  bigint   not null default 0,
  constraint rating_daily_day_region_code_unit_id_window_id_staff_user_i_key unique nulls
    not distinct (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, level, is_default, is_visit),
  constraint rating_daily_pkey primary key (id)
);
alter table app.rating_daily
  enable row level security;
create index rating_daily_unit_day_idx on app.rating_daily using btree (unit_id, day);
comment on table app.rating_daily is 'Valid first ratings (assess_number 1) counted per day and rated object. Invalid ratings (approved appeals) are not counted (SPEC §3).';
comment on column app.rating_daily.is_visit is 'A 一次一评 window visit (no 办件): counted in satisfaction, not in 主动评价率 (ratings of 办件 / finished 办件).';
grant select on table app.rating_daily to service_role;

create table app.finished_daily (
  id             bigint generated always as identity not null,
  day            date   not null,
  region_code    text   not null,
  unit_id        uuid   not null,
  window_id      uuid,
  staff_user_id  uuid,
  matter_id      uuid,
  channel        text   not null,
  finished_count bigint not null default 0,
  constraint finished_daily_day_region_code_unit_id_window_id_staff_user_key unique nulls not distinct (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel),
  constraint finished_daily_pkey primary key (id)
);
alter table app.finished_daily
  enable row level security;
create index finished_daily_unit_day_idx on app.finished_daily using btree (unit_id, day);
comment on table app.finished_daily is 'Finished 办件 per day and object: the denominator of 主动评价率.';
grant select on table app.finished_daily to service_role;

create or replace function app.metric_rows (
  p_from            date,
  p_to              date,
  p_group_by        text,
  p_region_code     text,
  p_unit_id         uuid,
  p_include_default boolean
)
  returns table (
    group_key         text,
    group_name        text,
    rating_count      bigint,
    default_count     bigint,
    good_count        bigint,
    neutral_count     bigint,
    bad_count         bigint,
    finished_count    bigint,
    active_count      bigint,
    satisfaction_rate numeric,
    good_rate         numeric,
    bad_rate          numeric,
    active_rate       numeric
  )
  language sql
  stable
  set search_path to ''
  as $function$
  with scope as (select app.region_and_below(p_region_code) as code),
  -- Ratings and finished 办件 side by side (a finished row has no level and counts no rating).
  facts as (
    select d.day, d.region_code, d.unit_id, d.window_id, d.staff_user_id, d.matter_id, d.channel,
           d.level, d.is_default, d.is_visit, d.rating_count, 0::bigint as finished_count
    from app.rating_daily d
    where p_unit_id is null and d.day between p_from and p_to and d.region_code in (select code from scope)
    union all
    select d.day, d.region_code, d.unit_id, d.window_id, d.staff_user_id, d.matter_id, d.channel,
           d.level, d.is_default, d.is_visit, d.rating_count, 0::bigint
    from app.rating_daily d
    where d.unit_id = p_unit_id and d.day between p_from and p_to and d.region_code in (select code from scope)
    union all
    select d.day, d.region_code, d.unit_id, d.window_id, d.staff_user_id, d.matter_id, d.channel,
           null, null, null, 0, d.finished_count
    from app.finished_daily d
    where p_unit_id is null and d.day between p_from and p_to and d.region_code in (select code from scope)
    union all
    select d.day, d.region_code, d.unit_id, d.window_id, d.staff_user_id, d.matter_id, d.channel,
           null, null, null, 0, d.finished_count
    from app.finished_daily d
    where d.unit_id = p_unit_id and d.day between p_from and p_to and d.region_code in (select code from scope)
  ),
  g as (
    select case p_group_by
             when 'region' then f.region_code when 'unit' then f.unit_id::text when 'window' then f.window_id::text
             when 'officer' then f.staff_user_id::text when 'matter' then f.matter_id::text when 'channel' then f.channel
             when 'day' then f.day::text else to_char(f.day, 'YYYY-MM') end as k,
           coalesce(sum(f.rating_count) filter (where p_include_default or not f.is_default), 0)::bigint as n,
           coalesce(sum(f.rating_count) filter (where f.is_default), 0)::bigint as n_default,
           coalesce(sum(f.rating_count) filter (where f.level >= 4 and (p_include_default or not f.is_default)), 0)::bigint as n_good,
           coalesce(sum(f.rating_count) filter (where f.level = 3 and (p_include_default or not f.is_default)), 0)::bigint as n_neutral,
           coalesce(sum(f.rating_count) filter (where f.level <= 2), 0)::bigint as n_bad,
           coalesce(sum(f.finished_count), 0)::bigint as n_finished,
           coalesce(sum(f.rating_count) filter (where not f.is_default and not f.is_visit), 0)::bigint as n_active
    from facts f
    group by 1
  )
  -- Names by primary key: the keys of the uuid groupings are uuids (or null), and a CASE branch
  -- (with its cast) runs only for the grouping asked.
  select g.k,
         case p_group_by
           when 'region' then (select x.name from app.regions x where x.code = g.k)
           when 'unit' then (select x.name from app.units x where x.id = g.k::uuid)
           when 'window' then (select h.name || ' ' || x.name from app.windows x join app.halls h on h.id = x.hall_id where x.id = g.k::uuid)
           when 'officer' then (select x.masked_name from app.users x where x.id = g.k::uuid)
           when 'matter' then (select x.name from app.matters x where x.id = g.k::uuid)
           when 'channel' then (select c.label from (values ('pc', '网上'), ('mobile', '掌上'), ('qrcode', '扫码'), ('hall_pad', '评价器'),
                                  ('hall_terminal', '自助终端'), ('phone', '电话'), ('sms', '短信'), ('default', '默认')) as c (code, label) where c.code = g.k)
           else g.k
         end,
         g.n, g.n_default, g.n_good, g.n_neutral, g.n_bad, g.n_finished, g.n_active,
         round((g.n_good + g.n_neutral)::numeric / nullif(g.n, 0), 4),
         round(g.n_good::numeric / nullif(g.n, 0), 4),
         round(g.n_bad::numeric / nullif(g.n, 0), 4),
         round(g.n_active::numeric / nullif(g.n_finished, 0), 4)
  from g
  order by g.k nulls last;
$function$;
revoke all on function app.metric_rows(date, date, text, text, uuid, boolean) from public;

create or replace function public.stats (
  p_from            date,
  p_to              date,
  p_group_by        text    default 'unit'::text,
  p_region_code     text    default null::text,
  p_unit_id         uuid    default null::uuid,
  p_include_default boolean default true
)
  returns table (
    group_key                    text,
    group_name                   text,
    rating_count                 bigint,
    default_count                bigint,
    good_count                   bigint,
    neutral_count                bigint,
    bad_count                    bigint,
    finished_count               bigint,
    active_count                 bigint,
    satisfaction_rate            numeric,
    good_rate                    numeric,
    bad_rate                     numeric,
    active_rate                  numeric,
    substantiated_count          bigint,
    rectified_count              bigint,
    due_count                    bigint,
    on_time_count                bigint,
    realname_substantiated_count bigint,
    realname_revisited_count     bigint,
    rectify_rate                 numeric,
    on_time_rate                 numeric,
    realname_revisit_rate        numeric
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_region text;
begin
  if p_from is null or p_to is null or p_from > p_to or p_to - p_from > 3660 then
    perform app.raise_error('invalid_input', 'p_from/p_to');
  end if;
  if p_group_by is null or p_group_by not in ('region', 'unit', 'window', 'officer', 'matter', 'channel', 'day', 'month') then
    perform app.raise_error('invalid_input', 'p_group_by');
  end if;
  if not exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.role = 'supervisor') then
    perform app.raise_error('forbidden');
  end if;
  -- Default: the widest region the caller supervises.
  v_region := coalesce(p_region_code, (
    select s.scope_region_code from app.staff_roles s join app.regions r on r.code = s.scope_region_code
    where s.user_id = v_uid and s.role = 'supervisor'
    order by case r.level when 'province' then 1 when 'city' then 2 else 3 end limit 1));
  if v_region not in (select app.my_region_codes()) then
    perform app.raise_error('forbidden', 'p_region_code');
  end if;
  if p_unit_id is not null and not exists (
    select 1 from app.units u where u.id = p_unit_id and u.region_code in (select app.region_and_below(v_region))
  ) then
    perform app.raise_error('not_found', 'p_unit_id');
  end if;

  return query
  select m.*,
         coalesce(l.substantiated_count, 0), coalesce(l.rectified_count, 0), coalesce(l.due_count, 0), coalesce(l.on_time_count, 0),
         coalesce(l.realname_substantiated_count, 0), coalesce(l.realname_revisited_count, 0),
         round(l.rectified_count::numeric / nullif(l.substantiated_count, 0), 4),
         round(l.on_time_count::numeric / nullif(l.due_count, 0), 4),
         round(l.realname_revisited_count::numeric / nullif(l.realname_substantiated_count, 0), 4)
  from app.metric_rows(p_from, p_to, p_group_by, v_region, p_unit_id, p_include_default) m
  left join app.loop_metric_rows(p_from, p_to, p_group_by, v_region, p_unit_id, (now() at time zone 'Asia/Shanghai')::date) l
    on l.group_key is not distinct from m.group_key
  order by m.group_key nulls last;
end;
$function$;
comment on function public.stats(date, date, text, text, uuid, boolean) is 'SPEC §3 metrics for supervisors over their region (days in Asia/Shanghai), with the 差评 loop''s 整改率, 按时整改率 and 实名差评回访整改率 (the same in 含默认 and 仅主动: defaults open no orders).';
revoke all on function public.stats(date, date, text, text, uuid, boolean) from public;
grant execute on function public.stats(date, date, text, text, uuid, boolean) to authenticated, service_role;

create or replace function public.public_results (
  p_period      text,
  p_region_code text default '530900'::text
)
  returns table (
    region_code         text,
    region_name         text,
    unit_id             uuid,
    unit_name           text,
    rating_count        bigint,
    default_count       bigint,
    good_count          bigint,
    bad_count           bigint,
    satisfaction_rate   numeric,
    good_rate           numeric,
    active_rate         numeric,
    substantiated_count bigint,
    rectified_count     bigint,
    rectify_rate        numeric
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_from date;
  v_to date;
begin
  if p_period is null or p_period !~ '^\d{4}-(0[1-9]|1[0-2])$' then
    perform app.raise_error('invalid_input', 'p_period');
  end if;
  if p_region_code is null or not exists (select 1 from app.regions r where r.code = p_region_code) then
    perform app.raise_error('not_found', 'p_region_code');
  end if;
  v_from := to_date(p_period || '-01', 'YYYY-MM-DD');
  v_to := (v_from + interval '1 month')::date - 1;

  return query
  select u.region_code, g.name, u.id, u.name,
         coalesce(m.rating_count, 0), coalesce(m.default_count, 0), coalesce(m.good_count, 0), coalesce(m.bad_count, 0),
         m.satisfaction_rate, m.good_rate, m.active_rate,
         coalesce(l.substantiated_count, 0), coalesce(l.rectified_count, 0),
         round(l.rectified_count::numeric / nullif(l.substantiated_count, 0), 4)
  from app.units u
  join app.regions g on g.code = u.region_code
  left join app.metric_rows(v_from, v_to, 'unit', p_region_code, null, true) m on m.group_key = u.id::text
  left join app.loop_metric_rows(v_from, v_to, 'unit', p_region_code, null, (now() at time zone 'Asia/Shanghai')::date) l on l.group_key = u.id::text
  where u.region_code in (select app.region_and_below(p_region_code))
  order by u.region_code, u.name;
end;
$function$;
comment on function public.public_results(text, text) is 'R15: a month''s results per unit of a region (and the regions below it), with 差评数 and 整改率, for everyone.';
revoke all on function public.public_results(text, text) from public;
grant execute on function public.public_results(text, text) to anon, authenticated, service_role;

create or replace function app.loop_metric_rows (
  p_from        date,
  p_to          date,
  p_group_by    text,
  p_region_code text,
  p_unit_id     uuid,
  p_today       date
)
  returns table (
    group_key                    text,
    substantiated_count          bigint,
    rectified_count              bigint,
    due_count                    bigint,
    on_time_count                bigint,
    realname_substantiated_count bigint,
    realname_revisited_count     bigint
  )
  language sql
  stable
  set search_path to ''
  as $function$
  select case p_group_by
           when 'region' then w.region_code when 'unit' then w.unit_id::text when 'window' then w.window_id::text
           when 'officer' then w.staff_user_id::text when 'matter' then w.matter_id::text when 'channel' then w.channel
           when 'day' then w.rated_day::text else to_char(w.rated_day, 'YYYY-MM') end,
         count(*),
         count(*) filter (where w.rectified_at is not null),
         count(*) filter (where w.rectified_at is not null or w.rectify_due_on < p_today),
         count(*) filter (where (w.rectified_at at time zone 'Asia/Shanghai')::date <= w.rectify_due_on),
         count(*) filter (where w.is_realname),
         count(*) filter (where w.is_realname and w.rectified_at is not null and w.return_visit_recorded_at is not null)
  from app.work_orders w
  where w.rated_day between p_from and p_to
    and w.region_code in (select app.region_and_below(p_region_code))
    and (p_unit_id is null or w.unit_id = p_unit_id)
    and w.substantiated_at is not null
    and w.status not in ('dismissed', 'rerouted')
  group by 1;
$function$;
revoke all on function app.loop_metric_rows(date, date, text, text, uuid, date) from public;

create or replace function public.public_bad_review_board (
  p_period      text,
  p_region_code text default '530900'::text
)
  returns table (
    work_order_id uuid,
    rated_on      date,
    region_name   text,
    unit_name     text,
    matter_name   text,
    level         smallint,
    tags          text[],
    comment       text,
    status        text,
    rectified     boolean,
    reply         text,
    replied_on    date
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_from date;
begin
  if p_period is null or p_period !~ '^\d{4}-(0[1-9]|1[0-2])$' then
    perform app.raise_error('invalid_input', 'p_period');
  end if;
  if p_region_code is null or not exists (select 1 from app.regions r where r.code = p_region_code) then
    perform app.raise_error('not_found', 'p_region_code');
  end if;
  v_from := to_date(p_period || '-01', 'YYYY-MM-DD');
  return query
  select w.id, w.rated_day, g.name, u.name, m.name, r.level, r.tags,
         case when r.comment_public then r.comment end,
         w.status, w.rectified_at is not null, w.reply, (w.replied_at at time zone 'Asia/Shanghai')::date
  from app.work_orders w
  join app.ratings r on r.id = w.rating_id
  join app.units u on u.id = w.unit_id
  join app.regions g on g.code = w.region_code
  left join app.matters m on m.id = w.matter_id
  where w.rated_day between v_from and (v_from + interval '1 month')::date - 1
    and w.region_code in (select app.region_and_below(p_region_code))
    and w.status not in ('dismissed', 'rerouted')
    and r.validity = 'valid'
  order by w.rated_day desc, w.opened_at desc;
end;
$function$;
comment on function public.public_bad_review_board(text, text) is 'R15: a month''s 差评 with their rectification status and reply; no rater, officer or 办件 number, and the comment only where its rater allowed it.';
revoke all on function public.public_bad_review_board(text, text) from public;
grant execute on function public.public_bad_review_board(text, text) to anon, authenticated, service_role;

create or replace function public.set_comment_public (
  p_rating_id uuid,
  p_public    boolean
)
  returns table (
    id             uuid,
    comment_public boolean
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
begin
  if p_public is null then
    perform app.raise_error('invalid_input', 'p_public');
  end if;
  return query
  update app.ratings r set comment_public = p_public
  where r.id = p_rating_id and r.rater_user_id = v_uid
  returning r.id, r.comment_public;
  if not found then
    perform app.raise_error('not_found', 'p_rating_id');
  end if;
end;
$function$;
comment on function public.set_comment_public(uuid, boolean) is 'R15: the rater allows (or withdraws) publication of their comment on the 差评 board.';
revoke all on function public.set_comment_public(uuid, boolean) from public;
grant execute on function public.set_comment_public(uuid, boolean) to authenticated, service_role;

create table app.result_publications (
  period       text                     not null,
  region_code  text                     not null,
  published_by uuid                     not null,
  published_at timestamp with time zone not null default now(),
  note         text,
  constraint result_publications_note_check check ((char_length(note) <= 500)),
  constraint result_publications_period_check check ((period ~ '^\d{4}-(0[1-9]|1[0-2])$'::text)),
  constraint result_publications_pkey primary key (period, region_code)
);
alter table app.result_publications
  enable row level security;
alter table app.result_publications
  add constraint result_publications_region_code_fkey foreign key (region_code) references app.regions(code);
alter table app.result_publications
  add constraint result_publications_published_by_fkey foreign key (published_by) references app.users(id);
create index result_publications_published_by_idx on app.result_publications using btree (published_by);
create index result_publications_region_code_idx on app.result_publications using btree (region_code);
comment on table app.result_publications is 'R15: months whose results a supervisor of the region has published.';
grant select on table app.result_publications to service_role;

create or replace function public.publish_results (
  p_period      text,
  p_region_code text,
  p_note        text default null::text
)
  returns table (
    period       text,
    region_code  text,
    published_at timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
#variable_conflict use_column
declare
  v_uid uuid := app.require_region_supervisor(p_region_code);
begin
  if p_period is null or p_period !~ '^\d{4}-(0[1-9]|1[0-2])$' then
    perform app.raise_error('invalid_input', 'p_period');
  end if;
  -- Only a month that is over (Asia/Shanghai).
  if to_date(p_period || '-01', 'YYYY-MM-DD') + interval '1 month' > (now() at time zone 'Asia/Shanghai')::date then
    perform app.raise_error('period_not_over', p_period);
  end if;
  if char_length(p_note) > 500 then
    perform app.raise_error('invalid_input', 'p_note');
  end if;
  return query
  insert into app.result_publications as p (period, region_code, published_by, note)
  values (p_period, p_region_code, v_uid, nullif(btrim(p_note), ''))
  on conflict (period, region_code) do update set published_at = now(), published_by = v_uid, note = excluded.note
  returning p.period, p.region_code, p.published_at;
end;
$function$;
comment on function public.publish_results(text, text, text) is 'R15: a supervisor publishes a finished month''s results for their region (again = re-published).';
revoke all on function public.publish_results(text, text, text) from public;
grant execute on function public.publish_results(text, text, text) to authenticated, service_role;

create or replace function public.published_periods (
  p_region_code text default '530900'::text
)
  returns table (
    period       text,
    region_code  text,
    region_name  text,
    published_at timestamp with time zone,
    note         text
  )
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select p.period, p.region_code, r.name, p.published_at, p.note
  from app.result_publications p join app.regions r on r.code = p.region_code
  where p.region_code = p_region_code
  order by p.period desc;
$function$;
comment on function public.published_periods(text) is 'R15: the months published for a region, newest first (anyone).';
revoke all on function public.published_periods(text) from public;
grant execute on function public.published_periods(text) to anon, authenticated, service_role;

create or replace function app.rating_rollup_statement (
  p_rows   text,
  p_sign   integer,
  p_filter text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  select format($f$
    insert into app.rating_daily as d (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, level, is_default, is_visit, rating_count)
    select (r.rated_at at time zone 'Asia/Shanghai')::date, r.region_code, r.unit_id, r.window_id, r.staff_user_id, r.matter_id,
           r.channel, r.level, r.is_default, r.transaction_id is null, %s * count(*)
    from %I r
    where r.assess_number = 1 and r.validity = 'valid' %s
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    on conflict (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, level, is_default, is_visit)
    do update set rating_count = d.rating_count + excluded.rating_count$f$, p_sign, p_rows, p_filter);
$function$;

create or replace function app.rollup_ratings()
  returns trigger
  language plpgsql
  set search_path to ''
  as $function$
declare
  v_changed text := '';
begin
  if tg_op = 'UPDATE' then
    v_changed := $c$ and r.id in (
      select n.id from old_rows o join new_rows n on n.id = o.id
      where (o.validity, o.level, o.is_default, o.assess_number, o.rated_at, o.channel, o.unit_id, o.window_id, o.staff_user_id, o.matter_id, o.region_code)
        is distinct from (n.validity, n.level, n.is_default, n.assess_number, n.rated_at, n.channel, n.unit_id, n.window_id, n.staff_user_id, n.matter_id, n.region_code))$c$;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    execute app.rating_rollup_statement('old_rows', -1, v_changed);
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    execute app.rating_rollup_statement('new_rows', 1, v_changed);
  end if;
  return null;
end;
$function$;

create or replace function app.finished_rollup_statement (
  p_rows   text,
  p_sign   integer,
  p_filter text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  select format($f$
    insert into app.finished_daily as d (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, finished_count)
    select (t.finished_at at time zone 'Asia/Shanghai')::date, t.region_code, t.unit_id, t.window_id, t.staff_user_id, t.matter_id,
           t.channel, %s * count(*)
    from %I t
    where t.status = 'finished' %s
    group by 1, 2, 3, 4, 5, 6, 7
    on conflict (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel)
    do update set finished_count = d.finished_count + excluded.finished_count$f$, p_sign, p_rows, p_filter);
$function$;

create or replace function app.rollup_finished()
  returns trigger
  language plpgsql
  set search_path to ''
  as $function$
declare
  v_changed text := '';
begin
  if tg_op = 'UPDATE' then
    v_changed := $c$ and t.id in (
      select n.id from old_rows o join new_rows n on n.id = o.id
      where (o.status, o.finished_at, o.channel, o.unit_id, o.window_id, o.staff_user_id, o.matter_id, o.region_code)
        is distinct from (n.status, n.finished_at, n.channel, n.unit_id, n.window_id, n.staff_user_id, n.matter_id, n.region_code))$c$;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    execute app.finished_rollup_statement('old_rows', -1, v_changed);
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    execute app.finished_rollup_statement('new_rows', 1, v_changed);
  end if;
  return null;
end;
$function$;

create trigger ratings_rollup_insert
  after insert on app.ratings referencing new table as new_rows
  for each statement
  execute function app.rollup_ratings();

create trigger ratings_rollup_update
  after update on app.ratings referencing old table as old_rows new table as new_rows
  for each statement
  execute function app.rollup_ratings();

create trigger ratings_rollup_delete
  after delete on app.ratings referencing old table as old_rows
  for each statement
  execute function app.rollup_ratings();

create trigger transactions_rollup_insert
  after insert on app.transactions referencing new table as new_rows
  for each statement
  execute function app.rollup_finished();

create trigger transactions_rollup_update
  after update on app.transactions referencing old table as old_rows new table as new_rows
  for each statement
  execute function app.rollup_finished();

create trigger transactions_rollup_delete
  after delete on app.transactions referencing old table as old_rows
  for each statement
  execute function app.rollup_finished();

create policy rating_daily_select on app.rating_daily
  for select
  to service_role
  using (true);

create policy finished_daily_select on app.finished_daily
  for select
  to service_role
  using (true);

create policy result_publications_select on app.result_publications
  for select
  to service_role
  using (true);

-- ══════════ supabase/schemas/05_identity.sql ══════════

-- Identity: platform logins (WeChat, Alipay, H5), refresh tokens, real-name binding with the
-- identity platform's nonce, the encrypted identity fields (PII key in Vault, blind indexes,
-- masks) and the purge of spent tokens and nonces. The demo personas of auth-dev live here too.


create table app.dev_personas (
  key     text not null,
  user_id uuid not null,
  label   text not null,
  constraint dev_personas_key_check check ((key ~ '^[a-z]+(-[a-z]+)*$'::text)),
  constraint dev_personas_pkey primary key (key),
  constraint dev_personas_user_id_key unique (user_id)
);
alter table app.dev_personas
  enable row level security;
alter table app.dev_personas
  add constraint dev_personas_user_id_fkey foreign key (user_id) references app.users(id);
comment on table app.dev_personas is 'Seeded demo users that auth-dev may log in as (local and test stacks only).';
grant select on table app.dev_personas to service_role;

create or replace function public.dev_personas()
  returns table (
    key     text,
    label   text,
    user_id uuid
  )
  language sql
  stable
  set search_path to ''
  as $function$
  select key, label, user_id from app.dev_personas order by key;
$function$;
comment on function public.dev_personas() is 'Demo personas for auth-dev (service role only).';
revoke all on function public.dev_personas() from public;
grant execute on function public.dev_personas() to service_role;

create or replace function app.pii_master_key()
  returns text
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_key text;
begin
  select s.decrypted_secret into v_key from vault.decrypted_secrets s where s.name = 'hcp_pii_key' limit 1;
  if v_key is null or length(v_key) < 32 then
    raise exception 'PII key is not configured: the Vault secret hcp_pii_key is missing or shorter than 32 characters'
      using errcode = '55000';
  end if;
  return v_key;
end;
$function$;
comment on function app.pii_master_key() is 'Master secret of the identity encryption: the Vault secret hcp_pii_key. Never exposed.';
revoke all on function app.pii_master_key() from public;

create or replace function app.pii_key (
  p_purpose text
)
  returns text
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select encode(extensions.hmac(convert_to('hcp-pii:' || p_purpose, 'UTF8'), convert_to(app.pii_master_key(), 'UTF8'), 'sha256'), 'hex');
$function$;
comment on function app.pii_key(text) is 'Derived working key (HMAC of the master secret by purpose). Never exposed.';
revoke all on function app.pii_key(text) from public;

create or replace function app.pii_encrypt (
  p_value text
)
  returns bytea
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select case when p_value is null then null
    else extensions.pgp_sym_encrypt(p_value, app.pii_key('encrypt'), 'cipher-algo=aes256, compress-algo=0, s2k-mode=1') end;
$function$;
comment on function app.pii_encrypt(text) is 'pgp_sym_encrypt (AES-256, salted S2K) with the derived encryption key; null stays null.';
revoke all on function app.pii_encrypt(text) from public;

create or replace function app.pii_decrypt (
  p_value bytea
)
  returns text
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select case when p_value is null then null else extensions.pgp_sym_decrypt(p_value, app.pii_key('encrypt')) end;
$function$;
comment on function app.pii_decrypt(bytea) is 'Inverse of app.pii_encrypt. Executable by no API role.';
revoke all on function app.pii_decrypt(bytea) from public;

create or replace function app.pii_normalize (
  p_kind  text,
  p_value text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  select case p_kind
    when 'id_number' then upper(regexp_replace(p_value, '\s', '', 'g'))
    when 'phone' then regexp_replace(regexp_replace(p_value, '\D', '', 'g'), '^86(1\d{10})$', '\1')
    else null end;
$function$;
comment on function app.pii_normalize(text, text) is 'Canonical form of an ID number or phone before indexing.';
revoke all on function app.pii_normalize(text, text) from public;

create or replace function app.pii_blind_index (
  p_kind  text,
  p_value text
)
  returns bytea
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select case when nullif(p_value, '') is null then null
    else extensions.hmac(convert_to(p_kind || ':' || app.pii_normalize(p_kind, p_value), 'UTF8'), convert_to(app.pii_key('blind-index'), 'UTF8'), 'sha256') end;
$function$;
comment on function app.pii_blind_index(text, text) is 'Keyed HMAC-SHA256 of the normalized value, prefixed by its kind: equal values match, nothing else can be learned.';
revoke all on function app.pii_blind_index(text, text) from public;

create or replace function app.mask_name (
  p_name text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  select case
    when t is null or t = '' then ''
    when char_length(t) = 1 then '*'
    when char_length(t) = 2 then left(t, 1) || '*'
    else left(t, 1) || repeat('*', char_length(t) - 2) || right(t, 1) end
  from (select app.trim_ws(p_name) as t) n;
$function$;
comment on function app.mask_name(text) is 'Masked display name: first character, stars, and the last character from three characters on (trimmed as shared/ maskName trims).';
revoke all on function app.mask_name(text) from public;

create or replace function app.mask_phone (
  p_phone text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  select case
    when p_phone is null or app.pii_normalize('phone', p_phone) !~ '^\d{7,}$' then ''
    else left(app.pii_normalize('phone', p_phone), 3) || '****' || right(app.pii_normalize('phone', p_phone), 4) end;
$function$;
comment on function app.mask_phone(text) is 'Masked phone: first 3 and last 4 digits (138****5678); empty when there is none.';
revoke all on function app.mask_phone(text) from public;

create table app.user_identities (
  user_id        uuid                     not null,
  name_enc       bytea                    not null,
  id_number_enc  bytea                    not null,
  phone_enc      bytea,
  id_number_bidx bytea                    not null,
  phone_bidx     bytea,
  source         text                     not null,
  updated_at     timestamp with time zone not null default now(),
  constraint user_identities_id_number_bidx_key unique (id_number_bidx),
  constraint user_identities_pkey primary key (user_id),
  constraint user_identities_source_check check ((source = any (array['provincial_idp'::text, 'business_system'::text])))
);
alter table app.user_identities
  enable row level security;
alter table app.user_identities
  add constraint user_identities_user_id_fkey foreign key (user_id) references app.users(id) on delete cascade;
create index user_identities_phone_bidx_idx on app.user_identities using btree (phone_bidx);
comment on table app.user_identities is 'Encrypted identity of a person (R13). No API role has any grant; only definer functions read or write it.';
comment on column app.user_identities.id_number_bidx is 'Blind index of the ID number (app.pii_blind_index): one row per person.';
comment on column app.user_identities.id_number_enc is '居民身份证号码, app.pii_encrypt.';
comment on column app.user_identities.name_enc is 'Real name, app.pii_encrypt.';
comment on column app.user_identities.phone_bidx is 'Blind index of the phone, for matching.';
comment on column app.user_identities.phone_enc is 'Mobile number, app.pii_encrypt; null when the identity platform gave none.';
comment on column app.user_identities.source is 'provincial_idp: verified by the provincial identity platform (实名); business_system: given by a business system for a 办件 applicant.';

create or replace function app.store_identity (
  p_user_id   uuid,
  p_name      text,
  p_id_number text,
  p_phone     text,
  p_source    text,
  p_now       timestamp with time zone default now()
)
  returns void
  language plpgsql
  security definer
  set search_path to ''
  as $function$
begin
  insert into app.user_identities as i (user_id, name_enc, id_number_enc, phone_enc, id_number_bidx, phone_bidx, source, updated_at)
  values (p_user_id, app.pii_encrypt(btrim(p_name)), app.pii_encrypt(app.pii_normalize('id_number', p_id_number)),
          app.pii_encrypt(app.pii_normalize('phone', nullif(p_phone, ''))),
          app.pii_blind_index('id_number', p_id_number), app.pii_blind_index('phone', p_phone), p_source, p_now)
  on conflict (user_id) do update set
    name_enc = excluded.name_enc, id_number_enc = excluded.id_number_enc, phone_enc = excluded.phone_enc,
    id_number_bidx = excluded.id_number_bidx, phone_bidx = excluded.phone_bidx,
    source = case when i.source = 'provincial_idp' then i.source else excluded.source end,
    updated_at = excluded.updated_at;
  update app.users set masked_name = app.mask_name(p_name), masked_phone = app.mask_phone(p_phone) where id = p_user_id;
end;
$function$;
comment on function app.store_identity(uuid, text, text, text, text, timestamp with time zone) is 'Encrypts and stores a person''s identity, with blind indexes and masked display values. Executable by no API role.';
revoke all on function app.store_identity(uuid, text, text, text, text, timestamp with time zone) from public;

create or replace function app.user_id_by_id_number (
  p_id_number text
)
  returns uuid
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select coalesce(u.merged_into, u.id)
  from app.user_identities i join app.users u on u.id = i.user_id
  where i.id_number_bidx = app.pii_blind_index('id_number', p_id_number);
$function$;
comment on function app.user_id_by_id_number(text) is 'Blind-index lookup of a person by ID number. Executable by no API role.';
revoke all on function app.user_id_by_id_number(text) from public;

create or replace function app.user_identity_plain (
  p_user_id uuid
)
  returns table (
    name      text,
    id_number text,
    phone     text
  )
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select app.pii_decrypt(name_enc), app.pii_decrypt(id_number_enc), app.pii_decrypt(phone_enc)
  from app.user_identities where user_id = p_user_id;
$function$;
comment on function app.user_identity_plain(uuid) is 'Decrypts one person''s identity. Executable by no API role; not reachable through PostgREST.';
revoke all on function app.user_identity_plain(uuid) from public;

create or replace function app.user_masked_contact (
  p_user_id uuid
)
  returns table (
    masked_name  text,
    masked_phone text
  )
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select s.masked_name, s.masked_phone
  from app.users u join app.users s on s.id = coalesce(u.merged_into, u.id)
  where u.id = p_user_id;
$function$;
comment on function app.user_masked_contact(uuid) is 'Masked name and phone of a user (following a merge), e.g. 张* / 138****5678. Executable by no API role.';
revoke all on function app.user_masked_contact(uuid) from public;

create table app.refresh_tokens (
  id            uuid                     not null default gen_random_uuid(),
  family_id     uuid                     not null,
  user_id       uuid                     not null,
  token_hash    bytea                    not null,
  issued_at     timestamp with time zone not null,
  expires_at    timestamp with time zone not null,
  used_at       timestamp with time zone,
  revoked_at    timestamp with time zone,
  revoke_reason text,
  constraint refresh_tokens_check check ((expires_at > issued_at)),
  constraint refresh_tokens_pkey primary key (id),
  constraint refresh_tokens_revoke_reason_check check ((revoke_reason = any (array['reuse'::text, 'merged'::text, 'logout'::text]))),
  constraint refresh_tokens_token_hash_key unique (token_hash)
);
alter table app.refresh_tokens
  enable row level security;
alter table app.refresh_tokens
  add constraint refresh_tokens_user_id_fkey foreign key (user_id) references app.users(id) on delete cascade;
create index refresh_tokens_family_id_idx on app.refresh_tokens using btree (family_id);
create index refresh_tokens_user_id_idx on app.refresh_tokens using btree (user_id);
comment on table app.refresh_tokens is 'Refresh tokens by SHA-256 hash; single use, rotated, family revoked on reuse. No API role has a grant.';
comment on column app.refresh_tokens.family_id is 'All tokens rotated from one login share it; reuse of any revokes them all.';
comment on column app.refresh_tokens.revoke_reason is 'reuse: a spent token was presented again; merged: the account was merged into the same person''s row; logout.';
comment on column app.refresh_tokens.used_at is 'When it was traded for its successor (it is then spent).';

create or replace function app.issue_refresh_token (
  p_user_id   uuid,
  p_family_id uuid                     default null::uuid,
  p_now       timestamp with time zone default now()
)
  returns table (
    refresh_token      text,
    refresh_expires_at timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_token text := 'hcp_rt_' || translate(encode(extensions.gen_random_bytes(32), 'base64'), '+/=', '-_');
  v_expires timestamptz := p_now + interval '30 days';
begin
  insert into app.refresh_tokens (family_id, user_id, token_hash, issued_at, expires_at)
  values (coalesce(p_family_id, gen_random_uuid()), p_user_id, extensions.digest(v_token, 'sha256'), p_now, v_expires);
  return query select v_token, v_expires;
end;
$function$;
comment on function app.issue_refresh_token(uuid, uuid, timestamp with time zone) is 'Issues a refresh token (hcp_rt_ + 43 base64url chars), valid 30 days; only its hash is kept. Executable by no API role.';
revoke all on function app.issue_refresh_token(uuid, uuid, timestamp with time zone) from public;

create or replace function public.rotate_refresh_token (
  p_refresh_token text,
  p_now           timestamp with time zone default now()
)
  returns table (
    status             text,
    user_id            uuid,
    masked_name        text,
    realname_verified  boolean,
    refresh_token      text,
    refresh_expires_at timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_row app.refresh_tokens;
  v_user app.users;
begin
  select * into v_row from app.refresh_tokens t
  where t.token_hash = extensions.digest(coalesce(p_refresh_token, ''), 'sha256')
  for update;
  if not found or v_row.revoked_at is not null then
    return query select 'invalid'::text, null::uuid, null::text, null::boolean, null::text, null::timestamptz;
    return;
  end if;
  if v_row.used_at is not null then
    update app.refresh_tokens t set revoked_at = p_now, revoke_reason = 'reuse'
    where t.family_id = v_row.family_id and t.revoked_at is null;
    return query select 'reused'::text, v_row.user_id, null::text, null::boolean, null::text, null::timestamptz;
    return;
  end if;
  if v_row.expires_at <= p_now then
    return query select 'expired'::text, v_row.user_id, null::text, null::boolean, null::text, null::timestamptz;
    return;
  end if;
  select * into v_user from app.users u where u.id = v_row.user_id;
  if v_user.merged_into is not null then
    return query select 'invalid'::text, null::uuid, null::text, null::boolean, null::text, null::timestamptz;
    return;
  end if;
  update app.refresh_tokens t set used_at = p_now where t.id = v_row.id;
  return query
    select 'ok'::text, v_user.id, v_user.masked_name, v_user.realname_verified_at is not null, n.refresh_token, n.refresh_expires_at
    from app.issue_refresh_token(v_user.id, v_row.family_id, p_now) n;
end;
$function$;
comment on function public.rotate_refresh_token(text, timestamp with time zone) is 'auth-refresh: single-use rotation of a refresh token; status ok | invalid | expired | reused (reuse revokes the family). Service role only.';
revoke all on function public.rotate_refresh_token(text, timestamp with time zone) from public;
grant execute on function public.rotate_refresh_token(text, timestamp with time zone) to service_role;

create or replace function public.revoke_refresh_token (
  p_refresh_token text,
  p_now           timestamp with time zone default now()
)
  returns boolean
  language sql
  security definer
  set search_path to ''
  as $function$
  with target as (
    select family_id from app.refresh_tokens where token_hash = extensions.digest(coalesce(p_refresh_token, ''), 'sha256')
  ), revoked as (
    update app.refresh_tokens t set revoked_at = p_now, revoke_reason = 'logout'
    from target where t.family_id = target.family_id and t.revoked_at is null
    returning t.id
  )
  select exists (select 1 from target);
$function$;
comment on function public.revoke_refresh_token(text, timestamp with time zone) is 'Logout: revokes every token of the given token''s family. Service role only.';
revoke all on function public.revoke_refresh_token(text, timestamp with time zone) from public;
grant execute on function public.revoke_refresh_token(text, timestamp with time zone) to service_role;

create table app.user_platform_links (
  id            uuid                     not null default gen_random_uuid(),
  user_id       uuid                     not null,
  platform      text                     not null,
  app_id        text                     not null,
  subject       text                     not null,
  unionid       text,
  created_at    timestamp with time zone not null default now(),
  last_login_at timestamp with time zone not null default now(),
  constraint user_platform_links_app_id_check check ((app_id <> ''::text)),
  constraint user_platform_links_pkey primary key (id),
  constraint user_platform_links_platform_app_id_subject_key unique (platform, app_id, subject),
  constraint user_platform_links_platform_check check ((platform = any (array['wechat'::text, 'alipay'::text]))),
  constraint user_platform_links_subject_check check ((subject <> ''::text))
);
alter table app.user_platform_links
  enable row level security;
alter table app.user_platform_links
  add constraint user_platform_links_user_id_fkey foreign key (user_id) references app.users(id);
create index user_platform_links_unionid_idx on app.user_platform_links using btree (unionid)
  where (unionid is not null);
create index user_platform_links_user_id_idx on app.user_platform_links using btree (user_id);
comment on table app.user_platform_links is 'Platform accounts of a person: WeChat openid (+ unionid), Alipay user_id / open_id. No API role has a grant.';
comment on column app.user_platform_links.app_id is 'The mini-program''s appid (WeChat) or app_id (Alipay) the subject belongs to.';
comment on column app.user_platform_links.subject is 'WeChat openid; Alipay open_id, or user_id (2088…) for apps that still receive it.';
comment on column app.user_platform_links.unionid is 'WeChat unionid when the platform gave one (kept, never cleared by a later login without it).';

create or replace function public.platform_login (
  p_platform text,
  p_app_id   text,
  p_subject  text,
  p_unionid  text                     default null::text,
  p_now      timestamp with time zone default now()
)
  returns table (
    user_id            uuid,
    masked_name        text,
    realname_verified  boolean,
    refresh_token      text,
    refresh_expires_at timestamp with time zone,
    is_new             boolean
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_link app.user_platform_links;
  v_user_id uuid;
  v_new boolean := false;
  v_unionid text := nullif(btrim(p_unionid), '');
  v_user app.users;
begin
  if p_platform is null or p_platform not in ('wechat', 'alipay') then
    perform app.raise_error('invalid_input', 'p_platform');
  end if;
  -- The caller's own app id (WeChat wx + 16 hex, Alipay 16 digits, or a local stand-in's):
  -- a short token, never free text.
  if p_app_id is null or p_app_id !~ '^[A-Za-z0-9_-]{1,64}$' then
    perform app.raise_error('invalid_input', 'p_app_id');
  end if;
  -- WeChat's unionid is 28 characters; anything far longer is not one.
  if length(p_unionid) > 128 then
    perform app.raise_error('invalid_input', 'p_unionid');
  end if;
  if nullif(btrim(p_subject), '') is null or length(p_subject) > 128 then
    perform app.raise_error('invalid_input', 'p_subject');
  end if;
  -- Two first logins of one account at once must not create two people.
  perform pg_advisory_xact_lock(hashtext('platform_login:' || p_platform || ':' || p_app_id || ':' || p_subject));

  select * into v_link from app.user_platform_links l
  where l.platform = p_platform and l.app_id = p_app_id and l.subject = p_subject;
  if found then
    v_user_id := v_link.user_id;
    update app.user_platform_links l
    set last_login_at = p_now, unionid = coalesce(v_unionid, l.unionid)
    where l.id = v_link.id;
  else
    if p_platform = 'wechat' and v_unionid is not null then
      select l.user_id into v_user_id from app.user_platform_links l
      where l.platform = 'wechat' and l.unionid = v_unionid
      order by l.created_at limit 1;
    end if;
    if v_user_id is null then
      insert into app.users (masked_name)
      values (case p_platform when 'wechat' then '微信用户' else '支付宝用户' end)
      returning id into v_user_id;
      v_new := true;
    end if;
    insert into app.user_platform_links (user_id, platform, app_id, subject, unionid, created_at, last_login_at)
    values (v_user_id, p_platform, p_app_id, p_subject, v_unionid, p_now, p_now);
  end if;

  select * into v_user from app.users u where u.id = v_user_id;
  if v_user.merged_into is not null then
    -- Links move on a merge; one left behind still reaches the person.
    select * into v_user from app.users u where u.id = v_user.merged_into;
  end if;
  return query
    select v_user.id, v_user.masked_name, v_user.realname_verified_at is not null, t.refresh_token, t.refresh_expires_at, v_new
    from app.issue_refresh_token(v_user.id, null, p_now) t;
end;
$function$;
comment on function public.platform_login(text, text, text, text, timestamp with time zone) is 'auth-wechat / auth-alipay: find or create the person of a platform account (unionid kept) and start a refresh-token family. Service role only.';
revoke all on function public.platform_login(text, text, text, text, timestamp with time zone) from public;
grant execute on function public.platform_login(text, text, text, text, timestamp with time zone) to service_role;

create table app.realname_tickets (
  ticket_id  text                     not null,
  user_id    uuid                     not null,
  expires_at timestamp with time zone not null,
  used_at    timestamp with time zone not null,
  constraint realname_tickets_pkey primary key (ticket_id),
  constraint realname_tickets_ticket_id_check check (((ticket_id <> ''::text) and (length(ticket_id) <= 128)))
);
alter table app.realname_tickets
  enable row level security;
alter table app.realname_tickets
  add constraint realname_tickets_user_id_fkey foreign key (user_id) references app.users(id);
create index realname_tickets_user_id_idx on app.realname_tickets using btree (user_id);
comment on table app.realname_tickets is 'Ticket ids (jti) of the identity platform already used: a ticket binds once. No API role has a grant.';
comment on column app.realname_tickets.user_id is 'The account that presented the ticket.';

create or replace function public.bind_realname (
  p_user_id           uuid,
  p_ticket_id         text,
  p_ticket_expires_at timestamp with time zone,
  p_nonce             text,
  p_verify_method     text,
  p_name              text,
  p_id_number         text,
  p_phone             text                     default null::text,
  p_now               timestamp with time zone default now()
)
  returns table (
    user_id            uuid,
    masked_name        text,
    realname_verified  boolean,
    merged_from        uuid,
    refresh_token      text,
    refresh_expires_at timestamp with time zone,
    refused            text
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_caller app.users;
  v_nonce app.realname_nonces;
  v_strong text[];
  v_target uuid;
  v_bidx bytea;
  v_own bytea;
  v_other uuid;
  v_reasons text[];
  v_user app.users;
  v_inserted boolean;
begin
  if nullif(btrim(p_ticket_id), '') is null or length(p_ticket_id) > 128 then
    perform app.raise_error('invalid_input', 'p_ticket_id');
  end if;
  if p_name is null or char_length(btrim(p_name)) not between 1 and 50 then
    perform app.raise_error('invalid_input', 'p_name');
  end if;
  if p_id_number is null or app.pii_normalize('id_number', p_id_number) !~ '^\d{17}[\dX]$' then
    perform app.raise_error('invalid_input', 'p_id_number');
  end if;
  if nullif(p_phone, '') is not null and app.pii_normalize('phone', p_phone) !~ '^1\d{10}$' then
    perform app.raise_error('invalid_input', 'p_phone');
  end if;
  if p_ticket_expires_at is null or p_ticket_expires_at <= p_now then
    perform app.raise_error('ticket_expired', 'exp');
  end if;
  -- A ticket lives minutes (TICKET_TTL_S); an expiry days ahead, or infinite, is no ticket the
  -- identity platform signed for a person at a counter.
  if p_ticket_expires_at > p_now + interval '1 day' then
    perform app.raise_error('invalid_input', 'p_ticket_expires_at');
  end if;

  select * into v_caller from app.users u where u.id = p_user_id for update;
  if not found or v_caller.merged_into is not null then
    perform app.raise_error('unauthorized', 'p_user_id');
  end if;

  if exists (select 1 from app.realname_tickets k where k.ticket_id = p_ticket_id) then
    perform app.raise_error('ticket_replayed', 'jti');
  end if;

  -- The ticket must answer a nonce this very account asked for.
  if nullif(btrim(p_nonce), '') is null then
    perform app.raise_error('realname_nonce_missing', 'nonce');
  end if;
  select * into v_nonce from app.realname_nonces n where n.nonce = p_nonce for update;
  if not found or v_nonce.user_id <> p_user_id then
    perform app.raise_error('realname_nonce_invalid', 'nonce');
  end if;
  if v_nonce.used_at is not null then
    perform app.raise_error('realname_nonce_used', 'nonce');
  end if;
  if v_nonce.expires_at <= p_now then
    perform app.raise_error('realname_nonce_expired', 'nonce');
  end if;

  select s.strong_verify_methods into v_strong from app.realname_settings s where s.id;
  if p_verify_method is null or not (p_verify_method = any (coalesce(v_strong, array['face']))) then
    perform app.raise_error('realname_method_weak', 'verify_method');
  end if;

  v_bidx := app.pii_blind_index('id_number', p_id_number);
  select i.id_number_bidx into v_own from app.user_identities i where i.user_id = p_user_id and i.source = 'provincial_idp';
  if v_own is not null and v_own <> v_bidx then
    perform app.raise_error('realname_mismatch');
  end if;

  perform pg_advisory_xact_lock(hashtext('bind_realname:' || encode(v_bidx, 'hex')));
  select i.user_id into v_other from app.user_identities i where i.id_number_bidx = v_bidx;

  if v_other is not null and v_other <> p_user_id then
    -- Somebody can already reach that row (an officer, or the person through their own login):
    -- a ticket never hands it to another login. Only the audit row is written.
    v_reasons := array_remove(array[
      case when exists (select 1 from app.staff_roles r where r.user_id = v_other) then 'staff_role' end,
      case when exists (select 1 from app.user_platform_links l where l.user_id = v_other) then 'platform_link' end
    ], null);
    if cardinality(v_reasons) > 0 then
      perform app.audit('identity', p_user_id, 'realname_merge_refused', '530900', null, null, null, null, null,
        jsonb_build_object('caller_user_id', p_user_id, 'target_user_id', v_other, 'reasons', to_jsonb(v_reasons),
                           'ticket_id', p_ticket_id, 'verify_method', p_verify_method));
      return query select null::uuid, null::text, null::boolean, null::uuid, null::text, null::timestamptz,
                          'realname_merge_refused'::text;
      return;
    end if;
  end if;

  insert into app.realname_tickets (ticket_id, user_id, expires_at, used_at)
  values (p_ticket_id, p_user_id, p_ticket_expires_at, p_now)
  on conflict (ticket_id) do nothing
  returning true into v_inserted;
  if v_inserted is null then
    perform app.raise_error('ticket_replayed', 'jti');
  end if;
  update app.realname_nonces n set used_at = p_now where n.nonce = p_nonce;

  v_target := p_user_id;
  if v_other is not null and v_other <> p_user_id then
    -- The same person already has a row nobody logs into: this account joins it. The caller's
    -- own identity row (a business system's unverified record) gives way.
    delete from app.user_identities i where i.user_id = p_user_id;
    update app.user_platform_links l set user_id = v_other where l.user_id = p_user_id;
    update app.refresh_tokens t set revoked_at = p_now, revoke_reason = 'merged'
    where t.user_id = p_user_id and t.revoked_at is null;
    update app.users u set merged_into = v_other where u.id = p_user_id;
    update app.users u set merged_into = v_other where u.merged_into = p_user_id;
    perform app.audit('identity', p_user_id, 'realname_merged', '530900', null, null, null, null, null,
      jsonb_build_object('caller_user_id', p_user_id, 'target_user_id', v_other,
                         'ticket_id', p_ticket_id, 'verify_method', p_verify_method));
    v_target := v_other;
  end if;

  perform app.store_identity(v_target, p_name, p_id_number, p_phone, 'provincial_idp', p_now);
  update app.users u set realname_verified_at = p_now where u.id = v_target;

  select * into v_user from app.users u where u.id = v_target;
  if v_target = p_user_id then
    return query select v_user.id, v_user.masked_name, true, null::uuid, null::text, null::timestamptz, null::text;
  else
    return query
      select v_user.id, v_user.masked_name, true, p_user_id, t.refresh_token, t.refresh_expires_at, null::text
      from app.issue_refresh_token(v_user.id, null, p_now) t;
  end if;
end;
$function$;
comment on function public.bind_realname(uuid, text, timestamp with time zone, text, text, text, text, text, timestamp with time zone) is 'realname-bind: bind a verified identity. The ticket''s nonce must be one realname_nonce() issued to p_user_id (live, unused), its verify_method one of app.realname_settings.strong_verify_methods; ticket id once only; encrypted; masked values. Merges into the same person''s row only when that row has no staff role and no platform link (then with a new refresh token); otherwise answers refused = realname_merge_refused and writes only the audit row. Service role only.';
revoke all on function public.bind_realname(uuid, text, timestamp with time zone, text, text, text, text, text, timestamp with time zone) from public;
grant execute on function public.bind_realname(uuid, text, timestamp with time zone, text, text, text, text, text, timestamp with time zone) to service_role;

create or replace function public.session_user_info (
  p_user_id uuid
)
  returns table (
    user_id           uuid,
    masked_name       text,
    realname_verified boolean
  )
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select u.id, u.masked_name, u.realname_verified_at is not null
  from app.users u where u.id = p_user_id and u.merged_into is null;
$function$;
comment on function public.session_user_info(uuid) is 'Display fields of a session''s user (none when merged away). Service role only.';
revoke all on function public.session_user_info(uuid) from public;
grant execute on function public.session_user_info(uuid) to service_role;

create or replace function public.purge_identity_tokens (
  p_now timestamp with time zone default now()
)
  returns table (
    refresh_tokens_deleted integer,
    tickets_deleted        integer
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_tokens int;
  v_tickets int;
begin
  delete from app.refresh_tokens t
  where coalesce(t.revoked_at, t.expires_at) < p_now - interval '30 days'
    and (t.revoked_at is not null or t.expires_at < p_now - interval '30 days');
  get diagnostics v_tokens = row_count;
  delete from app.realname_tickets k where k.expires_at < p_now;
  get diagnostics v_tickets = row_count;
  delete from app.realname_nonces n where n.expires_at < p_now - interval '1 day';
  return query select v_tokens, v_tickets;
end;
$function$;
comment on function public.purge_identity_tokens(timestamp with time zone) is 'Job: deletes refresh tokens 30 days after they expired or were revoked, used ticket ids once their ticket expired, and 实名认证 nonces a day after they expired. Service role only.';
revoke all on function public.purge_identity_tokens(timestamp with time zone) from public;
grant execute on function public.purge_identity_tokens(timestamp with time zone) to service_role;

create or replace function app.trim_ws (
  p_text text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  select btrim(p_text, E'\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff');
$function$;
comment on function app.trim_ws(text) is 'String.prototype.trim in SQL: strips the Unicode white space and line terminators ECMAScript does (U+3000 full-width space included), so SQL and shared/ agree.';
revoke all on function app.trim_ws(text) from public;

create table app.realname_settings (
  id                    boolean not null default true,
  strong_verify_methods text[]  not null default array['face'::text,
  'banshitong'::text],
  nonce_ttl_seconds     integer not null default 900,
  constraint realname_settings_id_check check (id),
  constraint realname_settings_nonce_ttl_seconds_check check (((nonce_ttl_seconds >= 60) and (nonce_ttl_seconds <= 3600))),
  constraint realname_settings_pkey primary key (id),
  constraint realname_settings_strong_verify_methods_check
    check (cardinality(strong_verify_methods) between 1 and 20 and array_position(strong_verify_methods, null::text) is null)
);
alter table app.realname_settings
  enable row level security;
comment on table app.realname_settings is 'R13 实名认证 settings (one row), changed by the operator in SQL. strong_verify_methods: the identity platform''s verify_method values a ticket must carry to be believed (face = 人脸识别 against the 公安 photo; banshitong = identity already verified in 一部手机办事通); any other method (e.g. sms, id_phone 三要素核验) is refused with realname_method_weak. nonce_ttl_seconds: how long a nonce from realname_nonce() stays usable (the face check happens in between).';

create table app.realname_nonces (
  nonce      text                     not null,
  user_id    uuid                     not null,
  issued_at  timestamp with time zone not null,
  expires_at timestamp with time zone not null,
  used_at    timestamp with time zone,
  constraint realname_nonces_check check ((expires_at > issued_at)),
  constraint realname_nonces_nonce_check check ((nonce ~ '^[0-9a-f]{32}$'::text)),
  constraint realname_nonces_pkey primary key (nonce)
);
alter table app.realname_nonces
  enable row level security;
alter table app.realname_nonces
  add constraint realname_nonces_user_id_fkey foreign key (user_id) references app.users(id);
create index realname_nonces_expires_at_idx on app.realname_nonces using btree (expires_at);
create index realname_nonces_user_id_idx on app.realname_nonces using btree (user_id);
comment on table app.realname_nonces is 'Nonces issued by realname_nonce() to a signed-in user for one 实名认证: the identity platform signs it into the ticket and bind_realname accepts the ticket only from that user, before expires_at, once (used_at). A user holds at most one unused nonce (a new one replaces it). No API role has a grant.';
comment on column app.realname_nonces.used_at is 'When a ticket carrying this nonce was bound; kept until expiry so a second ticket with it is refused as used.';

create or replace function public.realname_nonce()
  returns table (
    nonce      text,
    expires_at timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := auth.uid();
  v_ttl int := (select s.nonce_ttl_seconds from app.realname_settings s where s.id);
  v_nonce text := encode(extensions.gen_random_bytes(16), 'hex');
  v_now timestamptz := now();
begin
  if v_uid is null or not exists (select 1 from app.users u where u.id = v_uid and u.merged_into is null) then
    perform app.raise_error('unauthorized');
  end if;
  -- One unused nonce per user: asking again replaces it, so the table cannot be filled by one
  -- account; the user's expired ones go at the same time (used ones stay until they expire).
  delete from app.realname_nonces n
  where n.user_id = v_uid and (n.used_at is null or n.expires_at <= v_now);
  insert into app.realname_nonces (nonce, user_id, issued_at, expires_at)
  values (v_nonce, v_uid, v_now, v_now + make_interval(secs => coalesce(v_ttl, 900)));
  return query select v_nonce, v_now + make_interval(secs => coalesce(v_ttl, 900));
end;
$function$;
comment on function public.realname_nonce() is '实名认证 step 1 (R13): a fresh single-use nonce for the signed-in user, to pass to the identity platform''s /api/v1/realname/verify; realname-bind accepts the resulting ticket only from this user, before expires_at, once. Replaces the user''s previous unused nonce.';
revoke all on function public.realname_nonce() from public;
grant execute on function public.realname_nonce() to authenticated, service_role;

create policy dev_personas_select on app.dev_personas
  for select
  to service_role
  using (true);

create policy user_identities_select on app.user_identities
  for select
  to service_role
  using (true);

create policy refresh_tokens_select on app.refresh_tokens
  for select
  to service_role
  using (true);

create policy user_platform_links_select on app.user_platform_links
  for select
  to service_role
  using (true);

create policy realname_tickets_select on app.realname_tickets
  for select
  to service_role
  using (true);

create policy realname_settings_select on app.realname_settings
  for select
  to service_role
  using (true);

create policy realname_nonces_select on app.realname_nonces
  for select
  to service_role
  using (true);

-- ══════════ supabase/schemas/06_work_orders_appeals.sql ══════════

-- Work orders (差评 整改) and appeals: a 差评 opens a work order; the unit verifies, rectifies
-- within working-day deadlines, replies; the rater rates the rectification or asks for a
-- re-review; supervisors escalate overdue orders and decide appeals and re-reviews. Evidence files
-- and the work-order timeline are here too.


create table app.loop_policy (
  id                      boolean not null default true,
  verify_working_days     integer not null default 1,
  rectify_working_days    integer not null default 15,
  max_extensions          integer not null default 2,
  max_extension_days      integer not null default 60,
  concentration_threshold integer not null default 3,
  concentration_days      integer not null default 30,
  constraint loop_policy_concentration_days_check check (((concentration_days >= 7) and (concentration_days <= 366))),
  constraint loop_policy_concentration_threshold_check check ((concentration_threshold >= 2)),
  constraint loop_policy_id_check check (id),
  constraint loop_policy_max_extension_days_check check (((max_extension_days >= 1) and (max_extension_days <= 365))),
  constraint loop_policy_max_extensions_check check (((max_extensions >= 0) and (max_extensions <= 5))),
  constraint loop_policy_pkey primary key (id),
  constraint loop_policy_rectify_working_days_check check (((rectify_working_days >= 1) and (rectify_working_days <= 60))),
  constraint loop_policy_verify_working_days_check check (((verify_working_days >= 1) and (verify_working_days <= 10)))
);
alter table app.loop_policy
  enable row level security;
comment on table app.loop_policy is 'Policy settings of the 差评 loop (one row): 核实 1 working day (R8), 整改 15 working days (R10), extensions, 重点监督 threshold (R19: ≥ 3 差评 in 30 days).';
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
create index work_orders_replied_at_idx on app.work_orders using btree (replied_at)
  where (replied_at is not null);
create index work_orders_rerouted_from_id_idx on app.work_orders using btree (rerouted_from_id);
create index work_orders_staff_user_id_idx on app.work_orders using btree (staff_user_id);
create index work_orders_status_due_idx on app.work_orders using btree (status, rectify_due_on);
create index work_orders_transaction_id_idx on app.work_orders using btree (transaction_id);
create index work_orders_unit_status_idx on app.work_orders using btree (unit_id, status);
create index work_orders_window_id_idx on app.work_orders using btree (window_id);
comment on table app.work_orders is '差评工单 (R8–R12). unit_id = the responsible unit; window/officer/事项/channel/rated_day are copied from the rating for the loop metrics.';
comment on column app.work_orders.escalated_at is 'Escalated to the supervisor (overdue, or the rater unsatisfied with the fix).';
comment on column app.work_orders.is_realname is 'The 差评 is real-name: rated by a real-name user who did not choose 匿名. Such orders close only after a 回访 (R12).';
comment on column app.work_orders.rectify_due_on is 'Last working day for 整改: 15 working days after the day it was substantiated, or the extension''s date (R10).';
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

create or replace function public.unit_work_orders (
  p_status text default null::text
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
  where w.unit_id in (select app.my_unit_ids())
    and (p_status is null or w.status = p_status)
  order by coalesce(w.rectify_due_on, w.verify_due_on), w.opened_at;
end;
$function$;
comment on function public.unit_work_orders(text) is 'Work orders of the caller''s units (staff and unit admins), soonest due first; p_status filters. Never the rater''s identity (R13): project_no only for a real-name 差评 not about the caller; is_about_me marks the caller''s own (they may not act on it).';
revoke all on function public.unit_work_orders(text) from public;
grant execute on function public.unit_work_orders(text) to authenticated, service_role;

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
begin
  select * into v_a from app.appeals a where a.id = p_appeal_id for update;
  if not found then
    perform app.raise_error('not_found', 'p_appeal_id');
  end if;
  if not app.is_region_supervisor(v_a.region_code) then
    perform app.raise_error('forbidden', 'p_appeal_id');
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
  else
    v_wo := app.transition_work_order(v_a.work_order_id, 'approve_appeal', btrim(p_note));
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
comment on function public.review_appeal(uuid, boolean, text, uuid) is 'R11: a supervisor of the region approves (rating invalid; or, for 非本单位职责, rerouted to p_reroute_unit_id) or rejects (整改 due 15 working days later).';
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
    matter_name   text
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  if p_status is not null and p_status not in ('pending', 'approved', 'rejected') then
    perform app.raise_error('invalid_input', 'p_status');
  end if;
  return query
  select a.id, a.work_order_id, u.name, a.region_code, a.reason, a.statement, a.evidence, a.status, a.decision_note, a.created_at,
         r.level, r.tags, r.comment, t.project_no, m.name
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
comment on function public.appeals_to_review(text) is 'Supervisors: appeals of their region with the rating beside the statement (no rater identity).';
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
  update app.work_orders w set rereview_requested_at = now(), rereview_reason = btrim(p_reason), escalated_at = now(),
                               escalation_reason = '群众申请复核'
  where w.id = v_wo.id;
  perform app.audit('work_order', v_wo.id, 'rereview_requested', v_wo.region_code, v_wo.status, v_wo.status, v_wo.id, btrim(p_reason));
  return query select v_wo.id, v_wo.status;
end;
$function$;
comment on function public.request_rereview(uuid, text) is 'R11: the real-name rater of a dismissed 差评 asks once for a re-review by the city.';
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
comment on function public.decide_rereview(uuid, boolean, text) is 'R11: a city-level supervisor upholds a dismissal or overturns it (rating valid again, 整改 due in 15 working days).';
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

create or replace function public.overdue_work_orders()
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
    escalation_reason    text
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
  return query
  select w.id, w.status, w.unit_id, u.name, w.region_code, case when w.is_realname then t.project_no end, m.name, r.level,
         w.verify_due_on, w.rectify_due_on,
         (select count(*)::int from app.calendar_range(coalesce(w.rectify_due_on, w.verify_due_on) + 1, v_today) c where c.is_workday),
         w.escalated_at, w.escalation_reason
  from app.work_orders w
  join app.units u on u.id = w.unit_id
  join app.ratings r on r.id = w.rating_id
  left join app.transactions t on t.id = w.transaction_id
  left join app.matters m on m.id = w.matter_id
  where w.region_code in (select app.my_region_codes())
    and w.escalated_at is not null
    and w.status not in ('closed', 'dismissed', 'rerouted')
  order by w.escalated_at;
end;
$function$;
comment on function public.overdue_work_orders() is 'Supervisors: escalated orders of their region (整改超期, 核实超期, rater unsatisfied, re-review asked, a unit with nobody but the rated officer), with working days overdue; project_no only for real-name 差评 (R13).';
revoke all on function public.overdue_work_orders() from public;
grant execute on function public.overdue_work_orders() to authenticated, service_role;

create or replace function public.key_supervision_list()
  returns table (
    object_type text,
    object_id   uuid,
    object_name text,
    unit_name   text,
    region_code text,
    bad_count   bigint,
    rater_count bigint,
    last_bad_at timestamp with time zone
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
  with bad as (
    select r.*, coalesce(r.rater_user_id, r.id) as rater_key from app.ratings r
    where r.is_bad and not r.is_default and r.assess_number = 1 and r.validity = 'valid'
      and r.rated_at >= now() - make_interval(days => v_policy.concentration_days)
      and r.region_code in (select app.my_region_codes())
  )
  select 'officer', b.staff_user_id, s.masked_name, u.name, max(b.region_code), count(*), count(distinct b.rater_key), max(b.rated_at)
  from bad b join app.users s on s.id = b.staff_user_id join app.units u on u.id = b.unit_id
  where b.staff_user_id is not null
  group by b.staff_user_id, s.masked_name, u.name
  having count(distinct b.rater_key) >= v_policy.concentration_threshold
  union all
  select 'window', b.window_id, h.name || ' ' || w.name, u.name, max(b.region_code), count(*), count(distinct b.rater_key), max(b.rated_at)
  from bad b join app.windows w on w.id = b.window_id join app.halls h on h.id = w.hall_id join app.units u on u.id = b.unit_id
  where b.window_id is not null
  group by b.window_id, h.name, w.name, u.name
  having count(distinct b.rater_key) >= v_policy.concentration_threshold
  order by 7 desc, 6 desc, 8 desc;
end;
$function$;
comment on function public.key_supervision_list() is 'R19 重点监督: officers and windows of the supervisor''s region with 差评 from ≥ 3 distinct raters in the last 30 days (policy settings); bad_count = all their valid 差评 in that time.';
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
    can_decide            boolean
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
         w.rereview_reason, w.rereview_requested_at, v_city
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
comment on function public.rereviews_to_decide() is 'R11: pending re-review requests of the caller''s regions, oldest first, with the rating, the unit and the approved appeal; can_decide = the caller is a city-level supervisor (decide_rereview''s own test). County supervisors read only; non-supervisors forbidden. Never the rater''s identity.';
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

-- ══════════ supabase/schemas/07_reminders.sql ══════════

-- Reminders: what is due (work-order deadlines, pending ratings), who is told through which
-- platform subscription, and the record of each sending.


create table app.message_subscriptions (
  user_id    uuid                     not null,
  platform   text                     not null,
  kind       text                     not null,
  remaining  integer                  not null default 0,
  updated_at timestamp with time zone not null default now(),
  constraint message_subscriptions_kind_check check ((kind = any (array['invite'::text, 'reminder'::text, 'reply'::text]))),
  constraint message_subscriptions_pkey primary key (user_id, platform, kind),
  constraint message_subscriptions_platform_check check ((platform = any (array['weapp'::text, 'alipay'::text]))),
  constraint message_subscriptions_remaining_check check (((remaining >= 0) and (remaining <= 100)))
);
alter table app.message_subscriptions
  enable row level security;
alter table app.message_subscriptions
  add constraint message_subscriptions_user_id_fkey foreign key (user_id) references app.users(id);
comment on table app.message_subscriptions is 'R17: unused one-time subscriptions per user, platform and message kind. Each accepted request adds one; each send uses one; WeChat 43101 zeroes it.';
grant select on table app.message_subscriptions to authenticated;
grant select on table app.message_subscriptions to service_role;

create table app.reminder_log (
  id              uuid                     not null default gen_random_uuid(),
  kind            text                     not null,
  subject_id      uuid                     not null,
  user_id         uuid                     not null,
  platform        text                     not null,
  status          text                     not null default 'sending'::text,
  attempts        integer                  not null default 1,
  claimed_at      timestamp with time zone not null,
  next_attempt_at timestamp with time zone,
  sent_at         timestamp with time zone,
  last_error      text,
  shanghai_day    date                     not null,
  constraint reminder_log_kind_check check ((kind = any (array['invite'::text, 'reminder'::text, 'reply'::text]))),
  constraint reminder_log_kind_subject_id_key unique (kind, subject_id),
  constraint reminder_log_pkey primary key (id),
  constraint reminder_log_platform_check check ((platform = any (array['weapp'::text, 'alipay'::text]))),
  constraint reminder_log_status_check check ((status = any (array['sending'::text, 'retry'::text, 'sent'::text, 'failed'::text])))
);
alter table app.reminder_log
  enable row level security;
alter table app.reminder_log
  add constraint reminder_log_user_id_fkey foreign key (user_id) references app.users(id);
create index reminder_log_retry_idx on app.reminder_log using btree (next_attempt_at)
  where (status = 'retry'::text);
create index reminder_log_user_day_idx on app.reminder_log using btree (user_id, shanghai_day);
comment on table app.reminder_log is 'R17: every message claimed for sending, one row per (kind, subject) for ever. subject = the 办件 (invite, reminder) or the work order (reply).';
grant select on table app.reminder_log to service_role;

create or replace function public.record_subscriptions (
  p_platform text,
  p_kinds    text[]
)
  returns table (
    platform  text,
    kind      text,
    remaining integer
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
#variable_conflict use_column
declare
  v_uid uuid := app.require_user();
begin
  if p_platform is null or p_platform not in ('weapp', 'alipay') then
    perform app.raise_error('invalid_input', 'p_platform');
  end if;
  if p_kinds is null or cardinality(p_kinds) > 3
     or exists (select 1 from unnest(p_kinds) k where k is null or k not in ('invite', 'reminder', 'reply')) then
    perform app.raise_error('invalid_input', 'p_kinds');
  end if;
  return query
  insert into app.message_subscriptions as s (user_id, platform, kind, remaining)
  select v_uid, p_platform, k, 1 from (select distinct unnest(p_kinds) as k) x
  on conflict (user_id, platform, kind) do update set remaining = least(s.remaining + 1, 100), updated_at = now()
  returning s.platform, s.kind, s.remaining;
end;
$function$;
comment on function public.record_subscriptions(text, text[]) is 'R17: the mini-program reports the message kinds the user just accepted (one more one-time send each).';
revoke all on function public.record_subscriptions(text, text[]) from public;
grant execute on function public.record_subscriptions(text, text[]) to authenticated, service_role;

create or replace function public.my_subscriptions()
  returns table (
    platform  text,
    kind      text,
    remaining integer
  )
  language sql
  stable
  set search_path to ''
  as $function$
  select s.platform, s.kind, s.remaining from app.message_subscriptions s where s.user_id = (select auth.uid()) order by 1, 2;
$function$;
revoke all on function public.my_subscriptions() from public;
grant execute on function public.my_subscriptions() to authenticated, service_role;

create or replace function public.due_reminders (
  p_now   timestamp with time zone default now(),
  p_limit integer                  default 500
)
  returns table (
    log_id        uuid,
    kind          text,
    user_id       uuid,
    platform      text,
    matter_name   text,
    unit_name     text,
    project_no    text,
    finished_at   timestamp with time zone,
    rating_due_on date,
    status_phrase text,
    note          text
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
#variable_conflict use_column
declare
  v_today date := (p_now at time zone 'Asia/Shanghai')::date;
begin
  if p_limit is null or p_limit not between 1 and 5000 then
    perform app.raise_error('invalid_input', 'p_limit');
  end if;
  -- One claimer at a time keeps "one per person per day" true under concurrent runs.
  perform pg_advisory_xact_lock(hashtext('public.due_reminders'));

  update app.reminder_log l set status = 'failed', last_error = 'unknown outcome (claim expired)'
  where l.status = 'sending' and l.claimed_at < p_now - interval '10 minutes';

  update app.reminder_log l set status = 'sending', claimed_at = p_now, attempts = l.attempts + 1
  where l.status = 'retry' and l.next_attempt_at <= p_now;

  with candidates as (
    select 'reply'::text as kind, w.id as subject_id, r.rater_user_id as user_id, 1 as priority
    from app.work_orders w join app.ratings r on r.id = w.rating_id
    where w.replied_at between p_now - interval '3 days' and p_now and r.rater_user_id is not null
    union all
    select 'reminder', t.id, t.applicant_user_id, 2
    from app.transactions t
    where t.status = 'finished' and t.first_rating_id is null and t.applicant_user_id is not null
      and t.rating_due_at > p_now and t.rating_due_at - interval '15 hours' <= p_now
    union all
    select 'invite', t.id, t.applicant_user_id, 3
    from app.transactions t
    where t.status = 'finished' and t.first_rating_id is null and t.applicant_user_id is not null
      and t.finished_at between p_now - interval '1 day' and p_now and t.rating_due_at > p_now
  ),
  eligible as (
    select distinct on (c.user_id) c.kind, c.subject_id, c.user_id, s.platform
    from candidates c
    join lateral (
      select s.platform from app.message_subscriptions s
      where s.user_id = c.user_id and s.kind = c.kind and s.remaining > 0
      order by s.remaining desc, s.platform limit 1
    ) s on true
    where not exists (select 1 from app.reminder_log l where l.kind = c.kind and l.subject_id = c.subject_id)
      and not exists (select 1 from app.reminder_log l where l.user_id = c.user_id and l.shanghai_day = v_today)
    order by c.user_id, c.priority
    limit p_limit
  )
  insert into app.reminder_log (kind, subject_id, user_id, platform, claimed_at, shanghai_day)
  select e.kind, e.subject_id, e.user_id, e.platform, p_now, v_today from eligible e
  on conflict (kind, subject_id) do nothing;

  return query
  select l.id, l.kind, l.user_id, l.platform,
         left(m.name, 20), left(u.name, 20), left(t.project_no, 32), t.finished_at,
         (t.rating_due_at at time zone 'Asia/Shanghai')::date - 1,
         case l.kind when 'reply' then '已回复' when 'reminder' then '待评价' else '已办结' end,
         case l.kind
           when 'reply' then left(w.reply, 20)
           when 'reminder' then '今天是最后一天，逾期默认基本满意'
           else '办结后5个工作日内可评价' end
  from app.reminder_log l
  left join app.work_orders w on l.kind = 'reply' and w.id = l.subject_id
  left join app.transactions t on t.id = case when l.kind = 'reply' then w.transaction_id else l.subject_id end
  left join app.matters m on m.id = coalesce(t.matter_id, w.matter_id)
  left join app.units u on u.id = coalesce(t.unit_id, w.unit_id)
  where l.status = 'sending' and l.claimed_at = p_now
  order by l.id;
end;
$function$;
comment on function public.due_reminders(timestamp with time zone, integer) is 'R17 job: claims the messages due at p_now (retries, then at most one per person per day) and returns their template fields.';
revoke all on function public.due_reminders(timestamp with time zone, integer) from public;
grant execute on function public.due_reminders(timestamp with time zone, integer) to service_role;

create or replace function public.record_reminder_result (
  p_log_id     uuid,
  p_ok         boolean,
  p_error_code text                     default null::text,
  p_now        timestamp with time zone default now()
)
  returns text
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_l app.reminder_log;
begin
  select * into v_l from app.reminder_log l where l.id = p_log_id for update;
  if not found then
    perform app.raise_error('not_found', 'p_log_id');
  end if;
  if v_l.status <> 'sending' or p_ok is null then
    perform app.raise_error('invalid_input', 'p_log_id');
  end if;
  if p_ok then
    update app.reminder_log l set status = 'sent', sent_at = p_now, last_error = null where l.id = p_log_id;
    update app.message_subscriptions s set remaining = greatest(s.remaining - 1, 0), updated_at = p_now
    where s.user_id = v_l.user_id and s.platform = v_l.platform and s.kind = v_l.kind;
    return 'sent';
  end if;
  if p_error_code = '43101' then
    update app.message_subscriptions s set remaining = 0, updated_at = p_now
    where s.user_id = v_l.user_id and s.platform = v_l.platform and s.kind = v_l.kind;
  end if;
  if p_error_code in ('-1', '45009', '45011', 'timeout', 'network', 'http_5xx') and v_l.attempts < 3 then
    update app.reminder_log l
    set status = 'retry', last_error = p_error_code, next_attempt_at = p_now + make_interval(mins => (2 ^ v_l.attempts)::int)
    where l.id = p_log_id;
    return 'retry';
  end if;
  update app.reminder_log l set status = 'failed', last_error = coalesce(p_error_code, 'unknown') where l.id = p_log_id;
  return 'failed';
end;
$function$;
comment on function public.record_reminder_result(uuid, boolean, text, timestamp with time zone) is 'R17: the outcome of one send (WeChat/Alipay error code when it failed).';
revoke all on function public.record_reminder_result(uuid, boolean, text, timestamp with time zone) from public;
grant execute on function public.record_reminder_result(uuid, boolean, text, timestamp with time zone) to service_role;

create or replace function public.reminder_recipients (
  p_log_ids       uuid[],
  p_wechat_app_id text,
  p_alipay_app_id text,
  p_now           timestamp with time zone default now()
)
  returns table (
    log_id         uuid,
    recipient      text,
    transaction_id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
#variable_conflict use_column
declare
  v_missing uuid;
begin
  if p_log_ids is null or cardinality(p_log_ids) > 5000 then
    perform app.raise_error('invalid_input', 'p_log_ids');
  end if;

  for v_missing in
    select l.id from app.reminder_log l
    where l.id = any (p_log_ids) and l.status = 'sending'
      and not exists (
        select 1 from app.user_platform_links pl
        where pl.user_id = l.user_id
          and pl.platform = case l.platform when 'weapp' then 'wechat' else 'alipay' end
          and pl.app_id = case l.platform when 'weapp' then p_wechat_app_id else p_alipay_app_id end)
    order by l.id
  loop
    perform public.record_reminder_result(v_missing, false, 'no_recipient', p_now);
  end loop;

  return query
  select l.id, pl.subject,
         case when l.kind = 'reply' then (select w.transaction_id from app.work_orders w where w.id = l.subject_id)
              else l.subject_id end
  from app.reminder_log l
  join lateral (
    select x.subject from app.user_platform_links x
    where x.user_id = l.user_id
      and x.platform = case l.platform when 'weapp' then 'wechat' else 'alipay' end
      and x.app_id = case l.platform when 'weapp' then p_wechat_app_id else p_alipay_app_id end
    order by x.last_login_at desc, x.created_at desc
    limit 1
  ) pl on true
  where l.id = any (p_log_ids) and l.status = 'sending'
  order by l.id;
end;
$function$;
comment on function public.reminder_recipients(uuid[], text, text, timestamp with time zone) is 'R17 job: the platform recipient (WeChat openid for p_wechat_app_id, Alipay subject for p_alipay_app_id) and the 办件 of each claimed message; claimed rows without one are failed as no_recipient.';
revoke all on function public.reminder_recipients(uuid[], text, text, timestamp with time zone) from public;
grant execute on function public.reminder_recipients(uuid[], text, text, timestamp with time zone) to service_role;

create policy message_subscriptions_select on app.message_subscriptions
  for select
  to authenticated
  using ((user_id = ( select auth.uid() as uid)));

create policy reminder_log_select on app.reminder_log
  for select
  to service_role
  using (true);

-- ══════════ supabase/schemas/08_ingestion.sql ══════════

-- Ingestion: business systems and rating devices that push 办件 and ratings with HMAC-signed
-- requests (secrets encrypted with the PII key), the request log, and the per-item checks.


create table app.business_systems (
  id           uuid                     not null default gen_random_uuid(),
  key_id       text                     not null,
  name         text                     not null,
  region_code  text                     not null,
  status       text                     not null default 'active'::text,
  created_by   uuid,
  created_at   timestamp with time zone not null default now(),
  revoked_by   uuid,
  revoked_at   timestamp with time zone,
  last_used_at timestamp with time zone,
  secret_enc   bytea                    not null,
  constraint business_systems_check check (((status = 'revoked'::text) = (revoked_at is not null))),
  constraint business_systems_key_id_check check ((key_id ~ '^bs_[0-9a-z_]{6,60}$'::text)),
  constraint business_systems_key_id_key unique (key_id),
  constraint business_systems_name_check check (((char_length(btrim(name)) >= 1) and (char_length(btrim(name)) <= 100))),
  constraint business_systems_pkey primary key (id),
  constraint business_systems_status_check check ((status = any (array['active'::text, 'revoked'::text])))
);
alter table app.business_systems
  enable row level security;
alter table app.business_systems
  add constraint business_systems_region_code_fkey foreign key (region_code) references app.regions(code);
alter table app.business_systems
  add constraint business_systems_created_by_fkey foreign key (created_by) references app.users(id);
alter table app.business_systems
  add constraint business_systems_revoked_by_fkey foreign key (revoked_by) references app.users(id);
create index business_systems_created_by_idx on app.business_systems using btree (created_by);
create index business_systems_region_code_idx on app.business_systems using btree (region_code);
create index business_systems_revoked_by_idx on app.business_systems using btree (revoked_by);
comment on table app.business_systems is '业务系统 that push 办件 and their status to /functions/v1/transactions, each with its own HMAC key. May push 办件 of its region and the regions below it.';
comment on column app.business_systems.key_id is 'Public key id sent as X-HCP-Key-Id.';
comment on column app.business_systems.secret_enc is 'HMAC-SHA256 secret (≥ 32 characters, used as its UTF-8 bytes), app.pii_encrypt. Decrypted only by ingest_key_secret() (service role); shown once by create_business_system().';
comment on column app.business_systems.status is 'active, or revoked (final: a revoked key is refused with key_revoked).';

create table app.rating_devices (
  id           uuid                     not null default gen_random_uuid(),
  key_id       text                     not null,
  kind         text                     not null,
  name         text                     not null,
  hall_id      uuid,
  region_code  text                     not null,
  status       text                     not null default 'active'::text,
  created_by   uuid,
  created_at   timestamp with time zone not null default now(),
  revoked_by   uuid,
  revoked_at   timestamp with time zone,
  last_used_at timestamp with time zone,
  secret_enc   bytea                    not null,
  constraint rating_devices_check1 check (((kind = any (array['hall_pad'::text, 'hall_terminal'::text])) = (hall_id is not null))),
  constraint rating_devices_check check (((status = 'revoked'::text) = (revoked_at is not null))),
  constraint rating_devices_key_id_check check ((key_id ~ '^dev_[0-9a-z_]{6,60}$'::text)),
  constraint rating_devices_key_id_key unique (key_id),
  constraint rating_devices_kind_check check ((kind = any (array['hall_pad'::text, 'hall_terminal'::text, 'phone'::text, 'sms'::text]))),
  constraint rating_devices_name_check check (((char_length(btrim(name)) >= 1) and (char_length(btrim(name)) <= 100))),
  constraint rating_devices_pkey primary key (id),
  constraint rating_devices_status_check check ((status = any (array['active'::text, 'revoked'::text])))
);
alter table app.rating_devices
  enable row level security;
alter table app.rating_devices
  add constraint rating_devices_hall_id_fkey foreign key (hall_id) references app.halls(id);
alter table app.rating_devices
  add constraint rating_devices_region_code_fkey foreign key (region_code) references app.regions(code);
alter table app.rating_devices
  add constraint rating_devices_created_by_fkey foreign key (created_by) references app.users(id);
alter table app.rating_devices
  add constraint rating_devices_revoked_by_fkey foreign key (revoked_by) references app.users(id);
create index rating_devices_created_by_idx on app.rating_devices using btree (created_by);
create index rating_devices_hall_id_idx on app.rating_devices using btree (hall_id);
create index rating_devices_region_code_idx on app.rating_devices using btree (region_code);
create index rating_devices_revoked_by_idx on app.rating_devices using btree (revoked_by);
comment on table app.rating_devices is 'Sources of ratings for /functions/v1/ratings-ingest: 评价器 (hall_pad, channel 4) and 自助终端 (hall_terminal, 5) of one hall, the 12345 hotline (phone, 6) and the SMS gateway (sms, 7) of a region. kind is the channel of their ratings.';
comment on column app.rating_devices.hall_id is 'R4: a hall device rates only 办件 and windows of this hall.';
comment on column app.rating_devices.region_code is 'The hall''s region for hall devices; for phone and sms the region (and below) whose 办件 and windows they may rate.';
comment on column app.rating_devices.secret_enc is 'HMAC-SHA256 secret (≥ 32 characters, used as its UTF-8 bytes), app.pii_encrypt. Decrypted only by ingest_key_secret() (service role); shown once by create_rating_device().';

create or replace function app.new_ingest_secret()
  returns text
  language sql
  set search_path to ''
  as $function$
  select encode(extensions.gen_random_bytes(32), 'hex');
$function$;
revoke all on function app.new_ingest_secret() from public;

create or replace function app.require_supervisor_of (
  p_region_code text
)
  returns uuid
  language plpgsql
  stable
  set search_path to ''
  as $function$
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
$function$;
revoke all on function app.require_supervisor_of(text) from public;

create or replace function public.create_business_system (
  p_name        text,
  p_region_code text
)
  returns table (
    id          uuid,
    key_id      text,
    secret      text,
    region_code text
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_supervisor_of(null);
  v_secret text := app.new_ingest_secret();
  v_row app.business_systems;
begin
  if p_region_code is null or not exists (select 1 from app.regions r where r.code = p_region_code) then
    perform app.raise_error('invalid_input', 'p_region_code');
  end if;
  perform app.require_supervisor_of(p_region_code);
  if p_name is null or char_length(btrim(p_name)) not between 1 and 100 then
    perform app.raise_error('invalid_input', 'p_name');
  end if;
  insert into app.business_systems (key_id, secret_enc, name, region_code, created_by)
  values ('bs_' || replace(gen_random_uuid()::text, '-', ''), app.pii_encrypt(v_secret), btrim(p_name), p_region_code, v_uid)
  returning * into v_row;
  return query select v_row.id, v_row.key_id, v_secret, v_row.region_code;
end;
$function$;
comment on function public.create_business_system(text, text) is 'Supervisors: a business system of their region with a new HMAC key. The secret is in this answer only (stored encrypted); it cannot be read again.';
revoke all on function public.create_business_system(text, text) from public;
grant execute on function public.create_business_system(text, text) to authenticated, service_role;

create or replace function public.create_rating_device (
  p_kind        text,
  p_name        text,
  p_hall_id     uuid default null::uuid,
  p_region_code text default null::text
)
  returns table (
    id          uuid,
    key_id      text,
    secret      text,
    kind        text,
    hall_id     uuid,
    region_code text
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_supervisor_of(null);
  v_secret text := app.new_ingest_secret();
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
  insert into app.rating_devices (key_id, secret_enc, kind, name, hall_id, region_code, created_by)
  values ('dev_' || replace(gen_random_uuid()::text, '-', ''), app.pii_encrypt(v_secret), p_kind, btrim(p_name), p_hall_id, v_region, v_uid)
  returning * into v_row;
  return query select v_row.id, v_row.key_id, v_secret, v_row.kind, v_row.hall_id, v_row.region_code;
end;
$function$;
comment on function public.create_rating_device(text, text, uuid, text) is 'Supervisors: a rating device (hall_pad / hall_terminal of a hall in their region; phone / sms of a region they supervise) with a new HMAC key, shown only in this answer (stored encrypted).';
revoke all on function public.create_rating_device(text, text, uuid, text) from public;
grant execute on function public.create_rating_device(text, text, uuid, text) to authenticated, service_role;

create or replace function public.revoke_ingest_key (
  p_key_id text
)
  returns table (
    key_id     text,
    status     text,
    revoked_at timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
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
$function$;
comment on function public.revoke_ingest_key(text) is 'Supervisors: revoke a business system''s or device''s key of their region (final; repeating it changes nothing).';
revoke all on function public.revoke_ingest_key(text) from public;
grant execute on function public.revoke_ingest_key(text) to authenticated, service_role;

create or replace function public.ingest_keys()
  returns table (
    kind         text,
    id           uuid,
    key_id       text,
    name         text,
    region_code  text,
    hall_id      uuid,
    hall_name    text,
    status       text,
    created_at   timestamp with time zone,
    revoked_at   timestamp with time zone,
    last_used_at timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
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
$function$;
comment on function public.ingest_keys() is 'Supervisors: the business systems and rating devices of their regions, without secrets. kind is business_system or the device kind.';
revoke all on function public.ingest_keys() from public;
grant execute on function public.ingest_keys() to authenticated, service_role;

create or replace function public.ingest_key_secret (
  p_key_id text
)
  returns table (
    kind        text,
    key_id      text,
    secret      text,
    status      text,
    region_code text,
    hall_id     uuid
  )
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select 'business_system'::text, b.key_id, app.pii_decrypt(b.secret_enc), b.status, b.region_code, null::uuid
  from app.business_systems b where b.key_id = p_key_id
  union all
  select d.kind, d.key_id, app.pii_decrypt(d.secret_enc), d.status, d.region_code, d.hall_id
  from app.rating_devices d where d.key_id = p_key_id;
$function$;
comment on function public.ingest_key_secret(text) is 'Service role only (the ingestion functions verify HMAC signatures with it): the key''s secret, decrypted here and nowhere else. kind is business_system or the device kind.';
revoke all on function public.ingest_key_secret(text) from public;
grant execute on function public.ingest_key_secret(text) to service_role;

create table app.ingest_signatures (
  signature  text                     not null,
  key_id     text                     not null,
  request_ts timestamp with time zone not null,
  seen_at    timestamp with time zone not null default now(),
  constraint ingest_signatures_pkey primary key (signature),
  constraint ingest_signatures_signature_check check ((signature ~ '^[0-9a-f]{64}$'::text))
);
alter table app.ingest_signatures
  enable row level security;
create index ingest_signatures_seen_at_idx on app.ingest_signatures using btree (seen_at);
comment on table app.ingest_signatures is 'Replay guard: HMAC signatures of accepted requests while their timestamp can still pass the ±300 s check (kept 15 minutes).';

create table app.transaction_status_events (
  id             uuid                     not null default gen_random_uuid(),
  transaction_id uuid                     not null,
  status         text                     not null,
  occurred_at    timestamp with time zone not null,
  system_id      uuid                     not null,
  result         text                     not null,
  received_at    timestamp with time zone not null default now(),
  constraint transaction_status_events_pkey primary key (id),
  constraint transaction_status_events_result_check check ((result = any (array['created'::text, 'updated'::text, 'ignored'::text]))),
  constraint transaction_status_events_status_check check ((status = any (array['accepted'::text, 'processing'::text, 'finished'::text, 'cancelled'::text]))),
  constraint transaction_status_events_transaction_id_status_key unique (transaction_id, status)
);
alter table app.transaction_status_events
  enable row level security;
alter table app.transaction_status_events
  add constraint transaction_status_events_system_id_fkey foreign key (system_id) references app.business_systems(id);
alter table app.transaction_status_events
  add constraint transaction_status_events_transaction_id_fkey foreign key (transaction_id) references app.transactions(id);
create index transaction_status_events_system_id_idx on app.transaction_status_events using btree (system_id);
comment on table app.transaction_status_events is 'Ingestion log of 办件 status changes, one per (办件, status): what the first push of it did. created = the 办件 was new; updated = it moved forward; ignored = it was older than the 办件''s status (out of order).';

create table app.rating_ingest_log (
  id          uuid                     not null default gen_random_uuid(),
  device_id   uuid                     not null,
  external_id text                     not null,
  payload     jsonb                    not null,
  rating_id   uuid                     not null,
  received_at timestamp with time zone not null default now(),
  constraint rating_ingest_log_device_id_external_id_key unique (device_id, external_id),
  constraint rating_ingest_log_external_id_check check (((char_length(external_id) >= 1) and (char_length(external_id) <= 100))),
  constraint rating_ingest_log_pkey primary key (id)
);
alter table app.rating_ingest_log
  enable row level security;
alter table app.rating_ingest_log
  add constraint rating_ingest_log_device_id_fkey foreign key (device_id) references app.rating_devices(id);
alter table app.rating_ingest_log
  add constraint rating_ingest_log_rating_id_fkey foreign key (rating_id) references app.ratings(id);
create index rating_ingest_log_rating_id_idx on app.rating_ingest_log using btree (rating_id);
comment on table app.rating_ingest_log is 'Ingestion log of device ratings by (device, external id): the item as first received and the rating it created. A repeat with the same payload is answered replayed; with another payload idempotency_conflict. Refused items are not logged (the device may correct and resend them).';

create or replace function app.ingest_begin (
  p_endpoint   text,
  p_key_id     text,
  p_signature  text,
  p_request_ts timestamp with time zone,
  p_now        timestamp with time zone
)
  returns uuid
  language plpgsql
  set search_path to ''
  as $function$
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
$function$;
comment on function app.ingest_begin(text, text, text, timestamp with time zone, timestamp with time zone) is 'Checks an ingestion request''s key, time and signature freshness (replay guard); returns the business system''s or device''s id.';
revoke all on function app.ingest_begin(text, text, text, timestamp with time zone, timestamp with time zone) from public;

create or replace function app.ingest_rejected (
  p_code    text,
  p_details text default null::text
)
  returns jsonb
  language sql
  stable
  set search_path to ''
  as $function$
  select jsonb_build_object('status', 'rejected', 'code', e.code, 'message', e.message)
         || case when p_details is not null then jsonb_build_object('details', p_details) else '{}'::jsonb end
  from app.error_codes e where e.code = p_code;
$function$;
revoke all on function app.ingest_rejected(text, text) from public;

create table app.transaction_party_ids (
  transaction_id    uuid  not null,
  applicant_id_bidx bytea,
  agent_id_bidx     bytea,
  constraint transaction_party_ids_check check (((applicant_id_bidx is not null) or (agent_id_bidx is not null))),
  constraint transaction_party_ids_pkey primary key (transaction_id)
);
alter table app.transaction_party_ids
  enable row level security;
alter table app.transaction_party_ids
  add constraint transaction_party_ids_transaction_id_fkey foreign key (transaction_id) references app.transactions(id);
create index transaction_party_ids_agent_idx on app.transaction_party_ids using btree (agent_id_bidx)
  where (agent_id_bidx is not null);
create index transaction_party_ids_applicant_idx on app.transaction_party_ids using btree (applicant_id_bidx)
  where (applicant_id_bidx is not null);
comment on table app.transaction_party_ids is 'Blind indexes (app.pii_blind_index) of the ID numbers a business system gave for a 办件''s applicant and agent. No API role has a grant.';

create or replace function app.transaction_status_rank (
  p_status text
)
  returns integer
  language sql
  immutable
  set search_path to ''
  as $function$
  select case p_status when 'accepted' then 1 when 'processing' then 2 when 'finished' then 3 when 'cancelled' then 3 end;
$function$;
revoke all on function app.transaction_status_rank(text) from public;

create or replace function app.ingest_transaction_item (
  p_system app.business_systems,
  p_item   jsonb,
  p_now    timestamp with time zone
)
  returns jsonb
  language plpgsql
  set search_path to ''
  as $function$
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
$function$;
revoke all on function app.ingest_transaction_item(app.business_systems, jsonb, timestamp with time zone) from public;

create or replace function public.ingest_transactions (
  p_key_id     text,
  p_signature  text,
  p_request_ts timestamp with time zone,
  p_items      jsonb,
  p_now        timestamp with time zone default now()
)
  returns jsonb
  language plpgsql
  security definer
  set search_path to ''
  as $function$
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
$function$;
comment on function public.ingest_transactions(text, text, timestamp with time zone, jsonb, timestamp with time zone) is 'Service role (the transactions function, after checking the HMAC signature): applies a business system''s batch of 办件 status items; per-item results.';
revoke all on function public.ingest_transactions(text, text, timestamp with time zone, jsonb, timestamp with time zone) from public;
grant execute on function public.ingest_transactions(text, text, timestamp with time zone, jsonb, timestamp with time zone) to service_role;

create or replace function app.ingest_rating_item (
  p_device app.rating_devices,
  p_item   jsonb,
  p_now    timestamp with time zone
)
  returns jsonb
  language plpgsql
  set search_path to ''
  as $function$
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
$function$;
revoke all on function app.ingest_rating_item(app.rating_devices, jsonb, timestamp with time zone) from public;

create or replace function public.ingest_ratings (
  p_key_id     text,
  p_signature  text,
  p_request_ts timestamp with time zone,
  p_items      jsonb,
  p_now        timestamp with time zone default now()
)
  returns jsonb
  language plpgsql
  security definer
  set search_path to ''
  as $function$
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
$function$;
comment on function public.ingest_ratings(text, text, timestamp with time zone, jsonb, timestamp with time zone) is 'Service role (the ratings-ingest function, after checking the HMAC signature): applies a device''s batch of ratings; per-item results.';
revoke all on function public.ingest_ratings(text, text, timestamp with time zone, jsonb, timestamp with time zone) from public;
grant execute on function public.ingest_ratings(text, text, timestamp with time zone, jsonb, timestamp with time zone) to service_role;

create or replace function public.ingest_key_halls()
  returns table (
    hall_id     uuid,
    hall_name   text,
    kind        text,
    region_code text,
    region_name text
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  perform app.require_supervisor_of(null);
  return query
  select h.id, h.name, h.kind, h.region_code, r.name
  from app.halls h join app.regions r on r.code = h.region_code
  where h.region_code in (select app.my_region_codes())
  order by h.region_code, h.name;
end;
$function$;
comment on function public.ingest_key_halls() is 'Supervisors: the halls of their regions, where a hall_pad / hall_terminal device may be placed.';
revoke all on function public.ingest_key_halls() from public;
grant execute on function public.ingest_key_halls() to authenticated, service_role;

create policy business_systems_select on app.business_systems
  for select
  to service_role
  using (true);

create policy rating_devices_select on app.rating_devices
  for select
  to service_role
  using (true);

create policy ingest_signatures_select on app.ingest_signatures
  for select
  to service_role
  using (true);

create policy transaction_status_events_select on app.transaction_status_events
  for select
  to service_role
  using (true);

create policy rating_ingest_log_select on app.rating_ingest_log
  for select
  to service_role
  using (true);

create policy transaction_party_ids_select on app.transaction_party_ids
  for select
  to service_role
  using (true);

-- ══════════ supabase/schemas/09_comments_sampling.sql ══════════

-- Comments and sampling: 意见建议 and 综合点评 (intake, routing, replies, closing, encrypted
-- contact revealed only through an audited call), return-visit sampling (回访抽查) and third-party
-- assessments.


create table app.comments (
  id             uuid                     not null default gen_random_uuid(),
  kind           text                     not null,
  source         text                     not null,
  content        text                     not null,
  author_user_id uuid,
  contact_masked text                     not null default ''::text,
  region_code    text                     not null,
  unit_id        uuid,
  status         text                     not null default 'received'::text,
  routed_at      timestamp with time zone,
  reply          text,
  replied_at     timestamp with time zone,
  replied_by     uuid,
  close_note     text,
  closed_at      timestamp with time zone,
  received_at    timestamp with time zone not null default now(),
  recorded_by    uuid,
  created_at     timestamp with time zone not null default now(),
  updated_at     timestamp with time zone not null default now(),
  updated_by     uuid,
  contact_enc    bytea,
  constraint comments_check1 check (((source = 'suggestion_box'::text) or (recorded_by is not null))),
  constraint comments_check2 check (((status <> 'received'::text) or (unit_id is null))),
  constraint comments_check3 check (((status <> all (array['routed'::text, 'replied'::text])) or (unit_id is not null))),
  constraint comments_check4 check (((reply is null) = (replied_at is null))),
  constraint comments_check5 check (((status <> 'replied'::text) or (reply is not null))),
  constraint comments_check6 check (((status = 'closed'::text) = (closed_at is not null))),
  constraint comments_check check (((source = 'suggestion_box'::text) = ((author_user_id is not null) and (recorded_by is null)))),
  constraint comments_close_note_check check (((char_length(close_note) >= 1) and (char_length(close_note) <= 1000))),
  constraint comments_content_check check (((char_length(content) >= 1) and (char_length(content) <= 1000))),
  constraint comments_kind_check check ((kind = any (array['suggestion'::text, 'complaint'::text, 'praise'::text]))),
  constraint comments_pkey primary key (id),
  constraint comments_reply_check check (((char_length(reply) >= 1) and (char_length(reply) <= 1000))),
  constraint comments_source_check check ((source = any (array['suggestion_box'::text, 'hotline'::text, 'supervision_platform'::text, 'email'::text]))),
  constraint comments_status_check check ((status = any (array['received'::text, 'routed'::text, 'replied'::text, 'closed'::text])))
);
alter table app.comments
  enable row level security;
alter table app.comments
  add constraint comments_region_code_fkey foreign key (region_code) references app.regions(code);
alter table app.comments
  add constraint comments_unit_id_fkey foreign key (unit_id) references app.units(id);
alter table app.comments
  add constraint comments_author_user_id_fkey foreign key (author_user_id) references app.users(id);
alter table app.comments
  add constraint comments_recorded_by_fkey foreign key (recorded_by) references app.users(id);
alter table app.comments
  add constraint comments_replied_by_fkey foreign key (replied_by) references app.users(id);
alter table app.comments
  add constraint comments_updated_by_fkey foreign key (updated_by) references app.users(id);
create index comments_author_user_id_idx on app.comments using btree (author_user_id, created_at);
create index comments_recorded_by_idx on app.comments using btree (recorded_by);
create index comments_region_code_idx on app.comments using btree (region_code, status);
create index comments_replied_by_idx on app.comments using btree (replied_by);
create index comments_unit_id_idx on app.comments using btree (unit_id, status);
create index comments_updated_by_idx on app.comments using btree (updated_by);
comment on table app.comments is '综合点评 (R18): kind suggestion 建议 / complaint 投诉 / praise 表扬; source suggestion_box 意见箱（小程序）/ hotline 12345热线 / supervision_platform 监督平台 / email 电子邮箱.';
comment on column app.comments.contact_enc is 'Contact left by the person (phone, e-mail, name), app.pii_encrypt: identity (R13). Decrypted only by reveal_comment_contact (supervisors, audited); never returned otherwise.';
comment on column app.comments.contact_masked is 'app.mask_contact of the contact, the only form of it anyone but a supervisor revealing it sees.';
comment on column app.comments.received_at is 'When the source received it (the hotline call, the e-mail); for the 意见箱 the submit time.';
comment on column app.comments.recorded_by is 'The supervisor who recorded a comment from the hotline, supervision platform or e-mail.';
comment on column app.comments.region_code is 'Whose inbox: the routed unit''s region, or before routing the region it was received for.';
grant select on table app.comments to service_role;

create table app.comment_events (
  id            bigint                   generated always as identity not null,
  comment_id    uuid                     not null,
  event         text                     not null,
  status_from   text,
  status_to     text,
  unit_id       uuid,
  actor_user_id uuid,
  note          text,
  created_at    timestamp with time zone not null default now(),
  constraint comment_events_event_check
    check ((event = any (array['submitted'::text, 'recorded'::text, 'routed'::text, 'rerouted'::text, 'replied'::text, 'closed'::text, 'contact_revealed'::text]))),
  constraint comment_events_pkey primary key (id)
);
alter table app.comment_events
  enable row level security;
alter table app.comment_events
  add constraint comment_events_comment_id_fkey foreign key (comment_id) references app.comments(id);
alter table app.comment_events
  add constraint comment_events_unit_id_fkey foreign key (unit_id) references app.units(id);
alter table app.comment_events
  add constraint comment_events_actor_user_id_fkey foreign key (actor_user_id) references app.users(id);
create index comment_events_actor_user_id_idx on app.comment_events using btree (actor_user_id);
create index comment_events_comment_id_idx on app.comment_events using btree (comment_id, id);
create index comment_events_unit_id_idx on app.comment_events using btree (unit_id);
comment on table app.comment_events is 'History of each 综合点评: every state change and every contact reveal, who and when. To feed the shared append-only audit log (R14) once it exists.';
comment on column app.comment_events.unit_id is 'The unit routed to (routed, rerouted) or answering (replied).';
grant select on table app.comment_events to service_role;

create or replace function app.mask_contact (
  p_contact text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  select case
    when p_contact is null or btrim(p_contact) = '' then ''
    when btrim(p_contact) ~ '^[^@\s]+@[^@\s]+$' then left(btrim(p_contact), 1) || '***@' || split_part(btrim(p_contact), '@', 2)
    when char_length(regexp_replace(p_contact, '\D', '', 'g')) >= 11
      then left(regexp_replace(p_contact, '\D', '', 'g'), 3) || '****' || right(regexp_replace(p_contact, '\D', '', 'g'), 4)
    when char_length(regexp_replace(p_contact, '\D', '', 'g')) >= 7
      then '****' || right(regexp_replace(p_contact, '\D', '', 'g'), 4)
    else left(btrim(p_contact), 1) || '*'
  end;
$function$;
comment on function app.mask_contact(text) is 'The masked form of a contact (R13): phone 138****5678, e-mail z***@domain, other 张*.';
revoke all on function app.mask_contact(text) from public;

create or replace function app.comment_trim (
  p_text text
)
  returns text
  language sql
  immutable
  set search_path to ''
  as $function$
  select btrim(p_text, E' \t\r\n\f\v' || chr(12288));
$function$;
revoke all on function app.comment_trim(text) from public;

create or replace function app.comment_text (
  p_text     text,
  p_field    text,
  p_required boolean default true
)
  returns text
  language plpgsql
  immutable
  set search_path to ''
  as $function$
declare
  v_text text := app.comment_trim(p_text);
begin
  if v_text is null or v_text = '' then
    if p_required then
      perform app.raise_error('comment_content_required', p_field);
    end if;
    return null;
  end if;
  if char_length(v_text) > 1000 then
    perform app.raise_error('comment_content_too_long', p_field);
  end if;
  return v_text;
end;
$function$;
revoke all on function app.comment_text(text, text, boolean) from public;

create or replace function app.comment_contact (
  p_contact text
)
  returns text
  language plpgsql
  immutable
  set search_path to ''
  as $function$
declare
  v_contact text := app.comment_trim(p_contact);
begin
  if v_contact is null or v_contact = '' then
    return null;
  end if;
  if char_length(v_contact) > 100 or v_contact ~ '[[:cntrl:]]' then
    perform app.raise_error('comment_contact_invalid', 'p_contact');
  end if;
  return v_contact;
end;
$function$;
revoke all on function app.comment_contact(text) from public;

create or replace function app.log_comment_event (
  p_comment_id uuid,
  p_event      text,
  p_from       text,
  p_to         text,
  p_unit_id    uuid,
  p_note       text
)
  returns void
  language sql
  set search_path to ''
  as $function$
  insert into app.comment_events (comment_id, event, status_from, status_to, unit_id, actor_user_id, note)
  values (p_comment_id, p_event, p_from, p_to, p_unit_id, (select auth.uid()), p_note);
  select app.audit(case when p_event = 'contact_revealed' then 'comment_contact' else 'comment' end,
                   p_comment_id, p_event, c.region_code, p_from, p_to, null, null, null,
                   jsonb_build_object('unit_id', p_unit_id))
  from app.comments c where c.id = p_comment_id;
$function$;
revoke all on function app.log_comment_event(uuid, text, text, text, uuid, text) from public;

create or replace function app.comment_rows (
  p_ids uuid[]
)
  returns table (
    id             uuid,
    kind           text,
    source         text,
    content        text,
    status         text,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    contact_masked text,
    reply          text,
    replied_at     timestamp with time zone,
    routed_at      timestamp with time zone,
    close_note     text,
    closed_at      timestamp with time zone,
    received_at    timestamp with time zone,
    created_at     timestamp with time zone
  )
  language sql
  stable
  set search_path to ''
  as $function$
  select c.id, c.kind, c.source, c.content, c.status, c.region_code, r.name, c.unit_id, u.name, c.contact_masked,
         c.reply, c.replied_at, c.routed_at, c.close_note, c.closed_at, c.received_at, c.created_at
  from app.comments c
  join app.regions r on r.code = c.region_code
  left join app.units u on u.id = c.unit_id
  where c.id = any (p_ids)
  order by c.received_at desc, c.id;
$function$;
comment on function app.comment_rows(uuid[]) is 'Comments by id in the one shape the API returns (never the author, never the contact in clear). Callers decide which ids the caller may see.';
revoke all on function app.comment_rows(uuid[]) from public;

create or replace function app.supervises (
  p_region_code text
)
  returns boolean
  language sql
  stable
  set search_path to ''
  as $function$
  select p_region_code in (select app.my_region_codes());
$function$;
revoke all on function app.supervises(text) from public;

create or replace function app.supervised_region (
  p_region_code text
)
  returns text
  language plpgsql
  stable
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_region text;
begin
  if not exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.role = 'supervisor') then
    perform app.raise_error('forbidden');
  end if;
  v_region := coalesce(p_region_code, (
    select s.scope_region_code from app.staff_roles s join app.regions r on r.code = s.scope_region_code
    where s.user_id = v_uid and s.role = 'supervisor'
    order by case r.level when 'province' then 1 when 'city' then 2 else 3 end, r.code limit 1));
  if not app.supervises(v_region) then
    perform app.raise_error('forbidden', 'p_region_code');
  end if;
  return v_region;
end;
$function$;
comment on function app.supervised_region(text) is 'The region a supervisor acts on (given, or their widest); forbidden otherwise.';
revoke all on function app.supervised_region(text) from public;

create or replace function app.check_comment_status (
  p_status text
)
  returns void
  language plpgsql
  immutable
  set search_path to ''
  as $function$
begin
  if p_status is not null and p_status not in ('received', 'routed', 'replied', 'closed') then
    perform app.raise_error('invalid_input', 'p_status');
  end if;
end;
$function$;
revoke all on function app.check_comment_status(text) from public;

create or replace function public.submit_comment (
  p_kind    text,
  p_content text,
  p_unit_id uuid default null::uuid,
  p_contact text default null::text
)
  returns table (
    id             uuid,
    kind           text,
    source         text,
    content        text,
    status         text,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    contact_masked text,
    reply          text,
    replied_at     timestamp with time zone,
    routed_at      timestamp with time zone,
    close_note     text,
    closed_at      timestamp with time zone,
    received_at    timestamp with time zone,
    created_at     timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_content text;
  v_contact text;
  v_region text;
  v_c app.comments;
begin
  if p_kind is null or p_kind not in ('suggestion', 'complaint', 'praise') then
    perform app.raise_error('invalid_input', 'p_kind');
  end if;
  v_content := app.comment_text(p_content, 'p_content');
  v_contact := app.comment_contact(p_contact);
  if p_unit_id is not null then
    select u.region_code into v_region from app.units u where u.id = p_unit_id;
    if not found then
      perform app.raise_error('not_found', 'p_unit_id');
    end if;
  else
    -- No unit chosen: the inbox of the citizen's region, else of the city.
    v_region := coalesce(
      (select u.region_code from app.users u where u.id = v_uid),
      (select r.code from app.regions r where r.level = 'city' order by r.code limit 1));
  end if;
  -- The 意见箱 is open to everyone signed in; 20 a day per person keeps it usable.
  if (select count(*) from app.comments c where c.author_user_id = v_uid and c.created_at > now() - interval '1 day') >= 20 then
    perform app.raise_error('comment_daily_limit');
  end if;

  insert into app.comments as c (kind, source, content, author_user_id, contact_enc, contact_masked, region_code, unit_id,
                                 status, routed_at, updated_by)
  values (p_kind, 'suggestion_box', v_content, v_uid, app.pii_encrypt(v_contact), app.mask_contact(v_contact), v_region, p_unit_id,
          case when p_unit_id is null then 'received' else 'routed' end,
          case when p_unit_id is not null then now() end, v_uid)
  returning * into v_c;
  perform app.log_comment_event(v_c.id, 'submitted', null, 'received', null, null);
  if p_unit_id is not null then
    perform app.log_comment_event(v_c.id, 'routed', 'received', 'routed', p_unit_id, '群众选择的单位');
  end if;
  return query select * from app.comment_rows(array[v_c.id]);
end;
$function$;
comment on function public.submit_comment(text, text, uuid, text) is 'R18 意见箱: a signed-in person leaves a suggestion, complaint or praise (≤ 1000 chars), for a unit of their choice or none; contact optional, stored encrypted, shown masked only.';
revoke all on function public.submit_comment(text, text, uuid, text) from public;
grant execute on function public.submit_comment(text, text, uuid, text) to authenticated, service_role;

create or replace function public.record_comment (
  p_source      text,
  p_kind        text,
  p_content     text,
  p_region_code text                     default null::text,
  p_unit_id     uuid                     default null::uuid,
  p_contact     text                     default null::text,
  p_received_at timestamp with time zone default null::timestamp with time zone
)
  returns table (
    id             uuid,
    kind           text,
    source         text,
    content        text,
    status         text,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    contact_masked text,
    reply          text,
    replied_at     timestamp with time zone,
    routed_at      timestamp with time zone,
    close_note     text,
    closed_at      timestamp with time zone,
    received_at    timestamp with time zone,
    created_at     timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_region text;
  v_content text;
  v_contact text;
  v_c app.comments;
begin
  if p_source is null or p_source not in ('hotline', 'supervision_platform', 'email') then
    perform app.raise_error('invalid_input', 'p_source');
  end if;
  if p_kind is null or p_kind not in ('suggestion', 'complaint', 'praise') then
    perform app.raise_error('invalid_input', 'p_kind');
  end if;
  v_content := app.comment_text(p_content, 'p_content');
  v_contact := app.comment_contact(p_contact);
  if p_received_at > now() or p_received_at < timestamptz '2000-01-01 00:00:00+08' then
    perform app.raise_error('invalid_input', 'p_received_at');
  end if;
  perform app.supervised_region(null);
  if p_unit_id is not null then
    select u.region_code into v_region from app.units u where u.id = p_unit_id;
    if not found then
      perform app.raise_error('not_found', 'p_unit_id');
    end if;
    if p_region_code is not null and p_region_code <> v_region then
      perform app.raise_error('invalid_input', 'p_region_code');
    end if;
  end if;
  v_region := app.supervised_region(coalesce(v_region, p_region_code));

  insert into app.comments as c (kind, source, content, contact_enc, contact_masked, region_code, unit_id, status, routed_at,
                                 received_at, recorded_by, updated_by)
  values (p_kind, p_source, v_content, app.pii_encrypt(v_contact), app.mask_contact(v_contact), v_region, p_unit_id,
          case when p_unit_id is null then 'received' else 'routed' end,
          case when p_unit_id is not null then now() end, coalesce(p_received_at, now()), v_uid, v_uid)
  returning * into v_c;
  perform app.log_comment_event(v_c.id, 'recorded', null, 'received', null, null);
  if p_unit_id is not null then
    perform app.log_comment_event(v_c.id, 'routed', 'received', 'routed', p_unit_id, null);
  end if;
  return query select * from app.comment_rows(array[v_c.id]);
end;
$function$;
comment on function public.record_comment(text, text, text, text, uuid, text, timestamp with time zone) is 'R18: a supervisor records a comment received by hotline, supervision platform or e-mail, for a region they oversee (or straight for a unit there); the contact is stored encrypted.';
revoke all on function public.record_comment(text, text, text, text, uuid, text, timestamp with time zone) from public;
grant execute on function public.record_comment(text, text, text, text, uuid, text, timestamp with time zone) to authenticated, service_role;

create or replace function public.my_comments()
  returns table (
    id             uuid,
    kind           text,
    source         text,
    content        text,
    status         text,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    contact_masked text,
    reply          text,
    replied_at     timestamp with time zone,
    routed_at      timestamp with time zone,
    close_note     text,
    closed_at      timestamp with time zone,
    received_at    timestamp with time zone,
    created_at     timestamp with time zone
  )
  language sql
  stable
  security definer
  set search_path to ''
  as $function$
  select * from app.comment_rows(array(select c.id from app.comments c where c.author_user_id = (select auth.uid())));
$function$;
comment on function public.my_comments() is 'The caller''s own 意见箱 comments with the unit''s reply, newest first.';
revoke all on function public.my_comments() from public;
grant execute on function public.my_comments() to authenticated, service_role;

create or replace function public.unit_comments (
  p_status text default null::text
)
  returns table (
    id             uuid,
    kind           text,
    source         text,
    content        text,
    status         text,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    contact_masked text,
    reply          text,
    replied_at     timestamp with time zone,
    routed_at      timestamp with time zone,
    close_note     text,
    closed_at      timestamp with time zone,
    received_at    timestamp with time zone,
    created_at     timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  perform app.require_user();
  perform app.check_comment_status(p_status);
  if not exists (select app.my_unit_ids()) then
    perform app.raise_error('forbidden');
  end if;
  return query select * from app.comment_rows(array(
    select c.id from app.comments c
    where c.unit_id in (select app.my_unit_ids()) and (p_status is null or c.status = p_status)));
end;
$function$;
comment on function public.unit_comments(text) is 'Comments routed to the caller''s units (staff and unit admins), by status; contact masked, no author.';
revoke all on function public.unit_comments(text) from public;
grant execute on function public.unit_comments(text) to authenticated, service_role;

create or replace function public.supervisor_comments (
  p_status      text default null::text,
  p_region_code text default null::text
)
  returns table (
    id             uuid,
    kind           text,
    source         text,
    content        text,
    status         text,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    contact_masked text,
    reply          text,
    replied_at     timestamp with time zone,
    routed_at      timestamp with time zone,
    close_note     text,
    closed_at      timestamp with time zone,
    received_at    timestamp with time zone,
    created_at     timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_region text;
begin
  perform app.check_comment_status(p_status);
  v_region := app.supervised_region(p_region_code);
  return query select * from app.comment_rows(array(
    select c.id from app.comments c
    where c.region_code in (select app.region_and_below(v_region)) and (p_status is null or c.status = p_status)));
end;
$function$;
comment on function public.supervisor_comments(text, text) is 'The supervisors'' inbox: comments of a region they oversee (default: their widest) and the regions below it, by status.';
revoke all on function public.supervisor_comments(text, text) from public;
grant execute on function public.supervisor_comments(text, text) to authenticated, service_role;

create or replace function public.route_comment (
  p_comment_id uuid,
  p_unit_id    uuid,
  p_note       text default null::text
)
  returns table (
    id             uuid,
    kind           text,
    source         text,
    content        text,
    status         text,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    contact_masked text,
    reply          text,
    replied_at     timestamp with time zone,
    routed_at      timestamp with time zone,
    close_note     text,
    closed_at      timestamp with time zone,
    received_at    timestamp with time zone,
    created_at     timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_note text := app.comment_text(p_note, 'p_note', false);
  v_c app.comments;
  v_unit_region text;
begin
  if p_comment_id is null then
    perform app.raise_error('invalid_input', 'p_comment_id');
  end if;
  if p_unit_id is null then
    perform app.raise_error('invalid_input', 'p_unit_id');
  end if;
  perform app.supervised_region(null);
  select * into v_c from app.comments c where c.id = p_comment_id for update;
  if not found then
    perform app.raise_error('not_found', 'p_comment_id');
  end if;
  if not app.supervises(v_c.region_code) then
    perform app.raise_error('forbidden', 'p_comment_id');
  end if;
  select u.region_code into v_unit_region from app.units u where u.id = p_unit_id;
  if not found then
    perform app.raise_error('not_found', 'p_unit_id');
  end if;
  if not app.supervises(v_unit_region) then
    perform app.raise_error('forbidden', 'p_unit_id');
  end if;
  if v_c.status not in ('received', 'routed') or v_c.unit_id = p_unit_id then
    perform app.raise_error('comment_invalid_transition', v_c.status || ' → routed');
  end if;

  update app.comments c
  set status = 'routed', unit_id = p_unit_id, region_code = v_unit_region, routed_at = now(),
      updated_at = now(), updated_by = v_uid
  where c.id = v_c.id;
  perform app.log_comment_event(v_c.id, case v_c.status when 'routed' then 'rerouted' else 'routed' end,
                                v_c.status, 'routed', p_unit_id, v_note);
  return query select * from app.comment_rows(array[v_c.id]);
end;
$function$;
comment on function public.route_comment(uuid, uuid, text) is 'R18: a supervisor of the comment''s region sends it to a unit of their region (received → routed, or routed → routed to another unit before it is answered).';
revoke all on function public.route_comment(uuid, uuid, text) from public;
grant execute on function public.route_comment(uuid, uuid, text) to authenticated, service_role;

create or replace function public.reply_comment (
  p_comment_id uuid,
  p_reply      text
)
  returns table (
    id             uuid,
    kind           text,
    source         text,
    content        text,
    status         text,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    contact_masked text,
    reply          text,
    replied_at     timestamp with time zone,
    routed_at      timestamp with time zone,
    close_note     text,
    closed_at      timestamp with time zone,
    received_at    timestamp with time zone,
    created_at     timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_reply text := app.comment_text(p_reply, 'p_reply');
  v_c app.comments;
begin
  select * into v_c from app.comments c where c.id = p_comment_id for update;
  if not found then
    perform app.raise_error('not_found', 'p_comment_id');
  end if;
  if v_c.unit_id is null or v_c.unit_id not in (select app.my_unit_ids()) then
    perform app.raise_error('forbidden', 'p_comment_id');
  end if;
  if v_c.status <> 'routed' then
    perform app.raise_error('comment_invalid_transition', v_c.status || ' → replied');
  end if;

  update app.comments c
  set status = 'replied', reply = v_reply, replied_at = now(), replied_by = v_uid, updated_at = now(), updated_by = v_uid
  where c.id = v_c.id;
  perform app.log_comment_event(v_c.id, 'replied', 'routed', 'replied', v_c.unit_id, v_reply);
  return query select * from app.comment_rows(array[v_c.id]);
end;
$function$;
comment on function public.reply_comment(uuid, text) is 'R18: staff or the unit admin of the unit a comment is routed to answer it (routed → replied). The author reads the reply in my_comments.';
revoke all on function public.reply_comment(uuid, text) from public;
grant execute on function public.reply_comment(uuid, text) to authenticated, service_role;

create or replace function public.close_comment (
  p_comment_id uuid,
  p_note       text default null::text
)
  returns table (
    id             uuid,
    kind           text,
    source         text,
    content        text,
    status         text,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    contact_masked text,
    reply          text,
    replied_at     timestamp with time zone,
    routed_at      timestamp with time zone,
    close_note     text,
    closed_at      timestamp with time zone,
    received_at    timestamp with time zone,
    created_at     timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_note text := app.comment_text(p_note, 'p_note', false);
  v_c app.comments;
begin
  perform app.supervised_region(null);
  select * into v_c from app.comments c where c.id = p_comment_id for update;
  if not found then
    perform app.raise_error('not_found', 'p_comment_id');
  end if;
  if not app.supervises(v_c.region_code) then
    perform app.raise_error('forbidden', 'p_comment_id');
  end if;
  if v_c.status not in ('received', 'replied') then
    perform app.raise_error('comment_invalid_transition', v_c.status || ' → closed');
  end if;
  -- Closing without an answer (a duplicate, nothing to act on) must say why.
  if v_c.status = 'received' and v_note is null then
    perform app.raise_error('comment_content_required', 'p_note');
  end if;

  update app.comments c
  set status = 'closed', closed_at = now(), close_note = v_note, updated_at = now(), updated_by = v_uid
  where c.id = v_c.id;
  perform app.log_comment_event(v_c.id, 'closed', v_c.status, 'closed', v_c.unit_id, v_note);
  return query select * from app.comment_rows(array[v_c.id]);
end;
$function$;
comment on function public.close_comment(uuid, text) is 'R18: a supervisor of the comment''s region closes it once answered (replied → closed), or unanswered with a reason (received → closed).';
revoke all on function public.close_comment(uuid, text) from public;
grant execute on function public.close_comment(uuid, text) to authenticated, service_role;

create or replace function public.reveal_comment_contact (
  p_comment_id uuid
)
  returns table (
    contact        text,
    contact_masked text
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_c app.comments;
begin
  perform app.supervised_region(null);
  select * into v_c from app.comments c where c.id = p_comment_id;
  if not found then
    perform app.raise_error('not_found', 'p_comment_id');
  end if;
  if not app.supervises(v_c.region_code) then
    perform app.raise_error('forbidden', 'p_comment_id');
  end if;
  if v_c.contact_enc is not null then
    perform app.log_comment_event(v_c.id, 'contact_revealed', v_c.status, v_c.status, null, null);
  end if;
  return query select app.pii_decrypt(v_c.contact_enc), v_c.contact_masked;
end;
$function$;
comment on function public.reveal_comment_contact(uuid) is 'R13/R18: the contact a person left, decrypted, to a supervisor of the comment''s region (to call back); every reveal is logged. The only reader of app.comments.contact_enc.';
revoke all on function public.reveal_comment_contact(uuid) from public;
grant execute on function public.reveal_comment_contact(uuid) to authenticated, service_role;

create or replace function public.comment_history (
  p_comment_id uuid
)
  returns table (
    at          timestamp with time zone,
    event       text,
    status_from text,
    status_to   text,
    unit_name   text,
    note        text
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_c app.comments;
begin
  select * into v_c from app.comments c where c.id = p_comment_id;
  if not found then
    perform app.raise_error('not_found', 'p_comment_id');
  end if;
  if v_c.author_user_id is distinct from v_uid
     and (v_c.unit_id is null or v_c.unit_id not in (select app.my_unit_ids()))
     and not app.supervises(v_c.region_code) then
    perform app.raise_error('forbidden', 'p_comment_id');
  end if;
  return query
  select e.created_at, e.event, e.status_from, e.status_to, u.name, e.note
  from app.comment_events e left join app.units u on u.id = e.unit_id
  where e.comment_id = v_c.id
  order by e.id;
end;
$function$;
comment on function public.comment_history(uuid) is 'What happened to a comment, oldest first, for its author, the unit it is routed to and supervisors of its region. Never who acted.';
revoke all on function public.comment_history(uuid) from public;
grant execute on function public.comment_history(uuid) to authenticated, service_role;

create table app.return_visit_samples (
  id              uuid                     not null default gen_random_uuid(),
  region_code     text                     not null,
  period_from     date                     not null,
  period_to       date                     not null,
  requested_n     integer                  not null,
  seed            text                     not null,
  candidate_count integer                  not null,
  drawn_by        uuid                     not null,
  created_at      timestamp with time zone not null default now(),
  constraint return_visit_samples_candidate_count_check check ((candidate_count > 0)),
  constraint return_visit_samples_check check ((period_from <= period_to)),
  constraint return_visit_samples_pkey primary key (id),
  constraint return_visit_samples_requested_n_check check (((requested_n >= 1) and (requested_n <= 200))),
  constraint return_visit_samples_seed_check check (((char_length(seed) >= 1) and (char_length(seed) <= 100)))
);
alter table app.return_visit_samples
  enable row level security;
alter table app.return_visit_samples
  add constraint return_visit_samples_region_code_fkey foreign key (region_code) references app.regions(code);
alter table app.return_visit_samples
  add constraint return_visit_samples_drawn_by_fkey foreign key (drawn_by) references app.users(id);
create index return_visit_samples_drawn_by_idx on app.return_visit_samples using btree (drawn_by);
create index return_visit_samples_region_code_idx on app.return_visit_samples using btree (region_code, created_at);
comment on table app.return_visit_samples is '回访抽查 batches: who drew which sample of real-name raters, for which region and period (Asia/Shanghai days), with which seed.';
comment on column app.return_visit_samples.candidate_count is 'How many distinct real-name raters were eligible when the sample was drawn.';
comment on column app.return_visit_samples.seed is 'Ranks candidates by md5(seed || '':'' || rating id): the same seed over the same ratings draws the same raters.';
grant select on table app.return_visit_samples to service_role;

create table app.return_visit_sample_items (
  id            uuid                     not null default gen_random_uuid(),
  sample_id     uuid                     not null,
  "position"      integer                  not null,
  rating_id     uuid                     not null,
  rater_user_id uuid                     not null,
  outcome       text,
  satisfied     boolean,
  note          text,
  visited_at    timestamp with time zone,
  visited_by    uuid,
  updated_at    timestamp with time zone not null default now(),
  constraint return_visit_sample_items_check1 check ((((outcome is null) = (visited_at is null)) and ((outcome is null) = (visited_by is null)))),
  constraint return_visit_sample_items_check check (
case
    when (outcome = 'reached'::text) then (satisfied is not null)
    else (satisfied is null)
end),
  constraint return_visit_sample_items_note_check check (((char_length(note) >= 1) and (char_length(note) <= 1000))),
  constraint return_visit_sample_items_outcome_check check ((outcome = any (array['reached'::text, 'unreachable'::text, 'declined'::text]))),
  constraint return_visit_sample_items_pkey primary key (id),
  constraint return_visit_sample_items_position_check check (("position" > 0)),
  constraint return_visit_sample_items_sample_id_position_key unique (sample_id, "position"),
  constraint return_visit_sample_items_sample_id_rater_user_id_key unique (sample_id, rater_user_id)
);
alter table app.return_visit_sample_items
  enable row level security;
alter table app.return_visit_sample_items
  add constraint return_visit_sample_items_rating_id_fkey foreign key (rating_id) references app.ratings(id);
alter table app.return_visit_sample_items
  add constraint return_visit_sample_items_sample_id_fkey foreign key (sample_id) references app.return_visit_samples(id);
alter table app.return_visit_sample_items
  add constraint return_visit_sample_items_rater_user_id_fkey foreign key (rater_user_id) references app.users(id);
alter table app.return_visit_sample_items
  add constraint return_visit_sample_items_visited_by_fkey foreign key (visited_by) references app.users(id);
create index return_visit_sample_items_rater_user_id_idx on app.return_visit_sample_items using btree (rater_user_id);
create index return_visit_sample_items_rating_id_idx on app.return_visit_sample_items using btree (rating_id);
create index return_visit_sample_items_visited_by_idx on app.return_visit_sample_items using btree (visited_by);
comment on table app.return_visit_sample_items is 'One sampled rater (through one of their ratings) per row, and the 回访 outcome: reached 已回访 (satisfied 满意/不满意), unreachable 联系不上 (may be tried again), declined 拒绝回访.';
grant select on table app.return_visit_sample_items to service_role;

create or replace function app.sample_candidates (
  p_region_code text,
  p_from        date,
  p_to          date,
  p_seed        text
)
  returns table (
    rating_id     uuid,
    rater_user_id uuid,
    rank_key      text
  )
  language sql
  stable
  set search_path to ''
  as $function$
  select distinct on (r.rater_user_id) r.id, r.rater_user_id, md5(p_seed || ':' || r.id::text)
  from app.ratings r
  join app.users u on u.id = r.rater_user_id
  where r.region_code in (select app.region_and_below(p_region_code))
    and r.rated_at >= (p_from::timestamp at time zone 'Asia/Shanghai')
    and r.rated_at < ((p_to + 1)::timestamp at time zone 'Asia/Shanghai')
    and r.assess_number = 1 and not r.is_anonymous and not r.is_default and r.validity = 'valid'
    and u.realname_verified_at is not null
  order by r.rater_user_id, md5(p_seed || ':' || r.id::text), r.id;
$function$;
revoke all on function app.sample_candidates(text, date, date, text) from public;

create or replace function app.sample_item_rows (
  p_sample_id uuid
)
  returns table (
    sample_id          uuid,
    seed               text,
    item_id            uuid,
    "position"         integer,
    rating_id          uuid,
    rated_at           timestamp with time zone,
    level              smallint,
    channel            text,
    unit_name          text,
    matter_name        text,
    rater_masked_name  text,
    rater_masked_phone text,
    outcome            text,
    satisfied          boolean,
    note               text,
    visited_at         timestamp with time zone
  )
  language sql
  stable
  set search_path to ''
  as $function$
  select s.id, s.seed, i.id, i.position, r.id, r.rated_at, r.level, r.channel, un.name, m.name,
         u.masked_name, u.masked_phone, i.outcome, i.satisfied, i.note, i.visited_at
  from app.return_visit_samples s
  join app.return_visit_sample_items i on i.sample_id = s.id
  join app.ratings r on r.id = i.rating_id
  join app.users u on u.id = i.rater_user_id
  join app.units un on un.id = r.unit_id
  left join app.matters m on m.id = r.matter_id
  where s.id = p_sample_id
  order by i.position;
$function$;
revoke all on function app.sample_item_rows(uuid) from public;

create or replace function app.check_review_period (
  p_from date,
  p_to   date
)
  returns void
  language plpgsql
  immutable
  set search_path to ''
  as $function$
begin
  if p_from is null or p_to is null or p_from > p_to or p_to - p_from > 366 then
    perform app.raise_error('review_period_invalid', 'p_from/p_to');
  end if;
end;
$function$;
revoke all on function app.check_review_period(date, date) from public;

create or replace function public.sample_return_visits (
  p_from        date,
  p_to          date,
  p_region_code text    default null::text,
  p_n           integer default 20,
  p_seed        text    default null::text
)
  returns table (
    sample_id          uuid,
    seed               text,
    item_id            uuid,
    "position"         integer,
    rating_id          uuid,
    rated_at           timestamp with time zone,
    level              smallint,
    channel            text,
    unit_name          text,
    matter_name        text,
    rater_masked_name  text,
    rater_masked_phone text,
    outcome            text,
    satisfied          boolean,
    note               text,
    visited_at         timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_region text;
  v_seed text := coalesce(p_seed, left(replace(gen_random_uuid()::text, '-', ''), 16));
  v_candidates int;
  v_ratings uuid[];
  v_raters uuid[];
  v_sample_id uuid;
begin
  perform app.check_review_period(p_from, p_to);
  if p_n is null or p_n not between 1 and 200 then
    perform app.raise_error('sample_size_out_of_range', 'p_n');
  end if;
  if char_length(v_seed) not between 1 and 100 then
    perform app.raise_error('invalid_input', 'p_seed');
  end if;
  v_region := app.supervised_region(p_region_code);

  -- One pass over the candidates: how many there are, and the first p_n under the seed.
  select count(*)::int,
         (array_agg(c.rating_id order by c.rank_key, c.rating_id))[1:p_n],
         (array_agg(c.rater_user_id order by c.rank_key, c.rating_id))[1:p_n]
  into v_candidates, v_ratings, v_raters
  from app.sample_candidates(v_region, p_from, p_to, v_seed) c;
  if v_candidates = 0 then
    perform app.raise_error('sample_no_candidates');
  end if;

  insert into app.return_visit_samples as s (region_code, period_from, period_to, requested_n, seed, candidate_count, drawn_by)
  values (v_region, p_from, p_to, p_n, v_seed, v_candidates, v_uid)
  returning s.id into v_sample_id;
  insert into app.return_visit_sample_items (sample_id, position, rating_id, rater_user_id)
  select v_sample_id, x.pos, x.rating_id, x.rater_user_id
  from unnest(v_ratings, v_raters) with ordinality as x (rating_id, rater_user_id, pos);

  return query select * from app.sample_item_rows(v_sample_id);
end;
$function$;
comment on function public.sample_return_visits(date, date, text, integer, text) is 'R18 回访抽查: draws up to p_n (1..200) real-name raters of ratings rated p_from..p_to (Asia/Shanghai) in a region the caller supervises, stores the batch, returns its items (rater masked). Same p_seed → same raters; without one a random seed is drawn and returned.';
revoke all on function public.sample_return_visits(date, date, text, integer, text) from public;
grant execute on function public.sample_return_visits(date, date, text, integer, text) to authenticated, service_role;

create or replace function public.return_visit_samples (
  p_region_code text default null::text
)
  returns table (
    id              uuid,
    region_code     text,
    region_name     text,
    period_from     date,
    period_to       date,
    requested_n     integer,
    seed            text,
    candidate_count integer,
    item_count      integer,
    visited_count   integer,
    satisfied_count integer,
    created_at      timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_region text := app.supervised_region(p_region_code);
begin
  return query
  select s.id, s.region_code, g.name, s.period_from, s.period_to, s.requested_n, s.seed, s.candidate_count,
         count(i.id)::int, (count(i.id) filter (where i.outcome in ('reached', 'declined')))::int,
         (count(i.id) filter (where i.satisfied))::int,
         s.created_at
  from app.return_visit_samples s
  join app.regions g on g.code = s.region_code
  left join app.return_visit_sample_items i on i.sample_id = s.id
  where s.region_code in (select app.region_and_below(v_region))
  group by s.id, g.name
  order by s.created_at desc, s.id;
end;
$function$;
comment on function public.return_visit_samples(text) is '回访抽查 batches of a region the caller supervises (default: their widest), newest first, with progress counts.';
revoke all on function public.return_visit_samples(text) from public;
grant execute on function public.return_visit_samples(text) to authenticated, service_role;

create or replace function app.supervised_sample (
  p_sample_id uuid
)
  returns app.return_visit_samples
  language plpgsql
  stable
  set search_path to ''
  as $function$
declare
  v_s app.return_visit_samples;
begin
  perform app.supervised_region(null);
  select * into v_s from app.return_visit_samples s where s.id = p_sample_id;
  if not found then
    perform app.raise_error('not_found', 'p_sample_id');
  end if;
  if not app.supervises(v_s.region_code) then
    perform app.raise_error('forbidden', 'p_sample_id');
  end if;
  return v_s;
end;
$function$;
revoke all on function app.supervised_sample(uuid) from public;

create or replace function public.return_visit_sample_items (
  p_sample_id uuid
)
  returns table (
    sample_id          uuid,
    seed               text,
    item_id            uuid,
    "position"         integer,
    rating_id          uuid,
    rated_at           timestamp with time zone,
    level              smallint,
    channel            text,
    unit_name          text,
    matter_name        text,
    rater_masked_name  text,
    rater_masked_phone text,
    outcome            text,
    satisfied          boolean,
    note               text,
    visited_at         timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  perform app.supervised_sample(p_sample_id);
  return query select * from app.sample_item_rows(p_sample_id);
end;
$function$;
comment on function public.return_visit_sample_items(uuid) is 'The raters of one 回访抽查 batch (masked) and each visit''s outcome, in draw order.';
revoke all on function public.return_visit_sample_items(uuid) from public;
grant execute on function public.return_visit_sample_items(uuid) to authenticated, service_role;

create or replace function public.record_sample_visit (
  p_item_id   uuid,
  p_outcome   text,
  p_satisfied boolean default null::boolean,
  p_note      text    default null::text
)
  returns table (
    sample_id          uuid,
    seed               text,
    item_id            uuid,
    "position"         integer,
    rating_id          uuid,
    rated_at           timestamp with time zone,
    level              smallint,
    channel            text,
    unit_name          text,
    matter_name        text,
    rater_masked_name  text,
    rater_masked_phone text,
    outcome            text,
    satisfied          boolean,
    note               text,
    visited_at         timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_note text := app.comment_text(p_note, 'p_note', false);
  v_i app.return_visit_sample_items;
begin
  if p_outcome is null or p_outcome not in ('reached', 'unreachable', 'declined') then
    perform app.raise_error('invalid_input', 'p_outcome');
  end if;
  if (p_outcome = 'reached') <> (p_satisfied is not null) then
    perform app.raise_error('invalid_input', 'p_satisfied');
  end if;
  perform app.supervised_region(null);
  select * into v_i from app.return_visit_sample_items i where i.id = p_item_id for update;
  if not found then
    perform app.raise_error('not_found', 'p_item_id');
  end if;
  perform app.supervised_sample(v_i.sample_id);
  -- Someone not reached may be tried again; a visit that happened (or was declined) stands.
  if v_i.outcome in ('reached', 'declined') then
    perform app.raise_error('sample_visit_recorded', 'p_item_id');
  end if;

  update app.return_visit_sample_items i
  set outcome = p_outcome, satisfied = p_satisfied, note = v_note, visited_at = now(), visited_by = v_uid, updated_at = now()
  where i.id = v_i.id;
  return query select * from app.sample_item_rows(v_i.sample_id) r where r.item_id = v_i.id;
end;
$function$;
comment on function public.record_sample_visit(uuid, text, boolean, text) is 'R18: records a 回访抽查 visit: reached (with satisfied), unreachable (may be recorded again later) or declined.';
revoke all on function public.record_sample_visit(uuid, text, boolean, text) from public;
grant execute on function public.record_sample_visit(uuid, text, boolean, text) to authenticated, service_role;

create table app.third_party_assessments (
  id             uuid                     not null default gen_random_uuid(),
  region_code    text                     not null,
  unit_id        uuid,
  period_from    date                     not null,
  period_to      date                     not null,
  assessor_org   text                     not null,
  score          numeric(5,2)             not null,
  summary        text                     not null,
  attachment_ref text,
  recorded_by    uuid                     not null,
  created_at     timestamp with time zone not null default now(),
  updated_at     timestamp with time zone not null default now(),
  updated_by     uuid                     not null,
  constraint third_party_assessments_assessor_org_check check (((char_length(assessor_org) >= 1) and (char_length(assessor_org) <= 200))),
  constraint third_party_assessments_attachment_ref_check check (((attachment_ref ~ '^\S+$'::text) and (char_length(attachment_ref) <= 500))),
  constraint third_party_assessments_check check ((period_from <= period_to)),
  constraint third_party_assessments_pkey primary key (id),
  constraint third_party_assessments_score_check check (((score >= (0)::numeric) and (score <= (100)::numeric))),
  constraint third_party_assessments_summary_check check (((char_length(summary) >= 1) and (char_length(summary) <= 1000)))
);
alter table app.third_party_assessments
  enable row level security;
alter table app.third_party_assessments
  add constraint third_party_assessments_region_code_fkey foreign key (region_code) references app.regions(code);
alter table app.third_party_assessments
  add constraint third_party_assessments_unit_id_fkey foreign key (unit_id) references app.units(id);
alter table app.third_party_assessments
  add constraint third_party_assessments_recorded_by_fkey foreign key (recorded_by) references app.users(id);
alter table app.third_party_assessments
  add constraint third_party_assessments_updated_by_fkey foreign key (updated_by) references app.users(id);
create index third_party_assessments_recorded_by_idx on app.third_party_assessments using btree (recorded_by);
create index third_party_assessments_region_code_idx on app.third_party_assessments using btree (region_code, period_from);
create index third_party_assessments_unit_id_idx on app.third_party_assessments using btree (unit_id);
create index third_party_assessments_updated_by_idx on app.third_party_assessments using btree (updated_by);
comment on table app.third_party_assessments is '第三方评估 of a region (unit_id null) or one unit of it, for period_from..period_to.';
comment on column app.third_party_assessments.attachment_ref is 'Where the report file is kept (storage path or URL); the file itself is not stored here.';
comment on column app.third_party_assessments.score is 'The assessor''s overall score, 0–100.';
grant select on table app.third_party_assessments to service_role;

create or replace function public.record_third_party_assessment (
  p_region_code    text,
  p_unit_id        uuid,
  p_period_from    date,
  p_period_to      date,
  p_assessor_org   text,
  p_score          numeric,
  p_summary        text,
  p_attachment_ref text    default null::text
)
  returns table (
    id             uuid,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    period_from    date,
    period_to      date,
    assessor_org   text,
    score          numeric,
    summary        text,
    attachment_ref text,
    created_at     timestamp with time zone
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_region text := p_region_code;
  v_org text;
  v_summary text := app.comment_text(p_summary, 'p_summary');
  v_a app.third_party_assessments;
begin
  perform app.check_review_period(p_period_from, p_period_to);
  if p_assessor_org is null or btrim(p_assessor_org) = '' or char_length(btrim(p_assessor_org)) > 200 then
    perform app.raise_error('invalid_input', 'p_assessor_org');
  end if;
  v_org := btrim(p_assessor_org);
  if p_score is null or p_score not between 0 and 100 then
    perform app.raise_error('assessment_score_out_of_range', 'p_score');
  end if;
  if p_attachment_ref is not null and (p_attachment_ref !~ '^\S+$' or char_length(p_attachment_ref) > 500) then
    perform app.raise_error('invalid_input', 'p_attachment_ref');
  end if;
  perform app.supervised_region(null);
  if p_unit_id is not null then
    select u.region_code into v_region from app.units u where u.id = p_unit_id;
    if not found then
      perform app.raise_error('not_found', 'p_unit_id');
    end if;
    if p_region_code is not null and p_region_code <> v_region then
      perform app.raise_error('invalid_input', 'p_region_code');
    end if;
  elsif p_region_code is null then
    perform app.raise_error('invalid_input', 'p_region_code');
  end if;
  v_region := app.supervised_region(v_region);

  insert into app.third_party_assessments as a (region_code, unit_id, period_from, period_to, assessor_org, score, summary,
                                                attachment_ref, recorded_by, updated_by)
  values (v_region, p_unit_id, p_period_from, p_period_to, v_org, p_score, v_summary, p_attachment_ref, v_uid, v_uid)
  returning * into v_a;
  return query
  select v_a.id, v_a.region_code, g.name, v_a.unit_id, u.name, v_a.period_from, v_a.period_to,
         v_a.assessor_org, v_a.score, v_a.summary, v_a.attachment_ref, v_a.created_at
  from app.regions g left join app.units u on u.id = v_a.unit_id
  where g.code = v_a.region_code;
end;
$function$;
comment on function public.record_third_party_assessment(text, uuid, date, date, text, numeric, text, text) is 'R18 第三方评估: a supervisor records an assessment of a region they oversee or of one unit in it (score 0–100, period ≤ 1 year).';
revoke all on function public.record_third_party_assessment(text, uuid, date, date, text, numeric, text, text) from public;
grant execute on function public.record_third_party_assessment(text, uuid, date, date, text, numeric, text, text) to authenticated, service_role;

create or replace function public.third_party_assessments (
  p_region_code text default null::text,
  p_unit_id     uuid default null::uuid
)
  returns table (
    id             uuid,
    region_code    text,
    region_name    text,
    unit_id        uuid,
    unit_name      text,
    period_from    date,
    period_to      date,
    assessor_org   text,
    score          numeric,
    summary        text,
    attachment_ref text,
    created_at     timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_supervisor boolean := exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.role = 'supervisor');
  v_region text;
begin
  if v_supervisor then
    v_region := app.supervised_region(p_region_code);
  elsif not exists (select app.my_unit_ids()) or p_region_code is not null then
    perform app.raise_error('forbidden');
  elsif p_unit_id is not null and p_unit_id not in (select app.my_unit_ids()) then
    perform app.raise_error('forbidden', 'p_unit_id');
  end if;
  return query
  select a.id, a.region_code, g.name, a.unit_id, u.name, a.period_from, a.period_to,
         a.assessor_org, a.score, a.summary, a.attachment_ref, a.created_at
  from app.third_party_assessments a
  join app.regions g on g.code = a.region_code
  left join app.units u on u.id = a.unit_id
  where (p_unit_id is null or a.unit_id = p_unit_id)
    and case when v_supervisor then a.region_code in (select app.region_and_below(v_region))
             else a.unit_id in (select app.my_unit_ids()) end
  order by a.period_to desc, a.created_at desc, a.id;
end;
$function$;
comment on function public.third_party_assessments(text, uuid) is '第三方评估 records: supervisors see those of a region they oversee (default: their widest); staff and unit admins those about their own units.';
revoke all on function public.third_party_assessments(text, uuid) from public;
grant execute on function public.third_party_assessments(text, uuid) to authenticated, service_role;

create trigger comment_events_append_only
  before delete or update on app.comment_events
  for each row
  execute function app.refuse_audit_change();

create trigger comment_events_no_truncate
  before truncate on app.comment_events
  for each statement
  execute function app.refuse_audit_change();

create policy comments_select on app.comments
  for select
  to service_role
  using (true);

create policy comment_events_select on app.comment_events
  for select
  to service_role
  using (true);

create policy return_visit_samples_select on app.return_visit_samples
  for select
  to service_role
  using (true);

create policy return_visit_sample_items_select on app.return_visit_sample_items
  for select
  to service_role
  using (true);

create policy third_party_assessments_select on app.third_party_assessments
  for select
  to service_role
  using (true);

-- ══════════ supabase/schemas/10_upstream.sql ══════════

-- Upstream: the outbox of ratings reported to the provincial 好差评 platform (filled by triggers,
-- claimed and settled by report-upstream, repushed by supervisors) and the spreadsheet exports.


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
comment on column app.upstream_outbox.region_code is 'The rating''s region when the message was written (supervisor scope). No foreign key, for the same reason; app.ratings.region_code references app.regions.';
comment on column app.upstream_outbox.repushed_by is 'The supervisor (app.users.id) who last re-pushed the message by hand.';
comment on column app.upstream_outbox.status is 'pending (waiting for next_attempt_at), sending (claimed by a run; next_attempt_at is then the end of its lease), delivered (the platform acknowledged this item), dead (max_attempts failures; repush_upstream puts it back).';

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
  insert into app.upstream_outbox (rating_id, change_seq, reason, region_code)
  select n.id, 1, 'rating_created', n.region_code from new_ratings n;
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
  cross join lateral (
    select coalesce(max(x.change_seq), 0) + 1 as seq from app.upstream_outbox x where x.rating_id = n.id
  ) q
  where (n.validity, n.level, n.tags, n.comment, n.unit_id, n.region_code, n.channel, n.rated_at, n.assess_number)
        is distinct from (o.validity, o.level, o.tags, o.comment, o.unit_id, o.region_code, o.channel, o.rated_at, o.assess_number);
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

create policy upstream_settings_select on app.upstream_settings
  for select
  to service_role
  using (true);

create policy upstream_outbox_select on app.upstream_outbox
  for select
  to service_role
  using (true);

-- ══════════ supabase/schemas/11_administration.sql ══════════

-- Administration: units, halls, windows, matters and people managed by unit admins and
-- supervisors (granting and revoking roles, assigning windows, finding a user), with their scope
-- checks and the lookup flags that stop sweeps.


create or replace function app.require_region_supervisor (
  p_region_code text
)
  returns uuid
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
begin
  if p_region_code is null or not exists (select 1 from app.regions r where r.code = p_region_code) then
    perform app.raise_error('not_found', 'p_region_code');
  end if;
  if not app.is_region_supervisor(p_region_code) then
    perform app.raise_error('forbidden', 'p_region_code');
  end if;
  return v_uid;
end;
$function$;
revoke all on function app.require_region_supervisor(text) from public;
grant execute on function app.require_region_supervisor(text) to authenticated;

create or replace function public.admin_save_unit (
  p_id          uuid,
  p_region_code text,
  p_name        text,
  p_credit_code text default null::text
)
  returns table (
    id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
#variable_conflict use_column
declare
  v_id uuid;
begin
  perform app.require_region_supervisor(p_region_code);
  if p_name is null or char_length(app.trim_ws(p_name)) not between 2 and 100 then
    perform app.raise_error('invalid_input', 'p_name');
  end if;
  if p_credit_code is not null and p_credit_code !~ '^[0-9A-HJ-NPQRTUWXY]{18}$' then
    perform app.raise_error('invalid_input', 'p_credit_code');
  end if;
  if exists (select 1 from app.units u where u.region_code = p_region_code and u.name = app.trim_ws(p_name) and u.id is distinct from p_id)
     or exists (select 1 from app.units u where u.credit_code = p_credit_code and u.id is distinct from p_id) then
    perform app.raise_error('invalid_input', 'duplicate');
  end if;
  if p_id is null then
    insert into app.units (region_code, name, credit_code) values (p_region_code, app.trim_ws(p_name), p_credit_code) returning app.units.id into v_id;
  else
    update app.units u set name = app.trim_ws(p_name), credit_code = p_credit_code
    where u.id = p_id and u.region_code = p_region_code returning u.id into v_id;
    if v_id is null then
      perform app.raise_error('not_found', 'p_id');
    end if;
  end if;
  perform app.audit('admin', v_id, 'unit_saved', p_region_code, null, null, null, null, null,
                    jsonb_build_object('name', app.trim_ws(p_name), 'credit_code', p_credit_code));
  return query select v_id;
end;
$function$;
comment on function public.admin_save_unit(uuid, text, text, text) is 'Supervisors: create (p_id null) or rename a unit of their region.';
revoke all on function public.admin_save_unit(uuid, text, text, text) from public;
grant execute on function public.admin_save_unit(uuid, text, text, text) to authenticated, service_role;

create or replace function public.admin_save_hall (
  p_id          uuid,
  p_region_code text,
  p_name        text,
  p_kind        text,
  p_address     text default null::text
)
  returns table (
    id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_id uuid;
begin
  perform app.require_region_supervisor(p_region_code);
  if p_name is null or char_length(app.trim_ws(p_name)) not between 2 and 100 then
    perform app.raise_error('invalid_input', 'p_name');
  end if;
  if p_kind is null or p_kind not in ('center', 'hall', 'station') then
    perform app.raise_error('invalid_input', 'p_kind');
  end if;
  if char_length(app.trim_ws(p_address)) > 200 then
    perform app.raise_error('invalid_input', 'p_address');
  end if;
  if exists (select 1 from app.halls h where h.region_code = p_region_code and h.name = app.trim_ws(p_name) and h.id is distinct from p_id) then
    perform app.raise_error('invalid_input', 'duplicate');
  end if;
  if p_id is null then
    insert into app.halls (region_code, name, kind, address) values (p_region_code, app.trim_ws(p_name), p_kind, p_address) returning app.halls.id into v_id;
  else
    update app.halls h set name = app.trim_ws(p_name), kind = p_kind, address = p_address
    where h.id = p_id and h.region_code = p_region_code returning h.id into v_id;
    if v_id is null then
      perform app.raise_error('not_found', 'p_id');
    end if;
  end if;
  perform app.audit('admin', v_id, 'hall_saved', p_region_code, null, null, null, null, null,
                    jsonb_build_object('name', app.trim_ws(p_name), 'kind', p_kind, 'address', p_address));
  return query select v_id;
end;
$function$;
revoke all on function public.admin_save_hall(uuid, text, text, text, text) from public;
grant execute on function public.admin_save_hall(uuid, text, text, text, text) to authenticated, service_role;

create or replace function public.admin_save_window (
  p_id      uuid,
  p_hall_id uuid,
  p_unit_id uuid,
  p_name    text
)
  returns table (
    id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_region text := (select h.region_code from app.halls h where h.id = p_hall_id);
  v_id uuid;
begin
  if v_region is null then
    perform app.raise_error('not_found', 'p_hall_id');
  end if;
  perform app.require_region_supervisor(v_region);
  if not exists (select 1 from app.units u where u.id = p_unit_id and app.is_region_supervisor(u.region_code)) then
    perform app.raise_error('not_found', 'p_unit_id');
  end if;
  if p_name is null or char_length(app.trim_ws(p_name)) not between 1 and 60 then
    perform app.raise_error('invalid_input', 'p_name');
  end if;
  if exists (select 1 from app.windows w where w.hall_id = p_hall_id and w.name = app.trim_ws(p_name) and w.id is distinct from p_id) then
    perform app.raise_error('invalid_input', 'duplicate');
  end if;
  if p_id is null then
    insert into app.windows (hall_id, unit_id, name) values (p_hall_id, p_unit_id, app.trim_ws(p_name)) returning app.windows.id into v_id;
  else
    update app.windows w set unit_id = p_unit_id, name = app.trim_ws(p_name)
    where w.id = p_id and w.hall_id = p_hall_id returning w.id into v_id;
    if v_id is null then
      perform app.raise_error('not_found', 'p_id');
    end if;
  end if;
  perform app.audit('admin', v_id, 'window_saved', v_region, null, null, null, null, null,
                    jsonb_build_object('hall_id', p_hall_id, 'unit_id', p_unit_id, 'name', app.trim_ws(p_name)));
  return query select v_id;
end;
$function$;
revoke all on function public.admin_save_window(uuid, uuid, uuid, text) from public;
grant execute on function public.admin_save_window(uuid, uuid, uuid, text) to authenticated, service_role;

create or replace function public.window_qr_codes (
  p_hall_id uuid
)
  returns table (
    window_id   uuid,
    window_name text,
    unit_name   text,
    hall_name   text,
    page        text,
    scene       text,
    h5_path     text
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_region text := (select h.region_code from app.halls h where h.id = p_hall_id);
begin
  if v_region is null then
    perform app.raise_error('not_found', 'p_hall_id');
  end if;
  perform app.require_region_supervisor(v_region);
  return query
  select w.id, w.name, u.name, h.name, 'pages/scan/index', 'w=' || w.id::text, '/pages/scan/index?w=' || w.id::text
  from app.windows w join app.halls h on h.id = w.hall_id join app.units u on u.id = w.unit_id
  where w.hall_id = p_hall_id
  order by w.name;
end;
$function$;
comment on function public.window_qr_codes(uuid) is 'Supervisors: the QR contents of every window of a hall (一次一评 by scanning, R3).';
revoke all on function public.window_qr_codes(uuid) from public;
grant execute on function public.window_qr_codes(uuid) to authenticated, service_role;

create or replace function app.require_role_manager (
  p_role    text,
  p_unit_id uuid,
  p_scope   text
)
  returns void
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_unit_region text := (select u.region_code from app.units u where u.id = p_unit_id);
begin
  if p_role in ('staff', 'unit_admin') then
    if v_unit_region is null then
      perform app.raise_error('not_found', 'p_unit_id');
    end if;
    if app.is_region_supervisor(v_unit_region) then
      return;
    end if;
    if p_role = 'staff' and exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.role = 'unit_admin' and s.unit_id = p_unit_id) then
      return;
    end if;
  elsif p_role = 'supervisor' then
    if p_scope is not null and app.is_region_supervisor(p_scope) then
      return;
    end if;
  end if;
  perform app.raise_error('forbidden');
end;
$function$;
revoke all on function app.require_role_manager(text, uuid, text) from public;
grant execute on function app.require_role_manager(text, uuid, text) to authenticated;

create or replace function public.admin_staff (
  p_region_code text
)
  returns table (
    role_id           uuid,
    user_id           uuid,
    masked_name       text,
    realname_verified boolean,
    role              text,
    unit_id           uuid,
    unit_name         text,
    scope_region_code text
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  perform app.require_region_supervisor(p_region_code);
  return query
  select s.id, s.user_id, us.masked_name, us.realname_verified_at is not null, s.role, s.unit_id, u.name, s.scope_region_code
  from app.staff_roles s
  join app.users us on us.id = s.user_id
  left join app.units u on u.id = s.unit_id
  where coalesce(u.region_code, s.scope_region_code) in (select app.region_and_below(p_region_code))
  order by coalesce(u.region_code, s.scope_region_code), u.name nulls first, s.role, us.masked_name;
end;
$function$;
comment on function public.admin_staff(text) is 'Supervisors: staff, unit admins and supervisors of a region (masked names only).';
revoke all on function public.admin_staff(text) from public;
grant execute on function public.admin_staff(text) to authenticated, service_role;

create or replace function public.admin_grant_role (
  p_user_id           uuid,
  p_role              text,
  p_unit_id           uuid default null::uuid,
  p_scope_region_code text default null::text
)
  returns table (
    role_id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_id uuid;
begin
  if p_role is null or p_role not in ('staff', 'unit_admin', 'supervisor') then
    perform app.raise_error('invalid_input', 'p_role');
  end if;
  if (p_role = 'supervisor') <> (p_unit_id is null) or (p_role = 'supervisor') <> (p_scope_region_code is not null) then
    perform app.raise_error('invalid_input', 'p_unit_id/p_scope_region_code');
  end if;
  perform app.require_role_manager(p_role, p_unit_id, p_scope_region_code);
  if p_user_id is null or not exists (select 1 from app.users u where u.id = p_user_id) then
    perform app.raise_error('not_found', 'p_user_id');
  end if;
  insert into app.staff_roles (user_id, role, unit_id, scope_region_code)
  values (p_user_id, p_role, p_unit_id, p_scope_region_code)
  on conflict (user_id, role, unit_id, scope_region_code) do nothing
  returning app.staff_roles.id into v_id;
  if v_id is null then
    select s.id into v_id from app.staff_roles s
    where s.user_id = p_user_id and s.role = p_role and s.unit_id is not distinct from p_unit_id
      and s.scope_region_code is not distinct from p_scope_region_code;
  else
    perform app.audit('admin', v_id, 'role_granted',
                      coalesce((select u.region_code from app.units u where u.id = p_unit_id), p_scope_region_code),
                      null, p_role, null, null, null, jsonb_build_object('user_id', p_user_id, 'unit_id', p_unit_id, 'scope', p_scope_region_code));
  end if;
  return query select v_id;
end;
$function$;
comment on function public.admin_grant_role(uuid, text, uuid, text) is 'Grant staff / unit_admin (of a unit) or supervisor (of a region); idempotent.';
revoke all on function public.admin_grant_role(uuid, text, uuid, text) from public;
grant execute on function public.admin_grant_role(uuid, text, uuid, text) to authenticated, service_role;

create or replace function public.admin_revoke_role (
  p_role_id uuid
)
  returns table (
    role_id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_r app.staff_roles;
  v_region text;
  v_today date := (now() at time zone 'Asia/Shanghai')::date;
  v_a app.staff_assignments;
begin
  select * into v_r from app.staff_roles s where s.id = p_role_id;
  if not found then
    perform app.raise_error('not_found', 'p_role_id');
  end if;
  perform app.require_role_manager(v_r.role, v_r.unit_id, v_r.scope_region_code);
  if v_r.user_id = auth.uid() and v_r.role = 'supervisor' then
    perform app.raise_error('invalid_input', 'own supervisor role');
  end if;
  v_region := coalesce((select u.region_code from app.units u where u.id = v_r.unit_id), v_r.scope_region_code);
  delete from app.staff_roles s where s.id = p_role_id;
  perform app.audit('admin', p_role_id, 'role_revoked', v_region,
                    v_r.role, null, null, null, null, jsonb_build_object('user_id', v_r.user_id, 'unit_id', v_r.unit_id, 'scope', v_r.scope_region_code));

  if v_r.unit_id is not null and not exists (
    select 1 from app.staff_roles s
    where s.user_id = v_r.user_id and s.unit_id = v_r.unit_id and s.role in ('staff', 'unit_admin')) then
    for v_a in
      select * from app.staff_assignments a
      where a.user_id = v_r.user_id and a.unit_id = v_r.unit_id and (a.valid_to is null or a.valid_to >= v_today)
      order by a.valid_from, a.id
    loop
      if v_a.valid_from < v_today then
        update app.staff_assignments a set valid_to = v_today - 1 where a.id = v_a.id;
      else
        delete from app.staff_assignments a where a.id = v_a.id;
      end if;
      perform app.audit('admin', v_a.id, 'window_unassigned', v_region, null, null, null, null, null,
                        jsonb_build_object('user_id', v_a.user_id, 'window_id', v_a.window_id, 'from', v_a.valid_from,
                                           'to', v_a.valid_to, 'ended_on', case when v_a.valid_from < v_today then v_today - 1 end,
                                           'because', 'role_revoked', 'role_id', p_role_id));
    end loop;
  end if;
  return query select p_role_id;
end;
$function$;
comment on function public.admin_revoke_role(uuid) is 'Revoke one role grant (staff / unit_admin of a unit, supervisor of a region) by its id, by whoever may grant it (app.require_role_manager), never a supervisor''s own supervisor role; audited (role_revoked). The person''s last staff/unit_admin role in a unit also ends their window assignments there (begun: ends yesterday, Asia/Shanghai; not begun: removed; each audited window_unassigned). Unknown id: not_found.';
revoke all on function public.admin_revoke_role(uuid) from public;
grant execute on function public.admin_revoke_role(uuid) to authenticated, service_role;

create or replace function public.admin_assign_window (
  p_user_id    uuid,
  p_window_id  uuid,
  p_valid_from date,
  p_valid_to   date default null::date
)
  returns table (
    assignment_id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_w app.windows;
  v_id uuid;
begin
  select * into v_w from app.windows w where w.id = p_window_id;
  if not found then
    perform app.raise_error('not_found', 'p_window_id');
  end if;
  perform app.require_role_manager('staff', v_w.unit_id, null);
  if not exists (select 1 from app.staff_roles s where s.user_id = p_user_id and s.unit_id = v_w.unit_id and s.role in ('staff', 'unit_admin')) then
    perform app.raise_error('invalid_input', 'p_user_id');
  end if;
  if p_valid_from is null or (p_valid_to is not null and p_valid_to < p_valid_from)
     or p_valid_from not between date '1900-01-01' and date '9999-12-31'
     or (p_valid_to is not null and p_valid_to not between date '1900-01-01' and date '9999-12-31') then
    perform app.raise_error('invalid_input', 'p_valid_from/p_valid_to');
  end if;
  insert into app.staff_assignments (user_id, unit_id, window_id, valid_from, valid_to)
  values (p_user_id, v_w.unit_id, p_window_id, p_valid_from, p_valid_to)
  returning app.staff_assignments.id into v_id;
  perform app.audit('admin', v_id, 'window_assigned', (select u.region_code from app.units u where u.id = v_w.unit_id),
                    null, null, null, null, null, jsonb_build_object('user_id', p_user_id, 'window_id', p_window_id, 'from', p_valid_from, 'to', p_valid_to));
  return query select v_id;
end;
$function$;
revoke all on function public.admin_assign_window(uuid, uuid, date, date) from public;
grant execute on function public.admin_assign_window(uuid, uuid, date, date) to authenticated, service_role;

create or replace function public.admin_save_matter (
  p_id                    uuid,
  p_unit_id               uuid,
  p_code                  text,
  p_name                  text,
  p_promised_working_days integer default null::integer,
  p_rating_channels       text[]  default '{mobile,qrcode,hall_pad}'::text[]
)
  returns table (
    id uuid
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_region text := (select u.region_code from app.units u where u.id = p_unit_id);
  v_id uuid;
begin
  if v_region is null then
    perform app.raise_error('not_found', 'p_unit_id');
  end if;
  perform app.require_region_supervisor(v_region);
  if p_code is null or p_code !~ '^[0-9A-Za-z-]{4,40}$' then
    perform app.raise_error('invalid_input', 'p_code');
  end if;
  if p_name is null or char_length(app.trim_ws(p_name)) not between 2 and 100 then
    perform app.raise_error('invalid_input', 'p_name');
  end if;
  if p_promised_working_days is not null and p_promised_working_days not between 0 and 365 then
    perform app.raise_error('invalid_input', 'p_promised_working_days');
  end if;
  if p_rating_channels is null or cardinality(p_rating_channels) = 0 or exists (
    select 1 from unnest(p_rating_channels) c where c is null or c not in ('pc', 'mobile', 'qrcode', 'hall_pad', 'hall_terminal', 'phone', 'sms')) then
    perform app.raise_error('invalid_input', 'p_rating_channels');
  end if;
  if exists (select 1 from app.matters m where m.code = p_code and m.id is distinct from p_id) then
    perform app.raise_error('invalid_input', 'duplicate');
  end if;
  if p_id is null then
    insert into app.matters (code, name, unit_id, rating_channels, promised_working_days)
    values (p_code, app.trim_ws(p_name), p_unit_id, p_rating_channels, p_promised_working_days) returning app.matters.id into v_id;
  else
    update app.matters m set code = p_code, name = app.trim_ws(p_name), rating_channels = p_rating_channels, promised_working_days = p_promised_working_days
    where m.id = p_id and m.unit_id = p_unit_id returning m.id into v_id;
    if v_id is null then
      perform app.raise_error('not_found', 'p_id');
    end if;
  end if;
  perform app.audit('admin', v_id, 'matter_saved', v_region, null, null, null, null, null,
                    jsonb_build_object('code', p_code, 'name', app.trim_ws(p_name), 'channels', p_rating_channels));
  return query select v_id;
end;
$function$;
comment on function public.admin_save_matter(uuid, uuid, text, text, integer, text[]) is 'Supervisors: create or edit a 事项 of a unit in their region (办事指南 fields that matter for rating).';
revoke all on function public.admin_save_matter(uuid, uuid, text, text, integer, text[]) from public;
grant execute on function public.admin_save_matter(uuid, uuid, text, text, integer, text[]) to authenticated, service_role;

create or replace function public.admin_halls (
  p_region_code text
)
  returns table (
    id           uuid,
    region_code  text,
    name         text,
    kind         text,
    address      text,
    window_count integer
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  perform app.require_region_supervisor(p_region_code);
  return query
  select h.id, h.region_code, h.name, h.kind, h.address,
         (select count(*)::int from app.windows w where w.hall_id = h.id)
  from app.halls h
  where h.region_code = p_region_code
  order by h.name;
end;
$function$;
comment on function public.admin_halls(text) is 'Supervisors: the halls (center 政务服务中心, hall 部门大厅, station 便民服务站) of one region they oversee, with their window counts.';
revoke all on function public.admin_halls(text) from public;
grant execute on function public.admin_halls(text) to authenticated, service_role;

create or replace function public.admin_windows (
  p_region_code text
)
  returns table (
    id        uuid,
    hall_id   uuid,
    hall_name text,
    unit_id   uuid,
    unit_name text,
    name      text
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  perform app.require_region_supervisor(p_region_code);
  return query
  select w.id, h.id, h.name, u.id, u.name, w.name
  from app.windows w
  join app.halls h on h.id = w.hall_id
  join app.units u on u.id = w.unit_id
  where h.region_code = p_region_code
  order by h.name, w.name;
end;
$function$;
comment on function public.admin_windows(text) is 'Supervisors: the windows of the halls of one region they oversee, each with its hall and unit.';
revoke all on function public.admin_windows(text) from public;
grant execute on function public.admin_windows(text) to authenticated, service_role;

create or replace function public.admin_matters (
  p_unit_id uuid
)
  returns table (
    id                    uuid,
    unit_id               uuid,
    code                  text,
    name                  text,
    handling_channels     text[],
    rating_channels       text[],
    promised_working_days integer
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_region text := (select u.region_code from app.units u where u.id = p_unit_id);
begin
  if v_region is null then
    perform app.raise_error('not_found', 'p_unit_id');
  end if;
  perform app.require_region_supervisor(v_region);
  return query
  select m.id, m.unit_id, m.code, m.name, m.handling_channels, m.rating_channels, m.promised_working_days
  from app.matters m
  where m.unit_id = p_unit_id
  order by m.code;
end;
$function$;
comment on function public.admin_matters(uuid) is 'Supervisors: the 事项 of a unit in a region they oversee (code, name, channels, 承诺时限 in working days).';
revoke all on function public.admin_matters(uuid) from public;
grant execute on function public.admin_matters(uuid) to authenticated, service_role;

create or replace function public.admin_find_user (
  p_identifier        text,
  p_unit_id           uuid default null::uuid,
  p_scope_region_code text default null::text,
  p_id_number         text default null::text
)
  returns table (
    user_id           uuid,
    masked_name       text,
    realname_verified boolean
  )
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_region text;
  v_supervisor boolean;
  v_value text;
  v_id_number text;
  v_kind text;
  v_ids uuid[];
  v_misses int;
begin
  if (p_unit_id is null) = (p_scope_region_code is null) then
    perform app.raise_error('invalid_input', 'p_unit_id/p_scope_region_code');
  end if;
  if p_unit_id is not null then
    perform app.require_role_manager('staff', p_unit_id, null);
    v_region := (select u.region_code from app.units u where u.id = p_unit_id);
  else
    perform app.require_role_manager('supervisor', null, p_scope_region_code);
    v_region := p_scope_region_code;
  end if;
  -- Who may look up by phone alone: a supervisor of the region (a unit's own admin may not).
  v_supervisor := app.is_region_supervisor(v_region);

  if char_length(coalesce(p_identifier, '')) > 64 then
    perform app.raise_error('invalid_input', 'p_identifier');
  end if;
  v_value := upper(regexp_replace(coalesce(p_identifier, ''), '[\s-]', '', 'g'));
  if v_value ~ '^(\+?86)?1[3-9]\d{9}$' then
    v_kind := 'phone';
  elsif v_value ~ '^\d{17}[\dX]$' then
    v_kind := 'id_number';
  else
    perform app.raise_error('invalid_input', 'p_identifier');
  end if;
  if p_id_number is not null then
    if char_length(p_id_number) > 64 then
      perform app.raise_error('invalid_input', 'p_id_number');
    end if;
    v_id_number := upper(regexp_replace(p_id_number, '[\s-]', '', 'g'));
    -- Only beside a phone: the ID number that must go with it.
    if v_kind <> 'phone' or v_id_number !~ '^\d{17}[\dX]$' then
      perform app.raise_error('invalid_input', 'p_id_number');
    end if;
    v_kind := 'phone+id_number';
  end if;
  if v_kind = 'phone' and not v_supervisor then
    perform app.raise_error('lookup_needs_id_number', 'p_id_number');
  end if;

  perform pg_advisory_xact_lock(hashtextextended('admin_find_user:' || v_uid::text, 0));
  if exists (select 1 from app.audit_log a
             where a.actor_user_id = v_uid and a.action = 'lookup_sweep_flagged' and a.at > now() - interval '24 hours') then
    perform app.raise_error('lookup_locked', '24 hours after a sweep was flagged');
  end if;
  if (select count(*) from app.audit_log a
      where a.actor_user_id = v_uid and a.action = 'user_lookup' and a.at > now() - interval '24 hours') >= 100 then
    perform app.raise_error('lookup_daily_limit', '100 in 24 hours');
  end if;
  if (select count(*) from app.audit_log a
      where a.actor_user_id = v_uid and a.action = 'user_lookup' and a.at > now() - interval '10 minutes') >= 30 then
    perform app.raise_error('lookup_rate_limited', '30 in 10 minutes');
  end if;

  if v_kind = 'phone' then
    select array_agg(distinct coalesce(u.merged_into, u.id)) into v_ids
    from app.user_identities i join app.users u on u.id = i.user_id
    where i.phone_bidx = app.pii_blind_index('phone', v_value);
  elsif v_kind = 'phone+id_number' then
    select array_agg(distinct coalesce(u.merged_into, u.id)) into v_ids
    from app.user_identities i join app.users u on u.id = i.user_id
    where i.phone_bidx = app.pii_blind_index('phone', v_value)
      and i.id_number_bidx = app.pii_blind_index('id_number', v_id_number);
  else
    select array_agg(distinct coalesce(u.merged_into, u.id)) into v_ids
    from app.user_identities i join app.users u on u.id = i.user_id
    where i.id_number_bidx = app.pii_blind_index('id_number', v_value);
  end if;
  v_ids := coalesce(v_ids, '{}');

  perform app.audit('admin', v_uid, 'user_lookup', v_region, null, null, null, null, null,
                    jsonb_build_object('kind', v_kind, 'found', cardinality(v_ids), 'user_ids', to_jsonb(v_ids),
                                       'unit_id', p_unit_id, 'scope', p_scope_region_code));

  if cardinality(v_ids) = 0 then
    select count(*) into v_misses from app.audit_log a
    where a.actor_user_id = v_uid and a.action = 'user_lookup' and a.at > now() - interval '24 hours'
      and (a.detail ->> 'found') = '0';
    if v_misses >= 10 then
      perform app.audit('admin', v_uid, 'lookup_sweep_flagged', v_region, null, 'locked', null, null, null,
                        jsonb_build_object('misses_24h', v_misses, 'kind', v_kind, 'unit_id', p_unit_id,
                                           'scope', p_scope_region_code, 'locked_until', now() + interval '24 hours'));
    end if;
  end if;

  return query
  select u.id, u.masked_name, u.realname_verified_at is not null
  from app.users u
  where u.id = any (v_ids)
  order by u.masked_name, u.id
  limit 10;
end;
$function$;
comment on function public.admin_find_user(text, uuid, text, text) is 'Role managers: the person with this mobile number or ID number (blind-index match), as user id, masked name and realname_verified, for granting a role in p_unit_id or p_scope_region_code (exactly one). Phone alone: supervisors of the region only; a unit admin gives the ID number, alone or as p_id_number beside the phone (both must match). Audited (user_lookup, without the value); at most 30 per 10 minutes and 100 per 24 hours per caller; 10 misses in 24 hours flag a sweep (lookup_sweep_flagged) and lock the caller out for 24 hours.';
revoke all on function public.admin_find_user(text, uuid, text, text) from public;
grant execute on function public.admin_find_user(text, uuid, text, text) to authenticated, service_role;

create or replace function public.admin_unit_staff (
  p_unit_id uuid
)
  returns table (
    role_id           uuid,
    user_id           uuid,
    masked_name       text,
    realname_verified boolean,
    role              text,
    current_windows   text[]
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  perform app.require_role_manager('staff', p_unit_id, null);
  return query
  select s.id, s.user_id, us.masked_name, us.realname_verified_at is not null, s.role,
         array(select w.name from app.staff_assignments a join app.windows w on w.id = a.window_id
               where a.user_id = s.user_id and a.unit_id = p_unit_id
                 and a.valid_from <= (now() at time zone 'Asia/Shanghai')::date
                 and (a.valid_to is null or a.valid_to >= (now() at time zone 'Asia/Shanghai')::date)
               order by w.name)
  from app.staff_roles s
  join app.users us on us.id = s.user_id
  where s.unit_id = p_unit_id and s.role in ('staff', 'unit_admin')
  order by s.role desc, us.masked_name, s.id;
end;
$function$;
comment on function public.admin_unit_staff(uuid) is 'Managers of the unit''s staff role: its staff and unit admins (masked names) with the windows each works at today (Asia/Shanghai).';
revoke all on function public.admin_unit_staff(uuid) from public;
grant execute on function public.admin_unit_staff(uuid) to authenticated, service_role;

create or replace function public.admin_unit_windows (
  p_unit_id uuid
)
  returns table (
    window_id   uuid,
    window_name text,
    hall_id     uuid,
    hall_name   text
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  perform app.require_role_manager('staff', p_unit_id, null);
  return query
  select w.id, w.name, h.id, h.name
  from app.windows w join app.halls h on h.id = w.hall_id
  where w.unit_id = p_unit_id
  order by h.name, w.name;
end;
$function$;
comment on function public.admin_unit_windows(uuid) is 'Managers of the unit''s staff role: the unit''s windows (for admin_assign_window).';
revoke all on function public.admin_unit_windows(uuid) from public;
grant execute on function public.admin_unit_windows(uuid) to authenticated, service_role;

create or replace function public.admin_lookup_flags (
  p_region_code text
)
  returns table (
    flagged_at   timestamp with time zone,
    user_id      uuid,
    masked_name  text,
    region_code  text,
    unit_id      uuid,
    unit_name    text,
    misses       integer,
    locked_until timestamp with time zone
  )
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
begin
  perform app.require_region_supervisor(p_region_code);
  return query
  select a.at, a.actor_user_id, us.masked_name, a.region_code, un.id, un.name,
         (a.detail ->> 'misses_24h')::int, a.at + interval '24 hours'
  from app.audit_log a
  left join app.users us on us.id = a.actor_user_id
  left join app.units un on un.id = (a.detail ->> 'unit_id')::uuid
  where a.action = 'lookup_sweep_flagged'
    and a.region_code in (select app.region_and_below(p_region_code))
  order by a.at desc
  limit 200;
end;
$function$;
comment on function public.admin_lookup_flags(text) is 'Supervisors: admin_find_user sweeps flagged in a region they oversee and below (lookup_sweep_flagged audit rows), newest first: who (masked), where, misses, locked until.';
revoke all on function public.admin_lookup_flags(text) from public;
grant execute on function public.admin_lookup_flags(text) to authenticated, service_role;

-- ══════════ supabase/schemas/12_schedule.sql ══════════

-- Schedule: how scheduled jobs call the functions (net.http_post with the Vault URL and the
-- scheduler secret) and the deploy status a smoke check reads. The jobs themselves are rows in
-- cron.job, written by the migrations (cron.schedule), not definitions.


create or replace function app.call_scheduled_function (
  p_name       text,
  p_timeout_ms integer default 120000
)
  returns bigint
  language plpgsql
  set search_path to ''
  as $function$
declare
  v_url text;
  v_secret text;
begin
  select s.decrypted_secret into v_url from vault.decrypted_secrets s where s.name = 'project_url';
  select s.decrypted_secret into v_secret from vault.decrypted_secrets s where s.name = 'scheduler_secret';
  if v_url is null or v_secret is null then
    raise exception 'cannot call % : the Vault secrets project_url and scheduler_secret are required', p_name using errcode = '55000';
  end if;
  return net.http_post(
    url := rtrim(v_url, '/') || '/functions/v1/' || p_name,
    body := '{}'::jsonb,
    headers := jsonb_build_object('content-type', 'application/json', 'x-hcp-scheduler-secret', v_secret),
    timeout_milliseconds := p_timeout_ms);
end;
$function$;
comment on function app.call_scheduled_function(text, integer) is 'Scheduled jobs: POST {} to <Vault project_url>/functions/v1/<p_name> with the Vault scheduler_secret (pg_net). Returns the request id.';
revoke all on function app.call_scheduled_function(text, integer) from public;

create or replace function public.deploy_status()
  returns jsonb
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_jobs jsonb;
  v_secrets jsonb;
begin
  select coalesce(jsonb_agg(jsonb_build_object(
           'name', j.jobname, 'schedule', j.schedule, 'active', j.active,
           'last_status', (select d.status from cron.job_run_details d where d.jobid = j.jobid order by d.start_time desc nulls last limit 1),
           'last_start', (select d.start_time from cron.job_run_details d where d.jobid = j.jobid order by d.start_time desc nulls last limit 1))
         order by j.jobname), '[]'::jsonb)
  into v_jobs
  from cron.job j;
  select coalesce(jsonb_agg(s.name order by s.name), '[]'::jsonb)
  into v_secrets
  from vault.secrets s
  where s.name in ('hcp_pii_key', 'project_url', 'scheduler_secret');
  return jsonb_build_object('jobs', v_jobs, 'vault_secrets', v_secrets);
end;
$function$;
comment on function public.deploy_status() is 'Smoke check of a deployment (service role): cron jobs with their last run, and which of hcp_pii_key, project_url, scheduler_secret exist in Vault (names only).';
revoke all on function public.deploy_status() from public;
grant execute on function public.deploy_status() to service_role;

-- ══════════ 3. Vault entries (was 20261204050100 and 20261204050200) ══════════
-- The PII key (32 random bytes, never shown) and the scheduler secret are made when absent; the
-- operator copies the scheduler secret into the functions' secrets. project_url cannot be guessed:
-- the push stops until the operator has created it (README, Deploy).

do $$
begin
  if not exists (select from vault.secrets where name = 'hcp_pii_key') then
    perform vault.create_secret(
      new_secret := encode(extensions.gen_random_bytes(32), 'hex'),
      new_name := 'hcp_pii_key',
      new_description := '好差评: master key of the encrypted identity fields (app.user_identities and encrypted columns)');
  end if;
end;
$$;

do $$
begin
  if not exists (select from vault.secrets where name = 'scheduler_secret') then
    perform vault.create_secret(
      new_secret := encode(extensions.gen_random_bytes(32), 'hex'),
      new_name := 'scheduler_secret',
      new_description := '好差评: secret of the scheduled function calls (functions: HCP_SCHEDULER_SECRET)');
  end if;
  if not exists (select from vault.secrets where name = 'project_url') then
    raise exception 'the Vault secret project_url is missing: the scheduled jobs call the functions there'
      using hint = 'Create it before pushing: select vault.create_secret(''https://<project ref>.supabase.co'', ''project_url''); '
                || '(self-hosted compose: the API gateway as the database reaches it, e.g. http://kong:8000).';
  end if;
end;
$$;

-- ══════════ 4. Reference rows ══════════
-- Error codes (twin: shared/error-codes/*.ts), evaluation tags (R3), the work-order state machine,
-- and the policy singletons at their defaults.

-- app.error_codes
insert into app.error_codes (code, http_status, message) values
  ('already_rated', 409, '您已经评价过了，感谢您的参与'),
  ('appeal_exists', 409, '该工单已经申诉过，每个工单只能申诉一次'),
  ('assessment_score_out_of_range', 400, '评估得分应在 0 到 100 之间'),
  ('batch_too_large', 413, '每批最多提交 500 条数据'),
  ('body_too_large', 413, '请求内容过大'),
  ('city_supervisor_required', 403, '复核须由市级监督员决定'),
  ('comment_contact_invalid', 400, '联系方式格式不正确（最多 100 个字符）'),
  ('comment_content_required', 400, '内容不能为空，请填写后再提交'),
  ('comment_content_too_long', 400, '内容最多 1000 字'),
  ('comment_daily_limit', 429, '您今天提交的意见已达上限，请明天再提交'),
  ('comment_invalid_transition', 409, '这条意见当前的办理状态不允许此操作，请刷新后重试'),
  ('comment_too_long', 400, '评价内容最多 500 字'),
  ('dev_login_disabled', 404, '演示登录未开启'),
  ('device_other_hall', 403, '评价设备只能评价本大厅的办件和窗口'),
  ('evidence_invalid', 400, '佐证材料只支持 JPG、PNG 图片或 PDF 文件'),
  ('evidence_too_large', 413, '佐证材料单个文件不能超过 5 MB，最多 5 个'),
  ('export_range_too_long', 400, '导出的时间范围不能超过 366 天，请分段导出'),
  ('extension_limit', 409, '延期次数已达上限，请联系监督员'),
  ('fix_already_rated', 409, '您已经评价过整改结果了'),
  ('forbidden', 403, '您没有权限进行此操作'),
  ('idempotency_conflict', 409, '这次提交与之前的提交不一致，请刷新后重试'),
  ('internal_error', 500, '系统繁忙，请稍后重试'),
  ('invalid_due_date', 400, '延期后的整改期限须晚于原期限，且为工作日'),
  ('invalid_input', 400, '提交的内容不完整或格式不正确，请检查后重试'),
  ('invalid_json', 400, '请求内容不是有效的 JSON'),
  ('invalid_tag_for_level', 400, '所选评价内容与评价等级不符，请重新选择'),
  ('invalid_transition', 409, '工单当前状态不允许此操作，请刷新后查看最新进度'),
  ('key_revoked', 403, '接入密钥已停用，请联系政务服务管理部门'),
  ('login_code_invalid', 400, '登录凭证无效或已过期，请重新进入小程序'),
  ('login_platform_busy', 503, '微信或支付宝服务繁忙，请稍后重试'),
  ('login_rate_limited', 429, '登录过于频繁，请稍后再试'),
  ('login_risky_user', 403, '该账号存在安全风险，暂时无法登录，请在微信中完成安全验证后重试'),
  ('login_unavailable', 503, '登录服务暂不可用，请稍后重试'),
  ('lookup_daily_limit', 429, '查找次数已达上限（24 小时内最多 100 次），请明天再试'),
  ('lookup_locked', 429, '未找到人员的查找次数过多，查找已暂停 24 小时，并已通知监督员'),
  ('lookup_needs_id_number', 403, '单位管理员按手机号码查找人员时，须同时填写该人员的身份证号码'),
  ('lookup_rate_limited', 429, '查找过于频繁，请 10 分钟后再试'),
  ('method_not_allowed', 405, '不支持该请求方式'),
  ('not_applicant', 403, '只有办件的申请人或其代办人可以评价'),
  ('not_finished', 409, '该办件尚未办结，办结后即可评价'),
  ('not_found', 404, '请求的内容不存在'),
  ('not_rater', 403, '只有提出该评价的群众可以进行此操作'),
  ('not_realname_rating', 409, '匿名评价无法回访，也不能申请复核'),
  ('out_of_region', 403, '不能提交本辖区以外的办件或评价'),
  ('own_work', 403, '工作人员不能评价自己经办的服务'),
  ('own_work_order', 403, '这条差评针对的是您本人的办件，按规定由本单位其他工作人员或监督部门办理'),
  ('period_not_over', 409, '这个月还没有结束，月度结果要到下个月才能公开'),
  ('rating_window_closed', 409, '评价期限已过（办结后 5 个工作日内可评价），系统已默认为基本满意'),
  ('realname_merge_refused', 403, '该身份已关联其他账号，不能合并到当前账号；请使用原来的微信或支付宝账号登录，如有疑问请联系政务服务管理局'),
  ('realname_method_weak', 403, '该认证方式安全等级不足，请使用人脸识别或“一部手机办事通”完成实名认证'),
  ('realname_mismatch', 409, '该账号已绑定其他实名身份，不能再绑定'),
  ('realname_nonce_expired', 400, '本次实名认证已超时，请重新发起实名认证'),
  ('realname_nonce_invalid', 403, '该实名认证不是在当前账号发起的，请在本账号内重新发起实名认证'),
  ('realname_nonce_missing', 400, '实名认证凭证缺少本次认证的校验码，请重新发起实名认证'),
  ('realname_nonce_used', 409, '本次实名认证已完成过，请重新发起实名认证'),
  ('realname_required', 403, '申诉须由已实名认证的工作人员提出，请先完成实名认证'),
  ('refresh_token_expired', 401, '登录已过期，请重新登录'),
  ('refresh_token_invalid', 401, '登录已失效，请重新登录'),
  ('refresh_token_reused', 401, '登录状态异常，为保护您的账号安全，请重新登录'),
  ('reminders_not_configured', 503, '消息提醒的模板尚未配置，请联系系统管理员'),
  ('request_replayed', 409, '该请求已经提交过（签名重复），请重新签名后再提交'),
  ('rereview_used', 409, '复核申请只能提出一次'),
  ('review_period_invalid', 400, '时段不正确：开始日期不能晚于结束日期，且跨度不超过一年'),
  ('sample_no_candidates', 404, '所选时段和地区没有可回访的实名评价人'),
  ('sample_size_out_of_range', 400, '抽查人数应在 1 到 200 之间'),
  ('sample_visit_recorded', 409, '该回访结果已登记，不能重复登记'),
  ('signature_invalid', 401, '签名校验失败，请检查密钥和签名算法'),
  ('signature_missing', 401, '缺少签名信息（X-HCP-Key-Id、X-HCP-Timestamp、X-HCP-Signature）'),
  ('stale_status', 409, '办件已处于更新的状态，这条状态变更已忽略'),
  ('tag_required', 400, '请至少选择一项不满意的原因'),
  ('ticket_expired', 400, '实名认证凭证已过期，请重新认证'),
  ('ticket_invalid', 400, '实名认证凭证无效，请重新认证'),
  ('ticket_replayed', 409, '该实名认证凭证已使用过，请重新认证'),
  ('timestamp_stale', 401, '请求时间与服务器时间相差超过 5 分钟，请校准时钟后重新签名'),
  ('transaction_conflict', 409, '该办件编号已存在，但事项与已有办件不一致'),
  ('unauthorized', 401, '请先登录'),
  ('unknown_key', 401, '接入密钥不存在'),
  ('unknown_matter', 404, '事项编码不存在'),
  ('unknown_persona', 404, '没有这个演示账号'),
  ('unknown_reference', 404, '引用的大厅、窗口、工作人员、平台或用户不存在'),
  ('unknown_transaction', 404, '办件编号不存在'),
  ('unsupported_media_type', 415, '请求内容类型必须是 application/json'),
  ('upstream_not_configured', 503, '省级好差评平台的上报地址尚未配置，请联系系统管理员'),
  ('visit_daily_limit', 429, '今天扫码评价的次数已达上限，请明天再评价');

-- app.eval_tags
insert into app.eval_tags (code, version, level, name) values
  ('108', 2, 1, '在办事指南之外增加新的审批条件'),
  ('109', 2, 1, '需提供办事指南之外的申报材料'),
  ('110', 2, 1, '无理由超过法定办理时间'),
  ('111', 2, 1, '办事指南提供样本有错'),
  ('112', 2, 1, '承诺在线收取申报材料实际无法收取'),
  ('113', 2, 1, '多头跑窗口和部门'),
  ('114', 2, 1, '跑动次数与承诺的不一致'),
  ('115', 2, 1, '服务态度差效率低'),
  ('207', 2, 2, '没有提供材料样本'),
  ('208', 2, 2, '没有提供材料清单'),
  ('209', 2, 2, '未在承诺时间内办结'),
  ('210', 2, 2, '同样内容的证明材料被要求多次提交'),
  ('211', 2, 2, '承诺网办但无法在线办理'),
  ('212', 2, 2, '在线预约办理后到实体大厅重复取号排队'),
  ('213', 2, 2, '窗口人员业务不熟练'),
  ('214', 2, 2, '服务态度生硬'),
  ('307', 2, 3, '一次性告知需要补正的材料'),
  ('308', 2, 3, '提供申报材料样本'),
  ('309', 2, 3, '在承诺的时间内办结'),
  ('310', 2, 3, '办事指南指引准确'),
  ('311', 2, 3, '按办事指南要求的材料即可办理'),
  ('312', 2, 3, '可以快递送达'),
  ('313', 2, 3, '跑动次数与承诺的一致'),
  ('314', 2, 3, '服务态度一般'),
  ('406', 2, 4, '填写一张表单就可完成申报'),
  ('407', 2, 4, '在线提交材料窗口核验'),
  ('408', 2, 4, '一张清单告知全部申报材料'),
  ('409', 2, 4, '用告知承诺减免申报材料'),
  ('410', 2, 4, '可以在线预约办理'),
  ('411', 2, 4, '跑大厅一次办完'),
  ('412', 2, 4, '可以使用自助机办理'),
  ('413', 2, 4, '服务态度较好'),
  ('510', 2, 5, '一窗受理一次办结'),
  ('511', 2, 5, '可以先受理后补材料'),
  ('512', 2, 5, '不用提交证明'),
  ('513', 2, 5, '可以全程网上办理'),
  ('514', 2, 5, '可以使用手机办理'),
  ('515', 2, 5, '可以就近办理'),
  ('516', 2, 5, '无需材料直接办理'),
  ('517', 2, 5, '服务热情效率高');

-- app.work_order_transitions
insert into app.work_order_transitions (action, from_status, to_status) values
  ('appeal', 'pending_verification', 'appealing'),
  ('approve_appeal', 'appealing', 'dismissed'),
  ('close', 'replied', 'closed'),
  ('extend', 'overdue', 'rectifying'),
  ('extend', 'rectifying', 'rectifying'),
  ('extend', 'reopened', 'reopened'),
  ('mark_overdue', 'rectifying', 'overdue'),
  ('mark_overdue', 'reopened', 'overdue'),
  ('overturn_dismissal', 'dismissed', 'rectifying'),
  ('rectify', 'overdue', 'rectified'),
  ('rectify', 'rectifying', 'rectified'),
  ('rectify', 'reopened', 'rectified'),
  ('reject_appeal', 'appealing', 'rectifying'),
  ('reopen', 'closed', 'reopened'),
  ('reopen', 'replied', 'reopened'),
  ('reply', 'rectified', 'replied'),
  ('reroute', 'appealing', 'rerouted'),
  ('verify', 'pending_verification', 'rectifying');

-- app.loop_policy
insert into app.loop_policy default values;

-- app.rating_policy
insert into app.rating_policy default values;

-- app.realname_settings
insert into app.realname_settings default values;

-- app.upstream_settings
insert into app.upstream_settings default values;

-- R6 working-day calendar: GENERATED by scripts/gen-calendar.ts from chinese-days 1.5.7: schedules 2004–2026, statutory holidays 2004–2099.
-- (an update after a new State Council notice goes to a new migration: scripts/gen-calendar.ts --migration <path>)
delete from app.statutory_holidays;
insert into app.statutory_holidays (day, name) values
  ('2004-01-01', '元旦'),
  ('2004-01-21', '春节'),
  ('2004-01-22', '春节'),
  ('2004-01-23', '春节'),
  ('2004-01-24', '春节'),
  ('2004-04-04', '清明节'),
  ('2004-05-01', '劳动节'),
  ('2004-05-02', '劳动节'),
  ('2004-06-22', '端午节'),
  ('2004-09-28', '中秋节'),
  ('2004-10-01', '国庆节'),
  ('2004-10-02', '国庆节'),
  ('2004-10-03', '国庆节'),
  ('2005-01-01', '元旦'),
  ('2005-02-08', '春节'),
  ('2005-02-09', '春节'),
  ('2005-02-10', '春节'),
  ('2005-02-11', '春节'),
  ('2005-04-05', '清明节'),
  ('2005-05-01', '劳动节'),
  ('2005-05-02', '劳动节'),
  ('2005-06-11', '端午节'),
  ('2005-09-18', '中秋节'),
  ('2005-10-01', '国庆节'),
  ('2005-10-02', '国庆节'),
  ('2005-10-03', '国庆节'),
  ('2006-01-01', '元旦'),
  ('2006-01-28', '春节'),
  ('2006-01-29', '春节'),
  ('2006-01-30', '春节'),
  ('2006-01-31', '春节'),
  ('2006-04-05', '清明节'),
  ('2006-05-01', '劳动节'),
  ('2006-05-02', '劳动节'),
  ('2006-05-31', '端午节'),
  ('2006-10-01', '国庆节'),
  ('2006-10-02', '国庆节'),
  ('2006-10-03', '国庆节'),
  ('2006-10-06', '中秋节'),
  ('2007-01-01', '元旦'),
  ('2007-02-17', '春节'),
  ('2007-02-18', '春节'),
  ('2007-02-19', '春节'),
  ('2007-02-20', '春节'),
  ('2007-04-05', '清明节'),
  ('2007-05-01', '劳动节'),
  ('2007-05-02', '劳动节'),
  ('2007-06-19', '端午节'),
  ('2007-09-25', '中秋节'),
  ('2007-10-01', '国庆节'),
  ('2007-10-02', '国庆节'),
  ('2007-10-03', '国庆节'),
  ('2008-01-01', '元旦'),
  ('2008-02-06', '春节'),
  ('2008-02-07', '春节'),
  ('2008-02-08', '春节'),
  ('2008-02-09', '春节'),
  ('2008-04-04', '清明节'),
  ('2008-05-01', '劳动节'),
  ('2008-05-02', '劳动节'),
  ('2008-06-08', '端午节'),
  ('2008-09-14', '中秋节'),
  ('2008-10-01', '国庆节'),
  ('2008-10-02', '国庆节'),
  ('2008-10-03', '国庆节'),
  ('2009-01-01', '元旦'),
  ('2009-01-25', '春节'),
  ('2009-01-26', '春节'),
  ('2009-01-27', '春节'),
  ('2009-01-28', '春节'),
  ('2009-04-04', '清明节'),
  ('2009-05-01', '劳动节'),
  ('2009-05-02', '劳动节'),
  ('2009-05-28', '端午节'),
  ('2009-10-01', '国庆节'),
  ('2009-10-02', '国庆节'),
  ('2009-10-03', '中秋节、国庆节'),
  ('2010-01-01', '元旦'),
  ('2010-02-13', '春节'),
  ('2010-02-14', '春节'),
  ('2010-02-15', '春节'),
  ('2010-02-16', '春节'),
  ('2010-04-05', '清明节'),
  ('2010-05-01', '劳动节'),
  ('2010-05-02', '劳动节'),
  ('2010-06-16', '端午节'),
  ('2010-09-22', '中秋节'),
  ('2010-10-01', '国庆节'),
  ('2010-10-02', '国庆节'),
  ('2010-10-03', '国庆节'),
  ('2011-01-01', '元旦'),
  ('2011-02-02', '春节'),
  ('2011-02-03', '春节'),
  ('2011-02-04', '春节'),
  ('2011-02-05', '春节'),
  ('2011-04-05', '清明节'),
  ('2011-05-01', '劳动节'),
  ('2011-05-02', '劳动节'),
  ('2011-06-06', '端午节'),
  ('2011-09-12', '中秋节'),
  ('2011-10-01', '国庆节'),
  ('2011-10-02', '国庆节'),
  ('2011-10-03', '国庆节'),
  ('2012-01-01', '元旦'),
  ('2012-01-22', '春节'),
  ('2012-01-23', '春节'),
  ('2012-01-24', '春节'),
  ('2012-01-25', '春节'),
  ('2012-04-04', '清明节'),
  ('2012-05-01', '劳动节'),
  ('2012-05-02', '劳动节'),
  ('2012-06-23', '端午节'),
  ('2012-09-30', '中秋节'),
  ('2012-10-01', '国庆节'),
  ('2012-10-02', '国庆节'),
  ('2012-10-03', '国庆节'),
  ('2013-01-01', '元旦'),
  ('2013-02-09', '春节'),
  ('2013-02-10', '春节'),
  ('2013-02-11', '春节'),
  ('2013-02-12', '春节'),
  ('2013-04-04', '清明节'),
  ('2013-05-01', '劳动节'),
  ('2013-05-02', '劳动节'),
  ('2013-06-12', '端午节'),
  ('2013-09-19', '中秋节'),
  ('2013-10-01', '国庆节'),
  ('2013-10-02', '国庆节'),
  ('2013-10-03', '国庆节'),
  ('2014-01-01', '元旦'),
  ('2014-01-30', '春节'),
  ('2014-01-31', '春节'),
  ('2014-02-01', '春节'),
  ('2014-02-02', '春节'),
  ('2014-04-05', '清明节'),
  ('2014-05-01', '劳动节'),
  ('2014-05-02', '劳动节'),
  ('2014-06-02', '端午节'),
  ('2014-09-08', '中秋节'),
  ('2014-10-01', '国庆节'),
  ('2014-10-02', '国庆节'),
  ('2014-10-03', '国庆节'),
  ('2015-01-01', '元旦'),
  ('2015-02-18', '春节'),
  ('2015-02-19', '春节'),
  ('2015-02-20', '春节'),
  ('2015-02-21', '春节'),
  ('2015-04-05', '清明节'),
  ('2015-05-01', '劳动节'),
  ('2015-05-02', '劳动节'),
  ('2015-06-20', '端午节'),
  ('2015-09-27', '中秋节'),
  ('2015-10-01', '国庆节'),
  ('2015-10-02', '国庆节'),
  ('2015-10-03', '国庆节'),
  ('2016-01-01', '元旦'),
  ('2016-02-07', '春节'),
  ('2016-02-08', '春节'),
  ('2016-02-09', '春节'),
  ('2016-02-10', '春节'),
  ('2016-04-04', '清明节'),
  ('2016-05-01', '劳动节'),
  ('2016-05-02', '劳动节'),
  ('2016-06-09', '端午节'),
  ('2016-09-15', '中秋节'),
  ('2016-10-01', '国庆节'),
  ('2016-10-02', '国庆节'),
  ('2016-10-03', '国庆节'),
  ('2017-01-01', '元旦'),
  ('2017-01-27', '春节'),
  ('2017-01-28', '春节'),
  ('2017-01-29', '春节'),
  ('2017-01-30', '春节'),
  ('2017-04-04', '清明节'),
  ('2017-05-01', '劳动节'),
  ('2017-05-02', '劳动节'),
  ('2017-05-30', '端午节'),
  ('2017-10-01', '国庆节'),
  ('2017-10-02', '国庆节'),
  ('2017-10-03', '国庆节'),
  ('2017-10-04', '中秋节'),
  ('2018-01-01', '元旦'),
  ('2018-02-15', '春节'),
  ('2018-02-16', '春节'),
  ('2018-02-17', '春节'),
  ('2018-02-18', '春节'),
  ('2018-04-05', '清明节'),
  ('2018-05-01', '劳动节'),
  ('2018-05-02', '劳动节'),
  ('2018-06-18', '端午节'),
  ('2018-09-24', '中秋节'),
  ('2018-10-01', '国庆节'),
  ('2018-10-02', '国庆节'),
  ('2018-10-03', '国庆节'),
  ('2019-01-01', '元旦'),
  ('2019-02-04', '春节'),
  ('2019-02-05', '春节'),
  ('2019-02-06', '春节'),
  ('2019-02-07', '春节'),
  ('2019-04-05', '清明节'),
  ('2019-05-01', '劳动节'),
  ('2019-05-02', '劳动节'),
  ('2019-06-07', '端午节'),
  ('2019-09-13', '中秋节'),
  ('2019-10-01', '国庆节'),
  ('2019-10-02', '国庆节'),
  ('2019-10-03', '国庆节'),
  ('2020-01-01', '元旦'),
  ('2020-01-24', '春节'),
  ('2020-01-25', '春节'),
  ('2020-01-26', '春节'),
  ('2020-01-27', '春节'),
  ('2020-04-04', '清明节'),
  ('2020-05-01', '劳动节'),
  ('2020-05-02', '劳动节'),
  ('2020-06-25', '端午节'),
  ('2020-10-01', '中秋节、国庆节'),
  ('2020-10-02', '国庆节'),
  ('2020-10-03', '国庆节'),
  ('2021-01-01', '元旦'),
  ('2021-02-11', '春节'),
  ('2021-02-12', '春节'),
  ('2021-02-13', '春节'),
  ('2021-02-14', '春节'),
  ('2021-04-04', '清明节'),
  ('2021-05-01', '劳动节'),
  ('2021-05-02', '劳动节'),
  ('2021-06-14', '端午节'),
  ('2021-09-21', '中秋节'),
  ('2021-10-01', '国庆节'),
  ('2021-10-02', '国庆节'),
  ('2021-10-03', '国庆节'),
  ('2022-01-01', '元旦'),
  ('2022-01-31', '春节'),
  ('2022-02-01', '春节'),
  ('2022-02-02', '春节'),
  ('2022-02-03', '春节'),
  ('2022-04-05', '清明节'),
  ('2022-05-01', '劳动节'),
  ('2022-05-02', '劳动节'),
  ('2022-06-03', '端午节'),
  ('2022-09-10', '中秋节'),
  ('2022-10-01', '国庆节'),
  ('2022-10-02', '国庆节'),
  ('2022-10-03', '国庆节'),
  ('2023-01-01', '元旦'),
  ('2023-01-21', '春节'),
  ('2023-01-22', '春节'),
  ('2023-01-23', '春节'),
  ('2023-01-24', '春节'),
  ('2023-04-05', '清明节'),
  ('2023-05-01', '劳动节'),
  ('2023-05-02', '劳动节'),
  ('2023-06-22', '端午节'),
  ('2023-09-29', '中秋节'),
  ('2023-10-01', '国庆节'),
  ('2023-10-02', '国庆节'),
  ('2023-10-03', '国庆节'),
  ('2024-01-01', '元旦'),
  ('2024-02-09', '春节'),
  ('2024-02-10', '春节'),
  ('2024-02-11', '春节'),
  ('2024-02-12', '春节'),
  ('2024-04-04', '清明节'),
  ('2024-05-01', '劳动节'),
  ('2024-05-02', '劳动节'),
  ('2024-06-10', '端午节'),
  ('2024-09-17', '中秋节'),
  ('2024-10-01', '国庆节'),
  ('2024-10-02', '国庆节'),
  ('2024-10-03', '国庆节'),
  ('2025-01-01', '元旦'),
  ('2025-01-28', '春节'),
  ('2025-01-29', '春节'),
  ('2025-01-30', '春节'),
  ('2025-01-31', '春节'),
  ('2025-04-04', '清明节'),
  ('2025-05-01', '劳动节'),
  ('2025-05-02', '劳动节'),
  ('2025-05-31', '端午节'),
  ('2025-10-01', '国庆节'),
  ('2025-10-02', '国庆节'),
  ('2025-10-03', '国庆节'),
  ('2025-10-06', '中秋节'),
  ('2026-01-01', '元旦'),
  ('2026-02-16', '春节'),
  ('2026-02-17', '春节'),
  ('2026-02-18', '春节'),
  ('2026-02-19', '春节'),
  ('2026-04-05', '清明节'),
  ('2026-05-01', '劳动节'),
  ('2026-05-02', '劳动节'),
  ('2026-06-19', '端午节'),
  ('2026-09-25', '中秋节'),
  ('2026-10-01', '国庆节'),
  ('2026-10-02', '国庆节'),
  ('2026-10-03', '国庆节'),
  ('2027-01-01', '元旦'),
  ('2027-02-05', '春节'),
  ('2027-02-06', '春节'),
  ('2027-02-07', '春节'),
  ('2027-02-08', '春节'),
  ('2027-04-05', '清明节'),
  ('2027-05-01', '劳动节'),
  ('2027-05-02', '劳动节'),
  ('2027-06-09', '端午节'),
  ('2027-09-15', '中秋节'),
  ('2027-10-01', '国庆节'),
  ('2027-10-02', '国庆节'),
  ('2027-10-03', '国庆节'),
  ('2028-01-01', '元旦'),
  ('2028-01-25', '春节'),
  ('2028-01-26', '春节'),
  ('2028-01-27', '春节'),
  ('2028-01-28', '春节'),
  ('2028-04-04', '清明节'),
  ('2028-05-01', '劳动节'),
  ('2028-05-02', '劳动节'),
  ('2028-05-28', '端午节'),
  ('2028-10-01', '国庆节'),
  ('2028-10-02', '国庆节'),
  ('2028-10-03', '中秋节、国庆节'),
  ('2029-01-01', '元旦'),
  ('2029-02-12', '春节'),
  ('2029-02-13', '春节'),
  ('2029-02-14', '春节'),
  ('2029-02-15', '春节'),
  ('2029-04-04', '清明节'),
  ('2029-05-01', '劳动节'),
  ('2029-05-02', '劳动节'),
  ('2029-06-16', '端午节'),
  ('2029-09-22', '中秋节'),
  ('2029-10-01', '国庆节'),
  ('2029-10-02', '国庆节'),
  ('2029-10-03', '国庆节'),
  ('2030-01-01', '元旦'),
  ('2030-02-02', '春节'),
  ('2030-02-03', '春节'),
  ('2030-02-04', '春节'),
  ('2030-02-05', '春节'),
  ('2030-04-05', '清明节'),
  ('2030-05-01', '劳动节'),
  ('2030-05-02', '劳动节'),
  ('2030-06-05', '端午节'),
  ('2030-09-12', '中秋节'),
  ('2030-10-01', '国庆节'),
  ('2030-10-02', '国庆节'),
  ('2030-10-03', '国庆节'),
  ('2031-01-01', '元旦'),
  ('2031-01-22', '春节'),
  ('2031-01-23', '春节'),
  ('2031-01-24', '春节'),
  ('2031-01-25', '春节'),
  ('2031-04-05', '清明节'),
  ('2031-05-01', '劳动节'),
  ('2031-05-02', '劳动节'),
  ('2031-06-24', '端午节'),
  ('2031-10-01', '中秋节、国庆节'),
  ('2031-10-02', '国庆节'),
  ('2031-10-03', '国庆节'),
  ('2032-01-01', '元旦'),
  ('2032-02-10', '春节'),
  ('2032-02-11', '春节'),
  ('2032-02-12', '春节'),
  ('2032-02-13', '春节'),
  ('2032-04-04', '清明节'),
  ('2032-05-01', '劳动节'),
  ('2032-05-02', '劳动节'),
  ('2032-06-12', '端午节'),
  ('2032-09-19', '中秋节'),
  ('2032-10-01', '国庆节'),
  ('2032-10-02', '国庆节'),
  ('2032-10-03', '国庆节'),
  ('2033-01-01', '元旦'),
  ('2033-01-30', '春节'),
  ('2033-01-31', '春节'),
  ('2033-02-01', '春节'),
  ('2033-02-02', '春节'),
  ('2033-04-04', '清明节'),
  ('2033-05-01', '劳动节'),
  ('2033-05-02', '劳动节'),
  ('2033-06-01', '端午节'),
  ('2033-09-08', '中秋节'),
  ('2033-10-01', '国庆节'),
  ('2033-10-02', '国庆节'),
  ('2033-10-03', '国庆节'),
  ('2034-01-01', '元旦'),
  ('2034-02-18', '春节'),
  ('2034-02-19', '春节'),
  ('2034-02-20', '春节'),
  ('2034-02-21', '春节'),
  ('2034-04-05', '清明节'),
  ('2034-05-01', '劳动节'),
  ('2034-05-02', '劳动节'),
  ('2034-06-20', '端午节'),
  ('2034-09-27', '中秋节'),
  ('2034-10-01', '国庆节'),
  ('2034-10-02', '国庆节'),
  ('2034-10-03', '国庆节'),
  ('2035-01-01', '元旦'),
  ('2035-02-07', '春节'),
  ('2035-02-08', '春节'),
  ('2035-02-09', '春节'),
  ('2035-02-10', '春节'),
  ('2035-04-05', '清明节'),
  ('2035-05-01', '劳动节'),
  ('2035-05-02', '劳动节'),
  ('2035-06-10', '端午节'),
  ('2035-09-16', '中秋节'),
  ('2035-10-01', '国庆节'),
  ('2035-10-02', '国庆节'),
  ('2035-10-03', '国庆节'),
  ('2036-01-01', '元旦'),
  ('2036-01-27', '春节'),
  ('2036-01-28', '春节'),
  ('2036-01-29', '春节'),
  ('2036-01-30', '春节'),
  ('2036-04-04', '清明节'),
  ('2036-05-01', '劳动节'),
  ('2036-05-02', '劳动节'),
  ('2036-05-30', '端午节'),
  ('2036-10-01', '国庆节'),
  ('2036-10-02', '国庆节'),
  ('2036-10-03', '国庆节'),
  ('2036-10-04', '中秋节'),
  ('2037-01-01', '元旦'),
  ('2037-02-14', '春节'),
  ('2037-02-15', '春节'),
  ('2037-02-16', '春节'),
  ('2037-02-17', '春节'),
  ('2037-04-04', '清明节'),
  ('2037-05-01', '劳动节'),
  ('2037-05-02', '劳动节'),
  ('2037-06-18', '端午节'),
  ('2037-09-24', '中秋节'),
  ('2037-10-01', '国庆节'),
  ('2037-10-02', '国庆节'),
  ('2037-10-03', '国庆节'),
  ('2038-01-01', '元旦'),
  ('2038-02-03', '春节'),
  ('2038-02-04', '春节'),
  ('2038-02-05', '春节'),
  ('2038-02-06', '春节'),
  ('2038-04-05', '清明节'),
  ('2038-05-01', '劳动节'),
  ('2038-05-02', '劳动节'),
  ('2038-06-07', '端午节'),
  ('2038-09-13', '中秋节'),
  ('2038-10-01', '国庆节'),
  ('2038-10-02', '国庆节'),
  ('2038-10-03', '国庆节'),
  ('2039-01-01', '元旦'),
  ('2039-01-23', '春节'),
  ('2039-01-24', '春节'),
  ('2039-01-25', '春节'),
  ('2039-01-26', '春节'),
  ('2039-04-05', '清明节'),
  ('2039-05-01', '劳动节'),
  ('2039-05-02', '劳动节'),
  ('2039-05-27', '端午节'),
  ('2039-10-01', '国庆节'),
  ('2039-10-02', '中秋节、国庆节'),
  ('2039-10-03', '国庆节'),
  ('2040-01-01', '元旦'),
  ('2040-02-11', '春节'),
  ('2040-02-12', '春节'),
  ('2040-02-13', '春节'),
  ('2040-02-14', '春节'),
  ('2040-04-04', '清明节'),
  ('2040-05-01', '劳动节'),
  ('2040-05-02', '劳动节'),
  ('2040-06-14', '端午节'),
  ('2040-09-20', '中秋节'),
  ('2040-10-01', '国庆节'),
  ('2040-10-02', '国庆节'),
  ('2040-10-03', '国庆节'),
  ('2041-01-01', '元旦'),
  ('2041-01-31', '春节'),
  ('2041-02-01', '春节'),
  ('2041-02-02', '春节'),
  ('2041-02-03', '春节'),
  ('2041-04-04', '清明节'),
  ('2041-05-01', '劳动节'),
  ('2041-05-02', '劳动节'),
  ('2041-06-03', '端午节'),
  ('2041-09-10', '中秋节'),
  ('2041-10-01', '国庆节'),
  ('2041-10-02', '国庆节'),
  ('2041-10-03', '国庆节'),
  ('2042-01-01', '元旦'),
  ('2042-01-21', '春节'),
  ('2042-01-22', '春节'),
  ('2042-01-23', '春节'),
  ('2042-01-24', '春节'),
  ('2042-04-04', '清明节'),
  ('2042-05-01', '劳动节'),
  ('2042-05-02', '劳动节'),
  ('2042-06-22', '端午节'),
  ('2042-09-28', '中秋节'),
  ('2042-10-01', '国庆节'),
  ('2042-10-02', '国庆节'),
  ('2042-10-03', '国庆节'),
  ('2043-01-01', '元旦'),
  ('2043-02-09', '春节'),
  ('2043-02-10', '春节'),
  ('2043-02-11', '春节'),
  ('2043-02-12', '春节'),
  ('2043-04-05', '清明节'),
  ('2043-05-01', '劳动节'),
  ('2043-05-02', '劳动节'),
  ('2043-06-11', '端午节'),
  ('2043-09-17', '中秋节'),
  ('2043-10-01', '国庆节'),
  ('2043-10-02', '国庆节'),
  ('2043-10-03', '国庆节'),
  ('2044-01-01', '元旦'),
  ('2044-01-29', '春节'),
  ('2044-01-30', '春节'),
  ('2044-01-31', '春节'),
  ('2044-02-01', '春节'),
  ('2044-04-04', '清明节'),
  ('2044-05-01', '劳动节'),
  ('2044-05-02', '劳动节'),
  ('2044-05-31', '端午节'),
  ('2044-10-01', '国庆节'),
  ('2044-10-02', '国庆节'),
  ('2044-10-03', '国庆节'),
  ('2044-10-05', '中秋节'),
  ('2045-01-01', '元旦'),
  ('2045-02-16', '春节'),
  ('2045-02-17', '春节'),
  ('2045-02-18', '春节'),
  ('2045-02-19', '春节'),
  ('2045-04-04', '清明节'),
  ('2045-05-01', '劳动节'),
  ('2045-05-02', '劳动节'),
  ('2045-06-19', '端午节'),
  ('2045-09-25', '中秋节'),
  ('2045-10-01', '国庆节'),
  ('2045-10-02', '国庆节'),
  ('2045-10-03', '国庆节'),
  ('2046-01-01', '元旦'),
  ('2046-02-05', '春节'),
  ('2046-02-06', '春节'),
  ('2046-02-07', '春节'),
  ('2046-02-08', '春节'),
  ('2046-04-04', '清明节'),
  ('2046-05-01', '劳动节'),
  ('2046-05-02', '劳动节'),
  ('2046-06-08', '端午节'),
  ('2046-09-15', '中秋节'),
  ('2046-10-01', '国庆节'),
  ('2046-10-02', '国庆节'),
  ('2046-10-03', '国庆节'),
  ('2047-01-01', '元旦'),
  ('2047-01-25', '春节'),
  ('2047-01-26', '春节'),
  ('2047-01-27', '春节'),
  ('2047-01-28', '春节'),
  ('2047-04-05', '清明节'),
  ('2047-05-01', '劳动节'),
  ('2047-05-02', '劳动节'),
  ('2047-05-29', '端午节'),
  ('2047-10-01', '国庆节'),
  ('2047-10-02', '国庆节'),
  ('2047-10-03', '国庆节'),
  ('2047-10-04', '中秋节'),
  ('2048-01-01', '元旦'),
  ('2048-02-13', '春节'),
  ('2048-02-14', '春节'),
  ('2048-02-15', '春节'),
  ('2048-02-16', '春节'),
  ('2048-04-04', '清明节'),
  ('2048-05-01', '劳动节'),
  ('2048-05-02', '劳动节'),
  ('2048-06-15', '端午节'),
  ('2048-09-22', '中秋节'),
  ('2048-10-01', '国庆节'),
  ('2048-10-02', '国庆节'),
  ('2048-10-03', '国庆节'),
  ('2049-01-01', '元旦'),
  ('2049-02-01', '春节'),
  ('2049-02-02', '春节'),
  ('2049-02-03', '春节'),
  ('2049-02-04', '春节'),
  ('2049-04-04', '清明节'),
  ('2049-05-01', '劳动节'),
  ('2049-05-02', '劳动节'),
  ('2049-06-04', '端午节'),
  ('2049-09-11', '中秋节'),
  ('2049-10-01', '国庆节'),
  ('2049-10-02', '国庆节'),
  ('2049-10-03', '国庆节'),
  ('2050-01-01', '元旦'),
  ('2050-01-22', '春节'),
  ('2050-01-23', '春节'),
  ('2050-01-24', '春节'),
  ('2050-01-25', '春节'),
  ('2050-04-04', '清明节'),
  ('2050-05-01', '劳动节'),
  ('2050-05-02', '劳动节'),
  ('2050-06-23', '端午节'),
  ('2050-09-30', '中秋节'),
  ('2050-10-01', '国庆节'),
  ('2050-10-02', '国庆节'),
  ('2050-10-03', '国庆节'),
  ('2051-01-01', '元旦'),
  ('2051-02-10', '春节'),
  ('2051-02-11', '春节'),
  ('2051-02-12', '春节'),
  ('2051-02-13', '春节'),
  ('2051-04-05', '清明节'),
  ('2051-05-01', '劳动节'),
  ('2051-05-02', '劳动节'),
  ('2051-06-13', '端午节'),
  ('2051-09-19', '中秋节'),
  ('2051-10-01', '国庆节'),
  ('2051-10-02', '国庆节'),
  ('2051-10-03', '国庆节'),
  ('2052-01-01', '元旦'),
  ('2052-01-31', '春节'),
  ('2052-02-01', '春节'),
  ('2052-02-02', '春节'),
  ('2052-02-03', '春节'),
  ('2052-04-04', '清明节'),
  ('2052-05-01', '劳动节'),
  ('2052-05-02', '劳动节'),
  ('2052-06-01', '端午节'),
  ('2052-09-07', '中秋节'),
  ('2052-10-01', '国庆节'),
  ('2052-10-02', '国庆节'),
  ('2052-10-03', '国庆节'),
  ('2053-01-01', '元旦'),
  ('2053-02-18', '春节'),
  ('2053-02-19', '春节'),
  ('2053-02-20', '春节'),
  ('2053-02-21', '春节'),
  ('2053-04-04', '清明节'),
  ('2053-05-01', '劳动节'),
  ('2053-05-02', '劳动节'),
  ('2053-06-20', '端午节'),
  ('2053-09-26', '中秋节'),
  ('2053-10-01', '国庆节'),
  ('2053-10-02', '国庆节'),
  ('2053-10-03', '国庆节'),
  ('2054-01-01', '元旦'),
  ('2054-02-07', '春节'),
  ('2054-02-08', '春节'),
  ('2054-02-09', '春节'),
  ('2054-02-10', '春节'),
  ('2054-04-04', '清明节'),
  ('2054-05-01', '劳动节'),
  ('2054-05-02', '劳动节'),
  ('2054-06-10', '端午节'),
  ('2054-09-16', '中秋节'),
  ('2054-10-01', '国庆节'),
  ('2054-10-02', '国庆节'),
  ('2054-10-03', '国庆节'),
  ('2055-01-01', '元旦'),
  ('2055-01-27', '春节'),
  ('2055-01-28', '春节'),
  ('2055-01-29', '春节'),
  ('2055-01-30', '春节'),
  ('2055-04-05', '清明节'),
  ('2055-05-01', '劳动节'),
  ('2055-05-02', '劳动节'),
  ('2055-05-30', '端午节'),
  ('2055-10-01', '国庆节'),
  ('2055-10-02', '国庆节'),
  ('2055-10-03', '国庆节'),
  ('2055-10-05', '中秋节'),
  ('2056-01-01', '元旦'),
  ('2056-02-14', '春节'),
  ('2056-02-15', '春节'),
  ('2056-02-16', '春节'),
  ('2056-02-17', '春节'),
  ('2056-04-04', '清明节'),
  ('2056-05-01', '劳动节'),
  ('2056-05-02', '劳动节'),
  ('2056-06-17', '端午节'),
  ('2056-09-24', '中秋节'),
  ('2056-10-01', '国庆节'),
  ('2056-10-02', '国庆节'),
  ('2056-10-03', '国庆节'),
  ('2057-01-01', '元旦'),
  ('2057-02-03', '春节'),
  ('2057-02-04', '春节'),
  ('2057-02-05', '春节'),
  ('2057-02-06', '春节'),
  ('2057-04-04', '清明节'),
  ('2057-05-01', '劳动节'),
  ('2057-05-02', '劳动节'),
  ('2057-06-06', '端午节'),
  ('2057-09-13', '中秋节'),
  ('2057-10-01', '国庆节'),
  ('2057-10-02', '国庆节'),
  ('2057-10-03', '国庆节'),
  ('2058-01-01', '元旦'),
  ('2058-01-23', '春节'),
  ('2058-01-24', '春节'),
  ('2058-01-25', '春节'),
  ('2058-01-26', '春节'),
  ('2058-04-04', '清明节'),
  ('2058-05-01', '劳动节'),
  ('2058-05-02', '劳动节'),
  ('2058-06-25', '端午节'),
  ('2058-10-01', '国庆节'),
  ('2058-10-02', '中秋节、国庆节'),
  ('2058-10-03', '国庆节'),
  ('2059-01-01', '元旦'),
  ('2059-02-11', '春节'),
  ('2059-02-12', '春节'),
  ('2059-02-13', '春节'),
  ('2059-02-14', '春节'),
  ('2059-04-05', '清明节'),
  ('2059-05-01', '劳动节'),
  ('2059-05-02', '劳动节'),
  ('2059-06-14', '端午节'),
  ('2059-09-21', '中秋节'),
  ('2059-10-01', '国庆节'),
  ('2059-10-02', '国庆节'),
  ('2059-10-03', '国庆节'),
  ('2060-01-01', '元旦'),
  ('2060-02-01', '春节'),
  ('2060-02-02', '春节'),
  ('2060-02-03', '春节'),
  ('2060-02-04', '春节'),
  ('2060-04-04', '清明节'),
  ('2060-05-01', '劳动节'),
  ('2060-05-02', '劳动节'),
  ('2060-06-03', '端午节'),
  ('2060-09-09', '中秋节'),
  ('2060-10-01', '国庆节'),
  ('2060-10-02', '国庆节'),
  ('2060-10-03', '国庆节'),
  ('2061-01-01', '元旦'),
  ('2061-01-20', '春节'),
  ('2061-01-21', '春节'),
  ('2061-01-22', '春节'),
  ('2061-01-23', '春节'),
  ('2061-04-04', '清明节'),
  ('2061-05-01', '劳动节'),
  ('2061-05-02', '劳动节'),
  ('2061-06-22', '端午节'),
  ('2061-09-28', '中秋节'),
  ('2061-10-01', '国庆节'),
  ('2061-10-02', '国庆节'),
  ('2061-10-03', '国庆节'),
  ('2062-01-01', '元旦'),
  ('2062-02-08', '春节'),
  ('2062-02-09', '春节'),
  ('2062-02-10', '春节'),
  ('2062-02-11', '春节'),
  ('2062-04-04', '清明节'),
  ('2062-05-01', '劳动节'),
  ('2062-05-02', '劳动节'),
  ('2062-06-11', '端午节'),
  ('2062-09-17', '中秋节'),
  ('2062-10-01', '国庆节'),
  ('2062-10-02', '国庆节'),
  ('2062-10-03', '国庆节'),
  ('2063-01-01', '元旦'),
  ('2063-01-28', '春节'),
  ('2063-01-29', '春节'),
  ('2063-01-30', '春节'),
  ('2063-01-31', '春节'),
  ('2063-04-05', '清明节'),
  ('2063-05-01', '劳动节'),
  ('2063-05-02', '劳动节'),
  ('2063-06-01', '端午节'),
  ('2063-10-01', '国庆节'),
  ('2063-10-02', '国庆节'),
  ('2063-10-03', '国庆节'),
  ('2063-10-06', '中秋节'),
  ('2064-01-01', '元旦'),
  ('2064-02-16', '春节'),
  ('2064-02-17', '春节'),
  ('2064-02-18', '春节'),
  ('2064-02-19', '春节'),
  ('2064-04-04', '清明节'),
  ('2064-05-01', '劳动节'),
  ('2064-05-02', '劳动节'),
  ('2064-06-19', '端午节'),
  ('2064-09-25', '中秋节'),
  ('2064-10-01', '国庆节'),
  ('2064-10-02', '国庆节'),
  ('2064-10-03', '国庆节'),
  ('2065-01-01', '元旦'),
  ('2065-02-04', '春节'),
  ('2065-02-05', '春节'),
  ('2065-02-06', '春节'),
  ('2065-02-07', '春节'),
  ('2065-04-04', '清明节'),
  ('2065-05-01', '劳动节'),
  ('2065-05-02', '劳动节'),
  ('2065-06-08', '端午节'),
  ('2065-09-15', '中秋节'),
  ('2065-10-01', '国庆节'),
  ('2065-10-02', '国庆节'),
  ('2065-10-03', '国庆节'),
  ('2066-01-01', '元旦'),
  ('2066-01-25', '春节'),
  ('2066-01-26', '春节'),
  ('2066-01-27', '春节'),
  ('2066-01-28', '春节'),
  ('2066-04-04', '清明节'),
  ('2066-05-01', '劳动节'),
  ('2066-05-02', '劳动节'),
  ('2066-05-28', '端午节'),
  ('2066-10-01', '国庆节'),
  ('2066-10-02', '国庆节'),
  ('2066-10-03', '中秋节、国庆节'),
  ('2067-01-01', '元旦'),
  ('2067-02-13', '春节'),
  ('2067-02-14', '春节'),
  ('2067-02-15', '春节'),
  ('2067-02-16', '春节'),
  ('2067-04-05', '清明节'),
  ('2067-05-01', '劳动节'),
  ('2067-05-02', '劳动节'),
  ('2067-06-16', '端午节'),
  ('2067-09-23', '中秋节'),
  ('2067-10-01', '国庆节'),
  ('2067-10-02', '国庆节'),
  ('2067-10-03', '国庆节'),
  ('2068-01-01', '元旦'),
  ('2068-02-02', '春节'),
  ('2068-02-03', '春节'),
  ('2068-02-04', '春节'),
  ('2068-02-05', '春节'),
  ('2068-04-04', '清明节'),
  ('2068-05-01', '劳动节'),
  ('2068-05-02', '劳动节'),
  ('2068-06-04', '端午节'),
  ('2068-09-11', '中秋节'),
  ('2068-10-01', '国庆节'),
  ('2068-10-02', '国庆节'),
  ('2068-10-03', '国庆节'),
  ('2069-01-01', '元旦'),
  ('2069-01-22', '春节'),
  ('2069-01-23', '春节'),
  ('2069-01-24', '春节'),
  ('2069-01-25', '春节'),
  ('2069-04-04', '清明节'),
  ('2069-05-01', '劳动节'),
  ('2069-05-02', '劳动节'),
  ('2069-06-23', '端午节'),
  ('2069-09-29', '中秋节'),
  ('2069-10-01', '国庆节'),
  ('2069-10-02', '国庆节'),
  ('2069-10-03', '国庆节'),
  ('2070-01-01', '元旦'),
  ('2070-02-10', '春节'),
  ('2070-02-11', '春节'),
  ('2070-02-12', '春节'),
  ('2070-02-13', '春节'),
  ('2070-04-04', '清明节'),
  ('2070-05-01', '劳动节'),
  ('2070-05-02', '劳动节'),
  ('2070-06-13', '端午节'),
  ('2070-09-19', '中秋节'),
  ('2070-10-01', '国庆节'),
  ('2070-10-02', '国庆节'),
  ('2070-10-03', '国庆节'),
  ('2071-01-01', '元旦'),
  ('2071-01-30', '春节'),
  ('2071-01-31', '春节'),
  ('2071-02-01', '春节'),
  ('2071-02-02', '春节'),
  ('2071-04-05', '清明节'),
  ('2071-05-01', '劳动节'),
  ('2071-05-02', '劳动节'),
  ('2071-06-02', '端午节'),
  ('2071-09-08', '中秋节'),
  ('2071-10-01', '国庆节'),
  ('2071-10-02', '国庆节'),
  ('2071-10-03', '国庆节'),
  ('2072-01-01', '元旦'),
  ('2072-02-18', '春节'),
  ('2072-02-19', '春节'),
  ('2072-02-20', '春节'),
  ('2072-02-21', '春节'),
  ('2072-04-04', '清明节'),
  ('2072-05-01', '劳动节'),
  ('2072-05-02', '劳动节'),
  ('2072-06-20', '端午节'),
  ('2072-09-26', '中秋节'),
  ('2072-10-01', '国庆节'),
  ('2072-10-02', '国庆节'),
  ('2072-10-03', '国庆节'),
  ('2073-01-01', '元旦'),
  ('2073-02-06', '春节'),
  ('2073-02-07', '春节'),
  ('2073-02-08', '春节'),
  ('2073-02-09', '春节'),
  ('2073-04-04', '清明节'),
  ('2073-05-01', '劳动节'),
  ('2073-05-02', '劳动节'),
  ('2073-06-10', '端午节'),
  ('2073-09-16', '中秋节'),
  ('2073-10-01', '国庆节'),
  ('2073-10-02', '国庆节'),
  ('2073-10-03', '国庆节'),
  ('2074-01-01', '元旦'),
  ('2074-01-26', '春节'),
  ('2074-01-27', '春节'),
  ('2074-01-28', '春节'),
  ('2074-01-29', '春节'),
  ('2074-04-04', '清明节'),
  ('2074-05-01', '劳动节'),
  ('2074-05-02', '劳动节'),
  ('2074-05-30', '端午节'),
  ('2074-10-01', '国庆节'),
  ('2074-10-02', '国庆节'),
  ('2074-10-03', '国庆节'),
  ('2074-10-05', '中秋节'),
  ('2075-01-01', '元旦'),
  ('2075-02-14', '春节'),
  ('2075-02-15', '春节'),
  ('2075-02-16', '春节'),
  ('2075-02-17', '春节'),
  ('2075-04-04', '清明节'),
  ('2075-05-01', '劳动节'),
  ('2075-05-02', '劳动节'),
  ('2075-06-17', '端午节'),
  ('2075-09-24', '中秋节'),
  ('2075-10-01', '国庆节'),
  ('2075-10-02', '国庆节'),
  ('2075-10-03', '国庆节'),
  ('2076-01-01', '元旦'),
  ('2076-02-04', '春节'),
  ('2076-02-05', '春节'),
  ('2076-02-06', '春节'),
  ('2076-02-07', '春节'),
  ('2076-04-04', '清明节'),
  ('2076-05-01', '劳动节'),
  ('2076-05-02', '劳动节'),
  ('2076-06-06', '端午节'),
  ('2076-09-12', '中秋节'),
  ('2076-10-01', '国庆节'),
  ('2076-10-02', '国庆节'),
  ('2076-10-03', '国庆节'),
  ('2077-01-01', '元旦'),
  ('2077-01-23', '春节'),
  ('2077-01-24', '春节'),
  ('2077-01-25', '春节'),
  ('2077-01-26', '春节'),
  ('2077-04-04', '清明节'),
  ('2077-05-01', '劳动节'),
  ('2077-05-02', '劳动节'),
  ('2077-06-24', '端午节'),
  ('2077-10-01', '中秋节、国庆节'),
  ('2077-10-02', '国庆节'),
  ('2077-10-03', '国庆节'),
  ('2078-01-01', '元旦'),
  ('2078-02-11', '春节'),
  ('2078-02-12', '春节'),
  ('2078-02-13', '春节'),
  ('2078-02-14', '春节'),
  ('2078-04-04', '清明节'),
  ('2078-05-01', '劳动节'),
  ('2078-05-02', '劳动节'),
  ('2078-06-14', '端午节'),
  ('2078-09-20', '中秋节'),
  ('2078-10-01', '国庆节'),
  ('2078-10-02', '国庆节'),
  ('2078-10-03', '国庆节'),
  ('2079-01-01', '元旦'),
  ('2079-02-01', '春节'),
  ('2079-02-02', '春节'),
  ('2079-02-03', '春节'),
  ('2079-02-04', '春节'),
  ('2079-04-04', '清明节'),
  ('2079-05-01', '劳动节'),
  ('2079-05-02', '劳动节'),
  ('2079-06-04', '端午节'),
  ('2079-09-10', '中秋节'),
  ('2079-10-01', '国庆节'),
  ('2079-10-02', '国庆节'),
  ('2079-10-03', '国庆节'),
  ('2080-01-01', '元旦'),
  ('2080-01-21', '春节'),
  ('2080-01-22', '春节'),
  ('2080-01-23', '春节'),
  ('2080-01-24', '春节'),
  ('2080-04-04', '清明节'),
  ('2080-05-01', '劳动节'),
  ('2080-05-02', '劳动节'),
  ('2080-06-22', '端午节'),
  ('2080-09-28', '中秋节'),
  ('2080-10-01', '国庆节'),
  ('2080-10-02', '国庆节'),
  ('2080-10-03', '国庆节'),
  ('2081-01-01', '元旦'),
  ('2081-02-08', '春节'),
  ('2081-02-09', '春节'),
  ('2081-02-10', '春节'),
  ('2081-02-11', '春节'),
  ('2081-04-04', '清明节'),
  ('2081-05-01', '劳动节'),
  ('2081-05-02', '劳动节'),
  ('2081-06-11', '端午节'),
  ('2081-09-17', '中秋节'),
  ('2081-10-01', '国庆节'),
  ('2081-10-02', '国庆节'),
  ('2081-10-03', '国庆节'),
  ('2082-01-01', '元旦'),
  ('2082-01-28', '春节'),
  ('2082-01-29', '春节'),
  ('2082-01-30', '春节'),
  ('2082-01-31', '春节'),
  ('2082-04-04', '清明节'),
  ('2082-05-01', '劳动节'),
  ('2082-05-02', '劳动节'),
  ('2082-06-01', '端午节'),
  ('2082-10-01', '国庆节'),
  ('2082-10-02', '国庆节'),
  ('2082-10-03', '国庆节'),
  ('2082-10-06', '中秋节'),
  ('2083-01-01', '元旦'),
  ('2083-02-16', '春节'),
  ('2083-02-17', '春节'),
  ('2083-02-18', '春节'),
  ('2083-02-19', '春节'),
  ('2083-04-04', '清明节'),
  ('2083-05-01', '劳动节'),
  ('2083-05-02', '劳动节'),
  ('2083-06-19', '端午节'),
  ('2083-09-26', '中秋节'),
  ('2083-10-01', '国庆节'),
  ('2083-10-02', '国庆节'),
  ('2083-10-03', '国庆节'),
  ('2084-01-01', '元旦'),
  ('2084-02-05', '春节'),
  ('2084-02-06', '春节'),
  ('2084-02-07', '春节'),
  ('2084-02-08', '春节'),
  ('2084-04-04', '清明节'),
  ('2084-05-01', '劳动节'),
  ('2084-05-02', '劳动节'),
  ('2084-06-07', '端午节'),
  ('2084-09-14', '中秋节'),
  ('2084-10-01', '国庆节'),
  ('2084-10-02', '国庆节'),
  ('2084-10-03', '国庆节'),
  ('2085-01-01', '元旦'),
  ('2085-01-25', '春节'),
  ('2085-01-26', '春节'),
  ('2085-01-27', '春节'),
  ('2085-01-28', '春节'),
  ('2085-04-04', '清明节'),
  ('2085-05-01', '劳动节'),
  ('2085-05-02', '劳动节'),
  ('2085-05-27', '端午节'),
  ('2085-10-01', '国庆节'),
  ('2085-10-02', '国庆节'),
  ('2085-10-03', '中秋节、国庆节'),
  ('2086-01-01', '元旦'),
  ('2086-02-13', '春节'),
  ('2086-02-14', '春节'),
  ('2086-02-15', '春节'),
  ('2086-02-16', '春节'),
  ('2086-04-04', '清明节'),
  ('2086-05-01', '劳动节'),
  ('2086-05-02', '劳动节'),
  ('2086-06-15', '端午节'),
  ('2086-09-22', '中秋节'),
  ('2086-10-01', '国庆节'),
  ('2086-10-02', '国庆节'),
  ('2086-10-03', '国庆节'),
  ('2087-01-01', '元旦'),
  ('2087-02-02', '春节'),
  ('2087-02-03', '春节'),
  ('2087-02-04', '春节'),
  ('2087-02-05', '春节'),
  ('2087-04-04', '清明节'),
  ('2087-05-01', '劳动节'),
  ('2087-05-02', '劳动节'),
  ('2087-06-05', '端午节'),
  ('2087-09-11', '中秋节'),
  ('2087-10-01', '国庆节'),
  ('2087-10-02', '国庆节'),
  ('2087-10-03', '国庆节'),
  ('2088-01-01', '元旦'),
  ('2088-01-23', '春节'),
  ('2088-01-24', '春节'),
  ('2088-01-25', '春节'),
  ('2088-01-26', '春节'),
  ('2088-04-04', '清明节'),
  ('2088-05-01', '劳动节'),
  ('2088-05-02', '劳动节'),
  ('2088-06-23', '端午节'),
  ('2088-09-29', '中秋节'),
  ('2088-10-01', '国庆节'),
  ('2088-10-02', '国庆节'),
  ('2088-10-03', '国庆节'),
  ('2089-01-01', '元旦'),
  ('2089-02-09', '春节'),
  ('2089-02-10', '春节'),
  ('2089-02-11', '春节'),
  ('2089-02-12', '春节'),
  ('2089-04-04', '清明节'),
  ('2089-05-01', '劳动节'),
  ('2089-05-02', '劳动节'),
  ('2089-06-13', '端午节'),
  ('2089-09-18', '中秋节'),
  ('2089-10-01', '国庆节'),
  ('2089-10-02', '国庆节'),
  ('2089-10-03', '国庆节'),
  ('2090-01-01', '元旦'),
  ('2090-01-29', '春节'),
  ('2090-01-30', '春节'),
  ('2090-01-31', '春节'),
  ('2090-02-01', '春节'),
  ('2090-04-04', '清明节'),
  ('2090-05-01', '劳动节'),
  ('2090-05-02', '劳动节'),
  ('2090-06-02', '端午节'),
  ('2090-09-08', '中秋节'),
  ('2090-10-01', '国庆节'),
  ('2090-10-02', '国庆节'),
  ('2090-10-03', '国庆节'),
  ('2091-01-01', '元旦'),
  ('2091-02-17', '春节'),
  ('2091-02-18', '春节'),
  ('2091-02-19', '春节'),
  ('2091-02-20', '春节'),
  ('2091-04-04', '清明节'),
  ('2091-05-01', '劳动节'),
  ('2091-05-02', '劳动节'),
  ('2091-06-21', '端午节'),
  ('2091-09-27', '中秋节'),
  ('2091-10-01', '国庆节'),
  ('2091-10-02', '国庆节'),
  ('2091-10-03', '国庆节'),
  ('2092-01-01', '元旦'),
  ('2092-02-06', '春节'),
  ('2092-02-07', '春节'),
  ('2092-02-08', '春节'),
  ('2092-02-09', '春节'),
  ('2092-04-04', '清明节'),
  ('2092-05-01', '劳动节'),
  ('2092-05-02', '劳动节'),
  ('2092-06-09', '端午节'),
  ('2092-09-16', '中秋节'),
  ('2092-10-01', '国庆节'),
  ('2092-10-02', '国庆节'),
  ('2092-10-03', '国庆节'),
  ('2093-01-01', '元旦'),
  ('2093-01-26', '春节'),
  ('2093-01-27', '春节'),
  ('2093-01-28', '春节'),
  ('2093-01-29', '春节'),
  ('2093-04-04', '清明节'),
  ('2093-05-01', '劳动节'),
  ('2093-05-02', '劳动节'),
  ('2093-05-29', '端午节'),
  ('2093-10-01', '国庆节'),
  ('2093-10-02', '国庆节'),
  ('2093-10-03', '国庆节'),
  ('2093-10-05', '中秋节'),
  ('2094-01-01', '元旦'),
  ('2094-02-14', '春节'),
  ('2094-02-15', '春节'),
  ('2094-02-16', '春节'),
  ('2094-02-17', '春节'),
  ('2094-04-04', '清明节'),
  ('2094-05-01', '劳动节'),
  ('2094-05-02', '劳动节'),
  ('2094-06-17', '端午节'),
  ('2094-09-24', '中秋节'),
  ('2094-10-01', '国庆节'),
  ('2094-10-02', '国庆节'),
  ('2094-10-03', '国庆节'),
  ('2095-01-01', '元旦'),
  ('2095-02-04', '春节'),
  ('2095-02-05', '春节'),
  ('2095-02-06', '春节'),
  ('2095-02-07', '春节'),
  ('2095-04-04', '清明节'),
  ('2095-05-01', '劳动节'),
  ('2095-05-02', '劳动节'),
  ('2095-06-06', '端午节'),
  ('2095-09-13', '中秋节'),
  ('2095-10-01', '国庆节'),
  ('2095-10-02', '国庆节'),
  ('2095-10-03', '国庆节'),
  ('2096-01-01', '元旦'),
  ('2096-01-24', '春节'),
  ('2096-01-25', '春节'),
  ('2096-01-26', '春节'),
  ('2096-01-27', '春节'),
  ('2096-04-04', '清明节'),
  ('2096-05-01', '劳动节'),
  ('2096-05-02', '劳动节'),
  ('2096-06-24', '端午节'),
  ('2096-09-30', '中秋节'),
  ('2096-10-01', '国庆节'),
  ('2096-10-02', '国庆节'),
  ('2096-10-03', '国庆节'),
  ('2097-01-01', '元旦'),
  ('2097-02-11', '春节'),
  ('2097-02-12', '春节'),
  ('2097-02-13', '春节'),
  ('2097-02-14', '春节'),
  ('2097-04-04', '清明节'),
  ('2097-05-01', '劳动节'),
  ('2097-05-02', '劳动节'),
  ('2097-06-14', '端午节'),
  ('2097-09-20', '中秋节'),
  ('2097-10-01', '国庆节'),
  ('2097-10-02', '国庆节'),
  ('2097-10-03', '国庆节'),
  ('2098-01-01', '元旦'),
  ('2098-01-31', '春节'),
  ('2098-02-01', '春节'),
  ('2098-02-02', '春节'),
  ('2098-02-03', '春节'),
  ('2098-04-04', '清明节'),
  ('2098-05-01', '劳动节'),
  ('2098-05-02', '劳动节'),
  ('2098-06-04', '端午节'),
  ('2098-09-09', '中秋节'),
  ('2098-10-01', '国庆节'),
  ('2098-10-02', '国庆节'),
  ('2098-10-03', '国庆节'),
  ('2099-01-01', '元旦'),
  ('2099-01-20', '春节'),
  ('2099-01-21', '春节'),
  ('2099-01-22', '春节'),
  ('2099-01-23', '春节'),
  ('2099-04-04', '清明节'),
  ('2099-05-01', '劳动节'),
  ('2099-05-02', '劳动节'),
  ('2099-06-23', '端午节'),
  ('2099-09-29', '中秋节'),
  ('2099-10-01', '国庆节'),
  ('2099-10-02', '国庆节'),
  ('2099-10-03', '国庆节');

delete from app.calendar_days where source = 'chinese-days';
insert into app.calendar_days (day, is_workday, name, source) values
  ('2004-01-01', false, '元旦', 'chinese-days'),
  ('2004-01-17', true, '春节', 'chinese-days'),
  ('2004-01-18', true, '春节', 'chinese-days'),
  ('2004-01-22', false, '春节', 'chinese-days'),
  ('2004-01-23', false, '春节', 'chinese-days'),
  ('2004-01-26', false, '春节', 'chinese-days'),
  ('2004-01-27', false, '春节', 'chinese-days'),
  ('2004-01-28', false, '春节', 'chinese-days'),
  ('2004-05-03', false, '劳动节', 'chinese-days'),
  ('2004-05-04', false, '劳动节', 'chinese-days'),
  ('2004-05-05', false, '劳动节', 'chinese-days'),
  ('2004-05-06', false, '劳动节', 'chinese-days'),
  ('2004-05-07', false, '劳动节', 'chinese-days'),
  ('2004-05-08', true, '劳动节', 'chinese-days'),
  ('2004-05-09', true, '劳动节', 'chinese-days'),
  ('2004-10-01', false, '国庆节', 'chinese-days'),
  ('2004-10-04', false, '国庆节', 'chinese-days'),
  ('2004-10-05', false, '国庆节', 'chinese-days'),
  ('2004-10-06', false, '国庆节', 'chinese-days'),
  ('2004-10-07', false, '国庆节', 'chinese-days'),
  ('2004-10-09', true, '国庆节', 'chinese-days'),
  ('2004-10-10', true, '国庆节', 'chinese-days'),
  ('2005-01-03', false, '元旦', 'chinese-days'),
  ('2005-02-05', true, '春节', 'chinese-days'),
  ('2005-02-06', true, '春节', 'chinese-days'),
  ('2005-02-09', false, '春节', 'chinese-days'),
  ('2005-02-10', false, '春节', 'chinese-days'),
  ('2005-02-11', false, '春节', 'chinese-days'),
  ('2005-02-14', false, '春节', 'chinese-days'),
  ('2005-02-15', false, '春节', 'chinese-days'),
  ('2005-04-30', true, '劳动节', 'chinese-days'),
  ('2005-05-02', false, '劳动节', 'chinese-days'),
  ('2005-05-03', false, '劳动节', 'chinese-days'),
  ('2005-05-04', false, '劳动节', 'chinese-days'),
  ('2005-05-05', false, '劳动节', 'chinese-days'),
  ('2005-05-06', false, '劳动节', 'chinese-days'),
  ('2005-05-08', true, '劳动节', 'chinese-days'),
  ('2005-10-03', false, '国庆节', 'chinese-days'),
  ('2005-10-04', false, '国庆节', 'chinese-days'),
  ('2005-10-05', false, '国庆节', 'chinese-days'),
  ('2005-10-06', false, '国庆节', 'chinese-days'),
  ('2005-10-07', false, '国庆节', 'chinese-days'),
  ('2005-10-08', true, '国庆节', 'chinese-days'),
  ('2005-10-09', true, '国庆节', 'chinese-days'),
  ('2006-01-02', false, '元旦', 'chinese-days'),
  ('2006-01-03', false, '元旦', 'chinese-days'),
  ('2006-01-28', true, '春节', 'chinese-days'),
  ('2006-01-30', false, '春节', 'chinese-days'),
  ('2006-01-31', false, '春节', 'chinese-days'),
  ('2006-02-01', false, '春节', 'chinese-days'),
  ('2006-02-02', false, '春节', 'chinese-days'),
  ('2006-02-03', false, '春节', 'chinese-days'),
  ('2006-02-05', true, '春节', 'chinese-days'),
  ('2006-04-29', true, '劳动节', 'chinese-days'),
  ('2006-04-30', true, '劳动节', 'chinese-days'),
  ('2006-05-01', false, '劳动节', 'chinese-days'),
  ('2006-05-02', false, '劳动节', 'chinese-days'),
  ('2006-05-03', false, '劳动节', 'chinese-days'),
  ('2006-05-04', false, '劳动节', 'chinese-days'),
  ('2006-05-05', false, '劳动节', 'chinese-days'),
  ('2006-09-30', true, '国庆节', 'chinese-days'),
  ('2006-10-02', false, '国庆节', 'chinese-days'),
  ('2006-10-03', false, '国庆节', 'chinese-days'),
  ('2006-10-04', false, '国庆节', 'chinese-days'),
  ('2006-10-05', false, '国庆节', 'chinese-days'),
  ('2006-10-06', false, '国庆节', 'chinese-days'),
  ('2006-10-08', true, '国庆节', 'chinese-days'),
  ('2006-12-30', true, '元旦', 'chinese-days'),
  ('2006-12-31', true, '元旦', 'chinese-days'),
  ('2007-01-01', false, '元旦', 'chinese-days'),
  ('2007-01-02', false, '元旦', 'chinese-days'),
  ('2007-01-03', false, '元旦', 'chinese-days'),
  ('2007-02-17', true, '春节', 'chinese-days'),
  ('2007-02-19', false, '春节', 'chinese-days'),
  ('2007-02-20', false, '春节', 'chinese-days'),
  ('2007-02-21', false, '春节', 'chinese-days'),
  ('2007-02-22', false, '春节', 'chinese-days'),
  ('2007-02-23', false, '春节', 'chinese-days'),
  ('2007-02-25', true, '春节', 'chinese-days'),
  ('2007-04-28', true, '劳动节', 'chinese-days'),
  ('2007-04-29', true, '劳动节', 'chinese-days'),
  ('2007-05-01', false, '劳动节', 'chinese-days'),
  ('2007-05-02', false, '劳动节', 'chinese-days'),
  ('2007-05-03', false, '劳动节', 'chinese-days'),
  ('2007-05-04', false, '劳动节', 'chinese-days'),
  ('2007-05-07', false, '劳动节', 'chinese-days'),
  ('2007-09-29', true, '国庆节', 'chinese-days'),
  ('2007-09-30', true, '国庆节', 'chinese-days'),
  ('2007-10-01', false, '国庆节', 'chinese-days'),
  ('2007-10-02', false, '国庆节', 'chinese-days'),
  ('2007-10-03', false, '国庆节', 'chinese-days'),
  ('2007-10-04', false, '国庆节', 'chinese-days'),
  ('2007-10-05', false, '国庆节', 'chinese-days'),
  ('2007-12-29', true, '元旦', 'chinese-days'),
  ('2007-12-31', false, '元旦', 'chinese-days'),
  ('2008-01-01', false, '元旦', 'chinese-days'),
  ('2008-02-02', true, '春节', 'chinese-days'),
  ('2008-02-03', true, '春节', 'chinese-days'),
  ('2008-02-06', false, '春节', 'chinese-days'),
  ('2008-02-07', false, '春节', 'chinese-days'),
  ('2008-02-08', false, '春节', 'chinese-days'),
  ('2008-02-11', false, '春节', 'chinese-days'),
  ('2008-02-12', false, '春节', 'chinese-days'),
  ('2008-04-04', false, '清明节', 'chinese-days'),
  ('2008-05-01', false, '劳动节', 'chinese-days'),
  ('2008-05-02', false, '劳动节', 'chinese-days'),
  ('2008-05-04', true, '劳动节', 'chinese-days'),
  ('2008-06-09', false, '端午节', 'chinese-days'),
  ('2008-09-15', false, '中秋节', 'chinese-days'),
  ('2008-09-27', true, '国庆节', 'chinese-days'),
  ('2008-09-28', true, '国庆节', 'chinese-days'),
  ('2008-09-29', false, '国庆节', 'chinese-days'),
  ('2008-09-30', false, '国庆节', 'chinese-days'),
  ('2008-10-01', false, '国庆节', 'chinese-days'),
  ('2008-10-02', false, '国庆节', 'chinese-days'),
  ('2008-10-03', false, '国庆节', 'chinese-days'),
  ('2009-01-01', false, '元旦', 'chinese-days'),
  ('2009-01-02', false, '元旦', 'chinese-days'),
  ('2009-01-04', true, '元旦', 'chinese-days'),
  ('2009-01-24', true, '春节', 'chinese-days'),
  ('2009-01-26', false, '春节', 'chinese-days'),
  ('2009-01-27', false, '春节', 'chinese-days'),
  ('2009-01-28', false, '春节', 'chinese-days'),
  ('2009-01-29', false, '春节', 'chinese-days'),
  ('2009-01-30', false, '春节', 'chinese-days'),
  ('2009-02-01', true, '春节', 'chinese-days'),
  ('2009-04-06', false, '清明节', 'chinese-days'),
  ('2009-05-01', false, '劳动节', 'chinese-days'),
  ('2009-05-28', false, '端午节', 'chinese-days'),
  ('2009-05-29', false, '端午节', 'chinese-days'),
  ('2009-05-31', true, '端午节', 'chinese-days'),
  ('2009-09-27', true, '国庆节', 'chinese-days'),
  ('2009-10-01', false, '国庆节', 'chinese-days'),
  ('2009-10-02', false, '国庆节', 'chinese-days'),
  ('2009-10-05', false, '国庆节', 'chinese-days'),
  ('2009-10-06', false, '国庆节', 'chinese-days'),
  ('2009-10-07', false, '国庆节', 'chinese-days'),
  ('2009-10-08', false, '国庆节', 'chinese-days'),
  ('2009-10-10', true, '国庆节', 'chinese-days'),
  ('2010-01-01', false, '元旦', 'chinese-days'),
  ('2010-02-15', false, '春节', 'chinese-days'),
  ('2010-02-16', false, '春节', 'chinese-days'),
  ('2010-02-17', false, '春节', 'chinese-days'),
  ('2010-02-18', false, '春节', 'chinese-days'),
  ('2010-02-19', false, '春节', 'chinese-days'),
  ('2010-02-20', true, '春节', 'chinese-days'),
  ('2010-02-21', true, '春节', 'chinese-days'),
  ('2010-04-05', false, '清明节', 'chinese-days'),
  ('2010-05-03', false, '劳动节', 'chinese-days'),
  ('2010-06-12', true, '端午节', 'chinese-days'),
  ('2010-06-13', true, '端午节', 'chinese-days'),
  ('2010-06-14', false, '端午节', 'chinese-days'),
  ('2010-06-15', false, '端午节', 'chinese-days'),
  ('2010-06-16', false, '端午节', 'chinese-days'),
  ('2010-09-19', true, '中秋节', 'chinese-days'),
  ('2010-09-22', false, '中秋节', 'chinese-days'),
  ('2010-09-23', false, '中秋节', 'chinese-days'),
  ('2010-09-24', false, '中秋节', 'chinese-days'),
  ('2010-09-25', true, '中秋节', 'chinese-days'),
  ('2010-09-26', true, '国庆节', 'chinese-days'),
  ('2010-10-01', false, '国庆节', 'chinese-days'),
  ('2010-10-04', false, '国庆节', 'chinese-days'),
  ('2010-10-05', false, '国庆节', 'chinese-days'),
  ('2010-10-06', false, '国庆节', 'chinese-days'),
  ('2010-10-07', false, '国庆节', 'chinese-days'),
  ('2010-10-09', true, '国庆节', 'chinese-days'),
  ('2011-01-03', false, '元旦', 'chinese-days'),
  ('2011-01-30', true, '春节', 'chinese-days'),
  ('2011-02-02', false, '春节', 'chinese-days'),
  ('2011-02-03', false, '春节', 'chinese-days'),
  ('2011-02-04', false, '春节', 'chinese-days'),
  ('2011-02-07', false, '春节', 'chinese-days'),
  ('2011-02-08', false, '春节', 'chinese-days'),
  ('2011-02-12', true, '春节', 'chinese-days'),
  ('2011-04-02', true, '清明节', 'chinese-days'),
  ('2011-04-04', false, '清明节', 'chinese-days'),
  ('2011-04-05', false, '清明节', 'chinese-days'),
  ('2011-05-02', false, '劳动节', 'chinese-days'),
  ('2011-06-06', false, '端午节', 'chinese-days'),
  ('2011-09-12', false, '中秋节', 'chinese-days'),
  ('2011-10-03', false, '国庆节', 'chinese-days'),
  ('2011-10-04', false, '国庆节', 'chinese-days'),
  ('2011-10-05', false, '国庆节', 'chinese-days'),
  ('2011-10-06', false, '国庆节', 'chinese-days'),
  ('2011-10-07', false, '国庆节', 'chinese-days'),
  ('2011-10-08', true, '国庆节', 'chinese-days'),
  ('2011-10-09', true, '国庆节', 'chinese-days'),
  ('2011-12-31', true, '元旦', 'chinese-days'),
  ('2012-01-02', false, '元旦', 'chinese-days'),
  ('2012-01-03', false, '元旦', 'chinese-days'),
  ('2012-01-21', true, '春节', 'chinese-days'),
  ('2012-01-23', false, '春节', 'chinese-days'),
  ('2012-01-24', false, '春节', 'chinese-days'),
  ('2012-01-25', false, '春节', 'chinese-days'),
  ('2012-01-26', false, '春节', 'chinese-days'),
  ('2012-01-27', false, '春节', 'chinese-days'),
  ('2012-01-29', true, '春节', 'chinese-days'),
  ('2012-03-31', true, '清明节', 'chinese-days'),
  ('2012-04-01', true, '清明节', 'chinese-days'),
  ('2012-04-02', false, '清明节', 'chinese-days'),
  ('2012-04-03', false, '清明节', 'chinese-days'),
  ('2012-04-04', false, '清明节', 'chinese-days'),
  ('2012-04-28', true, '劳动节', 'chinese-days'),
  ('2012-04-30', false, '劳动节', 'chinese-days'),
  ('2012-05-01', false, '劳动节', 'chinese-days'),
  ('2012-06-22', false, '端午节', 'chinese-days'),
  ('2012-09-29', true, '国庆节', 'chinese-days'),
  ('2012-10-01', false, '国庆节', 'chinese-days'),
  ('2012-10-02', false, '国庆节', 'chinese-days'),
  ('2012-10-03', false, '国庆节', 'chinese-days'),
  ('2012-10-04', false, '国庆节', 'chinese-days'),
  ('2012-10-05', false, '国庆节', 'chinese-days'),
  ('2013-01-01', false, '元旦', 'chinese-days'),
  ('2013-01-02', false, '元旦', 'chinese-days'),
  ('2013-01-03', false, '元旦', 'chinese-days'),
  ('2013-01-05', true, '元旦', 'chinese-days'),
  ('2013-01-06', true, '元旦', 'chinese-days'),
  ('2013-02-11', false, '春节', 'chinese-days'),
  ('2013-02-12', false, '春节', 'chinese-days'),
  ('2013-02-13', false, '春节', 'chinese-days'),
  ('2013-02-14', false, '春节', 'chinese-days'),
  ('2013-02-15', false, '春节', 'chinese-days'),
  ('2013-02-16', true, '春节', 'chinese-days'),
  ('2013-02-17', true, '春节', 'chinese-days'),
  ('2013-04-04', false, '清明节', 'chinese-days'),
  ('2013-04-05', false, '清明节', 'chinese-days'),
  ('2013-04-07', true, '清明节', 'chinese-days'),
  ('2013-04-27', true, '劳动节', 'chinese-days'),
  ('2013-04-28', true, '劳动节', 'chinese-days'),
  ('2013-04-29', false, '劳动节', 'chinese-days'),
  ('2013-04-30', false, '劳动节', 'chinese-days'),
  ('2013-05-01', false, '劳动节', 'chinese-days'),
  ('2013-06-08', true, '端午节', 'chinese-days'),
  ('2013-06-09', true, '端午节', 'chinese-days'),
  ('2013-06-10', false, '端午节', 'chinese-days'),
  ('2013-06-11', false, '端午节', 'chinese-days'),
  ('2013-06-12', false, '端午节', 'chinese-days'),
  ('2013-09-19', false, '中秋节', 'chinese-days'),
  ('2013-09-20', false, '中秋节', 'chinese-days'),
  ('2013-09-22', true, '中秋节', 'chinese-days'),
  ('2013-09-29', true, '国庆节', 'chinese-days'),
  ('2013-10-01', false, '国庆节', 'chinese-days'),
  ('2013-10-02', false, '国庆节', 'chinese-days'),
  ('2013-10-03', false, '国庆节', 'chinese-days'),
  ('2013-10-04', false, '国庆节', 'chinese-days'),
  ('2013-10-07', false, '国庆节', 'chinese-days'),
  ('2013-10-12', true, '国庆节', 'chinese-days'),
  ('2014-01-01', false, '元旦', 'chinese-days'),
  ('2014-01-26', true, '春节', 'chinese-days'),
  ('2014-01-31', false, '春节', 'chinese-days'),
  ('2014-02-03', false, '春节', 'chinese-days'),
  ('2014-02-04', false, '春节', 'chinese-days'),
  ('2014-02-05', false, '春节', 'chinese-days'),
  ('2014-02-06', false, '春节', 'chinese-days'),
  ('2014-02-08', true, '春节', 'chinese-days'),
  ('2014-04-07', false, '清明节', 'chinese-days'),
  ('2014-05-01', false, '劳动节', 'chinese-days'),
  ('2014-05-02', false, '劳动节', 'chinese-days'),
  ('2014-05-04', true, '劳动节', 'chinese-days'),
  ('2014-06-02', false, '端午节', 'chinese-days'),
  ('2014-09-08', false, '中秋节', 'chinese-days'),
  ('2014-09-28', true, '国庆节', 'chinese-days'),
  ('2014-10-01', false, '国庆节', 'chinese-days'),
  ('2014-10-02', false, '国庆节', 'chinese-days'),
  ('2014-10-03', false, '国庆节', 'chinese-days'),
  ('2014-10-06', false, '国庆节', 'chinese-days'),
  ('2014-10-07', false, '国庆节', 'chinese-days'),
  ('2014-10-11', true, '国庆节', 'chinese-days'),
  ('2015-01-01', false, '元旦', 'chinese-days'),
  ('2015-01-02', false, '元旦', 'chinese-days'),
  ('2015-01-04', true, '元旦', 'chinese-days'),
  ('2015-02-15', true, '春节', 'chinese-days'),
  ('2015-02-18', false, '春节', 'chinese-days'),
  ('2015-02-19', false, '春节', 'chinese-days'),
  ('2015-02-20', false, '春节', 'chinese-days'),
  ('2015-02-23', false, '春节', 'chinese-days'),
  ('2015-02-24', false, '春节', 'chinese-days'),
  ('2015-02-28', true, '春节', 'chinese-days'),
  ('2015-04-06', false, '清明节', 'chinese-days'),
  ('2015-05-01', false, '劳动节', 'chinese-days'),
  ('2015-06-22', false, '端午节', 'chinese-days'),
  ('2015-09-03', false, '中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日', 'chinese-days'),
  ('2015-09-04', false, '中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日', 'chinese-days'),
  ('2015-09-06', true, '中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日', 'chinese-days'),
  ('2015-10-01', false, '国庆节', 'chinese-days'),
  ('2015-10-02', false, '国庆节', 'chinese-days'),
  ('2015-10-05', false, '国庆节', 'chinese-days'),
  ('2015-10-06', false, '国庆节', 'chinese-days'),
  ('2015-10-07', false, '国庆节', 'chinese-days'),
  ('2015-10-10', true, '国庆节', 'chinese-days'),
  ('2016-01-01', false, '元旦', 'chinese-days'),
  ('2016-02-06', true, '春节', 'chinese-days'),
  ('2016-02-08', false, '春节', 'chinese-days'),
  ('2016-02-09', false, '春节', 'chinese-days'),
  ('2016-02-10', false, '春节', 'chinese-days'),
  ('2016-02-11', false, '春节', 'chinese-days'),
  ('2016-02-12', false, '春节', 'chinese-days'),
  ('2016-02-14', true, '春节', 'chinese-days'),
  ('2016-04-04', false, '清明节', 'chinese-days'),
  ('2016-05-02', false, '劳动节', 'chinese-days'),
  ('2016-06-09', false, '端午节', 'chinese-days'),
  ('2016-06-10', false, '端午节', 'chinese-days'),
  ('2016-06-12', true, '端午节', 'chinese-days'),
  ('2016-09-15', false, '中秋节', 'chinese-days'),
  ('2016-09-16', false, '中秋节', 'chinese-days'),
  ('2016-09-18', true, '中秋节', 'chinese-days'),
  ('2016-10-03', false, '国庆节', 'chinese-days'),
  ('2016-10-04', false, '国庆节', 'chinese-days'),
  ('2016-10-05', false, '国庆节', 'chinese-days'),
  ('2016-10-06', false, '国庆节', 'chinese-days'),
  ('2016-10-07', false, '国庆节', 'chinese-days'),
  ('2016-10-08', true, '国庆节', 'chinese-days'),
  ('2016-10-09', true, '国庆节', 'chinese-days'),
  ('2017-01-02', false, '元旦', 'chinese-days'),
  ('2017-01-22', true, '春节', 'chinese-days'),
  ('2017-01-27', false, '春节', 'chinese-days'),
  ('2017-01-30', false, '春节', 'chinese-days'),
  ('2017-01-31', false, '春节', 'chinese-days'),
  ('2017-02-01', false, '春节', 'chinese-days'),
  ('2017-02-02', false, '春节', 'chinese-days'),
  ('2017-02-04', true, '春节', 'chinese-days'),
  ('2017-04-01', true, '清明节', 'chinese-days'),
  ('2017-04-03', false, '清明节', 'chinese-days'),
  ('2017-04-04', false, '清明节', 'chinese-days'),
  ('2017-05-01', false, '劳动节', 'chinese-days'),
  ('2017-05-27', true, '端午节', 'chinese-days'),
  ('2017-05-29', false, '端午节', 'chinese-days'),
  ('2017-05-30', false, '端午节', 'chinese-days'),
  ('2017-09-30', true, '国庆节', 'chinese-days'),
  ('2017-10-02', false, '国庆节', 'chinese-days'),
  ('2017-10-03', false, '国庆节', 'chinese-days'),
  ('2017-10-04', false, '中秋节', 'chinese-days'),
  ('2017-10-05', false, '国庆节', 'chinese-days'),
  ('2017-10-06', false, '国庆节', 'chinese-days'),
  ('2018-01-01', false, '元旦', 'chinese-days'),
  ('2018-02-11', true, '春节', 'chinese-days'),
  ('2018-02-15', false, '春节', 'chinese-days'),
  ('2018-02-16', false, '春节', 'chinese-days'),
  ('2018-02-19', false, '春节', 'chinese-days'),
  ('2018-02-20', false, '春节', 'chinese-days'),
  ('2018-02-21', false, '春节', 'chinese-days'),
  ('2018-02-24', true, '春节', 'chinese-days'),
  ('2018-04-05', false, '清明节', 'chinese-days'),
  ('2018-04-06', false, '清明节', 'chinese-days'),
  ('2018-04-08', true, '清明节', 'chinese-days'),
  ('2018-04-28', true, '劳动节', 'chinese-days'),
  ('2018-04-30', false, '劳动节', 'chinese-days'),
  ('2018-05-01', false, '劳动节', 'chinese-days'),
  ('2018-06-18', false, '端午节', 'chinese-days'),
  ('2018-09-24', false, '中秋节', 'chinese-days'),
  ('2018-09-29', true, '国庆节', 'chinese-days'),
  ('2018-09-30', true, '国庆节', 'chinese-days'),
  ('2018-10-01', false, '国庆节', 'chinese-days'),
  ('2018-10-02', false, '国庆节', 'chinese-days'),
  ('2018-10-03', false, '国庆节', 'chinese-days'),
  ('2018-10-04', false, '国庆节', 'chinese-days'),
  ('2018-10-05', false, '国庆节', 'chinese-days'),
  ('2018-12-29', true, '元旦', 'chinese-days'),
  ('2018-12-31', false, '元旦', 'chinese-days'),
  ('2019-01-01', false, '元旦', 'chinese-days'),
  ('2019-02-02', true, '春节', 'chinese-days'),
  ('2019-02-03', true, '春节', 'chinese-days'),
  ('2019-02-04', false, '春节', 'chinese-days'),
  ('2019-02-05', false, '春节', 'chinese-days'),
  ('2019-02-06', false, '春节', 'chinese-days'),
  ('2019-02-07', false, '春节', 'chinese-days'),
  ('2019-02-08', false, '春节', 'chinese-days'),
  ('2019-04-05', false, '清明节', 'chinese-days'),
  ('2019-04-28', true, '劳动节', 'chinese-days'),
  ('2019-05-01', false, '劳动节', 'chinese-days'),
  ('2019-05-02', false, '劳动节', 'chinese-days'),
  ('2019-05-03', false, '劳动节', 'chinese-days'),
  ('2019-05-05', true, '劳动节', 'chinese-days'),
  ('2019-06-07', false, '端午节', 'chinese-days'),
  ('2019-09-13', false, '中秋节', 'chinese-days'),
  ('2019-09-29', true, '国庆节', 'chinese-days'),
  ('2019-10-01', false, '国庆节', 'chinese-days'),
  ('2019-10-02', false, '国庆节', 'chinese-days'),
  ('2019-10-03', false, '国庆节', 'chinese-days'),
  ('2019-10-04', false, '国庆节', 'chinese-days'),
  ('2019-10-07', false, '国庆节', 'chinese-days'),
  ('2019-10-12', true, '国庆节', 'chinese-days'),
  ('2020-01-01', false, '元旦', 'chinese-days'),
  ('2020-01-19', true, '春节', 'chinese-days'),
  ('2020-01-24', false, '春节', 'chinese-days'),
  ('2020-01-27', false, '春节', 'chinese-days'),
  ('2020-01-28', false, '春节', 'chinese-days'),
  ('2020-01-29', false, '春节', 'chinese-days'),
  ('2020-01-30', false, '春节', 'chinese-days'),
  ('2020-01-31', false, '春节', 'chinese-days'),
  ('2020-04-06', false, '清明节', 'chinese-days'),
  ('2020-04-26', true, '劳动节', 'chinese-days'),
  ('2020-05-01', false, '劳动节', 'chinese-days'),
  ('2020-05-04', false, '劳动节', 'chinese-days'),
  ('2020-05-05', false, '劳动节', 'chinese-days'),
  ('2020-05-09', true, '劳动节', 'chinese-days'),
  ('2020-06-25', false, '端午节', 'chinese-days'),
  ('2020-06-26', false, '端午节', 'chinese-days'),
  ('2020-06-28', true, '端午节', 'chinese-days'),
  ('2020-09-27', true, '国庆节', 'chinese-days'),
  ('2020-10-01', false, '国庆节', 'chinese-days'),
  ('2020-10-02', false, '国庆节', 'chinese-days'),
  ('2020-10-05', false, '国庆节', 'chinese-days'),
  ('2020-10-06', false, '国庆节', 'chinese-days'),
  ('2020-10-07', false, '国庆节', 'chinese-days'),
  ('2020-10-08', false, '国庆节', 'chinese-days'),
  ('2020-10-10', true, '国庆节', 'chinese-days'),
  ('2021-01-01', false, '元旦', 'chinese-days'),
  ('2021-02-07', true, '春节', 'chinese-days'),
  ('2021-02-11', false, '春节', 'chinese-days'),
  ('2021-02-12', false, '春节', 'chinese-days'),
  ('2021-02-15', false, '春节', 'chinese-days'),
  ('2021-02-16', false, '春节', 'chinese-days'),
  ('2021-02-17', false, '春节', 'chinese-days'),
  ('2021-02-20', true, '春节', 'chinese-days'),
  ('2021-04-05', false, '清明节', 'chinese-days'),
  ('2021-04-25', true, '劳动节', 'chinese-days'),
  ('2021-05-03', false, '劳动节', 'chinese-days'),
  ('2021-05-04', false, '劳动节', 'chinese-days'),
  ('2021-05-05', false, '劳动节', 'chinese-days'),
  ('2021-05-08', true, '劳动节', 'chinese-days'),
  ('2021-06-14', false, '端午节', 'chinese-days'),
  ('2021-09-18', true, '中秋节', 'chinese-days'),
  ('2021-09-20', false, '中秋节', 'chinese-days'),
  ('2021-09-21', false, '中秋节', 'chinese-days'),
  ('2021-09-26', true, '国庆节', 'chinese-days'),
  ('2021-10-01', false, '国庆节', 'chinese-days'),
  ('2021-10-04', false, '国庆节', 'chinese-days'),
  ('2021-10-05', false, '国庆节', 'chinese-days'),
  ('2021-10-06', false, '国庆节', 'chinese-days'),
  ('2021-10-07', false, '国庆节', 'chinese-days'),
  ('2021-10-09', true, '国庆节', 'chinese-days'),
  ('2022-01-03', false, '元旦', 'chinese-days'),
  ('2022-01-29', true, '春节', 'chinese-days'),
  ('2022-01-30', true, '春节', 'chinese-days'),
  ('2022-01-31', false, '春节', 'chinese-days'),
  ('2022-02-01', false, '春节', 'chinese-days'),
  ('2022-02-02', false, '春节', 'chinese-days'),
  ('2022-02-03', false, '春节', 'chinese-days'),
  ('2022-02-04', false, '春节', 'chinese-days'),
  ('2022-04-02', true, '清明节', 'chinese-days'),
  ('2022-04-04', false, '清明节', 'chinese-days'),
  ('2022-04-05', false, '清明节', 'chinese-days'),
  ('2022-04-24', true, '劳动节', 'chinese-days'),
  ('2022-05-02', false, '劳动节', 'chinese-days'),
  ('2022-05-03', false, '劳动节', 'chinese-days'),
  ('2022-05-04', false, '劳动节', 'chinese-days'),
  ('2022-05-07', true, '劳动节', 'chinese-days'),
  ('2022-06-03', false, '端午节', 'chinese-days'),
  ('2022-09-12', false, '中秋节', 'chinese-days'),
  ('2022-10-03', false, '国庆节', 'chinese-days'),
  ('2022-10-04', false, '国庆节', 'chinese-days'),
  ('2022-10-05', false, '国庆节', 'chinese-days'),
  ('2022-10-06', false, '国庆节', 'chinese-days'),
  ('2022-10-07', false, '国庆节', 'chinese-days'),
  ('2022-10-08', true, '国庆节', 'chinese-days'),
  ('2022-10-09', true, '国庆节', 'chinese-days'),
  ('2023-01-02', false, '元旦', 'chinese-days'),
  ('2023-01-23', false, '春节', 'chinese-days'),
  ('2023-01-24', false, '春节', 'chinese-days'),
  ('2023-01-25', false, '春节', 'chinese-days'),
  ('2023-01-26', false, '春节', 'chinese-days'),
  ('2023-01-27', false, '春节', 'chinese-days'),
  ('2023-01-28', true, '春节', 'chinese-days'),
  ('2023-01-29', true, '春节', 'chinese-days'),
  ('2023-04-05', false, '清明节', 'chinese-days'),
  ('2023-04-23', true, '劳动节', 'chinese-days'),
  ('2023-05-01', false, '劳动节', 'chinese-days'),
  ('2023-05-02', false, '劳动节', 'chinese-days'),
  ('2023-05-03', false, '劳动节', 'chinese-days'),
  ('2023-05-06', true, '劳动节', 'chinese-days'),
  ('2023-06-22', false, '端午节', 'chinese-days'),
  ('2023-06-23', false, '端午节', 'chinese-days'),
  ('2023-06-25', true, '端午节', 'chinese-days'),
  ('2023-09-29', false, '中秋节', 'chinese-days'),
  ('2023-10-02', false, '国庆节', 'chinese-days'),
  ('2023-10-03', false, '国庆节', 'chinese-days'),
  ('2023-10-04', false, '国庆节', 'chinese-days'),
  ('2023-10-05', false, '国庆节', 'chinese-days'),
  ('2023-10-06', false, '国庆节', 'chinese-days'),
  ('2023-10-07', true, '国庆节', 'chinese-days'),
  ('2023-10-08', true, '国庆节', 'chinese-days'),
  ('2024-01-01', false, '元旦', 'chinese-days'),
  ('2024-02-04', true, '春节', 'chinese-days'),
  ('2024-02-12', false, '春节', 'chinese-days'),
  ('2024-02-13', false, '春节', 'chinese-days'),
  ('2024-02-14', false, '春节', 'chinese-days'),
  ('2024-02-15', false, '春节', 'chinese-days'),
  ('2024-02-16', false, '春节', 'chinese-days'),
  ('2024-02-18', true, '春节', 'chinese-days'),
  ('2024-04-04', false, '清明节', 'chinese-days'),
  ('2024-04-05', false, '清明节', 'chinese-days'),
  ('2024-04-07', true, '清明节', 'chinese-days'),
  ('2024-04-28', true, '劳动节', 'chinese-days'),
  ('2024-05-01', false, '劳动节', 'chinese-days'),
  ('2024-05-02', false, '劳动节', 'chinese-days'),
  ('2024-05-03', false, '劳动节', 'chinese-days'),
  ('2024-05-11', true, '劳动节', 'chinese-days'),
  ('2024-06-10', false, '端午节', 'chinese-days'),
  ('2024-09-14', true, '中秋节', 'chinese-days'),
  ('2024-09-16', false, '中秋节', 'chinese-days'),
  ('2024-09-17', false, '中秋节', 'chinese-days'),
  ('2024-09-29', true, '国庆节', 'chinese-days'),
  ('2024-10-01', false, '国庆节', 'chinese-days'),
  ('2024-10-02', false, '国庆节', 'chinese-days'),
  ('2024-10-03', false, '国庆节', 'chinese-days'),
  ('2024-10-04', false, '国庆节', 'chinese-days'),
  ('2024-10-07', false, '国庆节', 'chinese-days'),
  ('2024-10-12', true, '国庆节', 'chinese-days'),
  ('2025-01-01', false, '元旦', 'chinese-days'),
  ('2025-01-26', true, '春节', 'chinese-days'),
  ('2025-01-28', false, '春节', 'chinese-days'),
  ('2025-01-29', false, '春节', 'chinese-days'),
  ('2025-01-30', false, '春节', 'chinese-days'),
  ('2025-01-31', false, '春节', 'chinese-days'),
  ('2025-02-03', false, '春节', 'chinese-days'),
  ('2025-02-04', false, '春节', 'chinese-days'),
  ('2025-02-08', true, '春节', 'chinese-days'),
  ('2025-04-04', false, '清明节', 'chinese-days'),
  ('2025-04-27', true, '劳动节', 'chinese-days'),
  ('2025-05-01', false, '劳动节', 'chinese-days'),
  ('2025-05-02', false, '劳动节', 'chinese-days'),
  ('2025-05-05', false, '劳动节', 'chinese-days'),
  ('2025-06-02', false, '端午节', 'chinese-days'),
  ('2025-09-28', true, '国庆节', 'chinese-days'),
  ('2025-10-01', false, '国庆节', 'chinese-days'),
  ('2025-10-02', false, '国庆节', 'chinese-days'),
  ('2025-10-03', false, '国庆节', 'chinese-days'),
  ('2025-10-06', false, '中秋节', 'chinese-days'),
  ('2025-10-07', false, '国庆节', 'chinese-days'),
  ('2025-10-08', false, '国庆节', 'chinese-days'),
  ('2025-10-11', true, '国庆节', 'chinese-days'),
  ('2026-01-01', false, '元旦', 'chinese-days'),
  ('2026-01-02', false, '元旦', 'chinese-days'),
  ('2026-01-04', true, '元旦', 'chinese-days'),
  ('2026-02-14', true, '春节', 'chinese-days'),
  ('2026-02-16', false, '春节', 'chinese-days'),
  ('2026-02-17', false, '春节', 'chinese-days'),
  ('2026-02-18', false, '春节', 'chinese-days'),
  ('2026-02-19', false, '春节', 'chinese-days'),
  ('2026-02-20', false, '春节', 'chinese-days'),
  ('2026-02-23', false, '春节', 'chinese-days'),
  ('2026-02-28', true, '春节', 'chinese-days'),
  ('2026-04-06', false, '清明节', 'chinese-days'),
  ('2026-05-01', false, '劳动节', 'chinese-days'),
  ('2026-05-04', false, '劳动节', 'chinese-days'),
  ('2026-05-05', false, '劳动节', 'chinese-days'),
  ('2026-05-09', true, '劳动节', 'chinese-days'),
  ('2026-06-19', false, '端午节', 'chinese-days'),
  ('2026-09-20', true, '国庆节', 'chinese-days'),
  ('2026-09-25', false, '中秋节', 'chinese-days'),
  ('2026-10-01', false, '国庆节', 'chinese-days'),
  ('2026-10-02', false, '国庆节', 'chinese-days'),
  ('2026-10-05', false, '国庆节', 'chinese-days'),
  ('2026-10-06', false, '国庆节', 'chinese-days'),
  ('2026-10-07', false, '国庆节', 'chinese-days'),
  ('2026-10-10', true, '国庆节', 'chinese-days')
on conflict (day) do nothing;

insert into app.calendar_years (year, source) values
  (2004, 'chinese-days'),
  (2005, 'chinese-days'),
  (2006, 'chinese-days'),
  (2007, 'chinese-days'),
  (2008, 'chinese-days'),
  (2009, 'chinese-days'),
  (2010, 'chinese-days'),
  (2011, 'chinese-days'),
  (2012, 'chinese-days'),
  (2013, 'chinese-days'),
  (2014, 'chinese-days'),
  (2015, 'chinese-days'),
  (2016, 'chinese-days'),
  (2017, 'chinese-days'),
  (2018, 'chinese-days'),
  (2019, 'chinese-days'),
  (2020, 'chinese-days'),
  (2021, 'chinese-days'),
  (2022, 'chinese-days'),
  (2023, 'chinese-days'),
  (2024, 'chinese-days'),
  (2025, 'chinese-days'),
  (2026, 'chinese-days')
on conflict (year) do nothing;

-- ══════════ 5. The one schedule (was 20261204050200_one_schedule) ══════════
-- Every scheduled job, with pg_cron, and nowhere else; the local scheduler reads this cron.job.
-- Times are UTC (pg_cron's clock): 19:30 UTC is 03:30 Beijing time.
select cron.schedule('apply-default-ratings', '*/10 * * * *', 'select public.apply_default_ratings()');   -- R5
select cron.schedule('escalate-overdue', '5 * * * *', 'select public.escalate_overdue()');                -- R10
select cron.schedule('purge-identity-tokens', '30 19 * * *', 'select public.purge_identity_tokens()');     -- PIPL housekeeping
select cron.schedule('report-upstream', '* * * * *', 'select app.call_scheduled_function(''report-upstream'')'); -- R16
select cron.schedule('send-reminders', '* * * * *', 'select app.call_scheduled_function(''send-reminders'')');   -- R17
