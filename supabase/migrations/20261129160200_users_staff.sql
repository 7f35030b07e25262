-- Users and staff roles. A user is one person (citizen or officer); identity fields arrive
-- encrypted with the rating core, so this table holds only a masked display name (R13).
-- Staff roles live here, not in the token, so revoking a role takes effect at once.

create table app.users (
  id uuid primary key default gen_random_uuid(),
  masked_name text not null default '',
  region_code text references app.regions (code),
  created_at timestamptz not null default now()
);
comment on table app.users is 'One row per person. JWT sub = id.';
comment on column app.users.masked_name is 'Display value only (e.g. 张*); never the real name.';
create index users_region_code_idx on app.users (region_code);
alter table app.users enable row level security;
create policy users_select on app.users for select to authenticated using (id = (select auth.uid()));
grant select on app.users to authenticated, service_role;

create table app.staff_roles (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app.users (id),
  role text not null check (role in ('staff', 'unit_admin', 'supervisor')),
  unit_id uuid references app.units (id),
  scope_region_code text references app.regions (code),
  constraint staff_roles_unit_for_unit_roles check ((role in ('staff', 'unit_admin')) = (unit_id is not null)),
  constraint staff_roles_region_for_supervisors check ((role = 'supervisor') = (scope_region_code is not null)),
  unique nulls not distinct (user_id, role, unit_id, scope_region_code)
);
comment on table app.staff_roles is 'staff 窗口工作人员/经办人 and unit_admin 单位管理员 of a unit; supervisor 监督员 of a region (市 or 县 政务服务管理局).';
create index staff_roles_user_id_idx on app.staff_roles (user_id);
create index staff_roles_unit_id_idx on app.staff_roles (unit_id);
create index staff_roles_scope_region_code_idx on app.staff_roles (scope_region_code);
alter table app.staff_roles enable row level security;
create policy staff_roles_select on app.staff_roles for select to authenticated using (user_id = (select auth.uid()));
grant select on app.staff_roles to authenticated, service_role;

create function public.whoami()
returns table (
  user_id uuid,
  masked_name text,
  region_code text,
  region_name text,
  role text,
  unit_id uuid,
  unit_name text,
  scope_region_code text
)
language sql
stable
security invoker
set search_path = ''
as $$
  select u.id, u.masked_name, u.region_code, r.name, s.role, s.unit_id, un.name, s.scope_region_code
  from app.users u
  left join app.regions r on r.code = u.region_code
  left join app.staff_roles s on s.user_id = u.id
  left join app.units un on un.id = s.unit_id
  where u.id = (select auth.uid())
  order by s.role, un.name;
$$;
comment on function public.whoami() is 'The signed-in user and one row per staff role (RLS: only their own rows).';
revoke execute on function public.whoami() from public, anon;
grant execute on function public.whoami() to authenticated;
