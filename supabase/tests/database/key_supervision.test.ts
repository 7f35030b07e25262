/**
 * R19 重点监督 counts distinct raters (issue 13.6): one account's 差评 day after day is one voice,
 * not a concentration. Everything here is rolled back.
 */
import { connect, type Db, PERSONA_IDS, rolledBack } from '../../../tests/support/db.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

type Q = Db['query'];
const FENGQING_UNIT = `(select id from app.units where name = '凤庆县市场监督管理局')`;

/** Acts as `userId` for the rest of the transaction (claims and role are local to it). */
async function actAs(q: Q, userId: string): Promise<void> {
  await q('reset role');
  await q(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: 'authenticated', sub: userId })]);
  await q('set local role authenticated');
}

/** A QR 差评 of staff-fengqing's window naming them, by `userId`, `daysAgo` days back. */
async function badVisit(q: Q, userId: string, daysAgo: number): Promise<void> {
  const window = (await q(`select window_id from app.staff_assignments where user_id = $1 and unit_id = ${FENGQING_UNIT} and window_id is not null limit 1`,
    [PERSONA_IDS['staff-fengqing']])).rows[0].window_id;
  await actAs(q, userId);
  const { rows } = await q(`select * from public.submit_visit_rating($1, $2, 1, '{108}', null, false, $3)`,
    [window, PERSONA_IDS['staff-fengqing'], `r19-${userId}-${daysAgo}`]);
  await q('reset role');
  // Moved back in time as if given that day (one visit rating per window per day).
  await q(`update app.ratings set rated_at = rated_at - make_interval(days => $2), visit_day = visit_day - $2 where id = $1`, [rows[0].id, daysAgo]);
}

async function listedOfficer(q: Q): Promise<{ bad_count: number; rater_count: number } | undefined> {
  await actAs(q, PERSONA_IDS['supervisor-city']);
  const { rows } = await q(`select bad_count::int, rater_count::int from public.key_supervision_list() where object_type = 'officer' and object_id = $1`, [PERSONA_IDS['staff-fengqing']]);
  await q('reset role');
  return rows[0];
}

test('three days of 差评 from one account do not put an officer on 重点监督; three raters do', async () => {
  await rolledBack(db, async (q) => {
    // Nothing else concentrates on this officer in the seed.
    expect(await listedOfficer(q)).toBeUndefined();
    for (const daysAgo of [2, 1, 0]) await badVisit(q, PERSONA_IDS['citizen-a'], daysAgo);
    expect(await listedOfficer(q)).toBeUndefined();
    await badVisit(q, PERSONA_IDS['citizen-b'], 0);
    expect(await listedOfficer(q)).toBeUndefined();
    await badVisit(q, PERSONA_IDS['citizen-anon'], 0);
    expect(await listedOfficer(q)).toEqual({ bad_count: 5, rater_count: 3 });
  });
});
