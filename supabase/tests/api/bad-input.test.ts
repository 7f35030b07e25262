/**
 * Bad input against every RPC the API exposes (issue 8): wrong types, huge strings and arrays,
 * characters Postgres cannot store, SQL and script injection, numbers out of range, unknown
 * enum values and other people's ids, as anon, a citizen, an officer and a supervisor.
 * Every answer must be a 4xx with a code, and nothing may be written. The functions are read
 * from the database, so an RPC added later is covered without touching this file.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { PersonaKey } from '../../../shared/personas.ts';
import { client, login } from '../../../tests/support/api.ts';
import { connect, PERSONA_IDS, type Db } from '../../../tests/support/db.ts';

jest.setTimeout(300_000);

interface Rpc { name: string; params: Array<{ name: string; type: string }> }

let db: Db;
let rpcs: Rpc[] = [];
const callers: Array<[string, SupabaseClient]> = [];

/** Job RPCs only the service role may run; the corpus would run them for real, so they are left out here. */
const JOBS = new Set(['apply_default_ratings', 'escalate_overdue', 'due_reminders', 'record_reminder_result']);

/** Tables whose row counts must not move. */
const WATCHED = ['ratings', 'work_orders', 'audit_log', 'appeals', 'transactions', 'users', 'evidence_files', 'message_subscriptions', 'reminder_log'];

beforeAll(async () => {
  db = await connect();
  const { rows } = await db.query<{ name: string; names: string[] | null; types: string[] }>(`
    select p.proname as name, p.proargnames as names,
           array(select format_type(t, null) from unnest(p.proargtypes::oid[]) t) as types
    from pg_proc p
    where p.pronamespace = 'public'::regnamespace and p.prokind = 'f'
      and has_function_privilege('authenticated', p.oid, 'execute')
    order by 1`);
  rpcs = rows
    .filter((r) => !JOBS.has(r.name))
    .map((r) => ({ name: r.name, params: r.types.map((type, i) => ({ name: r.names?.[i] ?? `$${i + 1}`, type })) }));
  callers.push(['anon', client()]);
  for (const p of ['citizen-a', 'staff-linxiang', 'supervisor-fengqing'] as PersonaKey[]) callers.push([p, client((await login(p)).access_token)]);
});
afterAll(() => db.end());

const HUGE = '好'.repeat(100_000);
/** Values no parameter of any type should accept as meaningful. */
const CORPUS: unknown[] = [
  'not-a-valid-anything',
  '',
  HUGE,
  "'; drop table app.ratings; --",
  '<script>alert(1)</script>',
  '\u0000nul',
  '\ud800lone surrogate',
  -1,
  9_223_372_036_854_775_807_000,
  1.5,
  true,
  { nested: { deep: [1, 2, 3] } },
  Array.from({ length: 10_000 }, (_, i) => `x${i}`),
  [null],
  PERSONA_IDS['citizen-b'],
  '00000000-0000-4000-8000-000000000000',
  '9999-12-31',
  '0001-01-01 BC',
];

/** A harmless well-typed value per type: each call sets one parameter bad and the rest to these. */
function baseline(type: string): unknown {
  if (type.endsWith('[]')) return [];
  switch (type) {
    case 'uuid': return '11111111-1111-4111-8111-111111111111';
    case 'integer': case 'smallint': case 'bigint': case 'numeric': return 1;
    case 'boolean': return false;
    case 'date': return '2026-11-02';
    case 'timestamp with time zone': return '2026-11-02T10:00:00+08:00';
    case 'jsonb': case 'json': return {};
    default: return 'x';
  }
}

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of WATCHED) {
    const exists = (await db.query(`select to_regclass($1) is not null as e`, [`app.${t}`])).rows[0].e;
    if (exists) out[t] = (await db.query(`select count(*)::int as n from app.${t}`)).rows[0].n;
  }
  return out;
}

test('the corpus reaches a real list of RPCs', () => {
  expect(rpcs.length).toBeGreaterThan(20);
  expect(rpcs.map((r) => r.name)).toEqual(expect.arrayContaining(['submit_rating', 'verify_work_order', 'stats', 'public_results']));
});

test('every RPC × parameter × bad value × caller: a 4xx with a code, never a 5xx, nothing written', async () => {
  const before = await counts();
  const failures: string[] = [];
  let calls = 0;
  for (const rpc of rpcs) {
    if (rpc.params.length === 0) continue;
    for (const param of rpc.params) {
      for (const value of CORPUS) {
        for (const [who, c] of callers) {
          const args = Object.fromEntries(rpc.params.map((p) => [p.name, p === param ? value : baseline(p.type)]));
          const res = await c.rpc(rpc.name, args);
          calls++;
          const ok = res.status >= 400 && res.status < 500 && typeof res.error?.code === 'string' && res.error.code.length > 0;
          // A list that answers an empty result for a value it cannot match is fine too (no write).
          const harmlessRead = res.status === 200 && Array.isArray(res.data) && res.data.length === 0;
          if (!ok && !harmlessRead) {
            failures.push(`${who} ${rpc.name}(${param.name}: ${JSON.stringify(value).slice(0, 40)}) → ${res.status} ${JSON.stringify(res.error ?? res.data).slice(0, 160)}`);
          }
        }
      }
    }
  }
  expect(calls).toBeGreaterThan(1000);
  expect(failures).toEqual([]);
  expect(await counts()).toEqual(before);
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
  const { stackEnv } = await import('../../../tests/support/env.ts');
  const { signJwt } = await import('../../../scripts/stack/keys.ts');
  return signJwt(new SignJWT({ role: 'authenticated', aud: 'authenticated' })
    .setSubject(PERSONA_IDS['citizen-a'])
    .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
    .setExpirationTime(Math.floor(Date.now() / 1000) - 3600), stackEnv.jwtSecret);
}
