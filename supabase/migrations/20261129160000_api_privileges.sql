-- The API surface starts closed. Supabase grants every new object in `public` to anon and
-- authenticated; we take that back so each table, view and function is opened by name in the
-- migration that creates it, and a missing grant answers "permission denied", not "0 rows".
-- Tables live in the private schema `app`; the API is `public` RPCs and security_invoker views.

alter default privileges in schema public revoke all on tables from anon, authenticated;
alter default privileges in schema public revoke all on sequences from anon, authenticated;
alter default privileges in schema public revoke execute on functions from public;
alter default privileges in schema public revoke execute on functions from anon, authenticated;

create schema app;
comment on schema app is 'Private tables of 好差评. Not exposed by PostgREST; reached through public RPCs and security_invoker views, with RLS on every table.';
revoke all on schema app from public;
grant usage on schema app to anon, authenticated, service_role;
