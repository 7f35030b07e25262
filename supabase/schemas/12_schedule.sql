-- Schedule: how scheduled jobs call the functions (net.http_post with the Vault URL and the
-- scheduler secret) and the deploy status a smoke check reads. The jobs themselves are rows in
-- cron.job, written by the migrations (cron.schedule), not definitions.

-- Function bodies are checked when they run: a body may use what a later file defines.
set check_function_bodies = off;

-- Operations (issue 19): every scheduled job records its runs in app.job_runs, whatever runs it
-- (pg_cron on a project, scripts/stack/scheduler.ts locally): SQL jobs through app.run_job,
-- which cron.job calls; the function jobs (report-upstream, send-reminders) through
-- record_job_run at the end of each run. system_status() reads them for 系统状态.

create table app.retention_settings (
  id                    boolean not null default true,
  outbox_delivered_days integer not null default 180,
  job_runs_days         integer not null default 90,
  feed_silent_hours     integer not null default 72,
  constraint retention_settings_id_check check (id),
  constraint retention_settings_pkey primary key (id),
  constraint retention_settings_outbox_delivered_days_check check (((outbox_delivered_days >= 30) and (outbox_delivered_days <= 3650))),
  constraint retention_settings_job_runs_days_check check (((job_runs_days >= 7) and (job_runs_days <= 3650))),
  constraint retention_settings_feed_silent_hours_check check (((feed_silent_hours >= 1) and (feed_silent_hours <= 720)))
);
alter table app.retention_settings
  enable row level security;
comment on table app.retention_settings is 'Issue 19.3 (one row): delivered upstream messages are purged after outbox_delivered_days (default 180), job run records after job_runs_days (90). Ratings, work orders and the audit log are archive material and are never purged. feed_silent_hours: a business system or device with nothing newer is a silent feed on 系统状态 (default 72, so a weekend is not silence).';
grant select on table app.retention_settings to service_role;

create table app.job_runs (
  id            bigint                   generated always as identity not null,
  job_name      text                     not null,
  started_at    timestamp with time zone not null,
  finished_at   timestamp with time zone not null default clock_timestamp(),
  outcome       text                     not null,
  rows_affected bigint                   not null default 0,
  detail        jsonb                    not null default '{}'::jsonb,
  error         text,
  constraint job_runs_check check ((finished_at >= started_at)),
  constraint job_runs_error_check check ((char_length(error) <= 2000)),
  constraint job_runs_job_name_check check ((job_name ~ '^[a-z][a-z0-9-]{1,60}$'::text)),
  constraint job_runs_outcome_check check ((outcome = any (array['succeeded'::text, 'failed'::text]))),
  constraint job_runs_pkey primary key (id),
  constraint job_runs_rows_affected_check check ((rows_affected >= 0))
);
alter table app.job_runs
  enable row level security;
create index job_runs_job_name_started_at_idx on app.job_runs using btree (job_name, started_at);
comment on table app.job_runs is 'Issue 19.1: one row per run of a scheduled job (name as in cron.job): when, outcome, duration (finished_at - started_at), rows touched and what it did (detail). Written by app.run_job and record_job_run; purged after app.retention_settings.job_runs_days. No API role reads it: system_status().';
grant select on table app.job_runs to service_role;

-- For 系统状态's silent feeds: the newest item of each business system and device, by index.
create index transaction_status_events_system_received_idx on app.transaction_status_events using btree (system_id, received_at);
create index rating_ingest_log_device_received_idx on app.rating_ingest_log using btree (device_id, received_at);

create or replace function app.run_job (
  p_name text
)
  returns bigint
  language plpgsql
  set search_path to ''
  as $function$
declare
  v_started timestamptz := clock_timestamp();
  v_rows bigint := 0;
  v_detail jsonb := '{}'::jsonb;
begin
  begin
    case p_name
      when 'apply-default-ratings' then
        v_rows := public.apply_default_ratings();
      when 'escalate-overdue' then
        v_rows := public.escalate_overdue();
      when 'purge-identity-tokens' then
        select p.refresh_tokens_deleted + p.tickets_deleted, to_jsonb(p) into v_rows, v_detail from public.purge_identity_tokens() p;
      when 'record-warning-digests' then
        -- Issue 16.4: today's 预警 digest per supervisor; send-reminders sends it to the subscribed.
        v_rows := public.record_warning_digests();
      when 'purge-retention' then
        v_detail := public.purge_retention();
        v_rows := (v_detail ->> 'outbox_deleted')::bigint + (v_detail ->> 'job_runs_deleted')::bigint;
      else
        raise exception 'unknown job %', p_name using errcode = '22023';
    end case;
  exception when others then
    -- The job's own writes are undone (this block's savepoint); its failure is kept, so that
    -- 系统状态 shows it. The error is not raised again: that would undo this row too.
    insert into app.job_runs (job_name, started_at, outcome, error)
    values (p_name, v_started, 'failed', left(sqlerrm, 2000));
    raise warning 'job % failed: %', p_name, sqlerrm;
    return null;
  end;
  insert into app.job_runs (job_name, started_at, outcome, rows_affected, detail)
  values (p_name, v_started, 'succeeded', coalesce(v_rows, 0), coalesce(v_detail, '{}'::jsonb));
  return v_rows;
end;
$function$;
comment on function app.run_job(text) is 'Issue 19.1: runs one SQL job of the schedule by its cron.job name and records the run in app.job_runs (a failure too: recorded, its writes undone, a warning raised). cron.job commands call it.';
revoke all on function app.run_job(text) from public;

create or replace function public.record_job_run (
  p_job_name   text,
  p_started_at timestamp with time zone,
  p_outcome    text,
  p_rows       bigint default 0,
  p_detail     jsonb  default '{}'::jsonb,
  p_error      text   default null::text
)
  returns bigint
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_id bigint;
begin
  -- The SQL jobs record themselves (app.run_job); only the scheduled functions call this.
  if p_job_name is null or p_job_name not in ('report-upstream', 'send-reminders', 'comment-check') then
    perform app.raise_error('invalid_input', 'p_job_name');
  end if;
  if p_started_at is null or not isfinite(p_started_at) or p_started_at > clock_timestamp() + interval '5 minutes'
     or p_started_at < clock_timestamp() - interval '1 day' then
    perform app.raise_error('invalid_input', 'p_started_at');
  end if;
  if p_outcome is null or p_outcome not in ('succeeded', 'failed') then
    perform app.raise_error('invalid_input', 'p_outcome');
  end if;
  if p_rows is null or p_rows < 0 then
    perform app.raise_error('invalid_input', 'p_rows');
  end if;
  if p_detail is null or jsonb_typeof(p_detail) <> 'object' or octet_length(p_detail::text) > 8000 then
    perform app.raise_error('invalid_input', 'p_detail');
  end if;
  if char_length(p_error) > 2000 then
    perform app.raise_error('invalid_input', 'p_error');
  end if;
  insert into app.job_runs (job_name, started_at, finished_at, outcome, rows_affected, detail, error)
  values (p_job_name, p_started_at, greatest(clock_timestamp(), p_started_at), p_outcome, p_rows, p_detail, p_error)
  returning id into v_id;
  return v_id;
end;
$function$;
comment on function public.record_job_run(text, timestamp with time zone, text, bigint, jsonb, text) is 'Issue 19.1 (service role): a scheduled function (report-upstream, send-reminders, comment-check) records one run: when it started, outcome, rows it touched, a summary (detail) and the error of a failed run.';
revoke all on function public.record_job_run(text, timestamp with time zone, text, bigint, jsonb, text) from public;
grant execute on function public.record_job_run(text, timestamp with time zone, text, bigint, jsonb, text) to service_role;

create or replace function public.purge_retention (
  p_now timestamp with time zone default now()
)
  returns jsonb
  language plpgsql
  security definer
  set search_path to ''
  as $function$
declare
  v_outbox int;
  v_runs int;
begin
  v_outbox := public.purge_upstream_outbox(p_now);
  delete from app.job_runs j
  where j.started_at < p_now - make_interval(days => coalesce((select s.job_runs_days from app.retention_settings s where s.id), 90));
  get diagnostics v_runs = row_count;
  return jsonb_build_object('outbox_deleted', v_outbox, 'job_runs_deleted', v_runs);
end;
$function$;
comment on function public.purge_retention(timestamp with time zone) is 'Retention job (issue 19.3, service role): delivered upstream messages after outbox_delivered_days, job run records after job_runs_days. Never ratings, work orders or the audit log (archive material; the audit log is kept whole, beyond 等保 2.0''s 6 months).';
revoke all on function public.purge_retention(timestamp with time zone) from public;
grant execute on function public.purge_retention(timestamp with time zone) to service_role;

create or replace function app.cron_interval_seconds (
  p_schedule text
)
  returns integer
  language sql
  immutable
  set search_path to ''
  as $function$
  -- The schedules this system declares: every minute, every N minutes, hourly at M, daily at H:M,
  -- 'N seconds'. Anything else counts as daily (the widest, so never a false alarm).
  select case
    when p_schedule ~ '^\s*\d+\s+seconds?\s*$' then substring(p_schedule from '\d+')::int
    when p_schedule ~ '^\s*\*\s+\*\s+\*\s+\*\s+\*\s*$' then 60
    when p_schedule ~ '^\s*\*/\d+\s+\*\s+\*\s+\*\s+\*\s*$' then 60 * substring(p_schedule from '\*/(\d+)')::int
    when p_schedule ~ '^\s*\d+\s+\*\s+\*\s+\*\s+\*\s*$' then 3600
    when p_schedule ~ '^\s*\d+\s+\*/\d+\s+\*\s+\*\s+\*\s*$' then 3600 * substring(p_schedule from '^\s*\d+\s+\*/(\d+)')::int
    else 86400
  end;
$function$;
revoke all on function app.cron_interval_seconds(text) from public;

create or replace function public.system_status (
  p_now timestamp with time zone default now()
)
  returns jsonb
  language plpgsql
  stable
  security definer
  set search_path to ''
  as $function$
declare
  v_uid uuid := app.require_user();
  v_regions text[];
  v_settings app.retention_settings;
  v_today date := (p_now at time zone 'Asia/Shanghai')::date;
  v_jobs jsonb;
  v_outbox jsonb;
  v_reminders jsonb;
  v_feeds jsonb;
begin
  if not exists (select 1 from app.staff_roles s where s.user_id = v_uid and s.role in ('supervisor', 'unit_admin')) then
    perform app.raise_error('forbidden');
  end if;
  if p_now is null or not isfinite(p_now) or p_now > now() + interval '1 day' or p_now < now() - interval '366 days' then
    perform app.raise_error('invalid_input', 'p_now');
  end if;
  -- Feeds and the outbox by the caller's regions: a supervisor's, or the region of the unit a
  -- unit admin runs. Job runs are the system's own and shown to both.
  v_regions := array(
    select app.my_region_codes()
    union
    select u.region_code from app.staff_roles s join app.units u on u.id = s.unit_id
    where s.user_id = v_uid and s.role = 'unit_admin');
  select * into v_settings from app.retention_settings where id;

  select coalesce(jsonb_agg(x order by x ->> 'name'), '[]'::jsonb) into v_jobs
  from (
    select jsonb_build_object(
             'name', j.jobname, 'schedule', j.schedule, 'active', j.active,
             'interval_seconds', app.cron_interval_seconds(j.schedule),
             'last_started_at', l.started_at, 'last_finished_at', l.finished_at, 'last_outcome', l.outcome,
             'last_duration_ms', round(extract(epoch from (l.finished_at - l.started_at)) * 1000)::bigint,
             'last_rows', l.rows_affected, 'last_detail', l.detail, 'last_error', l.error,
             'last_success_at', (select max(r.started_at) from app.job_runs r where r.job_name = j.jobname and r.outcome = 'succeeded'),
             'failures_24h', (select count(*) from app.job_runs r where r.job_name = j.jobname and r.outcome = 'failed' and r.started_at > p_now - interval '24 hours'),
             'overdue', l.started_at is null or l.started_at < p_now - make_interval(secs => 2 * app.cron_interval_seconds(j.schedule)),
             'red', not j.active or l.started_at is null or l.outcome = 'failed'
                    or l.started_at < p_now - make_interval(secs => 2 * app.cron_interval_seconds(j.schedule))
           ) as x
    from cron.job j
    left join lateral (
      select r.* from app.job_runs r where r.job_name = j.jobname order by r.started_at desc limit 1
    ) l on true
    where j.jobname is not null
  ) q;

  select jsonb_build_object(
           'pending', count(*) filter (where o.status in ('pending', 'sending')),
           'dead', count(*) filter (where o.status = 'dead'),
           'delivered', count(*) filter (where o.status = 'delivered'),
           'oldest_pending_at', min(o.created_at) filter (where o.status in ('pending', 'sending')),
           'oldest_dead_at', min(o.dead_at) filter (where o.status = 'dead'),
           'created_last_hour', count(*) filter (where o.created_at > p_now - interval '1 hour'),
           'delivered_last_hour', count(*) filter (where o.delivered_at > p_now - interval '1 hour'),
           'oldest_delivered_at', min(o.delivered_at) filter (where o.status = 'delivered'),
           'retention_days', v_settings.outbox_delivered_days,
           -- Growing: more came in than went out in the last hour and some wait; or one has
           -- waited over an hour (the job runs every minute); or dead letters wait for a re-push.
           'growing', count(*) filter (where o.status in ('pending', 'sending')) > 0
                      and count(*) filter (where o.created_at > p_now - interval '1 hour') > count(*) filter (where o.delivered_at > p_now - interval '1 hour'),
           'red', (count(*) filter (where o.status in ('pending', 'sending')) > 0
                   and count(*) filter (where o.created_at > p_now - interval '1 hour') > count(*) filter (where o.delivered_at > p_now - interval '1 hour'))
                  or coalesce(min(o.created_at) filter (where o.status in ('pending', 'sending')) < p_now - interval '1 hour', false)
                  or count(*) filter (where o.status = 'dead') > 0)
  into v_outbox
  from app.upstream_outbox o
  where o.region_code = any (v_regions);

  select jsonb_build_object(
           'day', v_today,
           'sent_today', (select count(*) from app.reminder_log l where l.shanghai_day = v_today and l.status = 'sent'),
           'failed_today', (select count(*) from app.reminder_log l where l.shanghai_day = v_today and l.status = 'failed'),
           'retrying', (select count(*) from app.reminder_log l where l.status = 'retry'),
           'quota', coalesce((select jsonb_agg(jsonb_build_object('platform', q.platform, 'kind', q.kind, 'remaining', q.remaining, 'users', q.users)
                                               order by q.platform, q.kind)
                              from (select m.platform, m.kind, sum(m.remaining)::bigint as remaining, count(*) filter (where m.remaining > 0) as users
                                    from app.message_subscriptions m group by 1, 2) q), '[]'::jsonb))
  into v_reminders;
  v_reminders := v_reminders || jsonb_build_object('red',
    (v_reminders ->> 'failed_today')::bigint > 0 and (v_reminders ->> 'failed_today')::bigint >= (v_reminders ->> 'sent_today')::bigint);

  select coalesce(jsonb_agg(f order by f ->> 'kind', f ->> 'region_code', f ->> 'name'), '[]'::jsonb) into v_feeds
  from (
    select jsonb_build_object('kind', 'business_system', 'key_id', b.key_id, 'name', b.name, 'region_code', b.region_code,
             'newest_at', e.received_at, 'age_seconds', round(extract(epoch from p_now - e.received_at))::bigint,
             'silent', e.received_at is null or e.received_at < p_now - make_interval(hours => v_settings.feed_silent_hours),
             'red', e.received_at is null or e.received_at < p_now - make_interval(hours => v_settings.feed_silent_hours)) as f
    from app.business_systems b
    left join lateral (
      select x.received_at from app.transaction_status_events x where x.system_id = b.id order by x.received_at desc limit 1
    ) e on true
    where b.status = 'active' and b.region_code = any (v_regions)
    union all
    select jsonb_build_object('kind', d.kind, 'key_id', d.key_id, 'name', d.name, 'region_code', d.region_code,
             'newest_at', e.received_at, 'age_seconds', round(extract(epoch from p_now - e.received_at))::bigint,
             'silent', e.received_at is null or e.received_at < p_now - make_interval(hours => v_settings.feed_silent_hours),
             'red', e.received_at is null or e.received_at < p_now - make_interval(hours => v_settings.feed_silent_hours))
    from app.rating_devices d
    left join lateral (
      select x.received_at from app.rating_ingest_log x where x.device_id = d.id order by x.received_at desc limit 1
    ) e on true
    where d.status = 'active' and d.region_code = any (v_regions)
  ) q;

  return jsonb_build_object(
    'generated_at', p_now,
    'jobs', v_jobs,
    'outbox', v_outbox,
    'reminders', v_reminders,
    'feeds', v_feeds,
    'retention', jsonb_build_object('outbox_delivered_days', v_settings.outbox_delivered_days, 'job_runs_days', v_settings.job_runs_days,
                                    'feed_silent_hours', v_settings.feed_silent_hours),
    'red', exists (select 1 from jsonb_array_elements(v_jobs) j where (j ->> 'red')::boolean)
           or (v_outbox ->> 'red')::boolean or (v_reminders ->> 'red')::boolean
           or exists (select 1 from jsonb_array_elements(v_feeds) f where (f ->> 'red')::boolean));
end;
$function$;
comment on function public.system_status(timestamp with time zone) is 'Issue 19.1 系统状态 (supervisors and unit admins; others forbidden): each scheduled job''s last run (outcome, duration, rows) and whether it is overdue (no run for twice its interval); the upward outbox backlog, oldest pending item, dead letters and whether it grows; reminders sent and failed today and the subscription quota left; the age of the newest item of each business system and device of the caller''s regions (silent after retention_settings.feed_silent_hours). Each part says red when it needs someone.';
revoke all on function public.system_status(timestamp with time zone) from public;
grant execute on function public.system_status(timestamp with time zone) to authenticated, service_role;

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
           -- A SQL job's failure is caught and kept in app.job_runs (app.run_job), so pg_cron books it
           -- as succeeded: its last job_runs outcome says failed. (A function job's own runs are on
           -- system_status; pg_cron's status is of the call it queued.)
           'last_status', coalesce(
             (select case when r.outcome = 'failed' then 'failed' end from app.job_runs r
              where r.job_name = j.jobname and j.command like '%app.run_job(%' order by r.started_at desc limit 1),
             (select d.status from cron.job_run_details d where d.jobid = j.jobid order by d.start_time desc nulls last limit 1)),
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

create policy retention_settings_select on app.retention_settings
  for select
  to service_role
  using (true);

create policy job_runs_select on app.job_runs
  for select
  to service_role
  using (true);
