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
