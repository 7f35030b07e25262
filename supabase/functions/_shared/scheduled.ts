/**
 * What the scheduled functions (report-upstream, send-reminders) share. Only the scheduler may
 * call them: pg_cron + pg_net on a project, the local stack's scheduler locally, both from the
 * one schedule in the migrations (part 5 of 20261204183000_baseline.sql). It authenticates with the
 * scheduler secret — Vault `scheduler_secret` on the database side, env HCP_SCHEDULER_SECRET
 * here — sent as the header `x-hcp-scheduler-secret`, not with a service_role JWT (config.toml:
 * verify_jwt = false for both; the legacy JWT secret is being retired on hosted projects). Their
 * body is optional JSON options, checked against the function's own schema.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { z } from 'zod';
import { HttpError, parseJson } from './http.ts';

export const SCHEDULER_SECRET_HEADER = 'x-hcp-scheduler-secret';

function schedulerSecret(): string {
  const secret = Deno.env.get('HCP_SCHEDULER_SECRET') ?? '';
  // Checked when the function loads: a deployment without it fails at start, loudly.
  if (secret.length < 32) throw new Error('environment variable HCP_SCHEDULER_SECRET is required (>= 32 characters; the Vault secret scheduler_secret)');
  return secret;
}
const expected = await sha256(schedulerSecret());

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** Constant-time: both sides hashed to 32 bytes, every byte compared, whatever differs first. */
async function matches(given: string): Promise<boolean> {
  const got = await sha256(given);
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected[i]! ^ got[i]!;
  return diff === 0;
}

/** The caller must be the scheduler: the scheduler secret in its header, else 401. */
export async function requireScheduler(req: Request, fn: string): Promise<void> {
  const given = req.headers.get(SCHEDULER_SECRET_HEADER);
  if (given === null || given === '' || !(await matches(given))) {
    throw new HttpError(401, 'unauthorized', `${fn} runs for the scheduler only (header ${SCHEDULER_SECRET_HEADER})`);
  }
}

/** The run's options: an empty body means the defaults. */
export async function readOptions<T extends z.ZodType>(req: Request, schema: T): Promise<z.infer<T>> {
  const text = await req.text();
  return text.trim() === '' ? schema.parse({}) : parseJson(text, schema);
}

/** What one run of a scheduled function did, for app.job_runs. */
export interface RunOutcome {
  response: Response;
  /** Rows it touched (messages claimed). */
  rows: number;
  /** Its summary (the response body's counts). */
  detail: Record<string, unknown>;
  /** Set when the run could not do its work (not configured, the endpoint down): outcome failed. */
  failed?: string | null;
}

/**
 * Issue 19.1: every run of a scheduled function is recorded in app.job_runs through the service
 * RPC record_job_run, whatever scheduled it (pg_cron + pg_net, the local scheduler): when it
 * started, its outcome, the rows it touched and its summary. A run that throws is recorded as
 * failed and the error goes on as before. Recording never fails a run: if the database cannot take
 * the row, that is logged. Called after the caller and the options were checked, so a refused
 * request records nothing.
 */
export async function recordedRun(db: () => SupabaseClient, job: string, run: () => Promise<RunOutcome>): Promise<Response> {
  const startedAt = new Date();
  const record = async (outcome: 'succeeded' | 'failed', rows: number, detail: Record<string, unknown>, error: string | null) => {
    try {
      const { error: rpcError } = await db().rpc('record_job_run', {
        p_job_name: job, p_started_at: startedAt.toISOString(), p_outcome: outcome,
        p_rows: rows, p_detail: detail, p_error: error === null ? null : error.slice(0, 2000),
      });
      if (rpcError) console.error(`[${job}] run not recorded: ${rpcError.message}`);
    } catch (err) {
      console.error(`[${job}] run not recorded:`, err);
    }
  };
  let result: RunOutcome;
  try {
    result = await run();
  } catch (err) {
    await record('failed', 0, {}, (err as Error).message ?? String(err));
    throw err;
  }
  const failed = result.failed ?? (result.response.ok ? null : `HTTP ${result.response.status}`);
  await record(failed === null ? 'succeeded' : 'failed', result.rows, result.detail, failed);
  return result.response;
}
