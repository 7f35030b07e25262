/**
 * Benchmark (issue 8): device ratings through `ratings-ingest` in batches of 500 against the same
 * ratings sent one per request (8 concurrent clients), HMAC-signed like a hall's 评价器 (the
 * seed's demo device of 临翔区's 政务服务中心). Each rating rates its own finished 办件 of that hall.
 */
import { createHmac } from 'node:crypto';
import type pg from 'pg';
import { runLoad } from './measure.ts';

const DEVICE = { keyId: 'dev_demo_pad_530902', secret: 'demo-pad-530902-secret-not-for-production' };
export const INGEST_BATCH = 500;
export const INGEST_SINGLE_CONCURRENCY = 8;

export interface IngestRun { ratings: number; requests: number; ms: number; perSecond: number }
export interface IngestResult { batch: IngestRun; single: IngestRun }

/** `n` finished, unrated 办件 of 临翔区's hall, numbered under `prefix`. */
async function createHallTransactions(db: pg.Client, prefix: string, n: number): Promise<string[]> {
  const { rows } = await db.query<{ project_no: string }>(
    `insert into app.transactions (project_no, matter_id, unit_id, region_code, hall_id, window_id, applicant_type, channel, status, accepted_at, finished_at)
     select $1 || lpad(g::text, 7, '0'), m.id, u.id, u.region_code, w.hall_id, w.id, 1, 'pc', 'finished', now() - interval '1 day', now() - interval '1 hour'
     from generate_series(1, $2) g
     cross join lateral (select id, region_code from app.units where name = '临翔区市场监督管理局') u
     cross join lateral (select id from app.matters where unit_id = u.id order by code limit 1) m
     cross join lateral (select id, hall_id from app.windows where unit_id = u.id order by name limit 1) w
     returning project_no`,
    [prefix, n],
  );
  return rows.map((r) => r.project_no);
}

async function send(apiUrl: string, anonKey: string, projectNos: string[]): Promise<void> {
  const ratedAt = new Date(Date.now() - 60_000).toISOString();
  const body = JSON.stringify({ items: projectNos.map((p, k) => ({ external_id: `bench-${p}`, project_no: p, level: k % 10 === 0 ? 2 : 5, tags: k % 10 === 0 ? ['213'] : [], rated_at: ratedAt })) });
  const ts = String(Math.floor(Date.now() / 1000));
  const res = await fetch(`${apiUrl}/functions/v1/ratings-ingest`, {
    method: 'POST',
    headers: { apikey: anonKey, 'content-type': 'application/json', 'x-hcp-key-id': DEVICE.keyId, 'x-hcp-timestamp': ts,
      'x-hcp-signature': createHmac('sha256', DEVICE.secret).update(`${ts}\n${body}`).digest('hex') },
    body,
  });
  const answer = (await res.json()) as { results?: Array<{ status: string }> };
  if (res.status !== 200 || answer.results?.some((r) => r.status !== 'created')) {
    throw new Error(`ratings-ingest answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`);
  }
}

export async function benchIngest(stack: { apiUrl: string; anonKey: string }, db: pg.Client, ratings: number, log: (l: string) => void): Promise<IngestResult> {
  const batched = await createHallTransactions(db, 'BENCH-ING-B-', ratings);
  const singles = await createHallTransactions(db, 'BENCH-ING-S-', Math.max(INGEST_SINGLE_CONCURRENCY * 10, Math.round(ratings / 5)));
  await send(stack.apiUrl, stack.anonKey, batched.splice(0, 1)); // warm the function and its connections

  const t0 = performance.now();
  for (let i = 0; i < batched.length; i += INGEST_BATCH) await send(stack.apiUrl, stack.anonKey, batched.slice(i, i + INGEST_BATCH));
  const batchMs = performance.now() - t0;
  const batch = { ratings: batched.length, requests: Math.ceil(batched.length / INGEST_BATCH), ms: batchMs, perSecond: (batched.length * 1000) / batchMs };
  log(`  batches of ${INGEST_BATCH}: ${batch.ratings} ratings in ${(batchMs / 1000).toFixed(1)} s (${batch.perSecond.toFixed(0)}/s)`);

  const t1 = performance.now();
  const load = await runLoad({ total: singles.length, concurrency: INGEST_SINGLE_CONCURRENCY, call: (k) => send(stack.apiUrl, stack.anonKey, [singles[k]!]) });
  if (load.errors > 0) throw new Error(`${load.errors} single requests failed: ${load.firstError}`);
  const singleMs = performance.now() - t1;
  const single = { ratings: singles.length, requests: singles.length, ms: singleMs, perSecond: (singles.length * 1000) / singleMs };
  log(`  one per request ×${INGEST_SINGLE_CONCURRENCY}: ${single.ratings} ratings in ${(singleMs / 1000).toFixed(1)} s (${single.perSecond.toFixed(0)}/s)`);
  return { batch, single };
}
