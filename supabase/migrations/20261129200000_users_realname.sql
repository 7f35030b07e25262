-- Real-name status (R11, R12): appeals need a real-name officer, and a real-name 差评 (a rating
-- by a real-name citizen who did not choose 匿名) cannot close without a 回访. The identity itself
-- is bound by realname-bind and stored encrypted; this table keeps only the fact and when, and
-- the masked contact the assigned handler may see (R13).

alter table app.users
  add column realname_verified_at timestamptz,
  add column masked_phone text not null default '';
comment on column app.users.realname_verified_at is 'When the provincial identity platform verified this person''s real name; null = not real-name.';
comment on column app.users.masked_phone is 'Display value only (e.g. 138****5678); never the number.';

drop function public.whoami();
create function public.whoami()
returns table (
  user_id uuid,
  masked_name text,
  region_code text,
  region_name text,
  role text,
  unit_id uuid,
  unit_name text,
  scope_region_code text,
  realname_verified boolean
)
language sql
stable
security invoker
set search_path = ''
as $$
  select u.id, u.masked_name, u.region_code, r.name, s.role, s.unit_id, un.name, s.scope_region_code,
         u.realname_verified_at is not null
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
