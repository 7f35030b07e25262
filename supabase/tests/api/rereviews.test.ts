/**
 * rereviews_to_decide (R11, issue 7): the re-review queue. City-level supervisors get the pending
 * requests of their regions with can_decide; a county supervisor gets their county's read-only;
 * staff, unit admins and citizens are refused, anon never reaches it. No row carries the rater's
 * identity, and nothing is written by reading or by a refusal.
 */
import { RereviewRow } from '../../../shared/desk.ts';
import type { PersonaKey } from '../../../shared/personas.ts';
import { client } from '../../../tests/support/api.ts';
import { connect, PERSONA_IDS, type Db } from '../../../tests/support/db.ts';
import { personaClientsPerFile, refused } from '../../../tests/support/persona-clients.ts';
import { freshFinishedTransaction } from '../../../tests/support/work-orders.ts';

let db: Db;
const PERSONAS: PersonaKey[] = ['citizen-a', 'citizen-b', 'staff-linxiang', 'unit-admin-linxiang', 'staff-fengqing', 'supervisor-city', 'supervisor-fengqing'];

beforeAll(async () => {
  db = await connect();
});
afterAll(() => db.end());
const { rpc } = personaClientsPerFile(PERSONAS);

const queue = async (who: PersonaKey) => {
  const res = await rpc(who, 'rereviews_to_decide');
  expect(res.error).toBeNull();
  return RereviewRow.array().parse(res.data);
};
const writes = async (id: string) =>
  (await db.query<{ n: number; status: string; decided: string | null }>(
    `select (select count(*)::int from app.audit_log a where a.entity_id = w.id) as n, w.status, w.rereview_decided_at as decided
     from app.work_orders w where w.id = $1`, [id])).rows[0];

/** citizen-a's real-name 差评, appealed by the unit, dismissed by the city, re-review requested. */
async function dismissedAndRequested(comment: string): Promise<{ id: string; appealId: string }> {
  const tx = await freshFinishedTransaction(db, PERSONA_IDS['citizen-a']);
  const r = await rpc('citizen-a', 'submit_rating', {
    p_transaction_id: tx, p_level: 1, p_tags: ['115'], p_comment: comment, p_anonymous: false, p_channel: 'mobile', p_idempotency_key: `rr-${tx}`,
  });
  expect(r.error).toBeNull();
  const id = r.data[0].work_order_id as string;
  const a = await rpc('unit-admin-linxiang', 'submit_appeal', { p_work_order_id: id, p_reason: 'mistaken', p_statement: '系统记录显示该办件由其他窗口办理，属误评' });
  expect(a.error).toBeNull();
  const appealId = a.data[0].id as string;
  expect((await rpc('supervisor-city', 'review_appeal', { p_appeal_id: appealId, p_approve: true, p_note: '核对系统记录，申诉成立' })).error).toBeNull();
  expect((await queue('supervisor-city')).map((q) => q.work_order_id)).not.toContain(id);
  expect((await rpc('citizen-a', 'request_rereview', { p_work_order_id: id, p_reason: '我就是在这个窗口办的，有回执' })).error).toBeNull();
  return { id, appealId };
}

test('a city supervisor sees the request with the rating, the unit and the dismissal, never the rater; deciding takes it off', async () => {
  const { id, appealId } = await dismissedAndRequested('窗口让我跑了三趟');
  const row = (await queue('supervisor-city')).find((q) => q.work_order_id === id);
  expect(row).toMatchObject({
    status: 'dismissed', region_code: '530902', region_name: '临翔区', unit_name: '临翔区市场监督管理局',
    level: 1, tags: ['115'], comment: '窗口让我跑了三趟',
    appeal_id: appealId, appeal_reason: 'mistaken', appeal_statement: '系统记录显示该办件由其他窗口办理，属误评',
    appeal_decision_note: '核对系统记录，申诉成立', rereview_reason: '我就是在这个窗口办的，有回执', can_decide: true, must_recuse: false,
  });
  const raw = (await rpc('supervisor-city', 'rereviews_to_decide')).data.find((q: { work_order_id: string }) => q.work_order_id === id);
  expect(Object.keys(raw).join(',')).not.toMatch(/rater|applicant|phone|masked|name_enc|user/);
  expect(JSON.stringify(raw)).not.toMatch(/李\*梅|1[3-9]\d\*{4}\d{4}/);

  // 凤庆县's supervisor does not oversee 临翔区: not listed.
  expect((await queue('supervisor-fengqing')).map((q) => q.work_order_id)).not.toContain(id);

  const decided = await rpc('supervisor-city', 'decide_rereview', { p_work_order_id: id, p_overturn: true, p_note: '回执证实在该窗口办理，改判' });
  expect(decided.data[0]).toMatchObject({ id, status: 'rectifying' });
  expect((await queue('supervisor-city')).map((q) => q.work_order_id)).not.toContain(id);
  expect((await db.query(`select r.validity from app.ratings r join app.work_orders w on w.rating_id = r.id where w.id = $1`, [id])).rows[0].validity).toBe('valid');
});

test('a county supervisor reads their county\'s requests only (can_decide false) and cannot decide them', async () => {
  const { id } = await dismissedAndRequested('材料被退回两次');
  const granted = await rpc('supervisor-city', 'admin_grant_role', { p_user_id: PERSONA_IDS['citizen-b'], p_role: 'supervisor', p_scope_region_code: '530902' });
  expect(granted.error).toBeNull();
  const roleId = granted.data[0].role_id as string;
  try {
    const row = (await queue('citizen-b')).find((q) => q.work_order_id === id);
    expect(row).toMatchObject({ unit_name: '临翔区市场监督管理局', can_decide: false, must_recuse: false });
    const before = await writes(id);
    await refused(rpc('citizen-b', 'decide_rereview', { p_work_order_id: id, p_overturn: true, p_note: '改判' }), 'city_supervisor_required');
    expect(await writes(id)).toEqual(before);
  } finally {
    expect((await rpc('supervisor-city', 'admin_revoke_role', { p_role_id: roleId })).error).toBeNull();
  }
  // Without the role citizen-b is a citizen again: refused.
  await refused(rpc('citizen-b', 'rereviews_to_decide'), 'forbidden');
});

test('staff, unit admins and citizens are refused; anon never reaches it; nothing is written', async () => {
  const { id } = await dismissedAndRequested('说好的当天办结没有做到');
  const before = await writes(id);
  for (const who of ['citizen-a', 'citizen-b', 'staff-linxiang', 'unit-admin-linxiang', 'staff-fengqing'] as PersonaKey[]) {
    await refused(rpc(who, 'rereviews_to_decide'), 'forbidden');
  }
  const anon = await client().rpc('rereviews_to_decide');
  expect({ code: anon.error?.code, status: anon.status }).toEqual({ code: '42501', status: 401 });
  expect(await writes(id)).toEqual(before);
  expect(before).toMatchObject({ status: 'dismissed', decided: null });
  // Reading as a supervisor writes nothing either.
  await queue('supervisor-city');
  expect(await writes(id)).toEqual(before);
});
