-- Stand-in for pg_cron where the real extension is not available (the local stack's embedded
-- PostgreSQL 17, the rehearsal's PostgreSQL 17). Same schema, table and function signatures as
-- pg_cron 1.4+, so the migrations that schedule jobs run unchanged. Nothing runs the jobs here:
-- the local stack's scheduler (scripts/stack/scheduler.ts) reads cron.job and runs what is due,
-- and books each run in cron.job_run_details as pg_cron does.
create schema cron;

create table cron.job (
  jobid bigserial primary key,
  schedule text not null,
  command text not null,
  nodename text not null default 'localhost',
  nodeport int not null default 5432,
  database text not null default current_database(),
  username text not null default current_user,
  active boolean not null default true,
  jobname text,
  constraint jobname_username_uniq unique (jobname, username)
);
grant select on cron.job to public;
alter table cron.job enable row level security;
create policy cron_job_policy on cron.job using (username = current_user);

create table cron.job_run_details (
  jobid bigint,
  runid bigserial primary key,
  job_pid int,
  database text,
  username text,
  command text,
  status text,
  return_message text,
  start_time timestamptz,
  end_time timestamptz
);
grant select, delete on cron.job_run_details to public;
alter table cron.job_run_details enable row level security;
create policy cron_job_run_details_policy on cron.job_run_details using (username = current_user);

-- pg_cron refuses a schedule it cannot parse; so does the stand-in (five cron fields, or
-- '<1-59> seconds'), so a typo fails the migration here as it would on a project.
create function cron.schedule(job_name text, schedule text, command text)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id bigint;
begin
  if schedule !~ '^\s*[0-9*/,-]+(\s+[0-9*/,-]+){4}\s*$' and schedule !~ '^\s*([1-9]|[1-5][0-9])\s+seconds?\s*$' then
    raise exception 'invalid schedule: %', schedule using errcode = '22023';
  end if;
  -- The job belongs to the role that scheduled it (pg_cron: the calling user).
  insert into cron.job (schedule, command, jobname, username)
  values (schedule, command, job_name, session_user)
  on conflict (jobname, username) do update set schedule = excluded.schedule, command = excluded.command, active = true
  returning jobid into v_id;
  return v_id;
end;
$$;

create function cron.schedule(schedule text, command text)
returns bigint
language sql
security definer
set search_path = ''
as $$ select cron.schedule(null::text, schedule, command) $$;

create function cron.unschedule(job_name text)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from cron.job j where j.jobname = job_name and j.username = session_user;
  if not found then
    raise exception 'could not find valid entry for job ''%''', job_name;
  end if;
  return true;
end;
$$;

create function cron.unschedule(job_id bigint)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from cron.job j where j.jobid = job_id and j.username = session_user;
  if not found then
    raise exception 'could not find valid entry for job %', job_id;
  end if;
  return true;
end;
$$;

-- What Supabase grants `postgres` after creating pg_cron: the functions, reading cron.job.
revoke all on function cron.schedule(text, text, text), cron.schedule(text, text), cron.unschedule(text), cron.unschedule(bigint) from public;
grant usage on schema cron to postgres with grant option;
grant execute on function cron.schedule(text, text, text), cron.schedule(text, text), cron.unschedule(text), cron.unschedule(bigint) to postgres with grant option;
grant select on cron.job to postgres with grant option;
grant select, delete on cron.job_run_details to postgres with grant option;
