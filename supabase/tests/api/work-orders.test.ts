/**
 * The 差评 loop through PostgREST with supabase-js (R8–R15): each path end to end, every
 * action by the role that may take it and refused for the roles that may not, and the
 * metrics before and after. Each test rates fresh 办件 made for it, so the seeded demo stays.
 */
import type { PersonaKey } from '../../../shared/personas.ts';
import { WorkOrderTimelineRow } from '../../../shared/work-orders.ts';
import { client } from '../../../tests/support/api.ts';
import { connect, PERSONA_IDS, type Db } from '../../../tests/support/db.ts';
import { personaClientsPerFile, refused } from '../../../tests/support/persona-clients.ts';
import { allOverdue, freshFinishedTransaction, shanghaiDayFromToday, shanghaiToday } from '../../../tests/support/work-orders.ts';

let db: Db;
const PERSONAS: PersonaKey[] = ['citizen-a', 'citizen-b', 'citizen-anon', 'staff-linxiang', 'unit-admin-linxiang', 'staff-fengqing', 'supervisor-city', 'supervisor-fengqing'];

beforeAll(async () => {
  db = await connect();
});
afterAll(() => db.end());
const { rpc, clientOf } = personaClientsPerFile(PERSONAS);

/**
 * citizen-a rates a fresh 办件 of 临翔区市场监督管理局 with a 差评; returns the work order id. The
 * 办件's officer is the window's generated one unless `officerId` names another.
 */
async function badRating(opts: { anonymous?: boolean; comment?: string; officerId?: string } = {}): Promise<{ workOrderId: string; ratingId: string }> {
  const tx = await freshFinishedTransaction(db, PERSONA_IDS['citizen-a'], opts.officerId);
  const res = await rpc('citizen-a', 'submit_rating', {
    p_transaction_id: tx, p_level: 1, p_tags: ['115'], p_comment: opts.comment ?? '材料说了三遍还是不清楚',
    p_anonymous: opts.anonymous ?? false, p_channel: 'mobile', p_idempotency_key: `wo-${tx}`,
  });
  expect(res.error).toBeNull();
  return { workOrderId: res.data[0].work_order_id, ratingId: res.data[0].id };
}

const statusOf = async (id: string) => (await db.query('select status from app.work_orders where id = $1', [id])).rows[0].status as string;
const timeline = async (who: PersonaKey, id: string) => {
  const res = await rpc(who, 'work_order_timeline', { p_work_order_id: id });
  expect(res.error).toBeNull();
  return WorkOrderTimelineRow.array().parse(res.data);
};
const unitStats = async () => {
  const today = shanghaiToday();
  const res = await rpc('supervisor-city', 'stats', {
    p_from: today, p_to: today, p_group_by: 'unit', p_region_code: '530902', p_include_default: false,
  });
  expect(res.error).toBeNull();
  const unitId = (await db.query(`select id from app.units where name = '临翔区市场监督管理局'`)).rows[0].id;
  return res.data.find((r: { group_key: string }) => r.group_key === unitId);
};

describe('real-name 差评: verify → rectify → reply → 回访 → closed, and the rater rates the fix', () => {
  test('the full path, with each wrong actor and wrong order refused', async () => {
    const before = await unitStats();
    const { workOrderId: id } = await badRating();
    expect(await statusOf(id)).toBe('pending_verification');

    // The unit sees it without any rater identity; another unit and citizens do not.
    const list = await rpc('staff-linxiang', 'unit_work_orders', { p_status: 'pending_verification' });
    const row = list.data!.find((r: { id: string }) => r.id === id);
    expect(row).toMatchObject({ status: 'pending_verification', is_realname: true, level: 1, tags: ['115'] });
    expect(Object.keys(row).join(',')).not.toMatch(/rater|name_enc|phone|applicant|masked/);
    expect((await rpc('staff-fengqing', 'unit_work_orders')).data!.some((r: { id: string }) => r.id === id)).toBe(false);
    await refused(rpc('staff-fengqing', 'verify_work_order', { p_work_order_id: id }), 'forbidden');
    await refused(rpc('citizen-a', 'verify_work_order', { p_work_order_id: id }), 'forbidden');
    await refused(rpc('staff-fengqing', 'work_order_timeline', { p_work_order_id: id }), 'not_found');
    await refused(rpc('citizen-b', 'work_order_timeline', { p_work_order_id: id }), 'not_found');

    // Nothing may skip ahead of verification (R9).
    await refused(rpc('staff-linxiang', 'rectify_work_order', { p_work_order_id: id, p_measures: '整改', p_root_cause: '原因' }), 'invalid_transition');
    await refused(rpc('staff-linxiang', 'reply_work_order', { p_work_order_id: id, p_reply: '已处理' }), 'invalid_transition');

    const verified = await rpc('staff-linxiang', 'verify_work_order', { p_work_order_id: id, p_note: '查实：窗口一次性告知不到位' });
    expect(verified.error).toBeNull();
    const due = (await db.query(`select public.add_working_days($1::date, 15)::text as d`, [shanghaiToday()])).rows[0].d;
    expect(verified.data[0]).toMatchObject({ status: 'rectifying', rectify_due_on: due });
    await refused(rpc('unit-admin-linxiang', 'verify_work_order', { p_work_order_id: id }), 'invalid_transition');
    await refused(rpc('unit-admin-linxiang', 'submit_appeal', { p_work_order_id: id, p_reason: 'mistaken', p_statement: '核实后认为属于误评情形' }), 'invalid_transition');

    await refused(rpc('staff-linxiang', 'rectify_work_order', { p_work_order_id: id, p_measures: '', p_root_cause: '原因' }), 'invalid_input');
    const rectified = await rpc('staff-linxiang', 'rectify_work_order', {
      p_work_order_id: id, p_measures: '制作一次性告知单，窗口张贴材料清单', p_root_cause: '告知清单缺失', p_evidence: [],
    });
    expect(rectified.data[0]).toMatchObject({ status: 'rectified', rectified_on_time: true });
    const afterRectify = await unitStats();
    // 实名差评回访整改率 counts it only after the 回访 (R12).
    expect(afterRectify.realname_revisited_count).toBe(before?.realname_revisited_count ?? 0);
    expect(afterRectify.rectified_count).toBe((before?.rectified_count ?? 0) + 1);

    const replied = await rpc('staff-linxiang', 'reply_work_order', { p_work_order_id: id, p_reply: '感谢您的反馈，已制作一次性告知单。' });
    expect(replied.data[0].status).toBe('replied');

    // R13: only the assigned handler (the verifier) sees the masked contact, and it is audited.
    await refused(rpc('unit-admin-linxiang', 'reveal_rater_contact', { p_work_order_id: id }), 'forbidden');
    const contact = await rpc('staff-linxiang', 'reveal_rater_contact', { p_work_order_id: id });
    expect(contact.data).toEqual([{ masked_name: '李*梅', masked_phone: expect.stringMatching(/^1\d{2}\*{4}\d{4}$/) }]);
    const reveals = await db.query(`select actor_user_id from app.audit_log where entity = 'rater_contact' and work_order_id = $1`, [id]);
    expect(reveals.rows).toEqual([{ actor_user_id: PERSONA_IDS['staff-linxiang'] }]);

    await refused(rpc('staff-linxiang', 'record_return_visit', {
      p_work_order_id: id, p_method: 'carrier-pigeon', p_visited_on: shanghaiToday(), p_satisfaction: 'satisfied',
    }), 'invalid_input');
    const visited = await rpc('staff-linxiang', 'record_return_visit', {
      p_work_order_id: id, p_method: 'phone', p_visited_on: shanghaiToday(), p_satisfaction: 'satisfied', p_note: '群众表示满意',
    });
    expect(visited.data[0].status).toBe('closed');
    const afterVisit = await unitStats();
    expect(afterVisit.realname_revisited_count).toBe((before?.realname_revisited_count ?? 0) + 1);

    // The rater sees the whole story, without officers' names, and rates the fix once.
    const events = (await timeline('citizen-a', id)).map((e) => e.event);
    expect(events).toEqual(['opened', 'verified', 'rectified', 'replied', 'return_visit', 'closed']);
    const mine = await rpc('citizen-a', 'my_ratings');
    expect(mine.data).toContainEqual(expect.objectContaining({ work_order_id: id, work_order_status: 'closed' }));
    await refused(rpc('citizen-b', 'rate_rectification', { p_work_order_id: id, p_level: 5 }), 'not_rater');
    const fix = await rpc('citizen-a', 'rate_rectification', { p_work_order_id: id, p_level: 2, p_comment: '还是没有改' });
    expect(fix.data[0]).toMatchObject({ status: 'reopened', reopened: true });
    await refused(rpc('citizen-a', 'rate_rectification', { p_work_order_id: id, p_level: 5 }), 'fix_already_rated');
    const escalated = await allOverdue(rpc, 'supervisor-city');
    expect(escalated).toContainEqual(expect.objectContaining({ id, status: 'reopened', escalation_reason: '群众对整改结果不满意' }));
  });

  test('an anonymous 差评 closes with the reply and has no 回访 or contact', async () => {
    const { workOrderId: id } = await badRating({ anonymous: true });
    await rpc('unit-admin-linxiang', 'verify_work_order', { p_work_order_id: id });
    await rpc('unit-admin-linxiang', 'rectify_work_order', { p_work_order_id: id, p_measures: '加强培训', p_root_cause: '业务不熟' });
    const replied = await rpc('unit-admin-linxiang', 'reply_work_order', { p_work_order_id: id, p_reply: '已整改，欢迎监督' });
    expect(replied.data[0].status).toBe('closed');
    await refused(rpc('unit-admin-linxiang', 'reveal_rater_contact', { p_work_order_id: id }), 'not_realname_rating');
    await refused(rpc('unit-admin-linxiang', 'record_return_visit', {
      p_work_order_id: id, p_method: 'phone', p_visited_on: shanghaiToday(), p_satisfaction: 'satisfied',
    }), 'not_realname_rating');
  });

  test('an extension needs a reason and a later working day, and shows on the timeline', async () => {
    const { workOrderId: id } = await badRating();
    const v = await rpc('staff-linxiang', 'verify_work_order', { p_work_order_id: id });
    const due = v.data[0].rectify_due_on as string;
    await refused(rpc('staff-linxiang', 'extend_work_order', { p_work_order_id: id, p_reason: '需要协调', p_new_due_date: due }), 'invalid_due_date');
    await refused(rpc('staff-linxiang', 'extend_work_order', { p_work_order_id: id, p_reason: '', p_new_due_date: due }), 'invalid_input');
    const later = (await db.query(`select public.add_working_days($1::date, 5)::text as d`, [due])).rows[0].d;
    const ext = await rpc('staff-linxiang', 'extend_work_order', { p_work_order_id: id, p_reason: '需要省级系统改造', p_new_due_date: later });
    expect(ext.data[0]).toMatchObject({ status: 'rectifying', rectify_due_on: later });
    const rows = await timeline('citizen-a', id);
    expect(rows.at(-1)).toMatchObject({ event: 'extended', note: '需要省级系统改造', due_on: later });
  });
});

describe('appeals (R11)', () => {
  const appeal = (id: string, reason = 'malicious') =>
    rpc('unit-admin-linxiang', 'submit_appeal', { p_work_order_id: id, p_reason: reason, p_statement: '经调取录像，当事人未到窗口办理，属恶意差评', p_evidence: [] });

  test('approved: the rating leaves the metrics; the rater sees why and may ask once for a city re-review', async () => {
    const before = await unitStats();
    const { workOrderId: id, ratingId } = await badRating();
    const mid = await unitStats();
    expect(mid.bad_count).toBe((before?.bad_count ?? 0) + 1);

    await refused(rpc('citizen-a', 'submit_appeal', { p_work_order_id: id, p_reason: 'malicious', p_statement: '不是本人办理的业务' }), 'forbidden');
    await refused(rpc('unit-admin-linxiang', 'submit_appeal', { p_work_order_id: id, p_reason: 'bored', p_statement: '经调取录像，当事人未到窗口' }), 'invalid_input');
    const a = await appeal(id);
    expect(a.error).toBeNull();
    const appealId = a.data[0].id as string;
    await refused(appeal(id), 'appeal_exists');
    expect(await statusOf(id)).toBe('appealing');

    const queue = await rpc('supervisor-city', 'appeals_to_review', { p_status: 'pending' });
    expect(queue.data).toContainEqual(expect.objectContaining({ id: appealId, work_order_id: id, level: 1, reason: 'malicious' }));
    await refused(rpc('supervisor-fengqing', 'review_appeal', { p_appeal_id: appealId, p_approve: true, p_note: '同意' }), 'forbidden');
    await refused(rpc('unit-admin-linxiang', 'review_appeal', { p_appeal_id: appealId, p_approve: true, p_note: '同意' }), 'forbidden');
    const decided = await rpc('supervisor-city', 'review_appeal', { p_appeal_id: appealId, p_approve: true, p_note: '录像证实未到窗口，申诉成立' });
    expect(decided.data[0]).toMatchObject({ status: 'approved', work_order_status: 'dismissed' });
    await refused(rpc('supervisor-city', 'review_appeal', { p_appeal_id: appealId, p_approve: false, p_note: '改判' }), 'invalid_transition');

    const after = await unitStats();
    expect(after?.bad_count ?? 0).toBe(before?.bad_count ?? 0);
    const mine = (await rpc('citizen-a', 'my_ratings')).data.find((r: { id: string }) => r.id === ratingId);
    expect(mine).toMatchObject({ validity: 'invalid', work_order_status: 'dismissed' });
    expect((await timeline('citizen-a', id)).at(-1)).toMatchObject({ event: 'appeal_approved', note: '录像证实未到窗口，申诉成立' });

    await refused(rpc('citizen-b', 'request_rereview', { p_work_order_id: id, p_reason: '我要复核' }), 'not_rater');
    expect((await rpc('citizen-a', 'request_rereview', { p_work_order_id: id, p_reason: '我确实去了窗口，有取号单' })).error).toBeNull();
    await refused(rpc('citizen-a', 'request_rereview', { p_work_order_id: id, p_reason: '再次申请' }), 'rereview_used');
    await refused(rpc('supervisor-fengqing', 'decide_rereview', { p_work_order_id: id, p_overturn: true, p_note: '改判' }), 'city_supervisor_required');
    const overturned = await rpc('supervisor-city', 'decide_rereview', { p_work_order_id: id, p_overturn: true, p_note: '取号记录证实到过窗口' });
    expect(overturned.data[0].status).toBe('rectifying');
    expect((await unitStats()).bad_count).toBe((before?.bad_count ?? 0) + 1);
  });

  test('rejected: rectification starts with 15 working days from the decision', async () => {
    const { workOrderId: id } = await badRating();
    const appealId = (await appeal(id, 'mistaken')).data![0].id;
    const decided = await rpc('supervisor-city', 'review_appeal', { p_appeal_id: appealId, p_approve: false, p_note: '证据不足，驳回' });
    expect(decided.data[0]).toMatchObject({ status: 'rejected', work_order_status: 'rectifying' });
    const due = (await db.query(`select public.add_working_days($1::date, 15)::text as d`, [shanghaiToday()])).rows[0].d;
    expect((await db.query('select rectify_due_on::text as d from app.work_orders where id = $1', [id])).rows[0].d).toBe(due);
  });

  test('wrong unit: approved with a target unit, the order is rerouted and the right unit gets a new one', async () => {
    const { workOrderId: id, ratingId } = await badRating();
    const appealId = (await appeal(id, 'wrong_unit')).data![0].id;
    await refused(rpc('supervisor-city', 'review_appeal', { p_appeal_id: appealId, p_approve: true, p_note: '转交' }), 'invalid_input');
    const target = (await db.query(`select id from app.units where name = '凤庆县市场监督管理局'`)).rows[0].id;
    const decided = await rpc('supervisor-city', 'review_appeal', { p_appeal_id: appealId, p_approve: true, p_note: '属凤庆县职责，转交', p_reroute_unit_id: target });
    expect(decided.data[0]).toMatchObject({ status: 'approved', work_order_status: 'rerouted', new_work_order_id: expect.any(String) });
    const newId = decided.data[0].new_work_order_id;
    expect((await rpc('staff-fengqing', 'unit_work_orders')).data).toContainEqual(expect.objectContaining({ id: newId, status: 'pending_verification' }));
    const mine = (await rpc('citizen-a', 'my_ratings')).data.find((r: { id: string }) => r.id === ratingId);
    expect(mine).toMatchObject({ validity: 'valid', work_order_id: newId, work_order_status: 'pending_verification' });
    // Issue 19.5: the rating itself moved; the right unit sees it among its ratings, the original no longer.
    const today = shanghaiToday();
    const seen = async (who: PersonaKey) => ((await rpc(who, 'unit_ratings', { p_from: today, p_to: today })).data as Array<{ id: string }>)
      .some((r) => r.id === ratingId);
    expect([await seen('staff-linxiang'), await seen('staff-fengqing')]).toEqual([false, true]);
  });

  test('an officer without a verified real name cannot appeal', async () => {
    const { workOrderId: id } = await badRating();
    await db.query(`update app.users set realname_verified_at = null where id = $1`, [PERSONA_IDS['staff-linxiang']]);
    try {
      await refused(rpc('staff-linxiang', 'submit_appeal', { p_work_order_id: id, p_reason: 'mistaken', p_statement: '本人认为属于误评情形' }), 'realname_required');
    } finally {
      await db.query(`update app.users set realname_verified_at = now() where id = $1`, [PERSONA_IDS['staff-linxiang']]);
    }
    expect(await statusOf(id)).toBe('pending_verification');
  });
});

describe('publication (R15)', () => {
  test('the 差评 board shows status and reply, a comment only when its rater allowed it, and no identity', async () => {
    const { workOrderId: id, ratingId } = await badRating({ comment: '窗口人员态度生硬' });
    const period = shanghaiToday().slice(0, 7);
    const board = async () => (await client().rpc('public_bad_review_board', { p_period: period, p_region_code: '530902' })).data
      .find((r: { work_order_id: string }) => r.work_order_id === id);
    expect(await board()).toMatchObject({ status: 'pending_verification', comment: null, rectified: false, reply: null });
    expect(Object.keys(await board())).not.toContain('project_no');
    await refused(rpc('citizen-b', 'set_comment_public', { p_rating_id: ratingId, p_public: true }), 'not_found');
    expect((await rpc('citizen-a', 'set_comment_public', { p_rating_id: ratingId, p_public: true })).error).toBeNull();
    expect((await rpc('citizen-a', 'my_ratings')).data).toContainEqual(expect.objectContaining({ id: ratingId, comment_public: true }));
    // Issue 15.4: allowed is not yet shown: WeChat's content check, then a supervisor's approval.
    expect(await board()).toMatchObject({ comment: null });
    const modId = (await db.query(`select id from app.comment_moderation where rating_id = $1`, [ratingId])).rows[0].id;
    await db.query(`select public.record_comment_check($1, md5('窗口人员态度生硬'), 'pass')`, [modId]);
    expect((await rpc('supervisor-city', 'moderate_comment', { p_id: modId, p_approve: true })).error).toBeNull();
    expect(await board()).toMatchObject({ comment: '窗口人员态度生硬' });
    const bad = await client().rpc('public_bad_review_board', { p_period: '2026-13', p_region_code: '530902' });
    expect(bad.error).toMatchObject({ code: 'invalid_input' });
    const results = await client().rpc('public_results', { p_period: period, p_region_code: '530902' });
    expect(results.data[0]).toHaveProperty('rectify_rate');
  });
});

describe('who may take each action (through PostgREST)', () => {
  const UNIT_ACTIONS: Array<[string, (id: string) => Record<string, unknown>]> = [
    ['verify_work_order', (id) => ({ p_work_order_id: id })],
    ['submit_appeal', (id) => ({ p_work_order_id: id, p_reason: 'mistaken', p_statement: '本单位认为属于误评情形' })],
    ['extend_work_order', (id) => ({ p_work_order_id: id, p_reason: '需要协调', p_new_due_date: '2099-01-05' })],
    ['rectify_work_order', (id) => ({ p_work_order_id: id, p_measures: '整改措施', p_root_cause: '原因分析' })],
    ['reply_work_order', (id) => ({ p_work_order_id: id, p_reply: '答复内容' })],
    ['record_return_visit', (id) => ({ p_work_order_id: id, p_method: 'phone', p_visited_on: shanghaiToday(), p_satisfaction: 'satisfied' })],
    ['reveal_rater_contact', (id) => ({ p_work_order_id: id })],
    ['assign_work_order', (id) => ({ p_work_order_id: id, p_user_id: PERSONA_IDS['staff-linxiang'] })],
  ];
  const OUTSIDERS: PersonaKey[] = ['citizen-a', 'citizen-b', 'citizen-anon', 'staff-fengqing', 'supervisor-city', 'supervisor-fengqing'];

  test('unit actions: every outsider (the rater, other citizens, another unit, supervisors) is forbidden, and nothing changes', async () => {
    const { workOrderId: id } = await badRating();
    for (const [fn, args] of UNIT_ACTIONS) {
      for (const who of OUTSIDERS) {
        const res = await rpc(who, fn, args(id));
        expect({ fn, who, code: res.error?.code, status: res.status }).toEqual({ fn, who, code: 'forbidden', status: 403 });
      }
    }
    await refused(rpc('staff-linxiang', 'assign_work_order', { p_work_order_id: id, p_user_id: PERSONA_IDS['staff-linxiang'] }), 'forbidden');
    expect(await statusOf(id)).toBe('pending_verification');
    expect((await timeline('citizen-a', id)).map((e) => e.event)).toEqual(['opened']);
  });

  test('anon is refused every action before it reaches the database', async () => {
    const { workOrderId: id } = await badRating();
    for (const [fn, args] of UNIT_ACTIONS) {
      const res = await client().rpc(fn, args(id));
      expect({ fn, code: res.error?.code, status: res.status }).toEqual({ fn, code: '42501', status: 401 });
    }
  });

  test('rater actions: only the rater; supervisors decide appeals and re-reviews, nobody else', async () => {
    const { workOrderId: id } = await badRating();
    for (const who of ['citizen-b', 'staff-linxiang', 'unit-admin-linxiang', 'supervisor-city'] as PersonaKey[]) {
      await refused(rpc(who, 'rate_rectification', { p_work_order_id: id, p_level: 5 }), 'not_rater');
      await refused(rpc(who, 'request_rereview', { p_work_order_id: id, p_reason: '申请复核' }), 'not_rater');
    }
    await refused(rpc('citizen-a', 'rate_rectification', { p_work_order_id: id, p_level: 5 }), 'invalid_transition');
    await refused(rpc('citizen-a', 'request_rereview', { p_work_order_id: id, p_reason: '申请复核' }), 'invalid_transition');
    const appealId = (await rpc('unit-admin-linxiang', 'submit_appeal', { p_work_order_id: id, p_reason: 'other', p_statement: '情况说明：当日系统故障导致等待' })).data![0].id;
    for (const who of ['citizen-a', 'staff-linxiang', 'unit-admin-linxiang', 'staff-fengqing'] as PersonaKey[]) {
      await refused(rpc(who, 'review_appeal', { p_appeal_id: appealId, p_approve: true, p_note: '同意' }), 'forbidden');
    }
    for (const who of ['citizen-a', 'staff-linxiang', 'unit-admin-linxiang'] as PersonaKey[]) {
      await refused(rpc(who, 'decide_rereview', { p_work_order_id: id, p_overturn: true, p_note: '改判' }), 'city_supervisor_required');
    }
  });
});

describe('unit_ratings (R13: no rater identity)', () => {
  test('staff read their unit’s ratings with their own work flagged; another unit sees none of them; bad periods are refused', async () => {
    const { ratingId } = await badRating({ officerId: PERSONA_IDS['staff-linxiang'] });
    const today = shanghaiToday();
    const mine = await rpc('staff-linxiang', 'unit_ratings', { p_from: today, p_to: today });
    expect(mine.error).toBeNull();
    const row = mine.data.find((r: { id: string }) => r.id === ratingId);
    expect(row).toMatchObject({ level: 1, is_my_work: true, work_order_status: 'pending_verification', staff_name: '杨*' });
    expect(Object.keys(row).join(',')).not.toMatch(/rater|applicant|anonymous|phone/);
    const admin = await rpc('unit-admin-linxiang', 'unit_ratings', { p_from: today, p_to: today });
    expect(admin.data.find((r: { id: string }) => r.id === ratingId)).toMatchObject({ is_my_work: false });
    expect((await rpc('staff-fengqing', 'unit_ratings', { p_from: today, p_to: today })).data.some((r: { id: string }) => r.id === ratingId)).toBe(false);
    expect((await rpc('citizen-a', 'unit_ratings', { p_from: today, p_to: today })).data).toEqual([]);
    await refused(rpc('staff-linxiang', 'unit_ratings', { p_from: today, p_to: '2020-01-01' }), 'invalid_input');
    await refused(rpc('staff-linxiang', 'unit_ratings', { p_from: '2020-01-01', p_to: today }), 'invalid_input');
    const page = await clientOf('unit-admin-linxiang').rpc('unit_ratings', { p_from: shanghaiDayFromToday(-125), p_to: today }).range(0, 9);
    expect(page.data).toHaveLength(10);
  });
});

describe('evidence (R10, R11)', () => {
  // The smallest valid PNG: its first bytes are what makes it a PNG, not its name.
  const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

  test('uploaded by the unit, read back by the unit and the region’s supervisors, by nobody else; a fake type is refused', async () => {
    await refused(rpc('unit-admin-linxiang', 'upload_evidence', { p_file_name: 'note.png', p_content_base64: Buffer.from('not an image').toString('base64') }), 'evidence_invalid');
    await refused(rpc('citizen-a', 'upload_evidence', { p_file_name: 'x.png', p_content_base64: PNG }), 'forbidden');
    const up = await rpc('unit-admin-linxiang', 'upload_evidence', { p_file_name: '现场照片.png', p_content_base64: PNG });
    expect(up.data[0]).toMatchObject({ mime_type: 'image/png' });
    const id = up.data[0].id as string;
    for (const who of ['unit-admin-linxiang', 'staff-linxiang', 'supervisor-city'] as PersonaKey[]) {
      const read = await rpc(who, 'evidence_file', { p_id: id });
      expect(read.data[0]).toMatchObject({ file_name: '现场照片.png', mime_type: 'image/png', content_base64: PNG });
    }
    for (const who of ['staff-fengqing', 'supervisor-fengqing', 'citizen-a'] as PersonaKey[]) {
      await refused(rpc(who, 'evidence_file', { p_id: id }), 'not_found');
    }
  });
});
