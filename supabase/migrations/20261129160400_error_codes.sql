-- Business errors with stable machine codes (SPEC §5). Functions call app.raise_error('code'),
-- which raises PostgREST's custom error (SQLSTATE PGRST) so that the HTTP answer carries the
-- code's status and the body is { code, message, details } with the Chinese message.
-- The rows equal shared/errors.ts (a database test proves it); add codes in both.

create table app.error_codes (
  code text primary key check (code ~ '^[a-z][a-z0-9_]*$'),
  http_status int not null check (http_status between 400 and 599),
  message text not null
);
comment on table app.error_codes is 'Machine code → HTTP status and the Chinese message shown to users.';
alter table app.error_codes enable row level security;
create policy error_codes_select on app.error_codes for select to anon, authenticated using (true);
grant select on app.error_codes to anon, authenticated, service_role;

insert into app.error_codes (code, http_status, message) values
  ('invalid_input', 400, '提交的内容不完整或格式不正确，请检查后重试'),
  ('invalid_json', 400, '请求内容不是有效的 JSON'),
  ('unauthorized', 401, '请先登录'),
  ('forbidden', 403, '您没有权限进行此操作'),
  ('not_found', 404, '请求的内容不存在'),
  ('method_not_allowed', 405, '不支持该请求方式'),
  ('dev_login_disabled', 404, '演示登录未开启'),
  ('unknown_persona', 404, '没有这个演示账号'),
  ('internal_error', 500, '系统繁忙，请稍后重试');

-- Raises the error `p_code`; `p_details` says which input was wrong (shown to developers,
-- not to citizens). The transaction is aborted, so nothing the call wrote is kept.
create function app.raise_error(p_code text, p_details text default null)
returns void
language plpgsql
stable
set search_path = ''
as $$
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
$$;
comment on function app.raise_error(text, text) is 'Raise a business error by code (see app.error_codes).';
revoke execute on function app.raise_error(text, text) from public;
grant execute on function app.raise_error(text, text) to anon, authenticated, service_role;
