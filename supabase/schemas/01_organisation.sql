-- Organisation: regions (市/县), units (政务服务 units), users and their roles (staff, unit_admin,
-- supervisor), halls, windows, platforms and staff assignments to windows; the helpers every
-- policy uses to ask "which regions and units may the caller see"; the audit log every domain
-- writes to (append-only).

-- Function bodies are checked when they run: a body may use what a later file defines.
set check_function_bodies = off;

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
