-- Who is rated (R2), first part: 行政区划 and the 政务服务 units (部门) in them.
-- Both are public information (R15 publishes results per unit and region): anyone may read.

create table app.regions (
  code text primary key check (code ~ '^\d{6}$'),
  name text not null,
  parent_code text references app.regions (code),
  level text not null check (level in ('province', 'city', 'county'))
);
comment on table app.regions is '行政区划 (GB/T 2260 codes). 临沧市 is 530900 and its counties 5309xx (SPEC §6).';
comment on column app.regions.level is 'province 省, city 市/州, county 县/区.';
create index regions_parent_code_idx on app.regions (parent_code);
alter table app.regions enable row level security;
create policy regions_select on app.regions for select to anon, authenticated using (true);
grant select on app.regions to anon, authenticated, service_role;

create table app.units (
  id uuid primary key default gen_random_uuid(),
  region_code text not null references app.regions (code),
  name text not null,
  credit_code text unique check (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
  created_at timestamptz not null default now(),
  unique (region_code, name)
);
comment on table app.units is '政务服务机构/部门: the unit that handles a 办件 and answers for its 差评 (谁办理、谁负责).';
comment on column app.units.credit_code is '统一社会信用代码 (GB 32100), 18 characters.';
alter table app.units enable row level security;
create policy units_select on app.units for select to anon, authenticated using (true);
grant select on app.units to anon, authenticated, service_role;

create view public.regions with (security_invoker = true) as
  select code, name, parent_code, level from app.regions;
comment on view public.regions is 'Public list of 行政区划.';

-- Over one table (the region name is a scalar subquery) so that the view stays automatically
-- updatable: a write through it then meets the missing privilege (42501, HTTP 401/403 from
-- PostgREST) instead of "view is not updatable" (55000, an HTTP 500).
create view public.units with (security_invoker = true) as
  select u.id, u.name, u.credit_code, u.region_code,
         (select r.name from app.regions r where r.code = u.region_code) as region_name
  from app.units u;
comment on view public.units is 'Public directory of 政务服务 units with their region.';

revoke all on public.regions, public.units from anon, authenticated;
grant select on public.regions, public.units to anon, authenticated, service_role;
