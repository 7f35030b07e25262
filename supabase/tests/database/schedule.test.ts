/**
 * The one schedule (issue 14.3): every scheduled job is declared by the migrations in cron.job
 * (pg_cron on a project, its stand-in here, which the local scheduler reads); function jobs call
 * the function through pg_net with the URL and the scheduler secret from Vault; no API role can
 * schedule, call a function job, or read Vault. The rehearsal tier proves the same declaration
 * under the real pg_cron on PostgreSQL 15.
 */
import { startScheduler } from '../../../scripts/stack/scheduler.ts';
import { as, anon, connect, type Db, failure, rolledBack, serviceRole, user, PERSONA_IDS } from '../../../tests/support/db.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

const DECLARED_JOBS = [
  // SQL jobs run through app.run_job, which records each run in app.job_runs (issue 19.1).
  { jobname: 'apply-default-ratings', schedule: '*/10 * * * *', command: "select app.run_job('apply-default-ratings')" },
  { jobname: 'comment-check', schedule: '* * * * *', command: "select app.call_scheduled_function('comment-check')" },
  { jobname: 'escalate-overdue', schedule: '5 * * * *', command: "select app.run_job('escalate-overdue')" },
  { jobname: 'purge-identity-tokens', schedule: '30 19 * * *', command: "select app.run_job('purge-identity-tokens')" },
  { jobname: 'purge-retention', schedule: '40 19 * * *', command: "select app.run_job('purge-retention')" },
  { jobname: 'record-warning-digests', schedule: '0 0 * * *', command: "select app.run_job('record-warning-digests')" },
  { jobname: 'report-upstream', schedule: '* * * * *', command: "select app.call_scheduled_function('report-upstream')" },
  { jobname: 'send-reminders', schedule: '* * * * *', command: "select app.call_scheduled_function('send-reminders')" },
];

test('cron.job holds exactly the declared jobs, active, owned by the migration role', async () => {
  const { rows } = await db.query(`select jobname, schedule, command, active, username from cron.job order by jobname`);
  expect(rows).toEqual(DECLARED_JOBS.map((j) => ({ ...j, active: true, username: 'postgres' })));
});

test('a function job queues one POST to <Vault project_url>/functions/v1/<name> with the Vault scheduler secret', async () => {
  await rolledBack(db, async (q) => {
    const { rows: [v] } = await q(`select
      (select decrypted_secret from vault.decrypted_secrets where name = 'project_url') as url,
      (select decrypted_secret from vault.decrypted_secrets where name = 'scheduler_secret') as secret`);
    expect(v.url).toBe(process.env.API_URL);
    expect(v.secret).toBe(process.env.HCP_SCHEDULER_SECRET);
    const { rows: [{ id }] } = await q(`select app.call_scheduled_function('send-reminders') as id`);
    const { rows } = await q('select method, url, headers, convert_from(body, $2) as body from net.http_request_queue where id = $1', [id, 'UTF8']);
    expect(rows).toEqual([{
      method: 'POST',
      url: `${process.env.API_URL}/functions/v1/send-reminders`,
      headers: { 'content-type': 'application/json', 'x-hcp-scheduler-secret': v.secret },
      body: '{}',
    }]);
  });
});

test('without project_url a function job fails loudly instead of posting nowhere', async () => {
  await rolledBack(db, async (q) => {
    await q(`delete from vault.secrets where name = 'project_url'`);
    const err = await failure(q(`select app.call_scheduled_function('report-upstream')`));
    expect(err.message).toMatch(/project_url and scheduler_secret are required/);
  });
});

test('no API role can schedule, call a function job, or read Vault; nothing is queued or scheduled', async () => {
  const fingerprint = async () => JSON.stringify((await db.query(
    `select (select json_agg(j order by jobid) from cron.job j) as jobs, (select count(*) from net.http_request_queue) as queued`)).rows);
  const before = await fingerprint();
  for (const actor of [anon, user(PERSONA_IDS['supervisor-city']), serviceRole]) {
    for (const sql of [
      `select cron.schedule('x', '* * * * *', 'select 1')`,
      `select app.call_scheduled_function('report-upstream')`,
      `select decrypted_secret from vault.decrypted_secrets`,
      `select vault.create_secret('x', 'project_url')`,
    ]) {
      const err = await failure(as(db, actor, (q) => q(sql)));
      expect([actor.role, sql, err.code]).toEqual([actor.role, sql, '42501']);
    }
  }
  expect(await fingerprint()).toBe(before);
});

test('the local scheduler runs a declared function job end to end: cron.job → pg_net queue → the function, authenticated by the Vault secret', async () => {
  // Nothing on its schedule (only: []): runNow runs the declaration of report-upstream once.
  const scheduler = startScheduler({ dbUrl: process.env.DB_URL!, only: [], gatewayApiKey: process.env.ANON_KEY });
  try {
    expect((await scheduler.declared()).map((j) => j.jobname).sort()).toEqual(DECLARED_JOBS.map((j) => j.jobname));
    const run = await scheduler.runNow('report-upstream');
    expect(run.status).toBe('succeeded');
    // The test stack configures no provincial endpoint: 503 from inside the function, past its
    // scheduler check (a wrong or missing secret would be 401).
    // Any other answer is shown whole (a 404 without a code was seen once, not reproduced).
    expect(run.responses.map((r) => ({ url: r.url, status: r.status, code: (JSON.parse(r.body) as { code?: string }).code, ...(r.status === 503 ? {} : { body: r.body }) }))).toEqual([
      { url: `${process.env.API_URL}/functions/v1/report-upstream`, status: 503, code: 'upstream_not_configured' },
    ]);
    const { rows } = await db.query(
      `select d.status, r.status_code from cron.job_run_details d join cron.job j using (jobid)
       left join net._http_response r on r.id = $1 where j.jobname = 'report-upstream' order by d.runid desc limit 1`, [run.responses[0]!.id]);
    expect(rows).toEqual([{ status: 'succeeded', status_code: 503 }]);
    const { rows: [q] } = await db.query('select count(*)::int as n from net.http_request_queue');
    expect(q.n).toBe(0);
  } finally {
    await scheduler.stop();
  }
});
