/**
 * Benchmark 1: a citizen's rating through the gateway and PostgREST (`submit_rating` with the
 * citizen's JWT, RLS and every check) against the same rating inserted directly in SQL from this
 * machine, at 1, 8 and 32 concurrent clients. A middle row — `submit_rating` called in SQL with
 * the JWT claims set, no HTTP — splits the cost between the function and the HTTP path.
 * Every call rates its own finished, unrated 办件 as that 办件's applicant.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { userToken } from '../stack/keys.ts';
import { runLoad, summarize, type Summary } from './measure.ts';

export const CONCURRENCY = [1, 8, 32] as const;
export type SubmitPath = 'api' | 'postgrest' | 'sql-rpc' | 'sql-insert';

/** md5(text)::uuid as PostgreSQL spells it. */
export function md5Uuid(text: string): string {
  const h = createHash('md5').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The open 办件 of data.ts, handed out once each. */
export class OpenPool {
  private next = 1;
  constructor(readonly size: number) {}
  take(n: number): number[] {
    if (this.next + n - 1 > this.size) throw new Error(`the pool of ${this.size} open 办件 is used up`);
    const out = Array.from({ length: n }, (_, k) => this.next + k);
    this.next += n;
    return out;
  }
  get left(): number {
    return this.size - this.next + 1;
  }
}

/** What the i-th rating says: mostly 非常满意, every tenth a 差评 with its tag (R7). */
export function ratingOf(i: number): { level: number; tags: string[] } {
  return i % 10 === 0 ? { level: 2, tags: ['213'] } : { level: 5, tags: [] };
}

export interface Stack {
  apiUrl: string;
  /** PostgREST itself, behind the gateway. */
  postgrestUrl: string;
  dbUrl: string;
  anonKey: string;
  jwtSecret: string;
}

export interface Caller {
  path: SubmitPath;
  /** Prepares `n` calls (tokens, connections); returns the call function and a cleanup. */
  prepare(ids: number[], concurrency: number): Promise<{ call: (k: number, worker: number) => Promise<void>; close: () => Promise<void> }>;
}

/**
 * Rates open 办件 #i through the gateway: what the mini-program sends. `direct` skips the
 * gateway and talks to PostgREST itself (to split the HTTP cost).
 */
export function apiCaller(stack: Stack, direct = false): Caller {
  return {
    path: direct ? 'postgrest' : 'api',
    async prepare(ids) {
      const tokens = await Promise.all(ids.map((i) => userToken(md5Uuid(`bench-citizen:${i}`), stack.jwtSecret, 24 * 3600)));
      const url = direct ? `${stack.postgrestUrl}/rpc/submit_rating` : `${stack.apiUrl}/rest/v1/rpc/submit_rating`;
      return {
        async call(k) {
          const i = ids[k]!;
          const { level, tags } = ratingOf(i);
          const res = await fetch(url, {
            method: 'POST',
            headers: { apikey: stack.anonKey, authorization: `Bearer ${tokens[k]}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              p_transaction_id: md5Uuid(`bench-open:${i}`), p_level: level, p_tags: tags, p_comment: null,
              p_anonymous: false, p_channel: 'mobile', p_idempotency_key: `bench-${i}-key`,
            }),
          });
          const body = await res.text();
          if (res.status !== 200) throw new Error(`submit_rating answered ${res.status}: ${body}`);
        },
        close: async () => {},
      };
    },
  };
}

async function clients(dbUrl: string, n: number): Promise<pg.Client[]> {
  return Promise.all(Array.from({ length: n }, async () => {
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    return c;
  }));
}

/** submit_rating in SQL, one connection per client, the JWT claims set as PostgREST sets them. */
export function sqlRpcCaller(stack: Stack): Caller {
  return {
    path: 'sql-rpc',
    async prepare(ids, concurrency) {
      const conns = await clients(stack.dbUrl, concurrency);
      return {
        async call(k, w) {
          const i = ids[k]!;
          const c = conns[w]!;
          const { level, tags } = ratingOf(i);
          await c.query({ name: 'claims', text: `select set_config('request.jwt.claims', $1, false)`, values: [JSON.stringify({ role: 'authenticated', sub: md5Uuid(`bench-citizen:${i}`) })] });
          await c.query({
            name: 'rpc',
            text: `select * from public.submit_rating($1::uuid, $2::int, $3::text[], null, false, 'mobile', $4)`,
            values: [md5Uuid(`bench-open:${i}`), level, tags, `bench-${i}-key`],
          });
        },
        close: async () => { await Promise.all(conns.map((c) => c.end())); },
      };
    },
  };
}

/** The baseline: the same row inserted in one SQL statement (the same triggers fire). */
export const DIRECT_INSERT = `
  insert into app.ratings (transaction_id, assess_number, level, tags, comment, channel, is_anonymous, rater_user_id,
                           unit_id, region_code, matter_id, hall_id, window_id, staff_user_id, platform_id, idempotency_key)
  select t.id, 1, $2, $3, null, 'mobile', false, t.applicant_user_id,
         t.unit_id, t.region_code, t.matter_id, t.hall_id, t.window_id, t.staff_user_id, t.platform_id, $4
  from app.transactions t where t.id = $1
  on conflict do nothing`;

export function sqlInsertCaller(stack: Stack): Caller {
  return {
    path: 'sql-insert',
    async prepare(ids, concurrency) {
      const conns = await clients(stack.dbUrl, concurrency);
      return {
        async call(k, w) {
          const i = ids[k]!;
          const { level, tags } = ratingOf(i);
          const r = await conns[w]!.query({ name: 'ins', text: DIRECT_INSERT, values: [md5Uuid(`bench-open:${i}`), level, tags, `bench-${i}-key`] });
          if (r.rowCount !== 1) throw new Error(`direct insert wrote ${r.rowCount} rows`);
        },
        close: async () => { await Promise.all(conns.map((c) => c.end())); },
      };
    },
  };
}

export interface SubmitRow {
  path: SubmitPath;
  concurrency: number;
  summary: Summary;
  /** What the database's backends were waiting on, sampled every 20 ms during the run. */
  waits: Record<string, number>;
}

/** The most sampled wait events, most first: `Lock:transactionid 12, active 40`. */
export function topWaits(waits: Record<string, number>, most = 5): string {
  return Object.entries(waits).sort((a, b) => b[1] - a[1]).slice(0, most).map(([w, n]) => `${w} ${n}`).join(', ') || 'none';
}

/** Samples pg_stat_activity's wait events of client backends (but `except`'s) until stopped. */
export function sampleWaits(dbUrl: string, except: number[] = []): { stop: () => Promise<Record<string, number>> } {
  const counts: Record<string, number> = {};
  const c = new pg.Client({ connectionString: dbUrl });
  let running = true;
  const loop = (async () => {
    await c.connect();
    while (running) {
      const { rows } = await c.query<{ w: string; n: number }>(
        `select coalesce(wait_event_type || ':' || wait_event, state) as w, count(*)::int as n from pg_stat_activity
         where backend_type = 'client backend' and pid <> pg_backend_pid() and pid <> all ($1::int[]) and state <> 'idle' group by 1`, [except]);
      for (const r of rows) counts[r.w] = (counts[r.w] ?? 0) + r.n;
      await new Promise((res) => setTimeout(res, 20));
    }
    await c.end();
  })();
  return { stop: async () => { running = false; await loop; return counts; } };
}

/** One path at one concurrency: `calls` ratings of fresh 办件, checked afterwards in the database. */
export async function measureSubmit(caller: Caller, pool: OpenPool, calls: number, concurrency: number, db: pg.Client, opts: { stop?: () => boolean; pauseMs?: number } = {}): Promise<{ summary: Summary; ids: number[] }> {
  const ids = pool.take(calls);
  const { call, close } = await caller.prepare(ids, concurrency);
  try {
    const res = await runLoad({ total: ids.length, concurrency, call, stop: opts.stop, pauseMs: opts.pauseMs });
    if (res.errors) throw new Error(`${caller.path}: ${res.errors} of ${ids.length} calls failed; first: ${res.firstError}`);
    const done = ids.slice(0, res.latencies.length);
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from app.ratings r join app.transactions t on t.id = r.transaction_id
       where t.id = any ($1::uuid[]) and r.assess_number = 1 and r.validity <> 'superseded' and not r.is_default`,
      [done.map((i) => md5Uuid(`bench-open:${i}`))],
    );
    if (rows[0]!.n !== done.length) throw new Error(`${caller.path}: ${done.length} calls answered but ${rows[0]!.n} ratings stored`);
    return { summary: summarize(res.latencies, res.wallMs), ids: done };
  } finally {
    await close();
  }
}

export async function benchSubmit(stack: Stack, db: pg.Client, pool: OpenPool, calls: number, log: (l: string) => void): Promise<SubmitRow[]> {
  const callers = [apiCaller(stack), apiCaller(stack, true), sqlRpcCaller(stack), sqlInsertCaller(stack)];
  // Warm-up: connections, PostgREST's schema cache, plans.
  for (const c of callers) await measureSubmit(c, pool, 50, 4, db);
  const rows: SubmitRow[] = [];
  for (const concurrency of CONCURRENCY) {
    for (const c of callers) {
      const sampler = sampleWaits(stack.dbUrl);
      const { summary } = await measureSubmit(c, pool, calls, concurrency, db);
      const waits = await sampler.stop();
      log(`  ${c.path.padEnd(10)} ×${String(concurrency).padStart(2)}: ${summary.perSecond.toFixed(0)}/s, p50 ${summary.p50.toFixed(2)} ms, p99 ${summary.p99.toFixed(2)} ms; waits: ${topWaits(waits, 3)}`);
      rows.push({ path: c.path, concurrency, summary, waits });
    }
  }
  return rows;
}
