-- What a deployed system's smoke check (npm run smoke) asks of the database: the scheduled jobs
-- and how their last run went, and which of the Vault entries the system needs exist — their
-- names only, never a value. The service role alone may call it.

create function public.deploy_status()
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
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
$$;
comment on function public.deploy_status() is
  'Smoke check of a deployment (service role): cron jobs with their last run, and which of hcp_pii_key, project_url, scheduler_secret exist in Vault (names only).';
revoke execute on function public.deploy_status() from public, anon, authenticated;
grant execute on function public.deploy_status() to service_role;
