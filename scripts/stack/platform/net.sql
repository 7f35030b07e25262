-- Stand-in for pg_net where the real extension is not available (the local stack, the rehearsal
-- clusters). Same schema and net.http_post signature as pg_net; a call queues the request in
-- net.http_request_queue exactly as pg_net does, and instead of pg_net's background worker the
-- local stack's scheduler sends what is queued and books the answer in net._http_response.
create schema net;

create table net.http_request_queue (
  id bigserial primary key,
  method text not null,
  url text not null,
  headers jsonb not null,
  body bytea,
  timeout_milliseconds int not null
);

create table net._http_response (
  id bigint,
  status_code int,
  content_type text,
  headers jsonb,
  content text,
  timed_out boolean,
  error_msg text,
  created timestamptz not null default now()
);

create function net.http_post(
  url text,
  body jsonb default '{}'::jsonb,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds integer default 5000
)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id bigint;
begin
  if url is null or url !~ '^https?://' then
    raise exception 'net.http_post: url must be an http(s) URL, got %', coalesce(url, 'null') using errcode = '22023';
  end if;
  if params is not null and params <> '{}'::jsonb then
    raise exception 'net.http_post: the stand-in does not send query parameters' using errcode = '0A000';
  end if;
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('POST', url, coalesce(headers, '{}'::jsonb), convert_to(coalesce(body, '{}'::jsonb)::text, 'UTF8'), timeout_milliseconds)
  returning id into v_id;
  return v_id;
end;
$$;

-- What Supabase grants after creating pg_net.
revoke all on function net.http_post(text, jsonb, jsonb, jsonb, integer) from public;
grant usage on schema net to postgres, anon, authenticated, service_role;
grant execute on function net.http_post(text, jsonb, jsonb, jsonb, integer) to postgres, anon, authenticated, service_role;
grant select on net.http_request_queue, net._http_response to postgres;
