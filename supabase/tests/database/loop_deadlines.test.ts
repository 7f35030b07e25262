/**
 * Issue 21: the 差评 loop's client-side twins equal their SQL rules.
 * - 21.4 (R11): the re-review period. app.rereview_deadline (what review_appeal stores as the
 *   order's rereview_due_on and request_rereview enforces) = rereviewDeadline in shared/work-orders.ts,
 *   and the policy's default = REREVIEW_REQUEST_WORKING_DAYS, over random days across holidays,
 *   调休 and year ends.
 * - 21.2 / 21.7: the 工作台's urgency. app.work_order_urgency (unit_work_orders' order,
 *   my_urgent_count) = urgencyOf in miniapp/src/lib/staff-view.ts on random states and due days.
 */
import { addDays } from '../../../shared/calendar/days.ts';
import { REREVIEW_REQUEST_WORKING_DAYS, rereviewDeadline, WORK_ORDER_STATUSES } from '../../../shared/work-orders.ts';
import { urgencyOf } from '../../../miniapp/src/lib/staff-view.ts';
import { connect, type Db } from '../../../tests/support/db.ts';
import { seededRandom } from '../../../tests/support/random.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

test('the re-review period\'s default is the same on both sides', async () => {
  const { rows } = await db.query(`select column_default from information_schema.columns
    where table_schema = 'app' and table_name = 'loop_policy' and column_name = 'rereview_request_working_days'`);
  expect(rows[0].column_default).toBe(String(REREVIEW_REQUEST_WORKING_DAYS));
  const { rows: live } = await db.query('select rereview_request_working_days as n from app.loop_policy');
  expect(live[0].n).toBe(REREVIEW_REQUEST_WORKING_DAYS);
});

test('app.rereview_deadline = rereviewDeadline on 400 random days (2019–2027: 春节, 国庆, 调休, year ends, provisional years)', async () => {
  const rnd = seededRandom(21_4);
  const days: string[] = [];
  for (let i = 0; i < 400; i++) days.push(addDays('2019-01-01', Math.floor(rnd() * 365 * 9)));
  // Fixed edges too: the eve of 春节 2026, the 国庆 week, a make-up Sunday, the year's last day.
  days.push('2026-02-13', '2026-09-30', '2026-10-08', '2025-12-31', '2026-12-31');
  const { rows } = await db.query<{ day: string; due_on: string; is_provisional: boolean }>(
    `select d.day::text as day, r.due_on::text as due_on, r.is_provisional
     from unnest($1::date[]) d (day) cross join lateral app.rereview_deadline(d.day) r`, [days]);
  const sql = rows.map((r) => ({ day: r.day, dueOn: r.due_on, isProvisional: r.is_provisional }));
  expect(sql).toEqual(days.map((day) => ({ day, ...rereviewDeadline(day) })));
});

test('app.work_order_urgency = urgencyOf on 2,000 random orders', async () => {
  const rnd = seededRandom(21_2);
  const today = '2026-12-10';
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const maybeDay = () => (rnd() < 0.15 ? null : addDays(today, Math.floor(rnd() * 9) - 4));
  const cases = Array.from({ length: 2000 }, () => ({ status: pick(WORK_ORDER_STATUSES), verify_due_on: maybeDay(), rectify_due_on: maybeDay() }));
  const { rows } = await db.query<{ rank: number }>(
    `select app.work_order_urgency(c.status, c.verify, c.rectify, $4::date) as rank
     from unnest($1::text[], $2::date[], $3::date[]) with ordinality c (status, verify, rectify, n) order by c.n`,
    [cases.map((c) => c.status), cases.map((c) => c.verify_due_on), cases.map((c) => c.rectify_due_on), today]);
  const names = ['overdue', 'soon', 'later', 'none'] as const;
  expect(rows.map((r) => names[r.rank])).toEqual(cases.map((c) => urgencyOf({ ...c, escalated: false }, today)));
});
