/**
 * 系统状态 through PostgREST (issue 19.1), as an attacker calls it: system_status() answers
 * supervisors and unit admins only; citizens and staff get 403 forbidden, anon is refused before
 * it runs; nobody but the service role may record a job run or purge (the scheduled functions and
 * the jobs' own paths). Nothing is written by any refusal (row checksums before and after).
 */
import { connect, rowsFingerprint, type Db } from '../../../tests/support/db.ts';
import { personaClientsPerFile, refused } from '../../../tests/support/persona-clients.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(() => db.end());
const { rpc } = personaClientsPerFile(['anon', 'citizen-a', 'citizen-anon', 'staff-linxiang', 'staff-fengqing', 'unit-admin-linxiang', 'supervisor-city', 'supervisor-fengqing']);

// job_runs and the outbox minus what the stack's scheduler writes meanwhile (its own runs, new messages).
const fingerprint = async () => [
  await rowsFingerprint(db, `select * from app.job_runs where job_name not in ('report-upstream', 'send-reminders', 'comment-check', 'apply-default-ratings', 'escalate-overdue')`),
  await rowsFingerprint(db, `select id, rating_id, change_seq from app.upstream_outbox where status in ('delivered', 'dead')`),
  await rowsFingerprint(db, 'select * from app.retention_settings'),
  await rowsFingerprint(db, 'select * from app.upstream_purged_seq'),
];

test('supervisors and unit admins read 系统状态 with every part', async () => {
  for (const who of ['supervisor-city', 'supervisor-fengqing', 'unit-admin-linxiang'] as const) {
    const res = await rpc(who, 'system_status');
    expect({ who, status: res.status, error: res.error }).toEqual({ who, status: 200, error: null });
    expect(Object.keys(res.data).sort()).toEqual(['feeds', 'generated_at', 'jobs', 'outbox', 'red', 'reminders', 'retention']);
    expect(res.data.jobs.map((j: { name: string }) => j.name)).toEqual(expect.arrayContaining(['apply-default-ratings', 'purge-retention', 'report-upstream']));
  }
});

test('citizens and staff are refused with 403 forbidden, anon before the function runs; nothing written', async () => {
  const before = await fingerprint();
  for (const who of ['citizen-a', 'citizen-anon', 'staff-linxiang', 'staff-fengqing'] as const) {
    await refused(rpc(who, 'system_status'), 'forbidden');
  }
  const anon = await rpc('anon', 'system_status');
  expect(anon.data).toBeNull();
  expect([401, 403]).toContain(anon.status);
  expect(await fingerprint()).toEqual(before);
});

test('no signed-in user may record a job run or purge, a supervisor included; nothing written', async () => {
  const before = await fingerprint();
  for (const who of ['supervisor-city', 'unit-admin-linxiang', 'citizen-a', 'anon'] as const) {
    for (const [fn, args] of [
      ['record_job_run', { p_job_name: 'report-upstream', p_started_at: new Date().toISOString(), p_outcome: 'succeeded', p_rows: 0, p_detail: {}, p_error: null }],
      ['purge_retention', { p_now: new Date(Date.now() + 3650 * 86_400_000).toISOString() }],
      ['purge_upstream_outbox', { p_now: new Date(Date.now() + 3650 * 86_400_000).toISOString() }],
    ] as const) {
      const res = await rpc(who, fn, args);
      expect({ who, fn, data: res.data, code: res.error?.code }).toEqual({ who, fn, data: null, code: '42501' });
      expect([401, 403]).toContain(res.status);
    }
  }
  expect(await fingerprint()).toEqual(before);
});

test('a run of a scheduled function is recorded in app.job_runs (as pg_cron + pg_net or the local scheduler call it)', async () => {
  const mark = (await db.query(`select coalesce(max(id), 0) as id from app.job_runs`)).rows[0].id;
  try {
    const res = await fetch(`${process.env.API_URL}/functions/v1/send-reminders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', apikey: process.env.ANON_KEY!, 'x-hcp-scheduler-secret': process.env.HCP_SCHEDULER_SECRET! },
      body: '{}',
    });
    const body = await res.json();
    const { rows } = await db.query(
      `select job_name, outcome, rows_affected::int as rows, detail, error from app.job_runs where id > $1 and job_name = 'send-reminders' order by id`, [mark]);
    // Ours, with its answer as the summary (the test stack has no reminder templates: 503, failed).
    expect(rows).toHaveLength(1);
    if (res.ok) expect(rows).toContainEqual(expect.objectContaining({ job_name: 'send-reminders', outcome: 'succeeded', detail: body }));
    else expect(rows).toContainEqual(expect.objectContaining({ job_name: 'send-reminders', outcome: 'failed', error: body.code }));
    // A caller without the secret is refused and records nothing.
    const before = (await db.query(`select count(*)::int as n from app.job_runs where id > $1 and job_name = 'send-reminders'`, [mark])).rows[0].n;
    const refusedRun = await fetch(`${process.env.API_URL}/functions/v1/send-reminders`, {
      method: 'POST', headers: { 'content-type': 'application/json', apikey: process.env.ANON_KEY!, 'x-hcp-scheduler-secret': 'x'.repeat(40) }, body: '{}',
    });
    expect(refusedRun.status).toBe(401);
    await refusedRun.body?.cancel();
    const after = (await db.query(`select count(*)::int as n from app.job_runs where id > $1 and job_name = 'send-reminders'`, [mark])).rows[0].n;
    expect(after).toBe(before); // the test stack schedules no function job: nothing else writes one
  } finally {
    // Leave the shared stack's job history as it was.
    await db.query(`delete from app.job_runs where id > $1 and job_name = 'send-reminders'`, [mark]);
  }
});
