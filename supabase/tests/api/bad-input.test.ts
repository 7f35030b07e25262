/**
 * Bad input that reaches the value (issue 8, issue 20.3). Every function of `public` has a valid
 * base call with a caller who may make it (bad-input-bases.ts: a persona, or the service role as
 * the edge functions call it). A test per function proves the base call is accepted, then varies
 * ONE argument at a time through a corpus chosen by the parameter's type (wrong types, huge, NUL,
 * lone surrogates, injection, out of range, unknown enum values, other people's ids), through
 * PostgREST as a client calls it, and asserts: a 4xx with a code (never a 5xx, never a refusal
 * that only says the function was not found), or a documented refusal in the answer; and that no
 * row of any app table changed (a checksum of every table, so UPDATEs show).
 *
 * Base calls of functions that write are not executed for real: they run once in a rolled-back
 * transaction as the same role and JWT claims PostgREST would set (the variants then meet the
 * same state); read-only functions are called through PostgREST. Variants run against fresh
 * fixtures (bad-input-bases.ts), so a variant wrongly accepted would change only those.
 *
 * The stack's scheduler (apply_default_ratings every 10 min, escalate_overdue hourly, …) writes
 * app tables on its own. The checksums would see that, so this file holds it off: it locks
 * cron.job, which the scheduler reads before starting any job (scripts/stack/scheduler.ts), waits
 * for a run in progress to finish, and releases the lock when done (a closed connection releases
 * it too). No table is left out of the checksum.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { PERSONA_KEYS } from '../../../shared/personas.ts';
import { client, login } from '../../../tests/support/api.ts';
import { anon, appFingerprint, as, connect, holdScheduler, PERSONA_IDS, serviceRole, user, type Actor, type Db } from '../../../tests/support/db.ts';
import { stackEnv } from '../../../tests/support/env.ts';
import { FUNCTION_ACCESS } from './access-map.ts';
import { bases, HUGE_MARK, makeFixtures, NO_BASE, undoFixtures, type Base, type BaseCaller, type Ctx } from './bad-input-bases.ts';

jest.setTimeout(300_000);

interface Param { name: string; type: string; required: boolean }
interface Fn { name: string; params: Param[]; volatile: boolean; returnsSet: boolean }

let db: Db;
let hold: Db;
let ctx: Ctx;
let B: Record<string, Base> = {};
const catalogue = new Map<string, Fn>();
const clients: Record<string, SupabaseClient> = {};
/** Functions whose base call ran before the scheduler was held (they read cron.job). */
const beforeHold = new Map<string, { status: number; error: unknown }>();
const READS_CRON_JOB = new Set(['deploy_status', 'system_status']);

const callerOf = (who: BaseCaller): SupabaseClient => clients[who]!;
const actorOf = (who: BaseCaller): Actor => who === 'service' ? serviceRole : who === 'anon' ? anon : user(PERSONA_IDS[who]);

beforeAll(async () => {
  db = await connect();
  const { rows } = await db.query<{ name: string; names: string[] | null; types: string[]; ndefaults: number; volatile: boolean; returns_set: boolean }>(`
    select p.proname as name, p.proargnames as names, p.pronargdefaults as ndefaults, p.provolatile = 'v' as volatile, p.proretset as returns_set,
           array(select format_type(t, null) from unnest(p.proargtypes::oid[]) t) as types
    from pg_proc p
    where p.pronamespace = 'public'::regnamespace and p.prokind = 'f'
    order by 1`);
  for (const r of rows) {
    catalogue.set(r.name, {
      name: r.name, volatile: r.volatile, returnsSet: r.returns_set,
      params: r.types.map((type, i) => ({ name: r.names?.[i] ?? `$${i + 1}`, type, required: i < r.types.length - r.ndefaults })),
    });
  }
  clients.anon = client();
  clients.service = client(stackEnv.serviceRoleKey);
  for (const p of PERSONA_KEYS) clients[p] = client((await login(p)).access_token);
  ctx = await makeFixtures(db, clients);
  B = bases(ctx);
  for (const name of READS_CRON_JOB) {
    const res = await callerOf(B[name]!.who).rpc(name, B[name]!.args);
    beforeHold.set(name, { status: res.status, error: res.error });
  }
  hold = await holdScheduler();
});
afterAll(async () => {
  await hold?.query('rollback').catch(() => undefined);
  await hold?.end();
  if (ctx) await undoFixtures(ctx);
  await db?.end();
});

const HUGE = '好'.repeat(20_000);
const NUL = 'a\u0000b';
const SURROGATE = '\ud800x';
const SQLI = "'; drop table app.ratings; --";
const XSS = '<script>alert(1)</script>';
const NIL = '00000000-0000-4000-8000-000000000000';
const OBJ = { nested: { deep: [1, 2, 3] } };
const MANY = (v: unknown) => Array.from({ length: 10_000 }, () => v);
let deep: unknown = 1;
for (let i = 0; i < 200; i++) deep = [deep];
const DEEP = deep;

/** Bad values by parameter type (and, for text, what it means: bad-input-bases.ts TextKind). */
function corpus(p: Param, base: Base): unknown[] {
  const kind = base.kinds?.[p.name];
  const t = p.type;
  let values: unknown[];
  if (t === 'text' && kind) values = [HUGE, NUL, SURROGATE, ...(kind === 'required-free' ? ['', '   '] : [])];
  else if (t === 'text') values = ['', 'not-a-valid-anything', SQLI, XSS, HUGE, NUL, SURROGATE, 42, true, OBJ];
  else if (t === 'uuid') values = ['not-a-uuid', '', SQLI, NUL, 42, OBJ, ['x'], NIL];
  else if (t === 'integer' || t === 'smallint') values = ['abc', 1.5, 1e21, -1, 2_147_483_648, true, OBJ];
  else if (t === 'bigint') values = ['abc', 1.5, 1e21, -1, true, NIL];
  else if (t === 'numeric') values = ['abc', -1, 1e21, 'NaN', 'Infinity', true];
  else if (t === 'boolean') values = ['maybe', 2, OBJ, ''];
  else if (t === 'date') values = ['not-a-date', '2026-02-30', '', 42, 'infinity', '-infinity', '0001-01-01 BC', '99999-12-31'];
  else if (t === 'timestamp with time zone') values = ['not-a-time', '', 42, 'infinity', '0001-01-01 BC', SQLI];
  else if (t === 'text[]') values = ['not-an-array', [HUGE], MANY('x'), [null], [SQLI], [NUL], [OBJ]];
  else if (t === 'uuid[]') values = ['not-an-array', ['not-a-uuid'], [NIL], MANY(NIL), [null]];
  else if (t === 'jsonb' || t === 'json') values = ['x', 42, null, {}, [], [{}], [42], DEEP, MANY({ a: 1 })];
  else throw new Error(`no corpus for type ${t} (${p.name})`);
  if (p.required) values.push(null);
  values.push(...(base.others?.[p.name] ?? []));
  const valid = (base.valid?.[p.name]?.values ?? []).map((x) => (x === HUGE_MARK ? HUGE : x));
  return values.filter((v) => !valid.some((x) => JSON.stringify(x) === JSON.stringify(v)));
}

const PG_TYPES: Record<string, string> = { 'timestamp with time zone': 'timestamptz' };

/** The base call of a function that writes: as its caller, in a transaction that is rolled back. */
async function baseInRollback(fn: Fn, base: Base): Promise<unknown> {
  const names = Object.keys(base.args);
  const args = names.map((n, i) => {
    const p = fn.params.find((x) => x.name === n);
    if (!p) throw new Error(`${fn.name} has no parameter ${n}`);
    return `${n} => $${i + 1}::${PG_TYPES[p.type] ?? p.type}`;
  });
  const values = names.map((n) => {
    const v = base.args[n];
    const p = fn.params.find((x) => x.name === n)!;
    return (p.type === 'jsonb' || p.type === 'json') && v !== null ? JSON.stringify(v) : v;
  });
  const rows = await as(db, actorOf(base.who), async (q) => {
    if (base.setup) await q(base.setup);
    return (await q(`select * from public.${fn.name}(${args.join(', ')})`, values)).rows as Array<Record<string, unknown>>;
  });
  // A function returning one value answers it alone through PostgREST.
  return fn.returnsSet ? rows : rows[0]?.[fn.name];
}

type Answer = { status: number; data: unknown; error: { code?: string; message?: string } | null };

/** Why an answer to a bad value is wrong, or null when it is a proper refusal. */
function problem(res: Answer, fn: Fn, base: Base): string | null {
  if (res.status >= 500) return 'a 5xx';
  if (res.status >= 400) {
    const code = res.error?.code;
    if (typeof code !== 'string' || code.length === 0) return 'a 4xx without a code';
    // The function was not found with these argument names: the value never reached it.
    if (code === 'PGRST202' || code === 'PGRST203') return `not found by PostgREST (${code})`;
    return null;
  }
  if (base.refusedInBand?.(res.data)) return null;
  // A read that finds nothing for a value it cannot match writes nothing and tells nothing.
  if (!fn.volatile && (res.data === null || (Array.isArray(res.data) && res.data.length === 0))) return null;
  return 'accepted';
}

const show = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}…(${s.length})` : s;
};

test('every function of public has a valid base call here, by a caller its grant allows', () => {
  const names = [...catalogue.keys()];
  expect(names.length).toBeGreaterThan(90);
  const missing = names.filter((n) => !B[n] && !NO_BASE[n]);
  const stale = Object.keys(B).filter((n) => !catalogue.has(n));
  expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  const wrongCaller = Object.entries(B).filter(([n, b]) => {
    const grant = FUNCTION_ACCESS[n];
    return b.who === 'service' ? grant !== 'service' : b.who === 'anon' ? grant !== 'anon' : grant === 'service';
  }).map(([n, b]) => `${n}: ${b.who} but the grant is ${FUNCTION_ACCESS[n]}`);
  expect(wrongCaller).toEqual([]);
  for (const [n, b] of Object.entries(B)) {
    const fn = catalogue.get(n)!;
    // Every required parameter is in the base call, and nothing else.
    expect({ n, missing: fn.params.filter((p) => p.required && !(p.name in b.args)).map((p) => p.name) }).toEqual({ n, missing: [] });
    expect({ n, unknown: Object.keys(b.args).filter((a) => !fn.params.some((p) => p.name === a)) }).toEqual({ n, unknown: [] });
  }
});

describe('each function: the base call is accepted; each argument varied alone through the corpus is refused with a 4xx and a code; nothing changed', () => {
  // The names are known only after beforeAll: one test per access-map entry (the map equals the catalogue: access-matrix.test.ts).
  test.each(Object.keys(FUNCTION_ACCESS).sort())('%s', async (name) => {
    const fn = catalogue.get(name);
    const base = B[name];
    if (!fn) throw new Error(`${name} is in the access map but not in the catalogue`);
    if (!base) throw new Error(`${name} has no base call: ${NO_BASE[name] ?? 'add one to bad-input-bases.ts'}`);
    const c = callerOf(base.who);

    // 1. The base call is accepted.
    if (beforeHold.has(name)) {
      expect({ name, ...beforeHold.get(name) }).toEqual({ name, status: 200, error: null });
    } else if (fn.volatile) {
      const answer = await baseInRollback(fn, base);
      // Accepted, not refused in its answer (the ingest RPCs' rejected items, a refused bind).
      expect({ name, refusedInBand: base.refusedInBand?.(answer) ?? false }).toEqual({ name, refusedInBand: false });
    } else {
      const res = await c.rpc(name, base.args);
      expect({ name, status: res.status, error: res.error }).toEqual({ name, status: 200, error: null });
      expect({ name, refusedInBand: base.refusedInBand?.(res.data) ?? false }).toEqual({ name, refusedInBand: false });
    }

    // 2. One argument at a time, through PostgREST as the caller.
    const before = fn.volatile ? await appFingerprint(db) : undefined;
    const failures: string[] = [];
    let calls = 0;
    for (const p of fn.params) {
      if (base.skip?.[p.name]) continue;
      for (const value of corpus(p, base)) {
        const args = { ...base.args, ...base.perCall?.(), [p.name]: value };
        const res = (await c.rpc(name, args)) as Answer;
        calls++;
        const why = problem(res, fn, base);
        if (why) failures.push(`${p.name}: ${show(value)} → ${why}: ${res.status} ${show(res.error ?? res.data)}`);
      }
    }
    expect(failures).toEqual([]);
    if (fn.params.length > 0 && fn.params.some((p) => !base.skip?.[p.name])) expect(calls).toBeGreaterThan(0);
    if (before) {
      const after = await appFingerprint(db);
      const changed = Object.keys(before).filter((t) => before[t] !== after[t] && !base.inBandWrites?.tables.includes(t));
      expect({ name, changed }).toEqual({ name, changed: [] });
    }
  });
});

test('forged and expired tokens are refused with 401 before any RPC runs', async () => {
  const forged = client('eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.invalid-signature');
  const expired = client(await expiredToken());
  for (const c of [forged, expired]) {
    const res = await c.rpc('my_ratings');
    expect(res.status).toBe(401);
    expect(res.error?.code).toEqual(expect.any(String));
  }
});

async function expiredToken(): Promise<string> {
  const { SignJWT } = await import('jose');
  const { signJwt } = await import('../../../scripts/stack/keys.ts');
  return signJwt(new SignJWT({ role: 'authenticated', aud: 'authenticated' })
    .setSubject(PERSONA_IDS['citizen-a'])
    .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
    .setExpirationTime(Math.floor(Date.now() / 1000) - 3600), stackEnv.jwtSecret);
}
