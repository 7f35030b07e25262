-- Schedule: how scheduled jobs call the functions (net.http_post with the Vault URL and the
-- scheduler secret) and the deploy status a smoke check reads. The jobs themselves are rows in
-- cron.job, written by the migrations (cron.schedule), not definitions.

-- Function bodies are checked when they run: a body may use what a later file defines.
set check_function_bodies = off;

create or replace function app.call_scheduled_function (
  p_name       text,
  p_timeout_ms integer default 120000
)
  returns bigint
  language plpgsql
  set search_path to ''
  as $function$
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
$function$;
comment on function app.call_scheduled_function(text, integer) is 'Scheduled jobs: POST {} to <Vault project_url>/functions/v1/<p_name> with the Vault scheduler_secret (pg_net). Returns the request id.';
revoke all on function app.call_scheduled_function(text, integer) from public;

create or replace function public.deploy_status()
  returns jsonb
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_jobs jsonb;
  v_secrets jsonb;
begin
  select coalesce(jsonb_agg(jsonb_build_object(
           'name', j.jobname, 'schedule', j.schedule, 'active', j.active,
           'last_status', (select d.status from cron.job_run_details d where d.jobid = j.jobid order by d.start_time desc nulls last limit 1),
           'last_start', (select d.start_time from cron.job_run_details d where d.jobid = j.jobid order by d.start_time desc nulls last limit 1))
         order by j.jobname), '[]'::jsonb)
  into v_jobs
  from cron.job j;
  select coalesce(jsonb_agg(s.name order by s.name), '[]'::jsonb)
  into v_secrets
  from vault.secrets s
  where s.name in ('hcp_pii_key', 'project_url', 'scheduler_secret');
  return jsonb_build_object('jobs', v_jobs, 'vault_secrets', v_secrets);
end;
$function$;
comment on function public.deploy_status() is 'Smoke check of a deployment (service role): cron jobs with their last run, and which of hcp_pii_key, project_url, scheduler_secret exist in Vault (names only).';
revoke all on function public.deploy_status() from public;
grant execute on function public.deploy_status() to service_role;
