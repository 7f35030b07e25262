-- hand-written: data
-- Issue 16.4: the daily 预警 digest. record-warning-digests runs at 08:00 北京时间 (00:00 UTC),
-- through app.run_job like the other SQL jobs (each run recorded in app.job_runs), and records
-- each supervisor's digest of a region with alerts once a day; send-reminders (every minute)
-- then sends it to a supervisor holding a 'warning' subscription, at most once.
select cron.schedule('record-warning-digests', '0 0 * * *', 'select app.run_job(''record-warning-digests'')');   -- issue 16.4
