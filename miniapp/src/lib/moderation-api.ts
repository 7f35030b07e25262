/**
 * Issue 15.4: the supervisors' moderation queue of public 差评 comments (comment_moderation_queue)
 * and their decision (moderate_comment). The rows carry the text and where it was said, never the
 * rater, the 办件 number or the rating id; the rules are the database's (15_moderation.sql).
 */
import { z } from 'zod'
import { parseRows } from '../../../shared/schemas.ts'
import { DbId } from '../../../shared/schemas.ts'
import { Num } from '../../../shared/staff.ts'
import { rpc, rpcRow } from './api.ts'

export const ModerationRow = z.object({
  id: DbId,
  rated_on: z.string(),
  region_name: z.string(),
  unit_name: z.string(),
  matter_name: z.string().nullable(),
  level: Num,
  tags: z.array(z.string()).nullable(),
  comment: z.string(),
  check_suggest: z.enum(['pass', 'review']).nullable(),
  queued_at: z.string(),
})
export type ModerationRow = z.infer<typeof ModerationRow>

const Decided = z.object({ id: DbId, status: z.enum(['approved', 'rejected']), decided_at: z.string() })

export async function moderationQueue(): Promise<ModerationRow[]> {
  return parseRows(ModerationRow, await rpc('comment_moderation_queue'))
}

export async function moderateComment(id: string, approve: boolean, note: string | null) {
  return rpcRow(Decided, 'moderate_comment', { p_id: id, p_approve: approve, p_note: note })
}
