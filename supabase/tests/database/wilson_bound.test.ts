/**
 * Issue 16.2 in the database: app.wilson_lower_bound, the bound every ranking orders by, is the
 * twin of wilsonLowerBound in shared/metrics.ts: the same values (within 1e-9) on seeded random
 * counts and on the edges (0, all, n = 1, very large n), the same default z, null without ratings,
 * and the same refusal of impossible counts. It is immutable (usable in indexes and plans) and no
 * API role may call it directly.
 */
import { WILSON_Z, wilsonLowerBound } from '../../../shared/metrics.ts';
import { connect, type Db, failure } from '../../../tests/support/db.ts';
import { seededRandom } from '../../../tests/support/random.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

const SEEDS = (process.env.HCP_PROPERTY_SEEDS ?? '11,23,37').split(',').map(Number);

async function sqlBounds(pairs: ReadonlyArray<readonly [number, number]>, z?: number): Promise<Array<number | null>> {
  const { rows } = await db.query(
    z === undefined
      ? `select app.wilson_lower_bound(s, n) as v from unnest($1::bigint[], $2::bigint[]) with ordinality x (s, n, ord) order by ord`
      : `select app.wilson_lower_bound(s, n, $3) as v from unnest($1::bigint[], $2::bigint[]) with ordinality x (s, n, ord) order by ord`,
    z === undefined ? [pairs.map((p) => p[0]), pairs.map((p) => p[1])] : [pairs.map((p) => p[0]), pairs.map((p) => p[1]), z]);
  return rows.map((r) => r.v);
}

test.each(SEEDS)('seed %i: SQL and shared/metrics.ts give the same Wilson bound on a few hundred counts and the edges', async (seed) => {
  const rnd = seededRandom(seed);
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < 400; i++) {
    // Sizes from 1 to ~10 million, skewed small (as windows are); rates anywhere, often near 0 or 1.
    const n = 1 + Math.floor(rnd() ** 4 * 10_000_000);
    const r = rnd() < 0.2 ? rnd() ** 6 : rnd() < 0.25 ? 1 - rnd() ** 6 : rnd();
    pairs.push([Math.min(n, Math.floor(r * (n + 1))), n]);
  }
  pairs.push([0, 1], [1, 1], [0, 2], [2, 2], [1, 2], [0, 10], [10, 10], [5, 10], [0, 1_000_000_000], [1, 1_000_000_000],
    [999_999_999, 1_000_000_000], [1_000_000_000, 1_000_000_000], [4_000_000_000, 9_000_000_000]);
  const sql = await sqlBounds(pairs);
  for (const [i, [s, n]] of pairs.entries()) {
    const ts = wilsonLowerBound(s, n)!;
    const got = sql[i]!;
    expect({ seed, s, n, ok: Math.abs(got - ts) <= 1e-9, inRange: got >= 0 && got <= s / n })
      .toEqual({ seed, s, n, ok: true, inRange: true });
  }
  // Another z (the argument is honoured the same way on both sides).
  const some = pairs.slice(0, 50);
  const z95 = await sqlBounds(some, 1.959963984540054);
  for (const [i, [s, n]] of some.entries()) expect(Math.abs(z95[i]! - wilsonLowerBound(s, n, 1.959963984540054)!)).toBeLessThanOrEqual(1e-9);
});

test('the default z is WILSON_Z; no ratings give null; impossible counts are refused (22003)', async () => {
  const { rows } = await db.query(`select app.wilson_lower_bound(7, 9) as d, app.wilson_lower_bound(7, 9, $1) as z, app.wilson_lower_bound(0, 0) as empty, app.wilson_lower_bound(null, 5) as nul`, [WILSON_Z]);
  expect(rows[0]).toMatchObject({ d: rows[0].z, empty: null, nul: null });
  expect(Math.abs(rows[0].d - wilsonLowerBound(7, 9)!)).toBeLessThanOrEqual(1e-12);
  for (const [s, n, z] of [[3, 2, WILSON_Z], [-1, 2, WILSON_Z], [1, -1, WILSON_Z], [1, 2, -1]] as const) {
    const e = await failure(db.query('select app.wilson_lower_bound($1, $2, $3)', [s, n, z]));
    expect({ s, n, z, code: e.code }).toEqual({ s, n, z, code: '22003' });
  }
});

test('immutable, and not callable by anon or authenticated', async () => {
  const { rows } = await db.query(`
    select p.provolatile as volatile, p.proisstrict as strict,
           has_function_privilege('anon', p.oid, 'execute') as anon, has_function_privilege('authenticated', p.oid, 'execute') as auth
    from pg_proc p where p.oid = 'app.wilson_lower_bound(bigint, bigint, double precision)'::regprocedure`);
  expect(rows[0]).toEqual({ volatile: 'i', strict: true, anon: false, auth: false });
});
