/**
 * The local stack's pg_cron. The schedule is declared once, in the migrations
 * (part 5 of supabase/migrations/20261204183000_baseline.sql), into cron.job — pg_cron's table on a
 * project, the stand-in's here (scripts/stack/platform/cron.sql). This scheduler reads cron.job
 * and runs each job's command as SQL when its schedule is due (UTC, as pg_cron), booking every
 * run in cron.job_run_details. Function jobs call net.http_post, which (the pg_net stand-in)
 * queues the request in net.http_request_queue; like pg_net's worker, the scheduler then sends
 * what is queued and books the answer in net._http_response. A run still going when its job is
 * due again is skipped.
 */
import pg from 'pg';
import { firesAt, parseSchedule, type Schedule } from './cron.ts';

export interface DeclaredJob { jobid: number; jobname: string; schedule: string; command: string }

export interface RunningScheduler {
  /** The jobs declared in cron.job (all of them, also those this scheduler leaves out). */
  declared(): Promise<DeclaredJob[]>;
  /** Runs one declared job now, then sends what it queued (tests, `npm start`). */
  runNow(name: string): Promise<{ status: 'succeeded' | 'failed'; returnMessage: string; responses: NetResponse[] }>;
  stop(): Promise<void>;
}

export interface NetResponse { id: number; url: string; status: number | null; body: string; error: string | null }

export interface SchedulerOptions {
  dbUrl: string;
  /**
   * Which declared jobs run on their schedule: a list of names ([] none), or a predicate.
   * Undefined: all of them. (runNow runs any declared job.)
   */
  only?: string[] | ((job: DeclaredJob) => boolean);
  /**
   * The local gateway asks every call for an API key (as the stack's Kong stand-in does); a
   * project's functions with verify_jwt = false do not. Added to queued requests without one.
   */
  gatewayApiKey?: string;
  log?: (line: string) => void;
}

const TICK_MS = 1000;

export function startScheduler(opts: SchedulerOptions): RunningScheduler {
  const pool = new pg.Pool({ connectionString: opts.dbUrl, max: 3 });
  pool.on('error', (err) => opts.log?.(`[scheduler] ${err.message}`));
  const running = new Set<string>();
  const lastRun = new Map<string, number>();
  let jobs: Array<DeclaredJob & { parsed: Schedule }> = [];
  let loadedMinute = -1;
  let stopped = false;

  const selected = (job: DeclaredJob) =>
    opts.only === undefined ? true : Array.isArray(opts.only) ? opts.only.includes(job.jobname) : opts.only(job);

  async function declared(): Promise<DeclaredJob[]> {
    const { rows } = await pool.query<DeclaredJob>(
      `select jobid::int, jobname, schedule, command from cron.job where active and jobname is not null order by jobid`);
    return rows;
  }

  async function load(): Promise<void> {
    jobs = [];
    for (const job of await declared()) {
      try {
        jobs.push({ ...job, parsed: parseSchedule(job.schedule) });
      } catch (err) {
        opts.log?.(`[scheduler] ${job.jobname}: ${(err as Error).message}`);
      }
    }
  }

  /** pg_net's worker: sends every queued request and books its answer. */
  async function sendQueued(): Promise<NetResponse[]> {
    const { rows } = await pool.query<{ id: string; method: string; url: string; headers: Record<string, string>; body: Buffer | null; timeout_milliseconds: number }>(
      'delete from net.http_request_queue returning id, method, url, headers, body, timeout_milliseconds');
    const out: NetResponse[] = [];
    for (const r of rows) {
      const headers: Record<string, string> = { ...r.headers };
      if (opts.gatewayApiKey && !Object.keys(headers).some((h) => h.toLowerCase() === 'apikey')) headers.apikey = opts.gatewayApiKey;
      let status: number | null = null;
      let body = '';
      let error: string | null = null;
      try {
        const res = await fetch(r.url, { method: r.method, headers, body: r.body === null ? undefined : new Uint8Array(r.body), signal: AbortSignal.timeout(r.timeout_milliseconds) });
        status = res.status;
        body = await res.text();
      } catch (err) {
        error = (err as Error).message;
      }
      await pool.query(
        `insert into net._http_response (id, status_code, content_type, content, timed_out, error_msg) values ($1, $2, 'application/json', $3, $4, $5)`,
        [r.id, status, body, error !== null && /timeout|aborted/i.test(error), error]);
      if (error !== null || (status !== null && status >= 400)) opts.log?.(`[scheduler] ${r.method} ${r.url}: ${error ?? `${status} ${body}`}`);
      out.push({ id: Number(r.id), url: r.url, status, body, error });
    }
    return out;
  }

  async function run(job: DeclaredJob): Promise<{ status: 'succeeded' | 'failed'; returnMessage: string; responses: NetResponse[] }> {
    running.add(job.jobname);
    try {
      let status: 'succeeded' | 'failed' = 'succeeded';
      let returnMessage: string;
      const client = await pool.connect();
      try {
        const { rows: [detail] } = await client.query<{ runid: string }>(
          `insert into cron.job_run_details (jobid, job_pid, database, username, command, status, start_time)
           values ($1, pg_backend_pid(), current_database(), current_user, $2, 'running', now()) returning runid`, [job.jobid, job.command]);
        try {
          const res = await client.query(job.command);
          const last = Array.isArray(res) ? res[res.length - 1] : res;
          returnMessage = `${last.command ?? ''} ${last.rowCount ?? ''}`.trim();
        } catch (err) {
          status = 'failed';
          returnMessage = (err as Error).message;
          opts.log?.(`[scheduler] ${job.jobname} failed: ${returnMessage}`);
        }
        await client.query(`update cron.job_run_details set status = $2, return_message = $3, end_time = now() where runid = $1`,
          [detail!.runid, status, returnMessage]);
      } finally {
        client.release();
      }
      const responses = await sendQueued();
      return { status, returnMessage, responses };
    } finally {
      running.delete(job.jobname);
    }
  }

  async function tick(): Promise<void> {
    const now = new Date();
    const minute = Math.floor(now.getTime() / 60_000);
    if (minute !== loadedMinute) {
      await load();
      loadedMinute = minute;
    }
    for (const job of jobs) {
      if (stopped || running.has(job.jobname) || !selected(job)) continue;
      const last = lastRun.get(job.jobname);
      const due = job.parsed.kind === 'seconds'
        ? last === undefined || now.getTime() - last >= job.parsed.seconds * 1000
        : firesAt(job.parsed, now) && (last === undefined || Math.floor(last / 60_000) !== minute);
      if (!due) continue;
      lastRun.set(job.jobname, now.getTime());
      run(job).catch((err: Error) => opts.log?.(`[scheduler] ${job.jobname}: ${err.message}`));
    }
  }

  let ticking = false;
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    tick().catch((err: Error) => opts.log?.(`[scheduler] ${err.message}`)).finally(() => { ticking = false; });
  }, TICK_MS);

  return {
    declared,
    async runNow(name) {
      const job = (await declared()).find((j) => j.jobname === name);
      if (!job) throw new Error(`no job named ${name} in cron.job`);
      return run(job);
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await pool.end();
    },
  };
}
