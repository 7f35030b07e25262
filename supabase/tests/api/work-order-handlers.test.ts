/**
 * work_order_handlers (R13, issue 7): the people a unit admin may assign as 承办人 with
 * assign_work_order — staff and unit admins of the order's unit, masked names only, the current
 * one marked — for that unit's admins only. Everyone else is refused and nothing is written.
 */
import { HandlerRow } from '../../../shared/desk.ts';
import type { PersonaKey } from '../../../shared/personas.ts';
import { client } from '../../../tests/support/api.ts';
import { connect, PERSONA_IDS, type Db } from '../../../tests/support/db.ts';
import { personaClientsPerFile, refused } from '../../../tests/support/persona-clients.ts';
import { freshFinishedTransaction } from '../../../tests/support/work-orders.ts';

let db: Db;
const PERSONAS: PersonaKey[] = ['citizen-a', 'staff-linxiang', 'unit-admin-linxiang', 'staff-fengqing', 'supervisor-city', 'supervisor-fengqing'];

beforeAll(async () => {
  db = await connect();
});
afterAll(() => db.end());
const { rpc } = personaClientsPerFile(PERSONAS);

const state = async (id: string) =>
  (await db.query(`select w.handler_user_id as handler, (select count(*)::int from app.audit_log a where a.entity_id = w.id) as audits
                   from app.work_orders w where w.id = $1`, [id])).rows[0] as { handler: string | null; audits: number };

async function badRating(): Promise<string> {
  const tx = await freshFinishedTransaction(db, PERSONA_IDS['citizen-a']);
  const r = await rpc('citizen-a', 'submit_rating', {
    p_transaction_id: tx, p_level: 1, p_tags: ['115'], p_comment: '窗口无人', p_anonymous: false, p_channel: 'mobile', p_idempotency_key: `h-${tx}`,
  });
  expect(r.error).toBeNull();
  return r.data[0].work_order_id as string;
}

test('the unit admin lists the unit\'s people (masked), assigns one, and the list and the officer\'s own view follow', async () => {
  const id = await badRating();
  const res = await rpc('unit-admin-linxiang', 'work_order_handlers', { p_work_order_id: id });
  expect(res.error).toBeNull();
  for (const raw of res.data) expect(Object.keys(raw).sort()).toEqual(['is_handler', 'masked_name', 'realname_verified', 'role', 'user_id']);
  const list = HandlerRow.array().parse(res.data);
  const ids = list.map((h) => h.user_id);
  expect(ids).toEqual(expect.arrayContaining([PERSONA_IDS['staff-linxiang'], PERSONA_IDS['unit-admin-linxiang']]));
  expect(ids).not.toContain(PERSONA_IDS['staff-fengqing']);
  expect(ids).not.toContain(PERSONA_IDS['supervisor-city']);
  expect(new Set(ids).size).toBe(ids.length);
  expect(list.find((h) => h.user_id === PERSONA_IDS['unit-admin-linxiang'])?.role).toBe('unit_admin');
  for (const h of list) expect(h.masked_name).toMatch(/\*|^$/u);
  expect(list.find((h) => h.user_id === PERSONA_IDS['staff-linxiang'])?.masked_name).toBe('杨*');
  expect(list.some((h) => h.is_handler)).toBe(false);

  const assigned = await rpc('unit-admin-linxiang', 'assign_work_order', { p_work_order_id: id, p_user_id: PERSONA_IDS['staff-linxiang'] });
  expect(assigned.error).toBeNull();
  const after = HandlerRow.array().parse((await rpc('unit-admin-linxiang', 'work_order_handlers', { p_work_order_id: id })).data);
  expect(after[0]).toMatchObject({ user_id: PERSONA_IDS['staff-linxiang'], is_handler: true });
  expect(after.filter((h) => h.is_handler)).toHaveLength(1);
  const mine = (await rpc('staff-linxiang', 'unit_work_orders', { p_status: null })).data.find((r: { id: string }) => r.id === id);
  expect(mine.handler_is_me).toBe(true);
});

test('staff, another unit, supervisors and citizens are refused; an unknown order is not_found; nothing is written', async () => {
  const id = await badRating();
  const before = await state(id);
  for (const who of ['staff-linxiang', 'staff-fengqing', 'supervisor-city', 'supervisor-fengqing', 'citizen-a'] as PersonaKey[]) {
    await refused(rpc(who, 'work_order_handlers', { p_work_order_id: id }), 'forbidden');
  }
  await refused(rpc('unit-admin-linxiang', 'work_order_handlers', { p_work_order_id: '00000000-0000-4000-8000-00000000dead' }), 'not_found');
  const anon = await client().rpc('work_order_handlers', { p_work_order_id: id });
  expect({ code: anon.error?.code, status: anon.status }).toEqual({ code: '42501', status: 401 });
  // Someone not of the unit cannot be assigned.
  await refused(rpc('unit-admin-linxiang', 'assign_work_order', { p_work_order_id: id, p_user_id: PERSONA_IDS['staff-fengqing'] }), 'invalid_input');
  expect(await state(id)).toEqual(before);
  expect(before.handler).toBeNull();
});
