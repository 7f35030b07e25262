/** Fixtures for the 差评 loop tests: fresh 办件 to rate, and today's date where deadlines count. */
import type { Db } from './db.ts';

/** Today in Asia/Shanghai, YYYY-MM-DD (the day deadlines count from). */
export function shanghaiToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

/** The day `n` calendar days from today (Asia/Shanghai), YYYY-MM-DD: test dates relative to the run. */
export function shanghaiDayFromToday(n: number): string {
  return new Date(Date.parse(`${shanghaiToday()}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A 办件 of 临翔区市场监督管理局 (its window) finished an hour ago for `applicantId`, committed, so
 * that a test rates it without using up the seeded demo 办件. Served by `officerId`, by default
 * the window's generated officer (not a persona), so that staff-linxiang and unit-admin-linxiang
 * may handle its 差评 (R13: the officer a 差评 is about never does); pass staff-linxiang's id for
 * a 差评 about them.
 */
export async function freshFinishedTransaction(db: Db, applicantId: string, officerId?: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `insert into app.transactions (project_no, matter_id, unit_id, region_code, hall_id, window_id, staff_user_id,
                                   applicant_user_id, channel, status, accepted_at, finished_at)
     select 'TEST-' || gen_random_uuid(), m.id, u.id, u.region_code, w.hall_id, w.id,
            coalesce($2::uuid, md5('officer:' || w.id || ':1')::uuid),
            $1, 'pc', 'finished', now() - interval '1 day', now() - interval '1 hour'
     from app.units u
     join app.matters m on m.unit_id = u.id
     join app.windows w on w.unit_id = u.id
     where u.name = '临翔区市场监督管理局'
     limit 1
     returning id`,
    [applicantId, officerId ?? null],
  );
  return rows[0]!.id;
}

/** A row of overdue_work_orders (the fields the tests read). */
export interface OverdueListed {
  id: string;
  status: string;
  project_no: string | null;
  escalation_reason: string | null;
  verify_due_on: string | null;
  rectify_due_on: string | null;
  overdue_working_days: number | null;
  total_count: number;
  [column: string]: unknown;
}

/**
 * Every order on `who`'s 超期预警, read 200 at a time as the desk reads it: a shared test stack
 * holds more escalated orders than one answer of the API (at most 1,000 rows) carries. A read is
 * whole when every page counts the same total, no order comes twice and the rows number the
 * total; the stack's hourly escalation may change the list between two pages, so a read that is
 * not whole is read again (three times at most, then the last read must be whole).
 */
export async function allOverdue<W>(rpc: (who: W, fn: string, args: Record<string, unknown>) => PromiseLike<{ data: unknown; error: unknown }>, who: W): Promise<OverdueListed[]> {
  const read = async () => {
    const rows: OverdueListed[] = [];
    for (;;) {
      const res = await rpc(who, 'overdue_work_orders', { p_limit: 200, p_offset: rows.length });
      expect(res.error).toBeNull();
      const page = res.data as OverdueListed[];
      rows.push(...page);
      if (page.length < 200) return rows;
    }
  };
  const whole = (rows: OverdueListed[]) =>
    new Set(rows.map((r) => r.id)).size === rows.length && rows.every((r) => Number(r.total_count) === rows.length);
  let rows = await read();
  for (let attempt = 1; attempt < 3 && !whole(rows); attempt++) rows = await read();
  expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  expect(rows.filter((r) => Number(r.total_count) !== rows.length)).toEqual([]);
  return rows;
}
