/**
 * Fresh data for tiers that run against a shared throw-away stack (miniprogram, e2e): each test
 * makes the 办件 it rates, so it never depends on what other tiers rated before it. Written
 * through the database as the business systems would (committed, not rolled back).
 */
import { randomUUID } from 'node:crypto';
import { connect } from './db.ts';

/** The seeded 办件 a fresh one is copied from: citizen-a's (tag A) or citizen-b's (tag B) first. */
const TEMPLATE_TAG = { 'citizen-a': 'A', 'citizen-b': 'B' } as const;

export interface FreshTransaction {
  id: string;
  projectNo: string;
  matterName: string;
}

/**
 * A 办件 of the persona, finished an hour ago (rateable for 5 working days), at the same unit,
 * window and officer as the persona's seeded ones — or, with `officer: 'colleague'`, served by
 * the window's other (non-persona) officer, so that a 差评 of it is not about staff-linxiang,
 * who may then handle it (R13: the officer a 差评 is about never does).
 */
export async function freshTransaction(
  persona: keyof typeof TEMPLATE_TAG,
  label = 'T',
  officer: 'seeded' | 'colleague' = 'seeded',
): Promise<FreshTransaction> {
  const db = await connect();
  try {
    const id = randomUUID();
    const projectNo = `LCTEST${label}${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 1e4)}`;
    const res = await db.query<{ name: string }>(
      `with t as (
         insert into app.transactions (id, project_no, matter_id, unit_id, region_code, hall_id, window_id, staff_user_id,
                                       applicant_user_id, applicant_type, channel, status, accepted_at, finished_at)
         select $1, $2, matter_id, unit_id, region_code, hall_id, window_id,
                case when $4 then md5('officer:' || window_id || ':1')::uuid else staff_user_id end,
                applicant_user_id, applicant_type, channel, 'finished', now() - interval '2 hours', now() - interval '1 hour'
         from app.transactions where id = md5('demo:' || $3 || ':1')::uuid
         returning matter_id)
       select m.name from t join app.matters m on m.id = t.matter_id`,
      [id, projectNo, TEMPLATE_TAG[persona], officer === 'colleague'],
    );
    const name = res.rows[0]?.name;
    if (!name) throw new Error(`no seeded 办件 demo:${TEMPLATE_TAG[persona]}:1 to copy`);
    return { id, projectNo, matterName: name };
  } finally {
    await db.end();
  }
}

/** How many ratings exist for a 办件 (a replayed submit must leave exactly one). */
export async function ratingCount(transactionId: string): Promise<number> {
  const db = await connect();
  try {
    const res = await db.query<{ n: string }>('select count(*) as n from app.ratings where transaction_id = $1', [transactionId]);
    return Number(res.rows[0]?.n ?? 0);
  } finally {
    await db.end();
  }
}

/**
 * A window the user has not rated today (一次一评 allows one visit rating per window per day),
 * with an officer on duty there: what a QR code names. Re-runs on the same day pick another
 * (40 seeded windows).
 */
export async function unratedWindow(userId: string): Promise<{ windowId: string; windowName: string; staffId: string; staffName: string }> {
  const db = await connect();
  try {
    const res = await db.query<{ window_id: string; window_name: string; staff_id: string; staff_name: string }>(
      `select w.id as window_id, w.name as window_name, u.id as staff_id, u.masked_name as staff_name
       from app.windows w
       join app.staff_assignments a on a.window_id = w.id and a.valid_from <= current_date and (a.valid_to is null or a.valid_to >= current_date)
       join app.users u on u.id = a.user_id
       where not exists (select 1 from app.ratings r where r.rater_user_id = $1 and r.window_id = w.id
                           and r.visit_day = (now() at time zone 'Asia/Shanghai')::date)
         and u.id <> $1
       order by w.id, u.id
       limit 1`,
      [userId],
    );
    const row = res.rows[0];
    if (!row) throw new Error('every window was rated by this user today');
    return { windowId: row.window_id, windowName: row.window_name, staffId: row.staff_id, staffName: row.staff_name };
  } finally {
    await db.end();
  }
}

/** Today's visit ratings of a user at a window (一次一评: at most one). */
export async function visitRatingCount(userId: string, windowId: string): Promise<number> {
  const db = await connect();
  try {
    const res = await db.query<{ n: string }>(
      `select count(*) as n from app.ratings where rater_user_id = $1 and window_id = $2 and transaction_id is null
         and visit_day = (now() at time zone 'Asia/Shanghai')::date`,
      [userId, windowId],
    );
    return Number(res.rows[0]?.n ?? 0);
  } finally {
    await db.end();
  }
}
