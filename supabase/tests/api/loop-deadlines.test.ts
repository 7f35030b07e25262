/**
 * Issue 21 through PostgREST, as the clients call it:
 * - 21.4 (R11): an upheld appeal fixes the real-name rater's last day to ask for a re-review
 *   (rereview_due_on, on the timeline's appeal_approved row too); request_rereview after it is
 *   refused 409 rereview_window_closed with nothing written; on the day itself it is accepted.
 * - 21.3: appeals_to_review and rereviews_to_decide say what a decision today would set.
 * - 21.2: my_urgent_count, callable from the phones' main package, counts the caller's own units
 *   only: the rater, other units' staff and supervisors learn nothing of an order.
 * - 21.7: unit_work_orders pages on the server (处理中 by urgency, 已办结 latest first).
 * Dates are relative to today (Asia/Shanghai); every change to shared rows is undone in `finally`.
 */
import { rereviewDeadline } from '../../../shared/work-orders.ts';
import { UnitWorkOrderRow } from '../../../shared/staff.ts';
import { byUrgency, urgencyOf } from '../../../miniapp/src/lib/staff-view.ts';
import { connect, PERSONA_IDS, rowsFingerprint, type Db } from '../../../tests/support/db.ts';
import { personaClientsPerFile, refused } from '../../../tests/support/persona-clients.ts';
import { freshFinishedTransaction, shanghaiDayFromToday, shanghaiToday } from '../../../tests/support/work-orders.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(() => db.end());
const { rpc } = personaClientsPerFile(['anon', 'citizen-a', 'citizen-b', 'staff-linxiang', 'unit-admin-linxiang', 'staff-fengqing', 'supervisor-city', 'supervisor-fengqing']);

/** citizen-a's fresh 差评 of 临翔区市场监督管理局 (real-name unless `anonymous`), appealed as 误评 by the unit. */
async function appealed(anonymous: boolean): Promise<{ id: string; appealId: string }> {
  const tx = await freshFinishedTransaction(db, PERSONA_IDS['citizen-a']);
  const r = await rpc('citizen-a', 'submit_rating', {
    p_transaction_id: tx, p_level: 1, p_tags: ['115'], p_comment: '窗口让我跑了三趟', p_anonymous: anonymous, p_channel: 'mobile', p_idempotency_key: `ld-${tx}`,
  });
  expect(r.error).toBeNull();
  const id = r.data[0].work_order_id as string;
  const a = await rpc('unit-admin-linxiang', 'submit_appeal', { p_work_order_id: id, p_reason: 'mistaken', p_statement: '系统记录显示该办件由其他窗口办理，属误评' });
  expect(a.error).toBeNull();
  return { id, appealId: a.data[0].id as string };
}

const orderRow = (id: string) => rowsFingerprint(db, 'select * from app.work_orders where id = $1', [id]);
const orderAudit = (id: string) => rowsFingerprint(db, 'select * from app.audit_log where work_order_id = $1', [id]);

describe('21.3 / 21.4: the re-review period', () => {
  test('an upheld appeal of a real-name 差评 fixes the period; the queue said it before, the timeline says it after', async () => {
    const { id, appealId } = await appealed(false);
    const today = shanghaiToday();
    const expected = rereviewDeadline(today).dueOn;
    const pending = (await rpc('supervisor-city', 'appeals_to_review', { p_status: 'pending' })).data.find((a: { id: string }) => a.id === appealId);
    const { rows: rect } = await db.query(`select d.due_on::text as d from public.working_deadline($1::date, (select rectify_working_days from app.loop_policy)) d`, [today]);
    expect(pending).toMatchObject({ rereview_due_if_approved: expected, rectify_due_if_rejected: rect[0].d });

    expect((await rpc('supervisor-city', 'review_appeal', { p_appeal_id: appealId, p_approve: true, p_note: '核对系统记录，申诉成立' })).error).toBeNull();
    const { rows } = await db.query(`select rereview_due_on::text as due from app.work_orders where id = $1`, [id]);
    expect(rows[0].due).toBe(expected);
    const timeline = await rpc('citizen-a', 'work_order_timeline', { p_work_order_id: id });
    expect(timeline.data.find((e: { event: string }) => e.event === 'appeal_approved')).toMatchObject({ due_on: expected });
    // Decided: the queue no longer offers what a decision would set.
    const decided = (await rpc('supervisor-city', 'appeals_to_review', { p_status: 'approved' })).data.find((a: { id: string }) => a.id === appealId);
    expect(decided).toMatchObject({ rereview_due_if_approved: null, rectify_due_if_rejected: null });
  });

  test('attack: a re-review asked after the period is refused (409 rereview_window_closed) and writes nothing; on its last day it is accepted', async () => {
    const { id, appealId } = await appealed(false);
    expect((await rpc('supervisor-city', 'review_appeal', { p_appeal_id: appealId, p_approve: true, p_note: '申诉成立' })).error).toBeNull();
    // The period ran out yesterday (as if the appeal had been upheld weeks ago).
    await db.query(`update app.work_orders set rereview_due_on = $2::date where id = $1`, [id, shanghaiDayFromToday(-1)]);
    const before = [await orderRow(id), await orderAudit(id)];
    await refused(rpc('citizen-a', 'request_rereview', { p_work_order_id: id, p_reason: '我有回执，申请复核' }), 'rereview_window_closed');
    expect([await orderRow(id), await orderAudit(id)]).toEqual(before);
    expect((await rpc('supervisor-city', 'rereviews_to_decide')).data.map((r: { work_order_id: string }) => r.work_order_id)).not.toContain(id);

    await db.query(`update app.work_orders set rereview_due_on = $2::date where id = $1`, [id, shanghaiToday()]);
    const ok = await rpc('citizen-a', 'request_rereview', { p_work_order_id: id, p_reason: '我有回执，申请复核' });
    expect(ok.error).toBeNull();
    const queued = (await rpc('supervisor-city', 'rereviews_to_decide')).data.find((r: { work_order_id: string }) => r.work_order_id === id);
    const { rows: rect } = await db.query(`select d.due_on::text as d from public.working_deadline($1::date, (select rectify_working_days from app.loop_policy)) d`, [shanghaiToday()]);
    expect(queued).toMatchObject({ rectify_due_if_overturned: rect[0].d });
  });

  test('an anonymous 差评 gets no period (no re-review can be asked)', async () => {
    const { id, appealId } = await appealed(true);
    const pending = (await rpc('supervisor-city', 'appeals_to_review', { p_status: 'pending' })).data.find((a: { id: string }) => a.id === appealId);
    expect(pending.rereview_due_if_approved).toBeNull();
    expect((await rpc('supervisor-city', 'review_appeal', { p_appeal_id: appealId, p_approve: true, p_note: '申诉成立' })).error).toBeNull();
    const { rows } = await db.query(`select rereview_due_on from app.work_orders where id = $1`, [id]);
    expect(rows[0].rereview_due_on).toBeNull();
  });
});

describe('21.2: my_urgent_count', () => {
  const count = async (who: Parameters<typeof rpc>[0]) => {
    const res = await rpc(who, 'my_urgent_count');
    expect(res.error).toBeNull();
    return res.data[0] as { overdue: number; soon: number };
  };

  test('equals the 工作台\'s own reading of the unit\'s orders (urgencyOf over unit_work_orders)', async () => {
    for (const who of ['staff-linxiang', 'unit-admin-linxiang', 'staff-fengqing'] as const) {
      const rows = UnitWorkOrderRow.array().parse((await rpc(who, 'unit_work_orders', { p_open: true })).data);
      const today = shanghaiToday();
      expect(await count(who)).toEqual({
        overdue: rows.filter((r) => urgencyOf(r, today) === 'overdue').length,
        soon: rows.filter((r) => urgencyOf(r, today) === 'soon').length,
      });
    }
  });

  test('attack: an order made overdue shows only to its own unit; its rater, other units, supervisors and anon learn nothing', async () => {
    const tx = await freshFinishedTransaction(db, PERSONA_IDS['citizen-b']);
    const r = await rpc('citizen-b', 'submit_rating', {
      p_transaction_id: tx, p_level: 1, p_tags: ['115'], p_comment: null, p_anonymous: false, p_channel: 'mobile', p_idempotency_key: `uc-${tx}`,
    });
    expect(r.error).toBeNull();
    const id = r.data[0].work_order_id as string;
    const { rows: orig } = await db.query(`select verify_due_on::text as d from app.work_orders where id = $1`, [id]);
    const outsiders = ['citizen-a', 'citizen-b', 'staff-fengqing', 'supervisor-city', 'supervisor-fengqing'] as const;
    const before = { lx: await count('staff-linxiang'), ...Object.fromEntries(await Promise.all(outsiders.map(async (p) => [p, await count(p)]))) };
    try {
      await db.query(`update app.work_orders set verify_due_on = $2::date where id = $1`, [id, shanghaiDayFromToday(-3)]);
      const after = { lx: await count('staff-linxiang'), ...Object.fromEntries(await Promise.all(outsiders.map(async (p) => [p, await count(p)]))) };
      expect(after.lx.overdue).toBe(before.lx.overdue + 1);
      for (const p of outsiders) expect(after[p]).toEqual(before[p]);
      // Nobody without a unit ever sees a count, however many orders exist.
      for (const p of ['citizen-a', 'citizen-b', 'supervisor-city', 'supervisor-fengqing'] as const) expect(after[p]).toEqual({ overdue: 0, soon: 0 });
      const anon = await rpc('anon', 'my_urgent_count');
      expect({ status: anon.status, code: anon.error?.code }).toEqual({ status: 401, code: '42501' });
    } finally {
      await db.query(`update app.work_orders set verify_due_on = $2::date where id = $1`, [id, orig[0].d]);
    }
  });
});

describe('21.7: unit_work_orders pages on the server', () => {
  test('处理中 by urgency, 已办结 latest first; pages of 3 put together are the whole list; bad paging is 400 invalid_input', async () => {
    const today = shanghaiToday();
    const open = UnitWorkOrderRow.array().parse((await rpc('staff-linxiang', 'unit_work_orders', { p_open: true })).data);
    expect(open.length).toBeGreaterThan(3);
    expect(open.every((r) => !['closed', 'dismissed', 'rerouted'].includes(r.status))).toBe(true);
    // The server's order is the 工作台's (byUrgency, which keeps equal keys in place).
    expect(byUrgency(open, today).map((r) => r.id)).toEqual(open.map((r) => r.id));
    const done = UnitWorkOrderRow.array().parse((await rpc('staff-linxiang', 'unit_work_orders', { p_open: false })).data);
    expect(done.length).toBeGreaterThan(0);
    expect(done.every((r) => ['closed', 'dismissed', 'rerouted'].includes(r.status))).toBe(true);

    for (const [flag, all] of [[true, open], [false, done]] as const) {
      const pages: string[] = [];
      for (let off = 0; off < all.length; off += 3) {
        const page = (await rpc('staff-linxiang', 'unit_work_orders', { p_open: flag, p_limit: 3, p_offset: off })).data as Array<{ id: string }>;
        expect(page.length).toBeLessThanOrEqual(3);
        pages.push(...page.map((p) => p.id));
      }
      expect(pages).toEqual(all.map((r) => r.id));
    }
    // All (p_open null): the open ones first, then the finished.
    const every = UnitWorkOrderRow.array().parse((await rpc('staff-linxiang', 'unit_work_orders', {})).data);
    expect(every.map((r) => r.id)).toEqual([...open, ...done].map((r) => r.id));

    await refused(rpc('staff-linxiang', 'unit_work_orders', { p_open: false, p_limit: 0 }), 'invalid_input');
    await refused(rpc('staff-linxiang', 'unit_work_orders', { p_open: false, p_limit: 201 }), 'invalid_input');
    await refused(rpc('staff-linxiang', 'unit_work_orders', { p_open: false, p_limit: 5, p_offset: -1 }), 'invalid_input');
    // Paging never widens the scope: another unit's staff page through their own orders only.
    const fq = (await rpc('staff-fengqing', 'unit_work_orders', { p_open: false, p_limit: 200 })).data as Array<{ id: string }>;
    expect(fq.filter((r) => done.some((d) => d.id === r.id))).toEqual([]);
  });
});
