-- Foundation: the private schema `app` and the platform defaults this project narrows.
-- Every table lives in `app` (not exposed by PostgREST); the API is the public functions and the
-- security_invoker views defined in the files after this one. Supabase's default privileges grant
-- everything new in `public` to anon and authenticated: they are revoked here, so every grant in
-- these files is deliberate. app.raise_error turns a business error code (app.error_codes, rows
-- in the migrations) into the HTTP status and Chinese message PostgREST answers with.

-- Function bodies are checked when they run: a body may use what a later file defines.
set check_function_bodies = off;

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
