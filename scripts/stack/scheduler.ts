/**
 * Runs the scheduled jobs on the local stack, where production uses pg_cron (and pg_net for
 * functions). A job is one SQL statement, or one POST to an edge function with the service
 * key, run every `intervalMs`; a run that is still going when the next is due is skipped.
 */
import pg from 'pg';

export type Job =
  | { name: string; intervalMs: number; sql: string }
  | { name: string; intervalMs: number; post: { url: string; serviceRoleKey: string } };

/** A scheduled POST to an edge function, as pg_cron + pg_net does in production. */
export function functionJob(name: string, apiUrl: string, serviceRoleKey: string, intervalMs: number): Job {
  return { name, intervalMs, post: { url: `${apiUrl}/functions/v1/${name}`, serviceRoleKey } };
}

async function postFunction(post: { url: string; serviceRoleKey: string }): Promise<unknown[]> {
  const res = await fetch(post.url, {
    method: 'POST',
    headers: { apikey: post.serviceRoleKey, authorization: `Bearer ${post.serviceRoleKey}`, 'content-type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(120_000),
  });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${post.url} answered ${res.status}: ${JSON.stringify(body)}`);
  return [body];
}

/** The jobs of the system. Production schedules the same statements with pg_cron. */
export const JOBS: Job[] = [
  // R5 (supabase/migrations/*_default_rating_job.sql); pg_cron runs it every 10 minutes.
  { name: 'apply-default-ratings', sql: 'select public.apply_default_ratings() as applied', intervalMs: 60_000 },
  // R10 (supabase/migrations/*_overdue_and_key_supervision.sql); pg_cron runs it hourly.
  { name: 'escalate-overdue', sql: 'select public.escalate_overdue() as escalated', intervalMs: 300_000 },
];

export interface RunningScheduler {
  /** Runs one job now (tests, `npm start` at boot). */
  runNow(name: string): Promise<unknown[]>;
  stop(): Promise<void>;
}

export function startScheduler(opts: { dbUrl: string; jobs: Job[]; log?: (line: string) => void }): RunningScheduler {
  const pool = new pg.Pool({ connectionString: opts.dbUrl, max: 2 });
  pool.on('error', (err) => opts.log?.(`[scheduler] ${err.message}`));
  const running = new Set<string>();

  async function run(job: Job): Promise<unknown[]> {
    running.add(job.name);
    try {
      if ('post' in job) return await postFunction(job.post);
      const { rows } = await pool.query(job.sql);
      return rows;
    } finally {
      running.delete(job.name);
    }
  }

  const timers = opts.jobs.map((job) =>
    setInterval(() => {
      if (running.has(job.name)) return;
      run(job).catch((err: Error) => opts.log?.(`[scheduler] ${job.name} failed: ${err.message}`));
    }, job.intervalMs),
  );

  return {
    runNow(name) {
      const job = opts.jobs.find((j) => j.name === name);
      if (!job) return Promise.reject(new Error(`no job named ${name}`));
      return run(job);
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      await pool.end();
    },
  };
}
