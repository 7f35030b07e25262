/**
 * The 差评 work order in the database (R8–R14): the state machine against an independent list
 * of every allowed move, opening and due dates across holidays with literal dates, overdue
 * escalation with an injected p_now, audit immutability for every role, and two officers
 * acting on one order at once.
 */
import pg from 'pg';
import { WORK_ORDER_STATUSES } from '../../../shared/work-orders.ts';
import { stackEnv } from '../../../tests/support/env.ts';
import { anon, as, codeOf, connect, type Db, failure, PERSONA_IDS, rolledBack, serviceRole, user } from '../../../tests/support/db.ts';
import { freshFinishedTransaction } from '../../../tests/support/work-orders.ts';

let db: Db;
beforeAll(async () => {
  db = await connect();
});
afterAll(() => db.end());

/** Inserts a 差评 on a fresh 办件 as the seeded citizen-a, rated at `ratedAt`; returns the order. */
async function openOrder(q: Db['query'], ratedAt = 'now()', anonymous = false): Promise<{ id: string; verify_due_on: string; verify_due_provisional: boolean }> {
  const tx = await freshFinishedTransaction(db, PERSONA_IDS['citizen-a']);
  await q(
    `insert into app.ratings (transaction_id, level, tags, channel, is_anonymous, rater_user_id, unit_id, region_code, matter_id, window_id, staff_user_id, rated_at)
     select t.id, 2, '{213}', 'mobile', $2, t.applicant_user_id, t.unit_id, t.region_code, t.matter_id, t.window_id, t.staff_user_id, ${ratedAt}
     from app.transactions t where t.id = $1`,
    [tx, anonymous],
  );
  const { rows } = await q(
    `select w.id, w.verify_due_on::text, w.verify_due_provisional from app.work_orders w join app.ratings r on r.id = w.rating_id where r.transaction_id = $1`,
    [tx],
  );
  expect(rows).toHaveLength(1);
  return rows[0];
}

describe('the state machine', () => {
  // Written out independently of app.work_order_transitions: each action and the states it may leave.
  const ALLOWED: Record<string, Record<string, string>> = {
    verify: { pending_verification: 'rectifying' },
    appeal: { pending_verification: 'appealing' },
    approve_appeal: { appealing: 'dismissed' },
    reroute: { appealing: 'rerouted' },
    reject_appeal: { appealing: 'rectifying' },
    extend: { rectifying: 'rectifying', overdue: 'rectifying', reopened: 'reopened' },
    rectify: { rectifying: 'rectified', overdue: 'rectified', reopened: 'rectified' },
    reply: { rectified: 'replied' },
    close: { replied: 'closed' },
    mark_overdue: { rectifying: 'overdue', reopened: 'overdue' },
    reopen: { replied: 'reopened', closed: 'reopened' },
    overturn_dismissal: { dismissed: 'rectifying' },
  };

  test('every action from every state: allowed moves land where they should, all others are invalid_transition and change nothing', async () => {
    await rolledBack(db, async (q) => {
      const { id } = await openOrder(q);
      let checked = 0;
      for (const [action, moves] of Object.entries(ALLOWED)) {
        for (const from of WORK_ORDER_STATUSES) {
          await q('savepoint s');
          await q('update app.work_orders set status = $2 where id = $1', [id, from]);
          const to = moves[from];
          if (to) {
            const { rows } = await q('select (app.transition_work_order($1, $2)).status', [id, action]);
            expect({ action, from, to: rows[0].status }).toEqual({ action, from, to });
            const audit = await q(`select state_from, state_to from app.audit_log where work_order_id = $1 order by id desc limit 1`, [id]);
            expect(audit.rows[0]).toEqual({ state_from: from, state_to: to });
          } else {
            const err = await failure(q('select app.transition_work_order($1, $2)', [id, action]));
            expect({ action, from, code: codeOf(err) }).toEqual({ action, from, code: 'invalid_transition' });
          }
          await q('rollback to savepoint s');
          checked++;
        }
      }
      expect(checked).toBe(Object.keys(ALLOWED).length * WORK_ORDER_STATUSES.length);
    });
  });

  test('no API role may call the transition function directly', async () => {
    const { id } = await openOrder(db.query.bind(db) as Db['query']);
    for (const actor of [anon, user(PERSONA_IDS['unit-admin-linxiang']), serviceRole]) {
      const err = await as(db, actor, (q) => failure(q(`select app.transition_work_order($1, 'verify')`, [id])));
      expect(err.code).toBe('42501');
    }
  });
});

describe('opening and due dates (R5, R6, R8, R10)', () => {
  test.each([
    // rated at (Asia/Shanghai)      verification due   provisional   why
    ['2026-09-30 16:00:00+08', '2026-10-08', false], // 国庆 and 中秋 2026: Oct 1–7 off
    ['2026-02-13 11:00:00+08', '2026-02-14', false], // Saturday 2026-02-14 is a 春节 make-up workday
    ['2026-12-31 23:30:00+08', '2027-01-04', true], // year end into 元旦 of a provisional year
    ['2027-09-30 09:00:00+08', '2027-10-04', true], // 国庆 of a provisional year (statutory Oct 1–3)
  ])('a 差评 rated %s is due for verification on %s (provisional %s)', async (ratedAt, due, provisional) => {
    await rolledBack(db, async (q) => {
      const order = await openOrder(q, `'${ratedAt}'::timestamptz`);
      expect(order).toMatchObject({ verify_due_on: due, verify_due_provisional: provisional });
    });
  });

  test.each([
    ['2026-09-25', '2026-10-22'], // 15 working days across 国庆
    ['2026-02-13', '2026-03-12'], // across 春节 with its make-up workdays
  ])('rectification after verifying on %s is due %s', async (day, due) => {
    const { rows } = await db.query(`select due_on::text from public.working_deadline($1::date, (select rectify_working_days from app.loop_policy))`, [day]);
    expect(rows[0].due_on).toBe(due);
  });

  test('defaults, fix ratings, good ratings and invalid ratings open no order', async () => {
    await rolledBack(db, async (q) => {
      const before = (await q('select count(*)::int as n from app.work_orders')).rows[0].n;
      const tx = await freshFinishedTransaction(db, PERSONA_IDS['citizen-a']);
      await q(
        `insert into app.ratings (transaction_id, assess_number, level, tags, channel, is_default, rater_user_id, unit_id, region_code)
         select t.id, 1, 3, '{}', 'default', true, null, t.unit_id, t.region_code from app.transactions t where t.id = $1`,
        [tx],
      );
      await q(
        `insert into app.ratings (transaction_id, assess_number, level, tags, channel, rater_user_id, unit_id, region_code)
         select t.id, 2, 1, '{213}', 'mobile', t.applicant_user_id, t.unit_id, t.region_code from app.transactions t where t.id = $1`,
        [tx],
      );
      expect((await q('select count(*)::int as n from app.work_orders')).rows[0].n).toBe(before);
    });
  });

  test('an anonymous 差评 is not real-name; a real-name rater’s is', async () => {
    await rolledBack(db, async (q) => {
      const named = await openOrder(q);
      const anonymous = await openOrder(q, 'now()', true);
      const { rows } = await q('select id, is_realname from app.work_orders where id = any($1) order by is_realname', [[named.id, anonymous.id]]);
      expect(rows).toEqual([{ id: anonymous.id, is_realname: false }, { id: named.id, is_realname: true }]);
    });
  });
});

describe('overdue escalation (R10) with an injected p_now', () => {
  test('past its due day a rectifying order becomes overdue and escalated; on the due day it does not', async () => {
    await rolledBack(db, async (q) => {
      const { id } = await openOrder(q);
      await q(`update app.work_orders set status = 'rectifying', substantiated_at = now(), rectify_due_on = '2026-10-09' where id = $1`, [id]);
      await q(`select public.escalate_overdue('2026-10-09 23:59:00+08')`);
      expect((await q('select status, escalated_at from app.work_orders where id = $1', [id])).rows[0]).toEqual({ status: 'rectifying', escalated_at: null });
      const n = (await q(`select public.escalate_overdue('2026-10-10 08:00:00+08') as n`)).rows[0].n;
      expect(n).toBeGreaterThanOrEqual(1);
      expect((await q('select status, escalation_reason from app.work_orders where id = $1', [id])).rows[0]).toEqual({ status: 'overdue', escalation_reason: '整改超期' });
      // Running again changes nothing more for it.
      await q(`select public.escalate_overdue('2026-10-12 08:00:00+08')`);
      const audit = await q(`select count(*)::int as n from app.audit_log where work_order_id = $1 and action = 'overdue'`, [id]);
      expect(audit.rows[0].n).toBe(1);
    });
  });

  test('an order unverified past its verification day is escalated in place, once', async () => {
    await rolledBack(db, async (q) => {
      const { id } = await openOrder(q, `'2026-09-30 16:00:00+08'::timestamptz`);
      await q(`select public.escalate_overdue('2026-10-09 09:00:00+08')`);
      await q(`select public.escalate_overdue('2026-10-10 09:00:00+08')`);
      expect((await q('select status, escalation_reason from app.work_orders where id = $1', [id])).rows[0])
        .toEqual({ status: 'pending_verification', escalation_reason: '核实超期' });
      expect((await q(`select count(*)::int as n from app.audit_log where work_order_id = $1 and action = 'escalated'`, [id])).rows[0].n).toBe(1);
    });
  });

  test('only the service role runs the job', async () => {
    for (const actor of [anon, user(PERSONA_IDS['supervisor-city'])]) {
      const err = await as(db, actor, (q) => failure(q('select public.escalate_overdue()')));
      expect(err.code).toBe('42501');
    }
    expect(await as(db, serviceRole, async (q) => (await q('select public.escalate_overdue() as n')).rows[0].n)).toEqual(expect.any(Number));
  });
});

describe('the audit log is append-only (R14)', () => {
  test.each([
    ['anon', anon],
    ['a citizen', user(PERSONA_IDS['citizen-a'])],
    ['a supervisor', user(PERSONA_IDS['supervisor-city'])],
    ['the service role', serviceRole],
  ])('%s can neither insert, update, delete nor truncate', async (_name, actor) => {
    for (const sql of [
      `insert into app.audit_log (entity, entity_id, action, region_code) values ('work_order', gen_random_uuid(), 'forged', '530900')`,
      `update app.audit_log set note = 'rewritten'`,
      `delete from app.audit_log`,
      `truncate app.audit_log`,
    ]) {
      const err = await as(db, actor, (q) => failure(q(sql)));
      expect({ sql, code: err.code }).toEqual({ sql, code: '42501' });
    }
  });

  test('even the table owner is refused by the trigger', async () => {
    await rolledBack(db, async (q) => {
      await openOrder(q);
      for (const sql of [`update app.audit_log set note = 'rewritten'`, `delete from app.audit_log`, `truncate app.audit_log`]) {
        await q('savepoint s');
        const err = await failure(q(sql));
        expect(err.message).toMatch(/append-only/);
        await q('rollback to savepoint s');
      }
    });
  });

  test('supervisors read their region’s entries; citizens and staff read none', async () => {
    const count = (actor: Parameters<typeof as>[1]) => as(db, actor, async (q) => (await q('select count(*)::int as n from app.audit_log')).rows[0].n);
    expect(await count(user(PERSONA_IDS['supervisor-city']))).toBeGreaterThan(0);
    expect(await count(user(PERSONA_IDS['citizen-a']))).toBe(0);
    expect(await count(user(PERSONA_IDS['staff-linxiang']))).toBe(0);
    const fengqing = await as(db, user(PERSONA_IDS['supervisor-fengqing']), async (q) =>
      (await q(`select count(*)::int as n from app.audit_log where region_code not in ('530921')`)).rows[0].n);
    expect(fengqing).toBe(0);
  });
});

describe('concurrency', () => {
  test('two officers verifying one order at once: one wins, the other gets invalid_transition, one audit row', async () => {
    const officers = [PERSONA_IDS['staff-linxiang'], PERSONA_IDS['unit-admin-linxiang']];
    const conns = officers.map(() => new pg.Client(stackEnv.dbUrl));
    await Promise.all(conns.map((c) => c.connect()));
    try {
      await Promise.all(conns.map(async (c, i) => {
        await c.query(`select set_config('request.jwt.claims', $1, false)`, [JSON.stringify({ role: 'authenticated', sub: officers[i] })]);
        await c.query('set role authenticated');
      }));
      for (let round = 0; round < 10; round++) {
        const { id } = await openOrder(db.query.bind(db) as Db['query']);
        const results = await Promise.allSettled(conns.map((c) => c.query('select * from public.verify_work_order($1)', [id])));
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost.map((r) => codeOf(r.reason))).toEqual(['invalid_transition']);
        const audit = await db.query(`select count(*)::int as n from app.audit_log where work_order_id = $1 and action = 'verified'`, [id]);
        expect(audit.rows[0].n).toBe(1);
      }
    } finally {
      await Promise.all(conns.map((c) => c.end()));
    }
  });
});
