/**
 * report-upstream (R16, scheduled): drains the outbox into the provincial platform.
 *
 *   POST /functions/v1/report-upstream   x-hcp-scheduler-secret: <scheduler secret>
 *   body (optional): { batch_size?, max_batches? }
 *   → 200 { batches, claimed, delivered, failed, dead, endpoint_error }
 *
 * Only the scheduler may call it: the scheduler secret (_shared/scheduled.ts; anything else
 * 401). Each round claims a batch
 * (claim_upstream_batch: SKIP LOCKED, so runs side by side never send the same message), posts
 * it with a timeout, and records each item's outcome (record_upstream_results). An item is
 * delivered only when the platform's answer acknowledges that very item; a timeout, a non-2xx
 * answer, an unreadable answer or a missing result is a failure retried with backoff, and after
 * max_attempts a dead letter. A round whose request failed as a whole ends the run (the platform
 * is down: the next scheduled run tries again when the backoff allows).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { z } from 'zod';
import { UPSTREAM_ERRORS } from '../_shared/contract/error-codes/upstream.ts';
import {
  idempotencyKey, ReportUpstreamRequest, type ReportUpstreamResponse, type UpstreamItem, UpstreamResponse,
} from '../_shared/contract/upstream.ts';
import { serviceClient } from '../_shared/clients.ts';
import { corsHeaders, handle, HttpError, json } from '../_shared/http.ts';
import { readOptions, recordedRun, requireScheduler } from '../_shared/scheduled.ts';
import { configFromEnv, type ProvincialEndpoint, type ReportUpstreamConfig } from './config.ts';

const ClaimedRow = z.object({
  id: z.coerce.number().int(),
  claim_token: z.guid(),
  attempts: z.number().int(),
  idempotency_key: z.string(),
  change_seq: z.number().int(),
  payload: z.record(z.string(), z.unknown()),
});
type ClaimedRow = z.infer<typeof ClaimedRow>;

const RecordedRow = z.object({ id: z.coerce.number().int(), status: z.enum(['pending', 'delivered', 'dead']) });

export interface ReportUpstreamDeps {
  /** The database (service role). */
  db?: () => SupabaseClient;
  /** The clock the RPCs are given (tests move it forward past backoff). */
  now?: () => Date;
}

interface Outcome {
  id: number;
  ok: boolean;
  error?: string;
}

/** One POST of a batch; every item's outcome, and the request-level error if the whole call failed. */
async function send(endpoint: ProvincialEndpoint, rows: ClaimedRow[], timeoutMs: number, requestId: string): Promise<{ outcomes: Outcome[]; error: string | null }> {
  const all = (error: string) => ({ outcomes: rows.map((r) => ({ id: r.id, ok: false, error })), error });
  let res: Response;
  try {
    res = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-app-key': endpoint.appKey, 'x-request-id': requestId },
      body: JSON.stringify({ appKey: endpoint.appKey, items: rows.map((r) => r.payload as UpstreamItem) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const e = err as Error;
    return all(e.name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : `network error: ${e.message}`);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    return all(`reading the answer failed: ${(err as Error).message}`);
  }
  if (!res.ok) return all(`HTTP ${res.status}: ${text.slice(0, 200)}`);
  let body: UpstreamResponse;
  try {
    const parsed = UpstreamResponse.safeParse(JSON.parse(text));
    if (!parsed.success) return all(`unexpected answer: ${text.slice(0, 200)}`);
    body = parsed.data;
  } catch {
    return all(`answer is not JSON: ${text.slice(0, 200)}`);
  }
  if (body.code !== 0) return all(`platform code ${body.code}: ${body.message ?? ''}`.trim());

  const acks = new Map(body.results.map((r) => [idempotencyKey(r.projectNo, r.assessNumber), r]));
  return {
    error: null,
    outcomes: rows.map((row) => {
      const ack = acks.get(row.idempotency_key);
      if (!ack) return { id: row.id, ok: false, error: 'no acknowledgement for this item' };
      if (ack.success) return { id: row.id, ok: true };
      return { id: row.id, ok: false, error: `rejected: ${ack.code ?? 'error'} ${ack.message ?? ''}`.trim() };
    }),
  };
}

export function createHandler(config: ReportUpstreamConfig, deps: ReportUpstreamDeps = {}): (req: Request) => Promise<Response> {
  const db = deps.db ?? serviceClient;
  const now = deps.now ?? (() => new Date());

  async function rpc<T extends z.ZodType>(name: string, args: Record<string, unknown>, schema: T): Promise<z.infer<T>> {
    const { data, error } = await db().rpc(name, args);
    if (error) throw new Error(`${name} failed: ${error.code ?? ''} ${error.message}`);
    return schema.parse(data);
  }

  return handle('report-upstream', async (req) => {
    if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed');
    await requireScheduler(req, 'report-upstream');
    const options = await readOptions(req, ReportUpstreamRequest);
    return recordedRun(db, 'report-upstream', async () => {
      const endpoint = config.endpoint;
      if (!endpoint) {
        const { message } = UPSTREAM_ERRORS.upstream_not_configured;
        return {
          response: new Response(JSON.stringify({ code: 'upstream_not_configured', message }), {
            status: UPSTREAM_ERRORS.upstream_not_configured.status,
            headers: { ...corsHeaders, 'content-type': 'application/json; charset=utf-8' },
          }),
          rows: 0, detail: {}, failed: 'upstream_not_configured',
        };
      }

      const batchSize = options.batch_size ?? config.batchSize;
      const maxBatches = options.max_batches ?? config.maxBatches;
      const summary: ReportUpstreamResponse = { batches: 0, claimed: 0, delivered: 0, failed: 0, dead: 0, endpoint_error: null };
      for (let b = 0; b < maxBatches; b++) {
        const rows = await rpc('claim_upstream_batch', { p_limit: batchSize, p_now: now().toISOString() }, ClaimedRow.array());
        if (rows.length === 0) break;
        summary.batches++;
        summary.claimed += rows.length;
        const { outcomes, error } = await send(endpoint, rows, config.timeoutMs, rows[0]!.claim_token);
        const recorded = await rpc('record_upstream_results', {
          p_claim_token: rows[0]!.claim_token,
          p_results: outcomes,
          p_now: now().toISOString(),
        }, RecordedRow.array());
        for (const r of recorded) {
          if (r.status === 'delivered') summary.delivered++;
          else if (r.status === 'dead') summary.dead++;
          else summary.failed++;
        }
        if (error) {
          summary.endpoint_error = error;
          console.warn(`[report-upstream] ${rows.length} item(s) not delivered: ${error}`);
          break;
        }
      }
      return { response: json(summary), rows: summary.claimed, detail: { ...summary }, failed: summary.endpoint_error };
    });
  });
}

export const handler = createHandler(configFromEnv);
