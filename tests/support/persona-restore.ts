/**
 * Tests that make a demo citizen staff (grant, assign a window) put them back as the seed made
 * them: every tier shares one stack, and later files read the personas as plain citizens.
 */
import type { Db } from './db.ts';

/** No role and no window assignment left for `userId` (a seed citizen has neither). */
export async function restorePlainCitizen(db: Db, userId: string): Promise<void> {
  await db.query(`delete from app.staff_assignments where user_id = $1`, [userId]);
  await db.query(`delete from app.staff_roles where user_id = $1`, [userId]);
}
