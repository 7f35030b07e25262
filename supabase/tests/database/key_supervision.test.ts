/**
 * R19 重点监督 counts distinct raters (issue 13.6): one account's 差评 day after day is one voice,
 * not a concentration. Issue 16.2: each listed officer or window comes with its 30-day rating count,
 * 差评率 and the Wilson lower bound of it, and the list runs by that bound (most confidently bad
 * first), not by the number of 差评. Everything here is rolled back.
 */
import { rate, wilsonLowerBound } from '../../../shared/metrics.ts';
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

async function list(q: Q): Promise<Array<Record<string, any>>> {
  await actAs(q, PERSONA_IDS['supervisor-city']);
  const { rows } = await q(`select * from public.key_supervision_list()`);
  await q('reset role');
  return rows;
}

test('issue 16.2: the list shows n, the 差评率 and its Wilson bound, and runs by the bound, not by the number of 差评', async () => {
  await rolledBack(db, async (q) => {
    const window = (await q(`select window_id from app.staff_assignments where user_id = $1 and unit_id = ${FENGQING_UNIT} and window_id is not null limit 1`,
      [PERSONA_IDS['staff-fengqing']])).rows[0].window_id;
    // What the seed already holds in the 30 days (active, valid first ratings).
    const recent = async (col: 'staff_user_id' | 'window_id', id: string) => Number((await q(
      `select count(*) from app.ratings where ${col} = $1 and not is_default and assess_number = 1 and validity = 'valid' and rated_at >= now() - interval '30 days'`, [id])).rows[0].count);
    const officerBefore = await recent('staff_user_id', PERSONA_IDS['staff-fengqing']);
    const windowBefore = await recent('window_id', window);
    for (const who of ['citizen-a', 'citizen-b', 'citizen-anon'] as const) await badVisit(q, PERSONA_IDS[who], 0);
    // The window also gets 20 good ratings that name nobody, 20 to 25 days ago.
    await q(
      `insert into app.ratings (level, channel, unit_id, region_code, hall_id, window_id, visit_day, rated_at)
       select 5, 'qrcode', w.unit_id, u.region_code, w.hall_id, w.id, (now() - make_interval(days => 20 + g % 6))::date, now() - make_interval(days => 20 + g % 6)
       from app.windows w join app.units u on u.id = w.unit_id, generate_series(1, 20) g where w.id = $1`, [window]);
    const rows = await list(q);
    const officer = rows.find((r) => r.object_type === 'officer' && r.object_id === PERSONA_IDS['staff-fengqing'])!;
    const win = rows.find((r) => r.object_type === 'window' && r.object_id === window)!;
    expect([Number(officer.bad_count), Number(officer.rating_count)]).toEqual([3, officerBefore + 3]);
    expect([Number(win.bad_count), Number(win.rating_count)]).toEqual([3, windowBefore + 23]);
    for (const r of rows) {
      const [bad, n] = [Number(r.bad_count), Number(r.rating_count)];
      expect({ id: r.object_id, rate: Number(r.bad_rate), near: Math.abs(r.bad_bound - wilsonLowerBound(bad, n)!) <= 1e-12 })
        .toEqual({ id: r.object_id, rate: rate(bad, n), near: true });
    }
    // The officer (3 差评 in fewer ratings) comes before the window (the same 3 in 20 more), and the
    // whole list runs by the bound.
    expect(officer.bad_bound).toBeGreaterThan(win.bad_bound);
    expect(rows.indexOf(officer)).toBeLessThan(rows.indexOf(win));
    const bounds = rows.map((r) => r.bad_bound);
    expect(bounds).toEqual([...bounds].sort((a, b) => b - a));
  });
});
