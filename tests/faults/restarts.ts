/**
 * Faults (issue 8): a bounded load of citizens' ratings (submit_rating through the gateway) and
 * device batches (ratings-ingest, HMAC-signed) runs with client retries while PostgREST is
 * restarted, PostgreSQL is restarted and the Deno process is killed and restarted. Afterwards
 * every acknowledged rating is present exactly once, and every rating has exactly its work
 * order (差评), its outbox row and its audit row — none missing, none twice.
 *
 * This tier starts its own stack (it must restart the services), on free ports and a temporary
 * data directory it deletes at the end. It is a plain script (`node --import tsx`), not a jest
 * file, because it imports the stack's ESM modules; it exits non-zero on the first failed check.
 */
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { signJwt } from '../../scripts/stack/keys.ts';
import { jwtSecret } from '../../scripts/stack/local-keys.ts';
import { freePorts } from '../../scripts/stack/ports.ts';
import { startStack, type RunningStack } from '../../scripts/stack/stack.ts';
import { PERSONA_IDS } from '../support/db.ts';

const CITIZEN_RATINGS = 120;
const DEVICE_BATCHES = 12;
const ITEMS_PER_BATCH = 10;
const DEVICE = { keyId: 'dev_demo_pad_530902', secret: 'demo-pad-530902-secret-not-for-production' };

const faultsLog = path.join(import.meta.dirname, '..', '..', 'test-output', 'faults-stack.log');
mkdirSync(path.dirname(faultsLog), { recursive: true });
writeFileSync(faultsLog, '');

let scratch: string;
let stack: RunningStack;
let db: pg.Client;

async function setUp(): Promise<void> {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'hcp-faults-'));
  chmodSync(scratch, 0o755);
  stack = await startStack({
    dataDir: path.join(scratch, 'data'),
    persistent: true, // PostgreSQL is restarted on it; the directory is removed in afterAll
    ports: await freePorts(),
    jwtSecret: jwtSecret(),
    serveH5: false,
    jobs: [],
    // The services' own log, for reading what happened around each restart.
    log: (line) => appendFileSync(faultsLog, line + '\n'),
  });
  db = new pg.Client(stack.dbUrl);
  db.on('error', () => {}); // terminated by the database restart; a new connection checks afterwards
  await db.connect();
}

async function tearDown(): Promise<void> {
  await db?.end().catch(() => {});
  await stack?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}

/** A token for a seeded persona, minted like auth-dev does. */
async function tokenFor(userId: string): Promise<string> {
  const { SignJWT } = await import('jose');
  return signJwt(new SignJWT({ role: 'authenticated', aud: 'authenticated' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime('2h'), stack.jwtSecret);
}

/** Finished 办件 of 临翔区's hall for citizen-a: `n` for the citizen, `m` more for the hall's 评价器. */
async function makeTransactions(prefix: string, n: number): Promise<Array<{ id: string; project_no: string }>> {
  const { rows } = await db.query(
    `insert into app.transactions (project_no, matter_id, unit_id, region_code, hall_id, window_id, staff_user_id,
                                   applicant_user_id, channel, status, accepted_at, finished_at)
     select $1 || '-' || g, m.id, u.id, u.region_code, w.hall_id, w.id, '00000000-0000-4000-8000-000000000b01',
            $2, 'pc', 'finished', now() - interval '1 day', now() - interval '1 hour'
     from generate_series(1, $3) g
     cross join lateral (select id, region_code from app.units where name = '临翔区市场监督管理局') u
     cross join lateral (select id from app.matters where unit_id = u.id limit 1) m
     cross join lateral (select id, hall_id from app.windows where unit_id = u.id limit 1) w
     returning id, project_no`,
    [prefix, PERSONA_IDS['citizen-a'], n],
  );
  return rows;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * PostgREST 12.0.2 answers a query cut off by the database shutting down with 400 and an empty
 * error (`{"code":"","message":""}`; seen in this tier's service log). That is no refusal: the
 * outcome is unknown, so a client retries with the same idempotency key, as for a 503.
 */
function cutOff(res: { status: number; body: unknown }): boolean {
  const code = (res.body as { code?: unknown } | null)?.code;
  return res.status === 400 && (code === '' || code === undefined) && !Array.isArray(res.body);
}

/** Retries `attempt` until it answers definitively (2xx or a 4xx other than 401/404 from a restarting gateway). */
async function withRetries<T>(attempt: () => Promise<{ status: number; body: T }>): Promise<{ status: number; body: T; tries: number }> {
  for (let tries = 1; ; tries++) {
    try {
      const res = await attempt();
      if (res.status < 500 && res.status !== 404 && !cutOff(res)) return { ...res, tries };
    } catch {
      // connection refused or reset while a service restarts: try again
    }
    if (tries > 200) throw new Error('gave up after 200 tries');
    await sleep(150);
  }
}

async function restartsUnderLoad(): Promise<void> {
  const citizenTx = await makeTransactions('FAULT-C', CITIZEN_RATINGS);
  const deviceTx = await makeTransactions('FAULT-D', DEVICE_BATCHES * ITEMS_PER_BATCH);
  const token = await tokenFor(PERSONA_IDS['citizen-a']);
  const acknowledged = new Set<string>();
  const total = CITIZEN_RATINGS + DEVICE_BATCHES * ITEMS_PER_BATCH;
  let retried = 0;

  // Citizens: 4 concurrent clients; every third rating a 差评 (opens a work order).
  const citizens = [0, 1, 2, 3].map(async (lane) => {
    for (let i = lane; i < citizenTx.length; i += 4) {
      const tx = citizenTx[i]!;
      const bad = i % 3 === 0;
      const res = await withRetries(async () => {
        const r = await fetch(`${stack.apiUrl}/rest/v1/rpc/submit_rating`, {
          method: 'POST',
          headers: { apikey: stack.anonKey, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            p_transaction_id: tx.id, p_level: bad ? 1 : 5, p_tags: bad ? ['115'] : [], p_comment: null,
            p_anonymous: false, p_channel: 'mobile', p_idempotency_key: `fault-${tx.id}`,
          }),
          signal: AbortSignal.timeout(15_000),
        });
        return { status: r.status, body: (await r.json()) as Array<{ id: string }> };
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      retried += res.tries - 1;
      acknowledged.add(res.body[0]!.id);
      await sleep(20); // a steady load, so that every fault lands in the middle of it
    }
  });

  // A 评价器: batches of 10, re-signed on every retry; items are idempotent by external id.
  const device = (async () => {
    for (let b = 0; b < DEVICE_BATCHES; b++) {
      const items = deviceTx.slice(b * ITEMS_PER_BATCH, (b + 1) * ITEMS_PER_BATCH).map((tx, k) => ({
        external_id: `fault-pad-${tx.project_no}`, project_no: tx.project_no, level: k % 4 === 0 ? 2 : 4,
        tags: k % 4 === 0 ? ['213'] : [], rated_at: new Date(Date.now() - 60_000).toISOString(),
      }));
      const body = JSON.stringify({ items });
      const res = await withRetries(async () => {
        const ts = String(Math.floor(Date.now() / 1000));
        const sig = createHmac('sha256', DEVICE.secret).update(`${ts}\n${body}`).digest('hex');
        const r = await fetch(`${stack.apiUrl}/functions/v1/ratings-ingest`, {
          method: 'POST',
          headers: { apikey: stack.anonKey, 'content-type': 'application/json', 'x-hcp-key-id': DEVICE.keyId, 'x-hcp-timestamp': ts, 'x-hcp-signature': sig, 'x-request-id': randomUUID() },
          body,
          signal: AbortSignal.timeout(15_000),
        });
        const answer = (await r.json()) as { code?: string; results: Array<{ status: string; id?: string }> };
        // A retry inside the same second carries the same signature, which the replay guard
        // refuses (the first try may have been applied): sign again with a later timestamp; the
        // items themselves are idempotent by external id.
        if (r.status === 409 && answer.code === 'request_replayed') {
          await sleep(1000);
          return { status: 503, body: answer };
        }
        return { status: r.status, body: answer };
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      retried += res.tries - 1;
      for (const r of res.body.results) {
        assert.ok(['created', 'replayed'].includes(r.status), JSON.stringify(r));
        acknowledged.add(r.id!);
      }
    }
  })();

  // The faults, one after another, each when a given share of the load is acknowledged, so
  // that each lands while requests are in flight.
  const atShare = async (share: number) => { while (acknowledged.size < share * total) await sleep(10); };
  const faults = (async () => {
    await atShare(0.15);
    await stack.restart('postgrest', { kill: true });
    await atShare(0.4);
    await stack.restart('postgres');
    await atShare(0.65);
    await stack.restart('functions', { kill: true });
  })();

  await Promise.all([...citizens, device, faults]);
  await db.end().catch(() => {});
  db = new pg.Client(stack.dbUrl); // the first connection died with the database restart
  await db.connect();

  assert.equal(acknowledged.size, total);
  assert.ok(retried > 0, 'the faults were felt: some requests needed retries');
  const ids = [...acknowledged];
  const q = async (sql: string) => (await db.query(sql, [ids])).rows;

  // Every acknowledged rating exactly once, and one rating per 办件 of the run.
  assert.deepEqual(await q(`select count(*)::int as n from app.ratings where id = any($1)`), [{ n: ids.length }], 'acknowledged ratings present exactly once');
  assert.deepEqual(await q(`select t.project_no from app.transactions t join app.ratings r on r.transaction_id = t.id
                  where t.project_no like 'FAULT-%' and r.id <> all($1)`), [], 'no rating nobody was told about');
  // Each 差评 exactly one work order, each work order exactly one 'opened' audit row.
  assert.deepEqual(await q(`select r.id from app.ratings r left join app.work_orders w on w.rating_id = r.id
                  where r.id = any($1) and r.is_bad group by r.id having count(w.id) <> 1`), [], 'one work order per 差评');
  assert.deepEqual(await q(`select w.id from app.work_orders w join app.ratings r on r.id = w.rating_id
                  left join app.audit_log a on a.work_order_id = w.id and a.action = 'opened'
                  where r.id = any($1) group by w.id having count(a.id) <> 1`), [], 'one opened audit row per work order');
  assert.equal((await q(`select count(*)::int as n from app.work_orders w where w.rating_id = any($1)`))[0].n,
    Math.ceil(CITIZEN_RATINGS / 3) + DEVICE_BATCHES * Math.ceil(ITEMS_PER_BATCH / 4), 'work orders of the run');
  // Each rating exactly one 'rating_created' message to the provincial platform.
  assert.deepEqual(await q(`select r.id from app.ratings r left join app.upstream_outbox o on o.rating_id = r.id and o.reason = 'rating_created'
                  where r.id = any($1) group by r.id having count(o.id) <> 1`), [], 'one outbox message per rating');
  console.log(`faults: ${ids.length} acknowledged ratings (${retried} retries during the restarts), each once, with their work orders, audit and outbox rows`);
}

// A crash must not leave the stack's processes behind either.
process.on('uncaughtException', (err) => {
  console.error(err);
  void tearDown().finally(() => process.exit(1));
});

try {
  await setUp();
  await restartsUnderLoad();
} finally {
  await tearDown();
}
