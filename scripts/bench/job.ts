/**
 * Benchmark 2: the default job `apply_default_ratings(p_now)` over the due 办件 of data.ts
 * against one set-based INSERT of the same default ratings (the same triggers fire: 办件 marked
 * rated, rollups kept). Every measured run is rolled back and its traces removed (restoreAfter), so
 * each sees the same rows and the same index pages; then the job runs for real while citizens submit ratings through the gateway (8
 * clients, each pausing 50 ms between ratings: a steady load, not a saturating one, so the job
 * is not starved of the two cores), and their p99 is compared with the same load without the job.
 */
import pg from 'pg';
import { autoExplain, planHeadlines } from './explain.ts';
import type { Summary } from './measure.ts';
import { apiCaller, measureSubmit, sampleWaits, topWaits, type OpenPool, type Stack } from './submit.ts';

/** The job's own conflict clause (app.apply_default_ratings_in_batches): only "this 办件 is rated already" is skipped. */
const ALREADY_RATED_SKIPPED = `on conflict (transaction_id, assess_number) where transaction_id is not null and validity <> 'superseded' do nothing`;

/** The baseline: every due, unrated 办件 gets its default in one statement. */
export const SET_BASED_DEFAULTS = `
  insert into app.ratings (transaction_id, assess_number, level, channel, is_default, unit_id, region_code,
                           matter_id, hall_id, window_id, staff_user_id, platform_id, rated_at)
  select t.id, 1, 3, 'default', true, t.unit_id, t.region_code,
         t.matter_id, t.hall_id, t.window_id, t.staff_user_id, t.platform_id, t.rating_due_at
  from app.rating_pending p join app.transactions t on t.id = p.transaction_id
  where p.rating_due_at <= $1
  ${ALREADY_RATED_SKIPPED}`;

/**
 * "Before", in the same run (issue 16.5): the design the queue replaced, rebuilt on the same rows
 * inside the rolled-back transaction. The 办件 row carried its first rating, indexed and in two
 * partial indexes' predicates, so marking a 办件 rated rewrote its row (never HOT) and wrote every
 * index of the table again; the queue's own trigger is off for it.
 */
export const OLD_MARKER_SETUP = `
  alter table app.ratings disable trigger ratings_mark_transactions_rated;
  alter table app.transactions add column bench_first_rating_id uuid;
  create index bench_first_rating_idx on app.transactions (bench_first_rating_id);
  create index bench_awaiting_rating_idx on app.transactions (id) include (rating_due_at)
    where status = 'finished' and bench_first_rating_id is null;
  create index bench_due_unrated_idx on app.transactions (rating_due_at)
    where status = 'finished' and bench_first_rating_id is null`;
export const OLD_MARKER_DEFAULTS = `
  with ins as (${SET_BASED_DEFAULTS.trim()} returning id, transaction_id)
  update app.transactions t set bench_first_rating_id = ins.id from ins where t.id = ins.transaction_id`;

export interface Timed {
  rows: number;
  ms: number;
  /** The statement failed (after ms). */
  error?: string;
}

export interface JobResult {
  due: number;
  /** With the migrations' triggers. */
  baseline: Timed;
  /** The same INSERT with the 办件 marked rated the old way (OLD_MARKER_*), same rows, same run. */
  oldMarker: Timed;
  job: Timed;
  /** The job run for real, with citizens submitting alongside. */
  jobUnderLoad: { rows: number; ms: number };
  submitAlone: Summary;
  submitDuringJob: Summary;
  /** What the citizens' backends waited on (samples every 20 ms; the job's own backend left out), alone and during the job. */
  waitsAlone: Record<string, number>;
  waitsDuringJob: Record<string, number>;
  concurrency: number;
  pauseMs: number;
  /** After the real run: due 办件 left without a rating, and 办件 with more than one first rating. */
  leftUnrated: number;
  duplicates: number;
  /** auto_explain of one INSERT over up to 100,000 of the due 办件 (rolled back): where the time goes, triggers included. */
  plan: string;
  /** The job function's own settings (its `set work_mem`), the baselines ran with them too. */
  settings: string;
}

/**
 * The settings the job function carries (`set work_mem …` in its definition), as `set local`
 * statements: the baselines run with them too, so the comparison is of the work, not the memory.
 */
async function jobSettings(db: pg.Client): Promise<string> {
  const { rows } = await db.query<{ name: string; value: string }>(`
    select split_part(c, '=', 1) as name, substr(c, strpos(c, '=') + 1) as value
    from pg_proc p, unnest(p.proconfig) c
    where p.oid = 'app.apply_default_ratings_in_batches'::regproc and c not like 'search_path=%'`);
  return rows.map((r) => `set local ${r.name} = '${r.value}'`).join('; ');
}

/** What a run of default ratings writes to (transactions: only its rows' key-share locks). */
const WRITTEN = ['app.ratings', 'app.rating_pending', 'app.upstream_outbox', 'app.rating_daily', 'app.finished_daily', 'app.stats_rollup'];

/**
 * After a rolled-back run: its dead rows vacuumed, the indexes it wrote rebuilt and everything
 * flushed, so that the next contender starts from the same pages. Vacuum frees index entries but
 * not the pages a million rolled-back inserts split: without the rebuild each later run inserted
 * into indexes left half-empty by the runs before, and the job, timed third, was 3–4 s slower
 * over 1,000,000 due 办件 than on the same data fresh (measured, issue 16.5).
 */
async function restoreAfter(db: pg.Client): Promise<void> {
  await db.query(`vacuum ${[...WRITTEN, 'app.transactions'].join(', ')}`);
  for (const table of WRITTEN) await db.query(`reindex table ${table}`);
  await db.query('checkpoint');
}

/** Runs `sql` (after `setup`, inside the same transaction), times it, rolls it all back and restores the pages. */
async function timedRolledBack(db: pg.Client, sql: string, now: Date, setup?: string): Promise<Timed> {
  await db.query('begin');
  const t0 = performance.now();
  try {
    if (setup) await db.query(setup);
    const started = performance.now();
    const r = await db.query(sql, [now]);
    const ms = performance.now() - started;
    const rows = r.command === 'SELECT' ? Number((r.rows[0] as { applied: number }).applied) : (r.rowCount ?? 0);
    return { rows, ms };
  } catch (err) {
    return { rows: 0, ms: performance.now() - t0, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await db.query('rollback');
    await restoreAfter(db);
  }
}

export async function benchJob(stack: Stack, db: pg.Client, pool: OpenPool, opts: { concurrency: number; pauseMs: number; aloneCalls: number; duringMax: number }, log: (l: string) => void): Promise<JobResult> {
  const now = new Date();
  const { rows: [due] } = await db.query<{ n: number }>(
    `select count(*)::int as n from app.transactions t where t.status = 'finished' and not app.is_rated(t.id) and t.rating_due_at <= $1`, [now]);
  const JOB = `select public.apply_default_ratings($1) as applied`;

  // Where the time goes: every statement one INSERT runs, its triggers' included (same subset).
  // Foreign-key checks run once per row (under a millisecond each; their total is in the outer
  // plan's "Trigger for constraint" lines): left out of the statement list.
  const plans = (await autoExplain(db, SUBSET_DEFAULTS, [now], { rollback: true })).filter((p) => !/Query Text: SELECT 1 FROM ONLY/.test(p));
  const plan = plans.join('\n\n');
  log(`  statements of one INSERT over the subset (auto_explain):\n    ${planHeadlines(plans).join('\n    ')}`);
  log(`  ${(plans.at(-1) ?? '').split('\n').filter((l) => /Trigger|Execution Time/.test(l)).map((l) => l.trim()).join('; ')}`);
  await restoreAfter(db);
  const say = (what: string, t: Timed) =>
    log(`  ${what}: ${t.error ? `failed after ${(t.ms / 1000).toFixed(1)} s: ${t.error}` : `${t.rows} rows in ${(t.ms / 1000).toFixed(1)} s`}`);
  const settings = await jobSettings(db);
  log(`  the job's own settings, the baselines' too: ${settings || 'none'}`);
  const baseline = await timedRolledBack(db, SET_BASED_DEFAULTS, now, settings || undefined);
  say('one INSERT', baseline);
  const oldMarker = await timedRolledBack(db, OLD_MARKER_DEFAULTS, now, [settings, OLD_MARKER_SETUP].filter(Boolean).join(';\n'));
  say('one INSERT, 办件 marked rated the old way', oldMarker);
  const job = await timedRolledBack(db, JOB, now);
  say('apply_default_ratings', job);

  const caller = apiCaller(stack);
  const aloneSampler = sampleWaits(stack.dbUrl);
  const { summary: submitAlone } = await measureSubmit(caller, pool, opts.aloneCalls, opts.concurrency, db, { pauseMs: opts.pauseMs });
  const waitsAlone = await aloneSampler.stop();
  log(`  submit ×${opts.concurrency} alone: p50 ${submitAlone.p50.toFixed(1)} ms, p99 ${submitAlone.p99.toFixed(1)} ms; waits: ${topWaits(waitsAlone)}`);

  // The real run, with citizens rating other (open) 办件 until the job returns.
  const jobConn = new pg.Client({ connectionString: stack.dbUrl });
  await jobConn.connect();
  const jobPid = (await jobConn.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
  const duringSampler = sampleWaits(stack.dbUrl, [jobPid]);
  let finished = false;
  let jobUnderLoad = { rows: 0, ms: 0 };
  try {
    const t0 = performance.now();
    const jobRun = jobConn.query(JOB, [now]).then((r) => {
      jobUnderLoad = { rows: Number(r.rows[0].applied), ms: performance.now() - t0 };
      finished = true;
    });
    const during = measureSubmit(caller, pool, Math.min(pool.left, opts.duringMax), opts.concurrency, db, { stop: () => finished, pauseMs: opts.pauseMs });
    const [, { summary: submitDuringJob }] = await Promise.all([jobRun, during]);
    const waitsDuringJob = await duringSampler.stop();
    log(`  apply_default_ratings under load: ${jobUnderLoad.rows} rows in ${(jobUnderLoad.ms / 1000).toFixed(1)} s; ` +
      `submit ×${opts.concurrency} during it: ${submitDuringJob.n} calls, p50 ${submitDuringJob.p50.toFixed(1)} ms, p99 ${submitDuringJob.p99.toFixed(1)} ms; waits: ${topWaits(waitsDuringJob)}`);
    const { rows: [check] } = await db.query<{ left: number; dup: number }>(`
      select (select count(*)::int from app.transactions t where t.status = 'finished' and not app.is_rated(t.id) and t.rating_due_at <= $1) as left,
             (select count(*)::int from (select transaction_id from app.ratings where transaction_id is not null and assess_number = 1
                                          group by 1 having count(*) > 1) d) as dup`, [now]);
    return {
      due: due!.n, baseline, oldMarker, job, jobUnderLoad, submitAlone, submitDuringJob, waitsAlone, waitsDuringJob, concurrency: opts.concurrency, pauseMs: opts.pauseMs,
      leftUnrated: check!.left, duplicates: check!.dup, plan, settings,
    };
  } finally {
    await jobConn.end();
  }
}

/** Default ratings for up to 100,000 of the due 办件: the statement the job runs, on a subset (for plans). */
export const SUBSET_DEFAULTS = `
    insert into app.ratings (transaction_id, assess_number, level, channel, is_default, unit_id, region_code,
                             matter_id, hall_id, window_id, staff_user_id, platform_id, rated_at)
    select t.id, 1, 3, 'default', true, t.unit_id, t.region_code, t.matter_id, t.hall_id, t.window_id, t.staff_user_id, t.platform_id, t.rating_due_at
    from app.rating_pending p join app.transactions t on t.id = p.transaction_id
    where t.project_no between 'BENCH-DUE-' and 'BENCH-DUE-000100000' and p.rating_due_at <= $1
    ${ALREADY_RATED_SKIPPED}`;
