/**
 * Content safety of the public 差评 board (issue 15.4), through the API as each caller would.
 * A comment its rater allowed to be public reaches public_bad_review_board only after WeChat's
 * content check (booked here with the service-role record_comment_check, exactly as the
 * comment-check function books it; the function itself against the WeChat stand-in is
 * supabase/tests/functions/comment-check.test.ts) and a supervisor of its region's approval.
 * Proves: the queue carries no rater, 办件 number or rating id; anon, citizens (the rater too),
 * staff, the unit admin and another county's supervisor cannot approve (exact code and status);
 * a risky, withdrawn or unchecked comment cannot be approved; each refusal writes nothing (the
 * moderation row, the rating and the audit trail by md5, before and after); each decision is audited.
 */
import type { PersonaKey } from '../../../shared/personas.ts';
import { connect, PERSONA_IDS, rowsFingerprint, type Db } from '../../../tests/support/db.ts';
import { personaClientsPerFile, refused } from '../../../tests/support/persona-clients.ts';
import { freshFinishedTransaction, shanghaiToday } from '../../../tests/support/work-orders.ts';

let db: Db;
const PERSONAS: Array<PersonaKey | 'anon'> = ['anon', 'citizen-a', 'citizen-b', 'staff-linxiang', 'unit-admin-linxiang', 'supervisor-city', 'supervisor-fengqing'];
beforeAll(async () => { db = await connect(); });
afterAll(() => db.end());
const { rpc } = personaClientsPerFile(PERSONAS);

interface Made { ratingId: string; workOrderId: string; moderationId: string; comment: string }

/** A fresh 差评 of citizen-a in 临翔区 with a comment she makes public: its moderation row is unchecked. */
async function publicComment(comment: string): Promise<Made> {
  const tx = await freshFinishedTransaction(db, PERSONA_IDS['citizen-a']);
  const r = await rpc('citizen-a', 'submit_rating', {
    p_transaction_id: tx, p_level: 1, p_tags: ['115'], p_comment: comment, p_anonymous: false, p_channel: 'mobile', p_idempotency_key: `mod-${tx}`,
  });
  expect(r.error).toBeNull();
  const ratingId = r.data[0].id as string;
  expect((await rpc('citizen-a', 'set_comment_public', { p_rating_id: ratingId, p_public: true })).error).toBeNull();
  const { rows } = await db.query(`select id, status from app.comment_moderation where rating_id = $1`, [ratingId]);
  expect(rows).toEqual([{ id: expect.any(String), status: 'unchecked' }]);
  return { ratingId, workOrderId: r.data[0].work_order_id, moderationId: rows[0].id, comment };
}

/** WeChat's verdict, booked as comment-check books it (service role). */
async function checked(m: Made, suggest: 'pass' | 'review' | 'risky'): Promise<void> {
  const { rows } = await db.query(`select public.record_comment_check($1, md5($2), $3, 100, 'test-trace') as booked`, [m.moderationId, m.comment, suggest]);
  expect(rows[0].booked).toBe(suggest === 'risky' ? 'risky' : 'pending');
}

const board = async (workOrderId: string) => {
  const res = await rpc('anon', 'public_bad_review_board', { p_period: shanghaiToday().slice(0, 7), p_region_code: '530902' });
  expect(res.error).toBeNull();
  return (res.data as Array<{ work_order_id: string; comment: string | null }>).find((r) => r.work_order_id === workOrderId);
};
const queue = async (who: PersonaKey) => {
  const res = await rpc(who, 'comment_moderation_queue');
  expect(res.error).toBeNull();
  return res.data as Array<Record<string, unknown>>;
};

/** Everything a refused call could have touched. */
const trail = (m: Made) => rowsFingerprint(db, `
  select m.status, m.decided_by::text, m.decided_at::text, m.decision_note, m.check_suggest from app.comment_moderation m where m.id = '${m.moderationId}'
  union all select r.comment_public::text, r.comment, r.validity, null, null from app.ratings r where r.id = '${m.ratingId}'
  union all select a.action, a.actor_user_id::text, a.at::text, a.note, a.detail::text from app.audit_log a where a.entity_id = '${m.ratingId}'`);

test('a public comment reaches the board only after the content check and a supervisor\'s approval; the queue names nobody', async () => {
  const m = await publicComment('窗口材料清单前后不一致，跑了两趟。');
  expect(await board(m.workOrderId)).toMatchObject({ comment: null });
  // Not checked yet: not queued, and cannot be approved.
  expect((await queue('supervisor-city')).map((r) => r.id)).not.toContain(m.moderationId);
  await refused(rpc('supervisor-city', 'moderate_comment', { p_id: m.moderationId, p_approve: true }), 'comment_not_checked');

  await checked(m, 'review');
  const row = (await queue('supervisor-city')).find((r) => r.id === m.moderationId);
  expect(row).toMatchObject({ comment: m.comment, check_suggest: 'review', unit_name: expect.any(String) });
  // R13: nothing that leads to the rater or the 办件.
  expect(Object.keys(row!).sort()).toEqual(['check_suggest', 'comment', 'id', 'level', 'matter_name', 'queued_at', 'rated_on', 'region_name', 'tags', 'unit_name']);
  expect(JSON.stringify(row)).not.toContain(m.ratingId);
  expect(JSON.stringify(row)).not.toContain(m.workOrderId);
  expect(JSON.stringify(row)).not.toContain(PERSONA_IDS['citizen-a']);
  // 凤庆县's supervisor does not see 临翔区's comment.
  expect((await queue('supervisor-fengqing')).map((r) => r.id)).not.toContain(m.moderationId);
  expect(await board(m.workOrderId)).toMatchObject({ comment: null });

  const ok = await rpc('supervisor-city', 'moderate_comment', { p_id: m.moderationId, p_approve: true, p_note: '内容属实，无不当言论' });
  expect(ok.error).toBeNull();
  expect(ok.data[0]).toMatchObject({ id: m.moderationId, status: 'approved' });
  expect(await board(m.workOrderId)).toMatchObject({ comment: m.comment });
  expect((await queue('supervisor-city')).map((r) => r.id)).not.toContain(m.moderationId);
  // Approved once: a second approval is refused; taking it down is allowed and audited.
  const before = await trail(m);
  await refused(rpc('supervisor-city', 'moderate_comment', { p_id: m.moderationId, p_approve: true }), 'comment_already_moderated');
  expect(await trail(m)).toBe(before);
  expect((await rpc('supervisor-city', 'moderate_comment', { p_id: m.moderationId, p_approve: false, p_note: '含个人信息，撤下' })).error).toBeNull();
  expect(await board(m.workOrderId)).toMatchObject({ comment: null });
  const audit = await db.query(`select action, state_from, state_to, actor_user_id, note from app.audit_log where entity_id = $1 and action like 'comment_%' order by id`, [m.ratingId]);
  expect(audit.rows).toEqual([
    { action: 'comment_approved', state_from: 'pending', state_to: 'approved', actor_user_id: PERSONA_IDS['supervisor-city'], note: '内容属实，无不当言论' },
    { action: 'comment_rejected', state_from: 'approved', state_to: 'rejected', actor_user_id: PERSONA_IDS['supervisor-city'], note: '含个人信息，撤下' },
  ]);
});

test('nobody but a supervisor of the comment\'s region may approve: exact refusals, nothing written', async () => {
  const m = await publicComment('叫号系统坏了一上午没人管。');
  await checked(m, 'pass');
  const before = await trail(m);
  const args = { p_id: m.moderationId, p_approve: true };
  // Anon has no EXECUTE on either RPC.
  for (const fn of ['moderate_comment', 'comment_moderation_queue']) {
    const anon = await rpc('anon', fn, fn === 'moderate_comment' ? args : {});
    expect(anon.error).not.toBeNull();
    expect([401, 403]).toContain(anon.status);
  }
  // Citizens (the rater herself too), staff and the unit admin are no supervisors.
  for (const who of ['citizen-a', 'citizen-b', 'staff-linxiang', 'unit-admin-linxiang'] as const) {
    await refused(rpc(who, 'moderate_comment', args), 'forbidden');
    await refused(rpc(who, 'moderate_comment', { ...args, p_approve: false }), 'forbidden');
    await refused(rpc(who, 'comment_moderation_queue'), 'forbidden');
  }
  // Another county's supervisor: as if it did not exist.
  await refused(rpc('supervisor-fengqing', 'moderate_comment', args), 'not_found');
  await refused(rpc('supervisor-fengqing', 'moderate_comment', { ...args, p_approve: false }), 'not_found');
  // Bad input from the right supervisor.
  await refused(rpc('supervisor-city', 'moderate_comment', { ...args, p_approve: null }), 'invalid_input');
  await refused(rpc('supervisor-city', 'moderate_comment', { ...args, p_note: '长'.repeat(201) }), 'invalid_input');
  expect(await trail(m)).toBe(before);
  expect(await board(m.workOrderId)).toMatchObject({ comment: null });
});

test('a comment WeChat calls risky is never queued and cannot be approved; nothing written', async () => {
  const m = await publicComment('这里写着违禁词的评论。');
  await checked(m, 'risky');
  expect((await queue('supervisor-city')).map((r) => r.id)).not.toContain(m.moderationId);
  const before = await trail(m);
  await refused(rpc('supervisor-city', 'moderate_comment', { p_id: m.moderationId, p_approve: true }), 'comment_risky');
  await refused(rpc('supervisor-city', 'moderate_comment', { p_id: m.moderationId, p_approve: false }), 'comment_risky');
  expect(await trail(m)).toBe(before);
  expect(await board(m.workOrderId)).toMatchObject({ comment: null });
});

test('a comment its rater withdrew cannot be approved; allowed again, it starts over from the check', async () => {
  const m = await publicComment('窗口工作人员中午提前离岗。');
  await checked(m, 'pass');
  expect((await rpc('citizen-a', 'set_comment_public', { p_rating_id: m.ratingId, p_public: false })).error).toBeNull();
  expect((await queue('supervisor-city')).map((r) => r.id)).not.toContain(m.moderationId);
  const before = await trail(m);
  await refused(rpc('supervisor-city', 'moderate_comment', { p_id: m.moderationId, p_approve: true }), 'comment_withdrawn');
  expect(await trail(m)).toBe(before);
  // A late answer of the check about the withdrawn text changes nothing.
  const late = await db.query(`select public.record_comment_check($1, md5($2), 'pass') as booked`, [m.moderationId, m.comment]);
  expect(late.rows[0].booked).toBe('stale');
  expect((await rpc('citizen-a', 'set_comment_public', { p_rating_id: m.ratingId, p_public: true })).error).toBeNull();
  const { rows } = await db.query(`select status, check_suggest from app.comment_moderation where id = $1`, [m.moderationId]);
  expect(rows).toEqual([{ status: 'unchecked', check_suggest: null }]);
  await refused(rpc('supervisor-city', 'moderate_comment', { p_id: m.moderationId, p_approve: true }), 'comment_not_checked');
  expect(await board(m.workOrderId)).toMatchObject({ comment: null });
});

test('the seeded board is not empty: an approved demo comment is shown to anyone, a queued one is not', async () => {
  const pick = async (status: string) => (await db.query(`
    select w.id, to_char(w.rated_day, 'YYYY-MM') as period, w.region_code, r.comment
    from app.comment_moderation m join app.ratings r on r.id = m.rating_id join app.work_orders w on w.rating_id = r.id
    where m.status = $1 and w.status not in ('dismissed', 'rerouted') and r.validity = 'valid' order by w.rated_day desc limit 1`, [status])).rows[0];
  for (const [status, shown] of [['approved', true], ['pending', false]] as const) {
    const s = await pick(status);
    expect(s).toBeDefined();
    const res = await rpc('anon', 'public_bad_review_board', { p_period: s.period, p_region_code: s.region_code });
    expect(res.error).toBeNull();
    expect((res.data as Array<{ work_order_id: string; comment: string | null }>).find((r) => r.work_order_id === s.id))
      .toMatchObject({ comment: shown ? s.comment : null });
  }
});
