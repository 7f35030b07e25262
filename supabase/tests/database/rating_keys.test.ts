/**
 * Every key a rating names is checked once per statement instead of by ten row-level foreign
 * keys (issue 16.5: app.check_rating_keys, app.check_changed_rating_keys,
 * app.refuse_orphaned_ratings): the seven it copies (unit, region, hall, window, officer, 事项,
 * platform) and its 办件, its rater and the default it supersedes. The guarantees must stay a
 * foreign key's: a rating naming a row that does not exist is refused with 23503 under the old
 * constraint name, and nothing of its statement is written; a row ratings name can be neither
 * deleted nor re-keyed; a delete racing an insert cannot leave a rating naming a deleted row, in
 * either order (each order forced: the second side provably waits on the first's uncommitted
 * work); and, as with a foreign key, an update that changes no key locks no row it names.
 */
import pg from 'pg';
import { blockedOnLock, connect, type Db, failureWithin, rolledBack } from '../../../tests/support/db.ts';

jest.setTimeout(60_000);

type Q = Db['query'];
interface Refs { region_code: string; unit_id: string; staff_user_id: string; hall_id: string; window_id: string; platform_id: string; matter_id: string }

/** The copied keys: the rating's column, the table it names, that table's key. */
const KEYS = [
  ['unit_id', 'units', 'id'],
  ['region_code', 'regions', 'code'],
  ['hall_id', 'halls', 'id'],
  ['window_id', 'windows', 'id'],
  ['staff_user_id', 'users', 'id'],
  ['matter_id', 'matters', 'id'],
  ['platform_id', 'platforms', 'id'],
] as const;

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

/**
 * A new region, unit, officer, hall, window, platform and 事项 that only the test's ratings name.
 * The window, platform and 事项 need a region, a unit and a hall of their own (`…0`), so that the
 * region, unit and hall a rating names are named by nothing else (a foreign key of those rows would
 * otherwise refuse their deletion first).
 */
async function freshRefs(q: Q, tag: string): Promise<Refs> {
  const one = async (sql: string, params: unknown[]) => (await q(sql, params)).rows[0].id as string;
  const [home, code] = [`539${tag}0`, `539${tag}1`];
  for (const c of [home, code]) await q(`insert into app.regions (code, name, level, parent_code) values ($1, $2, 'county', '530900')`, [c, `测试区${c}`]);
  const homeUnit = await one(`insert into app.units (region_code, name) values ($1, $2) returning id`, [home, `测试单位${tag}0`]);
  const unit = await one(`insert into app.units (region_code, name) values ($1, $2) returning id`, [home, `测试单位${tag}1`]);
  const staff = await one(`insert into app.users default values returning id`, []);
  const homeHall = await one(`insert into app.halls (region_code, name, kind) values ($1, $2, 'hall') returning id`, [home, `测试大厅${tag}0`]);
  const hall = await one(`insert into app.halls (region_code, name, kind) values ($1, $2, 'hall') returning id`, [home, `测试大厅${tag}1`]);
  const window = await one(`insert into app.windows (hall_id, unit_id, name) values ($1, $2, $3) returning id`, [homeHall, homeUnit, `测试窗口${tag}`]);
  const platform = await one(`insert into app.platforms (region_code, kind, name) values ($1, 'mobile', $2) returning id`, [home, `测试平台${tag}`]);
  const matter = await one(`insert into app.matters (code, name, unit_id) values ($1, $2, $3) returning id`, [`TEST-${tag}`, `测试事项${tag}`, homeUnit]);
  return { region_code: code, unit_id: unit, staff_user_id: staff, hall_id: hall, window_id: window, platform_id: platform, matter_id: matter };
}

const VISIT_COLUMNS = 'level, channel, unit_id, region_code, hall_id, window_id, staff_user_id, matter_id, platform_id, visit_day';
const visitRow = (refs: Refs, day: string): unknown[] =>
  [4, 'mobile', refs.unit_id, refs.region_code, refs.hall_id, refs.window_id, refs.staff_user_id, refs.matter_id, refs.platform_id, day];
const placeholders = (row: number): string => `(${Array.from({ length: 10 }, (_, i) => `$${row * 10 + i + 1}`).join(', ')})`;

/** Visit ratings (no 办件, no rater) naming `refs`, one per day given, in one statement. */
function insertArgs(rows: Array<[Refs, string]>): [string, unknown[]] {
  return [`insert into app.ratings (${VISIT_COLUMNS}) values ${rows.map((_, i) => placeholders(i)).join(', ')}`, rows.flatMap(([refs, day]) => visitRow(refs, day))];
}
const insertVisits = (q: Q, rows: Array<[Refs, string]>): Promise<pg.QueryResult> => q(...insertArgs(rows));
const insertVisit = (q: Q, refs: Refs): Promise<pg.QueryResult> => insertVisits(q, [[refs, '2026-01-05']]);

/** A finished 办件 of a seeded unit whose applicant and rater are two new users. */
interface Case { transactionId: string; raterId: string; unitId: string; regionCode: string }
async function freshCase(q: Q): Promise<Case> {
  const { rows: [c] } = await q(
    `with applicant as (insert into app.users default values returning id),
          rater as (insert into app.users default values returning id),
          t as (insert into app.transactions (project_no, matter_id, unit_id, region_code, applicant_user_id, channel, status, accepted_at, finished_at)
                select 'TEST-KEYS-' || gen_random_uuid(), m.id, m.unit_id, u.region_code, (select id from applicant), 'hall_pad', 'finished',
                       now() - interval '3 days', now() - interval '1 day'
                from app.matters m join app.units u on u.id = m.unit_id
                where u.name = '临翔区市场监督管理局' limit 1
                returning id, unit_id, region_code)
     select t.id as "transactionId", (select id from rater) as "raterId", t.unit_id as "unitId", t.region_code as "regionCode" from t`);
  return c as Case;
}
const RATING_COLUMNS = 'transaction_id, level, channel, unit_id, region_code, rater_user_id, supersedes_rating_id';
/** One rating per row given, in one statement: [case, rater, superseded rating]. */
const insertRatings = (q: Q, rows: Array<[Case, string | null, string | null]>): Promise<pg.QueryResult> =>
  q(`insert into app.ratings (${RATING_COLUMNS}) values ${rows.map((_, i) => `(${Array.from({ length: 7 }, (_, j) => `$${i * 7 + j + 1}`).join(', ')})`).join(', ')} returning id`,
    rows.flatMap(([c, rater, superseded]) => [c.transactionId, 4, 'mobile', c.unitId, c.regionCode, rater, superseded]));
/** The default of `c` superseded by its rater's rating (issue 19.4): [default id, rating id]. */
async function supersededDefault(q: Q, c: Case): Promise<[string, string]> {
  const { rows: [d] } = await q(`insert into app.ratings (transaction_id, level, channel, is_default, unit_id, region_code)
                                 values ($1, 3, 'default', true, $2, $3) returning id`, [c.transactionId, c.unitId, c.regionCode]);
  await q(`update app.ratings set validity = 'superseded' where id = $1`, [d.id]);
  const { rows: [r] } = await insertRatings(q, [[c, c.raterId, d.id]]);
  return [d.id, r.id];
}
const MISSING = '00000000-0000-4000-8000-00000000dead';

const countRatings = async (q: Q, refs: Refs): Promise<number> =>
  (await q(`select count(*)::int as n from app.ratings where unit_id = $1`, [refs.unit_id])).rows[0].n;

test('a rating naming rows that exist is written; the same with any one key naming no row is refused as by its foreign key, and nothing of the statement is written', async () => {
  await rolledBack(db, async (q) => {
    const refs = await freshRefs(q, '81');
    await insertVisits(q, [[refs, '2026-01-02']]);
    expect(await countRatings(q, refs)).toBe(1);
    for (const [column] of KEYS) {
      const missing = column === 'region_code' ? '539899' : '00000000-0000-4000-8000-00000000dead';
      // Two rows in one statement, the first good: the whole statement is refused.
      const err = await failureWithin(q, () => q(...insertArgs([[refs, '2026-01-03'], [{ ...refs, [column]: missing }, '2026-01-04']])));
      expect({ column, code: err.code, constraint: err.constraint }).toEqual({ column, code: '23503', constraint: `ratings_${column}_fkey` });
      expect(await countRatings(q, refs)).toBe(1);
    }
  });
});

test('moving a rating to a key that names no row is refused as by its foreign key', async () => {
  await rolledBack(db, async (q) => {
    const refs = await freshRefs(q, '82');
    await insertVisit(q, refs);
    for (const [column] of KEYS) {
      const missing = column === 'region_code' ? '539899' : '00000000-0000-4000-8000-00000000dead';
      const err = await failureWithin(q, () => q(`update app.ratings set ${column} = $1 where window_id = $2`, [missing, refs.window_id]));
      expect({ column, code: err.code, constraint: err.constraint }).toEqual({ column, code: '23503', constraint: `ratings_${column}_fkey` });
    }
    const row = (await q(`select unit_id, region_code, hall_id, window_id, staff_user_id, matter_id, platform_id from app.ratings where window_id = $1`, [refs.window_id])).rows;
    expect(row).toEqual([refs]);
  });
});

test('a row a rating names can be neither deleted nor re-keyed; once no rating names it, it can', async () => {
  await rolledBack(db, async (q) => {
    const refs = await freshRefs(q, '83');
    await insertVisit(q, refs);
    for (const [column, table, key] of KEYS) {
      const deleted = await failureWithin(q, () => q(`delete from app.${table} where ${key} = $1`, [refs[column]]));
      expect({ table, code: deleted.code, constraint: deleted.constraint }).toEqual({ table, code: '23503', constraint: `ratings_${column}_fkey` });
      const newKey = column === 'region_code' ? '539898' : '00000000-0000-4000-8000-00000000beef';
      const rekeyed = await failureWithin(q, () => q(`update app.${table} set ${key} = $1 where ${key} = $2`, [newKey, refs[column]]));
      expect({ table, code: rekeyed.code, constraint: rekeyed.constraint }).toEqual({ table, code: '23503', constraint: `ratings_${column}_fkey` });
    }
    // Renaming is no re-keying.
    await q(`update app.windows set name = name || '（新）' where id = $1`, [refs.window_id]);
    await q(`delete from app.ratings where window_id = $1`, [refs.window_id]);
    await q(`delete from app.matters where id = $1`, [refs.matter_id]);
    await q(`delete from app.platforms where id = $1`, [refs.platform_id]);
    await q(`delete from app.windows where id = $1`, [refs.window_id]);
    await q(`delete from app.halls where id = $1`, [refs.hall_id]);
    await q(`delete from app.users where id = $1`, [refs.staff_user_id]);
    await q(`delete from app.units where id = $1`, [refs.unit_id]);
    await q(`delete from app.regions where code = $1`, [refs.region_code]);
    expect((await q(`select count(*)::int as n from app.windows where id = $1`, [refs.window_id])).rows[0].n).toBe(0);
  });
});

test('a rating naming a 办件, a rater or a superseded rating that does not exist is refused as by its foreign key, and nothing of the statement is written', async () => {
  await rolledBack(db, async (q) => {
    const [good, other] = [await freshCase(q), await freshCase(q)];
    const bad: Array<[string, Array<[Case, string | null, string | null]>]> = [
      ['transaction_id', [[good, good.raterId, null], [{ ...other, transactionId: MISSING }, other.raterId, null]]],
      ['rater_user_id', [[good, good.raterId, null], [other, MISSING, null]]],
      ['supersedes_rating_id', [[good, good.raterId, null], [other, other.raterId, MISSING]]],
    ];
    for (const [column, rows] of bad) {
      const err = await failureWithin(q, () => insertRatings(q, rows));
      expect({ column, code: err.code, constraint: err.constraint }).toEqual({ column, code: '23503', constraint: `ratings_${column}_fkey` });
      const written = await q(`select count(*)::int as n from app.ratings where transaction_id = $1`, [good.transactionId]);
      expect(written.rows[0].n).toBe(0);
    }
    // The same rows naming what exists are written.
    await insertRatings(q, [[good, good.raterId, null]]);
    const moved = await failureWithin(q, () => q(`update app.ratings set transaction_id = $1 where transaction_id = $2`, [MISSING, good.transactionId]));
    const reRated = await failureWithin(q, () => q(`update app.ratings set rater_user_id = $1 where transaction_id = $2`, [MISSING, good.transactionId]));
    expect([moved, reRated].map((e) => [e.code, e.constraint])).toEqual([['23503', 'ratings_transaction_id_fkey'], ['23503', 'ratings_rater_user_id_fkey']]);
  });
});

test('a 办件, a rater or a superseded default that ratings name can be neither deleted nor re-keyed, a superseded rating alone still keeps its 办件; once no rating names them, they can', async () => {
  await rolledBack(db, async (q) => {
    const c = await freshCase(q);
    const [defaultId, ratingId] = await supersededDefault(q, c);
    const refused = async (sql: string, params: unknown[]) => {
      const err = await failureWithin(q, () => q(sql, params));
      return [err.code, err.constraint];
    };
    const NEW_ID = '00000000-0000-4000-8000-00000000beef';
    expect([
      await refused(`delete from app.transactions where id = $1`, [c.transactionId]),
      await refused(`update app.transactions set id = $1 where id = $2`, [NEW_ID, c.transactionId]),
      await refused(`delete from app.users where id = $1`, [c.raterId]),
      await refused(`update app.users set id = $1 where id = $2`, [NEW_ID, c.raterId]),
      await refused(`delete from app.ratings where id = $1`, [defaultId]),
      await refused(`update app.ratings set id = $1 where id = $2`, [NEW_ID, defaultId]),
    ]).toEqual([
      ['23503', 'ratings_transaction_id_fkey'], ['23503', 'ratings_transaction_id_fkey'],
      ['23503', 'ratings_rater_user_id_fkey'], ['23503', 'ratings_rater_user_id_fkey'],
      ['23503', 'ratings_supersedes_rating_id_fkey'], ['23503', 'ratings_supersedes_rating_id_fkey'],
    ]);
    // The rating goes: its rater can go; the superseded default alone still keeps the 办件.
    await q(`delete from app.ratings where id = $1`, [ratingId]);
    await q(`delete from app.users where id = $1`, [c.raterId]);
    expect(await refused(`delete from app.transactions where id = $1`, [c.transactionId])).toEqual(['23503', 'ratings_transaction_id_fkey']);
    await q(`delete from app.ratings where id = $1`, [defaultId]);
    await q(`delete from app.transactions where id = $1`, [c.transactionId]);
    expect((await q(`select count(*)::int as n from app.transactions where id = $1`, [c.transactionId])).rows[0].n).toBe(0);
    // A rating and the default it supersedes deleted in one statement: checked at its end, as a foreign key.
    const d = await freshCase(q);
    await supersededDefault(q, d);
    await q(`delete from app.ratings where transaction_id = $1`, [d.transactionId]);
    expect((await q(`select count(*)::int as n from app.ratings where transaction_id = $1`, [d.transactionId])).rows[0].n).toBe(0);
  });
});

describe('a delete racing a rating, each order forced on two connections', () => {
  let owner: Db;
  let rater: Db;
  let deleter: Db;
  const created: Refs[] = [];
  const cases: Case[] = [];
  const pids = { rater: 0, deleter: 0 };
  beforeAll(async () => {
    [owner, rater, deleter] = [await connect(), await connect(), await connect()];
    // Asked now: a connection blocked on a lock answers nothing until it is released.
    pids.rater = (await rater.query('select pg_backend_pid() as pid')).rows[0].pid;
    pids.deleter = (await deleter.query('select pg_backend_pid() as pid')).rows[0].pid;
  });
  afterAll(async () => {
    try {
      for (const c of cases) {
        const applicant = (await owner.query(`select applicant_user_id as id from app.transactions where id = $1`, [c.transactionId])).rows[0]?.id;
        await owner.query(`delete from app.ratings where transaction_id = $1`, [c.transactionId]);
        await owner.query(`delete from app.transactions where id = $1`, [c.transactionId]);
        await owner.query(`delete from app.users where id = any($1)`, [[c.raterId, applicant].filter(Boolean)]);
      }
      for (const refs of created) {
        const home = `${refs.region_code.slice(0, 5)}0`;
        await owner.query(`delete from app.ratings where unit_id = $1 or window_id = $2`, [refs.unit_id, refs.window_id]);
        await owner.query(`delete from app.matters where id = $1`, [refs.matter_id]);
        await owner.query(`delete from app.platforms where id = $1`, [refs.platform_id]);
        await owner.query(`delete from app.windows where id = $1`, [refs.window_id]);
        await owner.query(`delete from app.halls where region_code = $1`, [home]);
        await owner.query(`delete from app.users where id = $1`, [refs.staff_user_id]);
        await owner.query(`delete from app.units where region_code = $1`, [home]);
        await owner.query(`delete from app.regions where code = any($1)`, [[home, refs.region_code]]);
      }
    } finally {
      await Promise.all([owner.end(), rater.end(), deleter.end()]);
    }
  });

  test('the rating first (uncommitted), the delete waits for it, then is refused; the rating stays and names a row', async () => {
    const refs = await freshRefs(owner.query.bind(owner) as Q, '84');
    created.push(refs);
    await rater.query('begin');
    await insertVisit(rater.query.bind(rater) as Q, refs);
    const deleting = deleter.query(`delete from app.windows where id = $1`, [refs.window_id]).then(() => undefined, (err: { code?: string; constraint?: string }) => err);
    await blockedOnLock(owner, pids.deleter, deleting);
    await rater.query('commit');
    expect(await deleting).toMatchObject({ code: '23503', constraint: 'ratings_window_id_fkey' });
    const left = await owner.query(`select count(*)::int as n from app.ratings r join app.windows w on w.id = r.window_id where r.window_id = $1`, [refs.window_id]);
    expect(left.rows[0].n).toBe(1);
  });

  test('the delete first (uncommitted), the rating waits for it, then is refused; no rating names the deleted row', async () => {
    const refs = await freshRefs(owner.query.bind(owner) as Q, '85');
    created.push(refs);
    await deleter.query('begin');
    await deleter.query(`delete from app.windows where id = $1`, [refs.window_id]);
    const rating = insertVisit(rater.query.bind(rater) as Q, refs).then(() => undefined, (err: { code?: string; constraint?: string }) => err);
    await blockedOnLock(owner, pids.rater, rating);
    await deleter.query('commit');
    expect(await rating).toMatchObject({ code: '23503', constraint: 'ratings_window_id_fkey' });
    const named = await owner.query(`select count(*)::int as n from app.ratings where window_id = $1`, [refs.window_id]);
    expect(named.rows[0].n).toBe(0);
  });
  test('a 办件: the rating first (uncommitted), its delete waits for it, then is refused; the delete first, the rating waits, then is refused', async () => {
    const ownerQ = owner.query.bind(owner) as Q;
    const [kept, gone] = [await freshCase(ownerQ), await freshCase(ownerQ)];
    cases.push(kept, gone);
    await rater.query('begin');
    await insertRatings(rater.query.bind(rater) as Q, [[kept, kept.raterId, null]]);
    const deleting = deleter.query(`delete from app.transactions where id = $1`, [kept.transactionId]).then(() => undefined, (err: { code?: string; constraint?: string }) => err);
    await blockedOnLock(owner, pids.deleter, deleting);
    await rater.query('commit');
    expect(await deleting).toMatchObject({ code: '23503', constraint: 'ratings_transaction_id_fkey' });

    await deleter.query('begin');
    await deleter.query(`delete from app.transactions where id = $1`, [gone.transactionId]);
    const rating = insertRatings(rater.query.bind(rater) as Q, [[gone, gone.raterId, null]]).then(() => undefined, (err: { code?: string; constraint?: string }) => err);
    await blockedOnLock(owner, pids.rater, rating);
    await deleter.query('commit');
    expect(await rating).toMatchObject({ code: '23503', constraint: 'ratings_transaction_id_fkey' });
    const named = await owner.query(`select transaction_id from app.ratings where transaction_id = any($1)`, [[kept.transactionId, gone.transactionId]]);
    expect(named.rows).toEqual([{ transaction_id: kept.transactionId }]);
  });

  test('as with a foreign key, an update that changes no key locks no row the rating names; moving it to another row waits for that row', async () => {
    const refs = await freshRefs(owner.query.bind(owner) as Q, '86');
    created.push(refs);
    await insertVisit(owner.query.bind(owner) as Q, refs);
    const other = (await owner.query(`select id from app.units where name = '测试单位860'`)).rows[0].id as string;
    // The owner holds both units as a delete would (FOR UPDATE conflicts with FOR KEY SHARE).
    await deleter.query('begin');
    await deleter.query(`select 1 from app.units where id = any($1) for update`, [[refs.unit_id, other]]);
    try {
      // Only a lock it must not take could make this wait: then it fails at once instead.
      await rater.query(`set lock_timeout = '5s'`);
      await rater.query(`update app.ratings set level = 5 where window_id = $1`, [refs.window_id]);
      await rater.query(`reset lock_timeout`);
      const moving = rater.query(`update app.ratings set unit_id = $1 where window_id = $2`, [other, refs.window_id]).then(() => undefined, (err: Error) => err);
      await blockedOnLock(owner, pids.rater, moving);
      await deleter.query('commit');
      expect(await moving).toBeUndefined();
    } finally {
      await deleter.query('rollback').catch(() => undefined);
    }
    const row = await owner.query(`select unit_id, level from app.ratings where window_id = $1`, [refs.window_id]);
    expect(row.rows).toEqual([{ unit_id: other, level: 5 }]);
  });
});
