-- hand-written: data
-- Issue 19: the retention settings row, and the schedule's SQL jobs through app.run_job so each
-- run is recorded in app.job_runs (cron.schedule updates a job of the same name in place). The
-- function jobs keep their command: report-upstream and send-reminders record their own runs
-- (record_job_run). New: purge-retention, daily 03:40 北京时间 (delivered upstream messages
-- after 180 days, job run records after 90; dead letters, ratings, work orders and the audit log never).
insert into app.retention_settings (id) values (true) on conflict (id) do nothing;

select cron.schedule('apply-default-ratings', '*/10 * * * *', 'select app.run_job(''apply-default-ratings'')');   -- R5
select cron.schedule('escalate-overdue', '5 * * * *', 'select app.run_job(''escalate-overdue'')');                -- R10
select cron.schedule('purge-identity-tokens', '30 19 * * *', 'select app.run_job(''purge-identity-tokens'')');     -- PIPL housekeeping
select cron.schedule('purge-retention', '40 19 * * *', 'select app.run_job(''purge-retention'')');                 -- issue 19.3
