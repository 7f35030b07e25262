/**
 * Abuse of QR visit ratings (issue 13.6), as an attacker calls the API: a throw-away WeChat
 * account rating window after window, and staff rating their own window with the officer left
 * empty. Each refusal has its code and status, and nothing is written.
 */
import { client, newWechatAccount } from '../../../tests/support/api.ts';
import { connect, rowsFingerprint, type Db } from '../../../tests/support/db.ts';
import { personaClientsPerFile, refused } from '../../../tests/support/persona-clients.ts';

let db: Db;
beforeAll(async () => {
  db = await connect();
});
afterAll(() => db.end());

const { rpc } = personaClientsPerFile(['staff-linxiang', 'unit-admin-linxiang']);
/** What a visit rating of these windows, or by this account, would have written: ratings, their work orders, outbox and audit rows. */
const written = async (windowIds: string[], raterId: string | null = null) => ({
  ratings: await rowsFingerprint(db, `select * from app.ratings where window_id = any($1) or rater_user_id = $2`, [windowIds, raterId]),
  workOrders: await rowsFingerprint(db, `select * from app.work_orders where window_id = any($1)`, [windowIds]),
  outbox: await rowsFingerprint(db, `select o.* from app.upstream_outbox o join app.ratings r on r.id = o.rating_id where r.window_id = any($1)`, [windowIds]),
  audit: await rowsFingerprint(db, `select * from app.audit_log where actor_user_id = $1`, [raterId]),
});
const key = () => `visit-abuse-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
const BAD = { p_level: 1, p_tags: ['108'], p_comment: '刷差评' };

test('a new account rates at most 3 windows a day: the 4th is visit_daily_limit (429) and writes nothing; a replay still answers', async () => {
  const windows = (await db.query<{ id: string }>(`select id from app.windows order by id limit 4`)).rows.map((w) => w.id);
  expect(windows).toHaveLength(4);
  const session = await newWechatAccount();
  const attacker = client(session.access_token);
  const cap = (await db.query(`select visit_daily_cap from app.rating_policy`)).rows[0].visit_daily_cap;
  expect(cap).toBe(3);

  const keys = [key(), key(), key()];
  const given: string[] = [];
  for (const [i, w] of windows.slice(0, 3).entries()) {
    const res = await attacker.rpc('submit_visit_rating', { p_window_id: w, p_staff_id: null, p_level: 5, p_tags: [], p_idempotency_key: keys[i] });
    expect(res.error).toBeNull();
    given.push(res.data[0].id);
  }

  const before = await written(windows, session.user.id);
  await refused(attacker.rpc('submit_visit_rating', { p_window_id: windows[3], p_staff_id: null, ...BAD, p_idempotency_key: key() }), 'visit_daily_limit');
  expect(await written(windows, session.user.id)).toEqual(before);

  // The mini-program's retry of an accepted rating (same key) is not a new rating: it answers as before.
  const replay = await attacker.rpc('submit_visit_rating', { p_window_id: windows[0], p_staff_id: null, p_level: 5, p_tags: [], p_idempotency_key: keys[0] });
  expect(replay.error).toBeNull();
  expect(replay.data[0].id).toBe(given[0]);
  const mine = await db.query(`select count(*)::int as n from app.ratings where rater_user_id = $1`, [session.user.id]);
  expect(mine.rows[0].n).toBe(3);
});

test('parallel requests of one account cannot slip past the cap', async () => {
  const windows = (await db.query<{ id: string }>(`select id from app.windows order by id desc limit 6`)).rows.map((w) => w.id);
  const session = await newWechatAccount();
  const attacker = client(session.access_token);
  const answers = await Promise.all(windows.map((w) =>
    attacker.rpc('submit_visit_rating', { p_window_id: w, p_staff_id: null, p_level: 4, p_tags: [], p_idempotency_key: key() })));
  expect(answers.filter((a) => a.error === null)).toHaveLength(3);
  expect(answers.filter((a) => a.error?.code === 'visit_daily_limit').map((a) => a.status)).toEqual([429, 429, 429]);
  const mine = await db.query(`select count(*)::int as n from app.ratings where rater_user_id = $1`, [session.user.id]);
  expect(mine.rows[0].n).toBe(3);
});

test('staff and unit admins cannot rate a window of their own unit, officer named or left empty (own_work), and nothing is written', async () => {
  const { rows } = await db.query<{ id: string }>(
    `select w.id from app.windows w join app.units u on u.id = w.unit_id where u.name = '临翔区市场监督管理局'`);
  expect(rows.length).toBeGreaterThan(0);
  const ids = rows.map((w) => w.id);
  const staffIds = (await db.query(`select id from app.users where id in (select user_id from app.staff_roles where unit_id = (select unit_id from app.windows where id = $1))`, [ids[0]])).rows.map((r) => r.id);
  const before = await Promise.all(staffIds.map((id) => written(ids, id)));
  for (const persona of ['staff-linxiang', 'unit-admin-linxiang'] as const) {
    for (const w of rows) {
      await refused(rpc(persona, 'submit_visit_rating', { p_window_id: w.id, p_staff_id: null, p_level: 5, p_tags: [], p_idempotency_key: key() }), 'own_work');
      await refused(rpc(persona, 'submit_visit_rating', { p_window_id: w.id, p_staff_id: null, ...BAD, p_idempotency_key: key() }), 'own_work');
    }
  }
  expect(await Promise.all(staffIds.map((id) => written(ids, id)))).toEqual(before);
});
