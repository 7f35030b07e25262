/**
 * Acting as an API role inside the real database: each `as*` call runs in a transaction that
 * sets the role and the JWT claims PostgREST would set, and is always rolled back.
 */
import pg from 'pg';
import { stackEnv } from './env.ts';

export type Db = pg.Client;

export async function connect(): Promise<Db> {
  const client = new pg.Client({ connectionString: stackEnv.dbUrl });
  await client.connect();
  return client;
}

export interface Actor {
  role: 'anon' | 'authenticated' | 'service_role';
  /** JWT `sub` for authenticated users. */
  sub?: string;
}

export const anon: Actor = { role: 'anon' };
export const serviceRole: Actor = { role: 'service_role' };
export const user = (sub: string): Actor => ({ role: 'authenticated', sub });

/** Runs `work` as `actor` and rolls everything back, whatever happens. */
export async function as<T>(db: Db, actor: Actor, work: (q: Db['query']) => Promise<T>): Promise<T> {
  await db.query('begin');
  try {
    const claims = { role: actor.role, ...(actor.sub ? { sub: actor.sub } : {}) };
    await db.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims)]);
    await db.query(`set local role ${actor.role}`);
    return await work(db.query.bind(db) as Db['query']);
  } finally {
    await db.query('rollback');
  }
}

/** Runs `work` as the connection's own role (the owner) and rolls everything back, whatever happens. */
export async function rolledBack<T>(db: Db, work: (q: Db['query']) => Promise<T>): Promise<T> {
  await db.query('begin');
  try {
    return await work(db.query.bind(db) as Db['query']);
  } finally {
    await db.query('rollback');
  }
}

/** The error a query fails with, or a failure if it succeeds. */
export async function failure(promise: Promise<unknown>): Promise<{ code?: string; message: string; hint?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { code?: string; message: string; hint?: string };
  }
  throw new Error('expected the query to fail, but it succeeded');
}

/**
 * The error `run` fails with inside an open transaction, which goes on afterwards: a savepoint
 * before, rolled back to after (a failed statement would otherwise abort the transaction).
 */
export async function failureWithin(q: Db['query'], run: () => Promise<unknown>): Promise<{ code?: string; constraint?: string; message: string; hint?: string }> {
  await q('savepoint failure_within');
  const err = await failure(run());
  await q('rollback to savepoint failure_within');
  return err;
}

/**
 * Resolves once the backend `pid` is blocked on a lock (another connection's uncommitted work),
 * as `observer` sees it; fails if its call `pending` finished without ever waiting.
 */
export async function blockedOnLock(observer: Db, pid: number, pending: Promise<unknown>): Promise<void> {
  let settled = false;
  void pending.then(() => { settled = true; }, () => { settled = true; });
  for (;;) {
    const { rows } = await observer.query(`select wait_event_type from pg_stat_activity where pid = $1`, [pid]);
    if (rows[0]?.wait_event_type === 'Lock') return;
    if (settled) throw new Error('the second side finished without waiting for the first side');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The business code of an error: app.raise_error's PostgREST error (PGRST) carries it in JSON. */
export const codeOf = (err: { code?: string; message: string }): string | undefined =>
  err.code === 'PGRST' ? JSON.parse(err.message).code : err.code;

/** Seeded persona ids (supabase/seed.sql). */
export const PERSONA_IDS = {
  'citizen-a': '00000000-0000-4000-8000-000000000a01',
  'citizen-b': '00000000-0000-4000-8000-000000000a02',
  'citizen-anon': '00000000-0000-4000-8000-000000000a03',
  'staff-linxiang': '00000000-0000-4000-8000-000000000b01',
  'unit-admin-linxiang': '00000000-0000-4000-8000-000000000b02',
  'staff-fengqing': '00000000-0000-4000-8000-000000000b03',
  'supervisor-city': '00000000-0000-4000-8000-000000000c01',
  'supervisor-fengqing': '00000000-0000-4000-8000-000000000c02',
} as const;

/**
 * A fingerprint of the rows a query returns: their count and an md5 over the rows as text in a
 * stable order. Equal before and after a refused call means nothing there was inserted, updated
 * or deleted (a row count would miss an UPDATE). Scope the query to what the call could touch:
 * the stack's scheduled jobs (the default rating, escalation) may write elsewhere meanwhile.
 */
export async function rowsFingerprint(db: Db, sql: string, params: unknown[] = []): Promise<string> {
  const { rows } = await db.query<{ sum: string }>(`select ${fingerprintOf('t')} as sum from (${sql}) t`, params);
  return rows[0]!.sum;
}

/** SQL: `<count>:<md5 of the rows as text in a stable order>` of the rows aliased `alias`. */
const fingerprintOf = (alias: string) =>
  `count(*)::int || ':' || md5(coalesce(string_agg(${alias}::text, E'\\n' order by ${alias}::text), ''))`;

/**
 * rowsFingerprint of every table of the app schema (all rows, in a stable order), by table, in
 * one round trip: equal before and after means no row anywhere was inserted, updated or deleted.
 * `except` leaves out tables a caller knows are written meanwhile by something else.
 */
export async function appFingerprint(db: Db, except: readonly string[] = []): Promise<Record<string, string>> {
  const { rows: tables } = await db.query<{ t: string }>(
    `select c.relname as t from pg_class c where c.relnamespace = 'app'::regnamespace and c.relkind in ('r', 'p') order by 1`);
  const parts = tables.filter(({ t }) => !except.includes(t)).map(({ t }) =>
    `select ${pgLiteral(t)} as t, ${fingerprintOf('x')} as sum from app.${pgIdent(t)} x`);
  const { rows } = await db.query<{ t: string; sum: string }>(parts.join(' union all '));
  return Object.fromEntries(rows.map((r) => [r.t, r.sum]));
}

const pgIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const pgLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Holds the stack's scheduler off until the returned connection rolls back or ends: it locks
 * cron.job, which the scheduler reads before starting any job (scripts/stack/scheduler.ts), so
 * no job starts meanwhile, and waits for a run already going to finish. Tests that checksum
 * every app table (appFingerprint) take it so that a scheduled job's writes never show.
 */
export async function holdScheduler(): Promise<Db> {
  const c = await connect();
  await c.query(`set lock_timeout = '30s'`);
  await c.query('begin');
  await c.query('lock table cron.job in access exclusive mode');
  // A tick that read cron.job just before the lock may be starting its job: let it book the run.
  await new Promise((r) => setTimeout(r, 1500));
  for (let i = 0; ; i++) {
    // Each statement reads committed state afresh (read committed), inside the lock's transaction too.
    const { rows } = await c.query<{ n: number }>(`select count(*)::int as n from cron.job_run_details where status = 'running'`);
    if (rows[0]!.n === 0) break;
    if (i > 120) throw new Error('a scheduled job has been running for over a minute');
    await new Promise((r) => setTimeout(r, 500));
  }
  return c;
}
