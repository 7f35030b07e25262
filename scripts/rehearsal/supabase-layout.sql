-- A cluster laid out like supabase/postgres, run as its superuser `supabase_admin` before any
-- migration (facts from supabase/postgres: migrations/db/init-scripts, the demote-postgres and
-- grant migrations, supautils.conf; none of its code). `postgres` owns the database but is NOT a
-- superuser: NOSUPERUSER CREATEDB CREATEROLE LOGIN REPLICATION BYPASSRLS, member of the API roles,
-- pg_read_all_data and pg_signal_backend, all on the auth and extensions schemas.
-- :postgres_password and :authenticator_password are filled in by scripts/rehearsal/rehearsal.ts.

create role postgres login password :'postgres_password';
alter role postgres nosuperuser createdb createrole replication bypassrls;
alter database postgres owner to postgres;

create role anon nologin inherit;
create role authenticated nologin inherit;
create role service_role nologin inherit bypassrls;
create role authenticator login noinherit password :'authenticator_password';
grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;
grant pg_read_all_data, pg_signal_backend to postgres;
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role postgres set search_path to "$user", public, extensions;

create schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto with schema extensions;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
grant all on schema extensions to postgres;
grant all privileges on all tables in schema extensions to postgres with grant option;
grant all privileges on all routines in schema extensions to postgres with grant option;
grant all privileges on all sequences in schema extensions to postgres with grant option;
alter default privileges in schema extensions grant all on tables to postgres with grant option;
alter default privileges in schema extensions grant all on routines to postgres with grant option;
alter default privileges in schema extensions grant all on sequences to postgres with grant option;

-- The auth schema belongs to the platform (GoTrue's); the API roles may use its helpers.
create schema auth authorization supabase_admin;
create function auth.uid() returns uuid language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                  nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')::uuid $$;
create function auth.role() returns text language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
                  nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')::text $$;
create function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                  nullif(current_setting('request.jwt.claims', true), ''))::jsonb $$;
grant usage on schema auth to anon, authenticated, service_role;
grant all on schema auth to postgres;
grant all on all routines in schema auth to postgres, anon, authenticated, service_role;

-- public: the API roles get everything new there (which is why the migrations revoke first).
grant usage on schema public to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public grant all on sequences to postgres, anon, authenticated, service_role;

-- supautils, in the one respect the migrations rely on: `postgres` may create the platform's
-- privileged extensions (pg_cron, pg_net, supabase_vault, …), which supautils creates as the
-- superuser and then grants `postgres` what supabase/postgres's after-create scripts grant.
-- Stand-in: an event trigger before CREATE EXTENSION creates a privileged extension named in the
-- statement (or in the DO block that runs it) as supabase_admin; the statement's own
-- `if not exists` then finds it. pg_cron goes to pg_catalog, as supautils' override says.
create function extensions.rehearsal_supautils() returns event_trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text;
begin
  if current_setting('rehearsal.supautils_active', true) = 'on' then
    return;
  end if;
  foreach v_name in array array['pg_cron', 'pg_net', 'supabase_vault', 'pgcrypto', 'uuid-ossp', 'pg_stat_statements'] loop
    continue when position(v_name in lower(current_query())) = 0;
    continue when exists (select from pg_catalog.pg_extension where extname = v_name);
    continue when not exists (select from pg_catalog.pg_available_extensions where name = v_name);
    perform pg_catalog.set_config('rehearsal.supautils_active', 'on', true);
    execute pg_catalog.format('create extension %I with schema %I', v_name, case v_name when 'pg_cron' then 'pg_catalog' else 'extensions' end);
    if v_name = 'pg_cron' then
      grant usage on schema cron to postgres with grant option;
      grant all on all functions in schema cron to postgres with grant option;
      grant all privileges on all tables in schema cron to postgres with grant option;
      revoke all on table cron.job from postgres;
      grant select on table cron.job to postgres with grant option;
    end if;
    perform pg_catalog.set_config('rehearsal.supautils_active', 'off', true);
  end loop;
end;
$$;
create event trigger rehearsal_supautils on ddl_command_start when tag in ('CREATE EXTENSION')
  execute function extensions.rehearsal_supautils();
