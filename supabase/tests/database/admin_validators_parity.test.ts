/**
 * The desk's form checks (shared/admin-org.ts) and the database's (admin_save_unit / hall / window
 * / matter) accept exactly the same names: seeded random names with Unicode and full-width spaces,
 * full-width digits and lengths at every limit go through both. The database trimmed with btrim
 * (ASCII spaces only) while shared/ trims with String.prototype.trim, so "　甲　" was one character
 * to the form and three to the server. Everything is rolled back.
 */
import { hallProblem, matterProblem, unitProblem, windowProblem } from '../../../shared/admin-org.ts';
import { as, connect, type Db, PERSONA_IDS, user } from '../../../tests/support/db.ts';
import { seededRandom } from '../../../tests/support/random.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

const PIECES = ['甲', '临', 'A', 'z', '１', '·', ' ', '\u3000', '\u00a0', '\t', '\n', '\ufeff', '\u2028', '\u200b'];
const SPACES = [' ', '\u3000', '\u00a0', '\t', '\ufeff'];
const LENGTHS = [0, 1, 2, 3, 59, 60, 61, 99, 100, 101, 199, 200, 201];

/** Names around every limit, padded with white space of every kind, from one seed. */
function names(seed: number, n: number): string[] {
  const next = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  return Array.from({ length: n }, () => {
    const core = Array.from({ length: pick(LENGTHS) }, () => (next() < 0.8 ? pick(['甲', '临', 'A', '１']) : pick(PIECES))).join('');
    const pad = () => Array.from({ length: Math.floor(next() * 3) }, () => pick(SPACES)).join('');
    return pad() + core + pad();
  });
}

type Q = Db['query'];
/** Whether the call passes the name (or address) check: it saves, or fails only as a duplicate. */
async function sqlAccepts(q: Q, sql: string, params: unknown[], field: string): Promise<boolean> {
  await q('savepoint v');
  try {
    await q(sql, params);
    return true;
  } catch (err) {
    const body = JSON.parse((err as Error).message) as { code: string; details: string };
    if (body.code === 'invalid_input' && body.details === 'duplicate') return true;
    if (body.code === 'invalid_input' && body.details === field) return false;
    throw err;
  } finally {
    await q('rollback to savepoint v');
  }
}

test('unit, hall, window and 事项 names, and hall addresses: the form and the database agree on 1,200 seeded random values', async () => {
  const unitLX = (await db.query(`select id from app.units where name = '临翔区市场监督管理局'`)).rows[0].id;
  const hallLX = (await db.query(`select hall_id from app.windows where unit_id = $1 limit 1`, [unitLX])).rows[0].hall_id;
  const disagree: string[] = [];
  let refusedBoth = 0;
  await as(db, user(PERSONA_IDS['supervisor-city']), async (q) => {
    const cases: Array<[string, (v: string) => boolean, (v: string) => Promise<boolean>]> = [
      ['unit', (v) => unitProblem(v, '') === null,
        (v) => sqlAccepts(q, `select public.admin_save_unit(null, '530902', $1, null)`, [v], 'p_name')],
      ['hall', (v) => hallProblem(v, 'station', '测试路 1 号') === null,
        (v) => sqlAccepts(q, `select public.admin_save_hall(null, '530902', $1, 'station', '测试路 1 号')`, [v], 'p_name')],
      ['window', (v) => windowProblem(v, unitLX) === null,
        (v) => sqlAccepts(q, `select public.admin_save_window(null, $2, $3, $1)`, [v, hallLX, unitLX], 'p_name')],
      ['matter', (v) => matterProblem('PT-0001', v, '20', ['mobile']) === null,
        (v) => sqlAccepts(q, `select public.admin_save_matter(null, $2, 'PT-PARITY-0001', $1, 20, '{mobile}')`, [v, unitLX], 'p_name')],
      ['address', (v) => hallProblem('测试便民服务站', 'station', v) === null,
        (v) => sqlAccepts(q, `select public.admin_save_hall(null, '530902', '测试便民服务站', 'station', $1)`, [v], 'p_address')],
    ];
    for (const [i, [what, form, database]] of cases.entries()) {
      for (const v of names(20261204 + i, 240)) {
        const [f, d] = [form(v), await database(v)];
        if (f !== d) disagree.push(`${what} ${JSON.stringify(v).slice(0, 40)}…: form ${f ? 'accepts' : 'refuses'}, database ${d ? 'accepts' : 'refuses'}`);
        if (!f && !d) refusedBoth++;
      }
    }
  });
  expect(disagree).toEqual([]);
  // Not vacuous: both sides refused some and accepted others.
  expect(refusedBoth).toBeGreaterThan(50);
  expect(refusedBoth).toBeLessThan(1100);
});

test('a name of one character between full-width spaces is one character on both sides', async () => {
  expect(unitProblem('\u3000甲\u3000', '')).not.toBeNull();
  const err = await as(db, user(PERSONA_IDS['supervisor-city']), (q) =>
    q(`select public.admin_save_unit(null, '530902', '\u3000甲\u3000', null)`).then(() => null, (e: Error) => JSON.parse(e.message)));
  expect(err).toMatchObject({ code: 'invalid_input', details: 'p_name' });
});
