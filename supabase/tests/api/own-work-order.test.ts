/**
 * R13 (issue 13), through PostgREST with supabase-js as each persona calls it:
 * - the officer a 差评 is about never handles it: every unit action on it is refused with
 *   own_work_order (403) in the state where it would otherwise be allowed, and nothing is written
 *   (the order, its appeal and its audit rows are checksummed before and after); the unit admin's
 *   handler list leaves them out and assigning them is refused; a unit with nobody else sends the
 *   order to the supervisors, who assign a handler (themselves included);
 * - nothing a unit receives about an anonymous 差评 identifies its applicant: no 办件编号 in any
 *   list or timeline the staff and unit admin can call, exports refused, and no audit row of
 *   the order names the rater.
 */
import { randomUUID } from 'node:crypto';
import { ERRORS } from '../../../shared/errors.ts';
import type { PersonaKey } from '../../../shared/personas.ts';
import { functionUrl, login } from '../../../tests/support/api.ts';
import { stackEnv } from '../../../tests/support/env.ts';
import { connect, PERSONA_IDS, type Db } from '../../../tests/support/db.ts';
import { personaClientsPerFile, refused } from '../../../tests/support/persona-clients.ts';
import { allOverdue, freshFinishedTransaction, shanghaiDayFromToday, shanghaiToday } from '../../../tests/support/work-orders.ts';

let db: Db;
const PERSONAS: PersonaKey[] = ['citizen-a', 'staff-linxiang', 'unit-admin-linxiang', 'staff-fengqing', 'supervisor-city', 'supervisor-fengqing'];
const UNIT_PEOPLE: PersonaKey[] = ['staff-linxiang', 'unit-admin-linxiang'];

beforeAll(async () => {
  db = await connect();
});
afterAll(() => db.end());
const { rpc } = personaClientsPerFile(PERSONAS);

interface Order { workOrderId: string; ratingId: string; projectNo: string; transactionId: string }

/** citizen-a rates `transactionId` 非常不满意 (real-name unless anonymous). */
async function rate(transactionId: string, anonymous = false): Promise<Order> {
  const res = await rpc('citizen-a', 'submit_rating', {
    p_transaction_id: transactionId, p_level: 1, p_tags: ['115'], p_comment: '窗口人员态度生硬', p_anonymous: anonymous,
    p_channel: 'mobile', p_idempotency_key: `own-${transactionId}`,
  });
  expect(res.error).toBeNull();
  const projectNo = (await db.query('select project_no from app.transactions where id = $1', [transactionId])).rows[0].project_no as string;
  return { workOrderId: res.data[0].work_order_id, ratingId: res.data[0].id, projectNo, transactionId };
}

/** A 差评 of a fresh 临翔区市场监督管理局 办件 served by `officerId` (default: the window's generated officer). */
async function badRating(opts: { officerId?: string; anonymous?: boolean } = {}): Promise<Order> {
  return rate(await freshFinishedTransaction(db, PERSONA_IDS['citizen-a'], opts.officerId), opts.anonymous);
}

/** Checksums of the order, its appeal and every audit row about it: equal before and after means nothing was written. */
const snapshot = async (id: string) => (await db.query(
  `select md5(coalesce((select row_to_json(w)::text from app.work_orders w where w.id = $1), '')) as work_order,
          md5(coalesce((select json_agg(a order by a.id)::text from app.appeals a where a.work_order_id = $1), '')) as appeal,
          md5(coalesce((select json_agg(l order by l.id)::text from app.audit_log l where l.work_order_id = $1 or l.entity_id = $1), '')) as audit,
          (select count(*)::int from app.audit_log l where l.work_order_id = $1 or l.entity_id = $1) as audit_rows`,
  [id])).rows[0] as Record<string, unknown>;

/** Expects `call` refused with `code` (own_work_order unless said) and the order, appeal and audit untouched. */
async function refusedOwn(id: string, call: () => PromiseLike<{ error: unknown; status: number }>, label: string,
                          code: 'own_work_order' | 'review_recused' = 'own_work_order'): Promise<void> {
  const before = await snapshot(id);
  const res = await call();
  expect({ label, error: res.error, status: res.status }).toEqual({
    label, error: expect.objectContaining({ code, message: ERRORS[code].message }), status: 403,
  });
  expect({ label, after: await snapshot(id) }).toEqual({ label, after: before });
}

const ok = async <T = Array<Record<string, unknown>>>(call: PromiseLike<{ error: unknown; data: unknown }>): Promise<T> => {
  const res = await call;
  expect(res.error).toBeNull();
  return res.data as T;
};

const colleagueOfStaffLinxiang = async (): Promise<string> =>
  (await db.query(`select md5('officer:' || w.id || ':1')::uuid as id from app.windows w join app.units u on u.id = w.unit_id
                   where u.name = '临翔区市场监督管理局' limit 1`)).rows[0].id;

describe('the officer a 差评 is about never handles it', () => {
  test('staff-linxiang on a 差评 about themselves: every action refused with own_work_order in its own state, nothing written', async () => {
    const { workOrderId: id } = await badRating({ officerId: PERSONA_IDS['staff-linxiang'] });
    const me = 'staff-linxiang';
    const args = {
      verify: { p_work_order_id: id, p_note: '本人核实' },
      appeal: { p_work_order_id: id, p_reason: 'malicious', p_statement: '本人认为该评价属于恶意差评，请求复核', p_evidence: [] },
      extend: (due: string) => ({ p_work_order_id: id, p_reason: '需要协调', p_new_due_date: due }),
      rectify: { p_work_order_id: id, p_measures: '加强培训', p_root_cause: '业务不熟' },
      reply: { p_work_order_id: id, p_reply: '已整改，欢迎监督' },
      visit: { p_work_order_id: id, p_method: 'phone', p_visited_on: shanghaiToday(), p_satisfaction: 'satisfied' },
    };

    // 待核实: 核实, 申诉, choosing the handler, listing the handlers, revealing the rater.
    await refusedOwn(id, () => rpc(me, 'verify_work_order', args.verify), 'verify');
    await refusedOwn(id, () => rpc(me, 'submit_appeal', args.appeal), 'appeal');
    await refusedOwn(id, () => rpc(me, 'assign_work_order', { p_work_order_id: id, p_user_id: PERSONA_IDS[me] }), 'assign self');
    await refusedOwn(id, () => rpc(me, 'work_order_handlers', { p_work_order_id: id }), 'handlers');
    await refusedOwn(id, () => rpc(me, 'reveal_rater_contact', { p_work_order_id: id }), 'reveal');

    // Even named as handler (as before this rule), they cannot reveal the rater.
    await db.query('update app.work_orders set handler_user_id = $2 where id = $1', [id, PERSONA_IDS[me]]);
    await refusedOwn(id, () => rpc(me, 'reveal_rater_contact', { p_work_order_id: id }), 'reveal as handler');
    await db.query('update app.work_orders set handler_user_id = null where id = $1', [id]);

    // 整改中 (the unit admin verified it): 整改 and 延期.
    const verified = await ok(rpc('unit-admin-linxiang', 'verify_work_order', { p_work_order_id: id }));
    const later = (await db.query('select public.add_working_days($1::date, 5)::text as d', [verified[0]!.rectify_due_on])).rows[0].d;
    await refusedOwn(id, () => rpc(me, 'rectify_work_order', args.rectify), 'rectify');
    await refusedOwn(id, () => rpc(me, 'extend_work_order', args.extend(later)), 'extend');
    // 已整改: 回复.
    await ok(rpc('unit-admin-linxiang', 'rectify_work_order', args.rectify));
    await refusedOwn(id, () => rpc(me, 'reply_work_order', args.reply), 'reply');
    // 已答复: 回访 and the contact for it.
    await ok(rpc('unit-admin-linxiang', 'reply_work_order', args.reply));
    await refusedOwn(id, () => rpc(me, 'record_return_visit', args.visit), 'return visit');
    await refusedOwn(id, () => rpc(me, 'reveal_rater_contact', { p_work_order_id: id }), 'reveal for the visit');

    // They still see the order, marked as theirs, without the 办件编号 that names the applicant,
    // and its timeline has no rater in it.
    const row = (await ok(rpc(me, 'unit_work_orders', { p_status: null }))).find((r) => r.id === id);
    expect(row).toMatchObject({ status: 'replied', is_about_me: true, project_no: null, handler_is_me: false });
    const timeline = await ok(rpc(me, 'work_order_timeline', { p_work_order_id: id }));
    expect(timeline.map((e) => e.event)).toEqual(['opened', 'verified', 'rectified', 'replied']);
    for (const e of timeline) expect(Object.keys(e).sort()).toEqual(['at', 'due_on', 'event', 'note', 'status_from', 'status_to']);
    expect(JSON.stringify(timeline)).not.toMatch(/李\*梅|1[3-9]\d\*{4}\d{4}|00000000-0000-4000-8000-000000000a01/);

    // The unit admin, its handler since verifying, does the 回访 with the contact.
    expect(await ok(rpc('unit-admin-linxiang', 'reveal_rater_contact', { p_work_order_id: id }))).toEqual([
      { masked_name: '李*梅', masked_phone: expect.stringMatching(/^1\d{2}\*{4}\d{4}$/) },
    ]);
    expect((await ok(rpc('unit-admin-linxiang', 'record_return_visit', args.visit)))[0]).toMatchObject({ status: 'closed' });
  });

  test('the unit admin’s handler list leaves the rated officer out; assigning them is refused, someone else is assigned', async () => {
    const { workOrderId: id } = await badRating({ officerId: PERSONA_IDS['staff-linxiang'] });
    const list = await ok(rpc('unit-admin-linxiang', 'work_order_handlers', { p_work_order_id: id }));
    const ids = list.map((h) => h.user_id);
    expect(ids).not.toContain(PERSONA_IDS['staff-linxiang']);
    expect(ids).toContain(PERSONA_IDS['unit-admin-linxiang']);
    const colleague = await colleagueOfStaffLinxiang();
    expect(ids).toContain(colleague);

    await refusedOwn(id, () => rpc('unit-admin-linxiang', 'assign_work_order', { p_work_order_id: id, p_user_id: PERSONA_IDS['staff-linxiang'] }), 'assign the rated officer');
    await ok(rpc('unit-admin-linxiang', 'assign_work_order', { p_work_order_id: id, p_user_id: colleague }));
    expect((await db.query('select handler_user_id from app.work_orders where id = $1', [id])).rows[0].handler_user_id).toBe(colleague);
    // The unit admin sees the 办件编号 of this real-name 差评; the officer it is about does not.
    const adminRow = (await ok(rpc('unit-admin-linxiang', 'unit_work_orders', { p_status: null }))).find((r) => r.id === id);
    expect(adminRow).toMatchObject({ is_about_me: false, project_no: expect.stringMatching(/^TEST-/) });
  });

  test('a unit admin who is the rated officer neither lists nor assigns; a colleague verifies it', async () => {
    const { workOrderId: id } = await badRating({ officerId: PERSONA_IDS['unit-admin-linxiang'] });
    await refusedOwn(id, () => rpc('unit-admin-linxiang', 'work_order_handlers', { p_work_order_id: id }), 'handlers');
    await refusedOwn(id, () => rpc('unit-admin-linxiang', 'assign_work_order', { p_work_order_id: id, p_user_id: PERSONA_IDS['staff-linxiang'] }), 'assign');
    await refusedOwn(id, () => rpc('unit-admin-linxiang', 'verify_work_order', { p_work_order_id: id }), 'verify');
    expect((await ok(rpc('staff-linxiang', 'verify_work_order', { p_work_order_id: id })))[0]).toMatchObject({ status: 'rectifying' });
    // Nobody else in the unit: it is not the supervisors' to assign.
    await refused(rpc('supervisor-city', 'assign_work_order', { p_work_order_id: id, p_user_id: PERSONA_IDS['supervisor-city'] }), 'forbidden');
  });

  test('a unit with nobody but the rated officer: the order goes to the supervisors, who assign a handler and act', async () => {
    // A unit of 凤庆县 whose only officer is staff-fengqing (restored in finally).
    const unitId = randomUUID();
    const suffix = unitId.slice(0, 8);
    await db.query(`insert into app.units (id, region_code, name) values ($1, '530921', $2)`, [unitId, `凤庆县测试单位${suffix}`]);
    const matterId = (await db.query(`insert into app.matters (code, name, unit_id) values ($1, '测试事项', $2) returning id`, [`530921-T-${suffix}`, unitId])).rows[0].id;
    await db.query(`insert into app.staff_roles (user_id, role, unit_id) values ($1, 'staff', $2)`, [PERSONA_IDS['staff-fengqing'], unitId]);
    try {
      const tx = (await db.query(
        `insert into app.transactions (project_no, matter_id, unit_id, region_code, staff_user_id, applicant_user_id, channel, status, accepted_at, finished_at)
         values ('TEST-' || gen_random_uuid(), $1, $2, '530921', $3, $4, 'pc', 'finished', now() - interval '1 day', now() - interval '1 hour')
         returning id`, [matterId, unitId, PERSONA_IDS['staff-fengqing'], PERSONA_IDS['citizen-a']])).rows[0].id as string;
      const { workOrderId: id } = await rate(tx);

      // Escalated as it opened, on the supervisors' list; the timeline says so.
      const overdue = await allOverdue(rpc, 'supervisor-fengqing');
      expect(overdue).toContainEqual(expect.objectContaining({ id, status: 'pending_verification', escalation_reason: '本单位无被评价人以外的承办人员' }));
      expect((await ok(rpc('citizen-a', 'work_order_timeline', { p_work_order_id: id }))).map((e) => e.event)).toEqual(['opened', 'escalated']);

      // The officer it is about sees it, and can do nothing with it.
      expect((await ok(rpc('staff-fengqing', 'unit_work_orders', { p_status: null }))).find((r) => r.id === id))
        .toMatchObject({ is_about_me: true, escalated: true, project_no: null });
      await refusedOwn(id, () => rpc('staff-fengqing', 'verify_work_order', { p_work_order_id: id }), 'verify');
      await refusedOwn(id, () => rpc('staff-fengqing', 'submit_appeal', { p_work_order_id: id, p_reason: 'mistaken', p_statement: '本人认为属于误评情形，请求复核' }), 'appeal');

      // A supervisor of the region lists who may handle it: the region's supervisors, never the rated officer.
      const handlers = await ok(rpc('supervisor-fengqing', 'work_order_handlers', { p_work_order_id: id }));
      const handlerIds = handlers.map((h) => h.user_id);
      expect(handlerIds).toEqual(expect.arrayContaining([PERSONA_IDS['supervisor-city'], PERSONA_IDS['supervisor-fengqing']]));
      expect(handlerIds).not.toContain(PERSONA_IDS['staff-fengqing']);
      expect(handlers.every((h) => h.role === 'supervisor')).toBe(true);
      await refusedOwn(id, () => rpc('supervisor-fengqing', 'assign_work_order', { p_work_order_id: id, p_user_id: PERSONA_IDS['staff-fengqing'] }), 'assign the rated officer');
      // Before anyone is assigned, a supervisor cannot act on it; a supervisor of another region cannot assign.
      await refused(rpc('supervisor-fengqing', 'verify_work_order', { p_work_order_id: id }), 'forbidden');
      await ok(rpc('supervisor-fengqing', 'assign_work_order', { p_work_order_id: id, p_user_id: PERSONA_IDS['supervisor-fengqing'] }));

      // The assigned supervisor handles it for the unit; an appeal stays the unit's, and another supervisor may not act.
      await refused(rpc('supervisor-fengqing', 'submit_appeal', { p_work_order_id: id, p_reason: 'mistaken', p_statement: '监督员认为属于误评情形' }), 'forbidden');
      await refused(rpc('supervisor-city', 'verify_work_order', { p_work_order_id: id }), 'forbidden');
      await ok(rpc('supervisor-fengqing', 'verify_work_order', { p_work_order_id: id, p_note: '由县监督员代为核实' }));
      await ok(rpc('supervisor-fengqing', 'rectify_work_order', { p_work_order_id: id, p_measures: '约谈并培训', p_root_cause: '服务意识不强' }));
      await ok(rpc('supervisor-fengqing', 'reply_work_order', { p_work_order_id: id, p_reply: '已约谈当事人并组织培训' }));
      expect((await ok(rpc('supervisor-fengqing', 'reveal_rater_contact', { p_work_order_id: id })))[0]).toMatchObject({ masked_name: '李*梅' });
      await refusedOwn(id, () => rpc('staff-fengqing', 'reveal_rater_contact', { p_work_order_id: id }), 'reveal');
      expect((await ok(rpc('supervisor-fengqing', 'record_return_visit', {
        p_work_order_id: id, p_method: 'phone', p_visited_on: shanghaiToday(), p_satisfaction: 'satisfied',
      })))[0]).toMatchObject({ status: 'closed' });
    } finally {
      await db.query(`delete from app.staff_roles where user_id = $1 and unit_id = $2`, [PERSONA_IDS['staff-fengqing'], unitId]);
    }
  });
});

describe('an anonymous 差评 cannot be traced by the unit', () => {
  test('no 办件编号 or applicant in any list, timeline or export the unit can call; the audit names no rater', async () => {
    const { workOrderId: id, ratingId, projectNo } = await badRating({ anonymous: true });
    const today = shanghaiToday();
    const rater = PERSONA_IDS['citizen-a'];
    const traceable = new RegExp(`${projectNo}|${rater}|李\\*梅|applicant|rater|phone|masked`);

    const unitViews = async (who: PersonaKey) => {
      const orders = (await ok(rpc(who, 'unit_work_orders', { p_status: null }))).filter((r) => r.id === id);
      expect(orders).toHaveLength(1);
      expect(orders[0]).toMatchObject({ is_realname: false, project_no: null });
      const ratings = (await ok(rpc(who, 'unit_ratings', { p_from: shanghaiDayFromToday(-1), p_to: today }))).filter((r) => r.id === ratingId);
      expect(ratings).toHaveLength(1);
      const timeline = await ok(rpc(who, 'work_order_timeline', { p_work_order_id: id }));
      expect(JSON.stringify({ orders, ratings, timeline })).not.toMatch(traceable);
      // The supervisors' lists and exports are not theirs: refused, or (appeals) empty.
      for (const [fn, args] of [
        ['overdue_work_orders', {}], ['rereviews_to_decide', {}],
        ['export_work_orders', { p_from: today, p_to: today }], ['export_ratings', { p_from: today, p_to: today }],
      ] as const) {
        const res = await rpc(who, fn, args);
        expect({ who, fn, code: res.error?.code, status: res.status }).toEqual({ who, fn, code: 'forbidden', status: 403 });
      }
      expect(await ok(rpc(who, 'appeals_to_review', { p_status: null }))).toEqual([]);
      const { access_token } = await login(who);
      const exp = await fetch(`${functionUrl('export')}?kind=work_orders&format=csv&from=${today}&to=${today}`, {
        headers: { apikey: stackEnv.anonKey, authorization: `Bearer ${access_token}` },
      });
      expect({ who, status: exp.status }).toEqual({ who, status: 403 });
      expect(await exp.text()).not.toContain(projectNo);
    };
    for (const who of UNIT_PEOPLE) await unitViews(who);

    // Through the whole anonymous loop, and the rater's rating of the fix, which reopens it.
    await ok(rpc('unit-admin-linxiang', 'verify_work_order', { p_work_order_id: id }));
    await ok(rpc('unit-admin-linxiang', 'rectify_work_order', { p_work_order_id: id, p_measures: '加强培训', p_root_cause: '业务不熟' }));
    await ok(rpc('unit-admin-linxiang', 'reply_work_order', { p_work_order_id: id, p_reply: '已整改，欢迎监督' }));
    expect((await ok(rpc('citizen-a', 'rate_rectification', { p_work_order_id: id, p_level: 1, p_comment: '没有变化' })))[0]).toMatchObject({ reopened: true });
    for (const who of UNIT_PEOPLE) await unitViews(who);

    // The audit log: the opening is the system's, the rater's steps are unnamed.
    const audit = (await db.query(`select action, actor_user_id, actor_role from app.audit_log where work_order_id = $1 or entity_id = $1 order by id`, [id])).rows;
    expect(audit[0]).toEqual({ action: 'opened', actor_user_id: null, actor_role: 'system' });
    expect(audit.filter((a) => ['rated_fix', 'reopened'].includes(a.action))).toEqual([
      { action: 'rated_fix', actor_user_id: null, actor_role: 'rater' },
      { action: 'reopened', actor_user_id: null, actor_role: 'rater' },
    ]);
    expect(audit.some((a) => a.actor_user_id === rater)).toBe(false);
    expect(audit.find((a) => a.action === 'verified')).toEqual({ action: 'verified', actor_user_id: PERSONA_IDS['unit-admin-linxiang'], actor_role: 'authenticated' });

    // Supervisors: no 办件编号 on the overdue list (it is not needed to chase a deadline)…
    const overdue = (await allOverdue(rpc, 'supervisor-city')).find((r) => r.id === id);
    expect(overdue).toMatchObject({ status: 'reopened', project_no: null });
  });

  test('supervisors deciding an appeal on an anonymous 差评 see its 办件编号; the unit that appealed does not', async () => {
    const { workOrderId: id, projectNo } = await badRating({ anonymous: true });
    const appealId = (await ok(rpc('unit-admin-linxiang', 'submit_appeal', {
      p_work_order_id: id, p_reason: 'mistaken', p_statement: '评价内容与该办件的办理过程不符，疑为误评', p_evidence: [],
    })))[0]!.id;
    expect((await ok(rpc('supervisor-city', 'appeals_to_review', { p_status: 'pending' }))).find((a) => a.id === appealId))
      .toMatchObject({ work_order_id: id, project_no: projectNo });
    const row = (await ok(rpc('unit-admin-linxiang', 'unit_work_orders', { p_status: 'appealing' }))).find((r) => r.id === id);
    expect(row).toMatchObject({ appeal_status: 'pending', project_no: null });
  });

  test('a real-name 差评 keeps its 办件编号 for the unit (the 回访 needs it), but never for the officer it is about', async () => {
    const { workOrderId: id, projectNo } = await badRating({ officerId: PERSONA_IDS['staff-linxiang'] });
    expect((await ok(rpc('unit-admin-linxiang', 'unit_work_orders', { p_status: null }))).find((r) => r.id === id))
      .toMatchObject({ is_realname: true, project_no: projectNo, is_about_me: false });
    expect((await ok(rpc('staff-linxiang', 'unit_work_orders', { p_status: null }))).find((r) => r.id === id))
      .toMatchObject({ is_realname: true, project_no: null, is_about_me: true });
  });
});

describe('回避: a supervisor who is a party to a 差评 decides neither its appeal nor its re-review (R11, R13)', () => {
  const APPEAL = { p_reason: 'mistaken', p_statement: '评价内容与该办件的办理过程不符，疑为误评', p_evidence: [] };
  /** Runs `work` with `user` holding a supervisor role over 临翔区 (530902) it does not have in the demo data. */
  async function asLinxiangSupervisor<T>(user: string, work: () => Promise<T>): Promise<T> {
    const role = (await db.query(`insert into app.staff_roles (user_id, role, scope_region_code) values ($1, 'supervisor', '530902') returning id`, [user])).rows[0].id;
    try {
      return await work();
    } finally {
      await db.query('delete from app.staff_roles where id = $1', [role]);
    }
  }

  /** The appeal as appeals_to_review lists it to `persona`: must it recuse? */
  const listedRecusal = async (persona: PersonaKey, appealId: unknown) =>
    ((await ok(rpc(persona, 'appeals_to_review', { p_status: 'pending' }))) as Array<{ id: string; must_recuse: boolean }>)
      .find((a) => a.id === appealId)?.must_recuse;

  test('the city supervisor the 差评 is about cannot decide the unit\'s appeal on it (the list says so first); nothing written', async () => {
    const { workOrderId: id } = await badRating({ officerId: PERSONA_IDS['supervisor-city'] });
    const appealId = (await ok(rpc('unit-admin-linxiang', 'submit_appeal', { p_work_order_id: id, ...APPEAL })))[0]!.id;
    expect(await listedRecusal('supervisor-city', appealId)).toBe(true);
    for (const approve of [true, false]) {
      await refusedOwn(id, () => rpc('supervisor-city', 'review_appeal', { p_appeal_id: appealId, p_approve: approve, p_note: '申诉成立' }), `review ${approve}`, 'review_recused');
    }
    // Another supervisor of the region, listed as free to, decides it.
    await asLinxiangSupervisor(PERSONA_IDS['supervisor-fengqing'], async () => {
      expect(await listedRecusal('supervisor-fengqing', appealId)).toBe(false);
      expect((await rpc('supervisor-fengqing', 'review_appeal', { p_appeal_id: appealId, p_approve: false, p_note: '申诉不成立' })).error).toBeNull();
    });
  });

  test('a unit admin who is also a supervisor of the region cannot decide the appeal they made; nothing written', async () => {
    const { workOrderId: id } = await badRating();
    await asLinxiangSupervisor(PERSONA_IDS['unit-admin-linxiang'], async () => {
      const appealId = (await ok(rpc('unit-admin-linxiang', 'submit_appeal', { p_work_order_id: id, ...APPEAL })))[0]!.id;
      expect(await listedRecusal('unit-admin-linxiang', appealId)).toBe(true);
      await refusedOwn(id, () => rpc('unit-admin-linxiang', 'review_appeal', { p_appeal_id: appealId, p_approve: true, p_note: '申诉成立' }), 'own appeal', 'review_recused');
    });
  });

  test('the city supervisor the 差评 is about cannot decide the rater\'s re-review of its dismissal (the list says so first); nothing written', async () => {
    const { workOrderId: id } = await badRating({ officerId: PERSONA_IDS['supervisor-city'] });
    const appealId = (await ok(rpc('unit-admin-linxiang', 'submit_appeal', { p_work_order_id: id, ...APPEAL })))[0]!.id;
    await asLinxiangSupervisor(PERSONA_IDS['supervisor-fengqing'], async () => {
      expect((await rpc('supervisor-fengqing', 'review_appeal', { p_appeal_id: appealId, p_approve: true, p_note: '核对记录，申诉成立' })).error).toBeNull();
    });
    expect((await rpc('citizen-a', 'request_rereview', { p_work_order_id: id, p_reason: '我就是在这个窗口办的，有回执' })).error).toBeNull();
    const listed = ((await ok(rpc('supervisor-city', 'rereviews_to_decide'))) as Array<{ work_order_id: string; must_recuse: boolean; can_decide: boolean }>)
      .find((q) => q.work_order_id === id);
    expect(listed).toMatchObject({ must_recuse: true, can_decide: false });
    for (const overturn of [true, false]) {
      await refusedOwn(id, () => rpc('supervisor-city', 'decide_rereview', { p_work_order_id: id, p_overturn: overturn, p_note: '改判' }), `rereview ${overturn}`, 'review_recused');
    }
  });
});
