-- ONE schedule (issue 14.3): every scheduled job of the system is declared here, with pg_cron,
-- and nowhere else. On a Supabase project pg_cron runs them; the local stack's scheduler
-- (scripts/stack/scheduler.ts) reads this same cron.job and runs what is due, so local and
-- deployed schedules cannot drift. Earlier migrations scheduled some of these only `if` pg_cron
-- was already installed (a fresh project got none) and send-reminders not at all; cron.schedule
-- replaces a job of the same name, so this is also right where they did run.
-- Times are UTC (pg_cron's clock): 19:30 UTC is 03:30 Beijing time.
--
-- Function jobs POST through pg_net to <Vault project_url>/functions/v1/<name> with the header
-- x-hcp-scheduler-secret: <Vault scheduler_secret>; the functions compare it with their env
-- HCP_SCHEDULER_SECRET (constant time) and refuse anything else. Not a service_role JWT: the
-- legacy JWT secret is being retired on hosted projects, and a key that opens the whole API
-- should not sit in a job definition.

-- The scheduler secret: made here when absent (32 random bytes); the operator copies it into the
-- functions' secrets (README, Deploy). project_url cannot be guessed: the push stops until the
-- operator has created it.
do $$
begin
  if not exists (select from vault.secrets where name = 'scheduler_secret') then
    perform vault.create_secret(
      new_secret := encode(extensions.gen_random_bytes(32), 'hex'),
      new_name := 'scheduler_secret',
      new_description := '好差评: secret of the scheduled function calls (functions: HCP_SCHEDULER_SECRET)');
  end if;
  if not exists (select from vault.secrets where name = 'project_url') then
    raise exception 'the Vault secret project_url is missing: the scheduled jobs call the functions there'
      using hint = 'Create it before pushing: select vault.create_secret(''https://<project ref>.supabase.co'', ''project_url''); '
                || '(self-hosted compose: the API gateway as the database reaches it, e.g. http://kong:8000).';
  end if;
end;
$$;

-- A scheduled call of an edge function: pg_net queues the POST and returns its request id at once
-- (the answer lands in net._http_response). Runs as the job's owner (postgres), who reads Vault.
create function app.call_scheduled_function(p_name text, p_timeout_ms int default 120000)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  v_url text;
  v_secret text;
begin
  select s.decrypted_secret into v_url from vault.decrypted_secrets s where s.name = 'project_url';
  select s.decrypted_secret into v_secret from vault.decrypted_secrets s where s.name = 'scheduler_secret';
  if v_url is null or v_secret is null then
    raise exception 'cannot call % : the Vault secrets project_url and scheduler_secret are required', p_name using errcode = '55000';
  end if;
  return net.http_post(
    url := rtrim(v_url, '/') || '/functions/v1/' || p_name,
    body := '{}'::jsonb,
    headers := jsonb_build_object('content-type', 'application/json', 'x-hcp-scheduler-secret', v_secret),
    timeout_milliseconds := p_timeout_ms);
end;
$$;
comment on function app.call_scheduled_function(text, int) is
  'Scheduled jobs: POST {} to <Vault project_url>/functions/v1/<p_name> with the Vault scheduler_secret (pg_net). Returns the request id.';
revoke execute on function app.call_scheduled_function(text, int) from public, anon, authenticated, service_role;

-- The schedule. SQL jobs call their function directly; function jobs go through pg_net.
select cron.schedule('apply-default-ratings', '*/10 * * * *', 'select public.apply_default_ratings()');   -- R5
select cron.schedule('escalate-overdue', '5 * * * *', 'select public.escalate_overdue()');                -- R10
select cron.schedule('purge-identity-tokens', '30 19 * * *', 'select public.purge_identity_tokens()');     -- PIPL housekeeping
select cron.schedule('report-upstream', '* * * * *', 'select app.call_scheduled_function(''report-upstream'')'); -- R16
select cron.schedule('send-reminders', '* * * * *', 'select app.call_scheduled_function(''send-reminders'')');   -- R17
