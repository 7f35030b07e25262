-- Demo personas (SPEC §4) for the `auth-dev` function. Production never sets ALLOW_DEV_LOGIN
-- and never runs the seed, so this table stays empty there.

create table app.dev_personas (
  key text primary key check (key ~ '^[a-z]+(-[a-z]+)*$'),
  user_id uuid not null unique references app.users (id),
  label text not null
);
comment on table app.dev_personas is 'Seeded demo users that auth-dev may log in as (local and test stacks only).';
alter table app.dev_personas enable row level security;
-- Only the service role (auth-dev) reads it; it bypasses RLS, and no other role has a grant.
create policy dev_personas_select on app.dev_personas for select to service_role using (true);
grant select on app.dev_personas to service_role;

create function public.dev_personas()
returns table (key text, label text, user_id uuid)
language sql
stable
security invoker
set search_path = ''
as $$
  select key, label, user_id from app.dev_personas order by key;
$$;
comment on function public.dev_personas() is 'Demo personas for auth-dev (service role only).';
revoke execute on function public.dev_personas() from public, anon, authenticated;
grant execute on function public.dev_personas() to service_role;
