/**
 * urge_work_order (督办, issue 21.2): a supervisor of the order's region presses the unit on an
 * open order from 超期预警. Through the API as each caller would: the city's supervisor urges and
 * the unit sees the reason; a county supervisor of another county, staff, a citizen and anon are
 * refused (not_found for someone else's region, so an order's existence is not learned), a closed
 * order is invalid_transition, an empty note invalid_input — each with nothing written (the
 * order's row and its audit trail by md5, before and after).
 */
import type { PersonaKey } from '../../../shared/personas.ts';
import { connect, PERSONA_IDS, rowsFingerprint, type Db } from '../../../tests/support/db.ts';
import { personaClientsPerFile, refused } from '../../../tests/support/persona-clients.ts';
import { allOverdue, freshFinishedTransaction } from '../../../tests/support/work-orders.ts';

let db: Db;
const PERSONAS: Array<PersonaKey | 'anon'> = ['anon', 'citizen-a', 'staff-linxiang', 'unit-admin-linxiang', 'supervisor-city', 'supervisor-fengqing'];
beforeAll(async () => { db = await connect(); });
afterAll(() => db.end());
const { rpc } = personaClientsPerFile(PERSONAS);

/** A fresh 差评 of citizen-a in 临翔区, with its open work order. */
async function openOrder(key: string): Promise<string> {
  const tx = await freshFinishedTransaction(db, PERSONA_IDS['citizen-a']);
  const r = await rpc('citizen-a', 'submit_rating', {
    p_transaction_id: tx, p_level: 1, p_tags: ['115'], p_comment: null, p_anonymous: false, p_channel: 'mobile', p_idempotency_key: `urge-${key}-${tx}`,
  });
  expect(r.error).toBeNull();
  return r.data[0].work_order_id as string;
}

const trail = (id: string) => rowsFingerprint(db, `
  select w.status, w.escalated_at, w.escalation_reason from app.work_orders w where w.id = '${id}'
  union all select a.action, a.at, a.note from app.audit_log a where a.entity_id = '${id}'`);

test('the region\'s supervisor urges an open order; the unit sees why; the audit log has it', async () => {
  const id = await openOrder('ok');
  const res = await rpc('supervisor-city', 'urge_work_order', { p_work_order_id: id, p_note: '请今天内核实并回复群众' });
  expect(res.error).toBeNull();
  expect(res.data[0]).toMatchObject({ id, status: 'pending_verification', escalation_reason: '督办：请今天内核实并回复群众' });
  expect(res.data[0].escalated_at).toEqual(expect.any(String));
  const orders = await rpc('staff-linxiang', 'unit_work_orders', { p_status: null });
  expect(orders.error).toBeNull();
  expect(orders.data.find((o: { id: string }) => o.id === id)).toMatchObject({ escalated: true });
  const overdue = await allOverdue(rpc, 'supervisor-city');
  expect(overdue.find((o) => o.id === id)).toMatchObject({ escalation_reason: '督办：请今天内核实并回复群众' });
  const audit = await db.query(`select action, note from app.audit_log where entity_id = $1 and action = 'escalated'`, [id]);
  expect(audit.rows).toEqual([{ action: 'escalated', note: '请今天内核实并回复群众' }]);
});

test('超期预警 comes a page at a time, most overdue first, and counts every order (not the API\'s first 1,000 rows)', async () => {
  const [older, newer] = [await openOrder('page-older'), await openOrder('page-newer')];
  // Missed due dates decades ago: the most overdue orders of the region.
  for (const [id, due] of [[older, '2001-01-02'], [newer, '2001-01-04']]) {
    await db.query(`update app.work_orders set verify_due_on = $2, escalated_at = now(), escalation_reason = '核实超期' where id = $1`, [id, due]);
  }
  const all = await allOverdue(rpc, 'supervisor-city');
  const dues = all.map((r) => r.rectify_due_on ?? r.verify_due_on);
  // Earliest missed due date first, orders without one last: the order the desk shows.
  const sorted = [...dues].sort((a, b) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)));
  expect(dues).toEqual(sorted);
  expect(all.findIndex((r) => r.id === older)).toBeLessThan(all.findIndex((r) => r.id === newer));
  expect(all.find((r) => r.id === older)?.overdue_working_days).toBeGreaterThan(all.find((r) => r.id === newer)?.overdue_working_days ?? Infinity);
  // One row asked, one row given, with the count of all.
  const one = await rpc('supervisor-city', 'overdue_work_orders', { p_limit: 1, p_offset: 0 });
  expect(one.error).toBeNull();
  expect(one.data).toHaveLength(1);
  expect(Number(one.data[0].total_count)).toBeGreaterThanOrEqual(2);
  // 凤庆县's supervisor counts only 凤庆县's orders: these are not among them.
  expect((await allOverdue(rpc, 'supervisor-fengqing')).map((r) => r.id)).not.toEqual(expect.arrayContaining([older]));
});

test('outsiders are refused with the exact code and status, and nothing is written', async () => {
  const id = await openOrder('refused');
  const before = await trail(id);
  const args = { p_work_order_id: id, p_note: '请尽快处理' };
  // Another county's supervisor, staff, the unit admin and a citizen: not their region's order.
  for (const who of ['supervisor-fengqing', 'staff-linxiang', 'unit-admin-linxiang', 'citizen-a'] as const) {
    await refused(rpc(who, 'urge_work_order', args), 'not_found');
  }
  // Anon never reaches it (no EXECUTE).
  const anon = await rpc('anon', 'urge_work_order', args);
  expect(anon.error).not.toBeNull();
  expect([401, 403]).toContain(anon.status);
  // A note of one character or only spaces.
  await refused(rpc('supervisor-city', 'urge_work_order', { p_work_order_id: id, p_note: '　 ' }), 'invalid_input');
  await refused(rpc('supervisor-city', 'urge_work_order', { p_work_order_id: id, p_note: '急' }), 'invalid_input');
  expect(await trail(id)).toBe(before);
});

test('a closed order cannot be urged (invalid_transition), nothing written', async () => {
  const id = await openOrder('closed');
  await db.query(`update app.work_orders set status = 'closed', closed_at = now() where id = $1`, [id]);
  const before = await trail(id);
  await refused(rpc('supervisor-city', 'urge_work_order', { p_work_order_id: id, p_note: '请尽快处理' }), 'invalid_transition');
  expect(await trail(id)).toBe(before);
});
