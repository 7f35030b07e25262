-- Who is rated (R2), second part: halls/centers/stations, their windows, the platforms
-- (业务系统, 热线, 移动端, 自助端) and which officer works for which unit and window, over time.
-- All of it but the assignments is public (the QR landing page and published results need it).

create table app.halls (
  id uuid primary key default gen_random_uuid(),
  region_code text not null references app.regions (code),
  name text not null,
  kind text not null check (kind in ('center', 'hall', 'station')),
  address text,
  unique (region_code, name)
);
comment on table app.halls is '政务服务中心 (center), 部门大厅 (hall), 乡镇/村便民服务站点 (station).';
alter table app.halls enable row level security;
create policy halls_select on app.halls for select to anon, authenticated using (true);
grant select on app.halls to anon, authenticated, service_role;

create table app.windows (
  id uuid primary key default gen_random_uuid(),
  hall_id uuid not null references app.halls (id),
  unit_id uuid not null references app.units (id),
  name text not null,
  unique (hall_id, name)
);
comment on table app.windows is '窗口: a counter in a hall, staffed by one unit. Its QR code carries scene w=<id>.';
create index windows_unit_id_idx on app.windows (unit_id);
alter table app.windows enable row level security;
create policy windows_select on app.windows for select to anon, authenticated using (true);
grant select on app.windows to anon, authenticated, service_role;

create table app.platforms (
  id uuid primary key default gen_random_uuid(),
  region_code text not null references app.regions (code),
  kind text not null check (kind in ('business_system', 'hotline', 'mobile', 'self_service')),
  name text not null,
  unique (region_code, name)
);
comment on table app.platforms is '政务服务平台 rated as objects (R2): 业务系统, 热线 12345, 移动端 (一部手机办事通), 自助端.';
alter table app.platforms enable row level security;
create policy platforms_select on app.platforms for select to anon, authenticated using (true);
grant select on app.platforms to anon, authenticated, service_role;

create table app.staff_assignments (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app.users (id),
  unit_id uuid not null references app.units (id),
  window_id uuid references app.windows (id),
  valid_from date not null,
  valid_to date,
  check (valid_to is null or valid_to >= valid_from)
);
comment on table app.staff_assignments is 'An officer (经办人) works for a unit, at a window or not, from valid_from to valid_to (inclusive; null = still).';
create index staff_assignments_user_id_idx on app.staff_assignments (user_id);
create index staff_assignments_unit_id_idx on app.staff_assignments (unit_id);
create index staff_assignments_window_id_idx on app.staff_assignments (window_id);
alter table app.staff_assignments enable row level security;
create policy staff_assignments_select on app.staff_assignments for select to authenticated using (user_id = (select auth.uid()));
grant select on app.staff_assignments to authenticated, service_role;

-- Scope helpers for policies and RPCs. Definer functions so that a policy can consult
-- staff_roles without granting its rows; each returns only the caller's own scope.
create function app.my_unit_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select unit_id from app.staff_roles
  where user_id = (select auth.uid()) and role in ('staff', 'unit_admin');
$$;
comment on function app.my_unit_ids() is 'Units where the caller is staff or unit admin.';

-- A region and every region below it (city → its counties).
create function app.region_and_below(p_code text)
returns setof text
language sql
stable
set search_path = ''
as $$
  with recursive tree as (
    select code from app.regions where code = p_code
    union
    select r.code from app.regions r join tree on r.parent_code = tree.code
  )
  select code from tree;
$$;
revoke execute on function app.region_and_below(text) from public;
grant execute on function app.region_and_below(text) to anon, authenticated, service_role;

create function app.my_region_codes()
returns setof text
language sql
stable
security definer
set search_path = ''
as $$
  select app.region_and_below(s.scope_region_code)
  from app.staff_roles s
  where s.user_id = (select auth.uid()) and s.role = 'supervisor';
$$;
comment on function app.my_region_codes() is 'Regions a supervisor of the caller''s scope oversees (the scope and every region below it).';

revoke execute on function app.my_unit_ids(), app.my_region_codes() from public;
grant execute on function app.my_unit_ids(), app.my_region_codes() to authenticated, service_role;
