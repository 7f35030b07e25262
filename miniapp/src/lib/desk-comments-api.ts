/**
 * 综合点评 (R18) RPCs for the desks: the supervisors' inbox and actions, the unit's inbox and
 * reply, the history. Every answer is parsed with shared/comments.ts; errors arrive as AppError
 * with the server's Chinese message (api.ts).
 */
import { CommentContact, CommentHistoryRow, CommentRow, type CommentKind, type CommentSource, type CommentStatus } from '../../../shared/comments.ts'
import { parseRows } from '../../../shared/schemas.ts'
import { rpc, rpcRow } from './api.ts'


/** The supervisors' inbox of a region they oversee (null: their widest) and below, by status. */
export async function supervisorComments(status: CommentStatus | null, regionCode: string | null): Promise<CommentRow[]> {
  return parseRows(CommentRow, await rpc('supervisor_comments', { p_status: status, p_region_code: regionCode }))
}

/** Comments routed to the caller's unit(s). */
export async function unitComments(status: CommentStatus | null): Promise<CommentRow[]> {
  return parseRows(CommentRow, await rpc('unit_comments', { p_status: status }))
}

export async function routeComment(id: string, unitId: string, note: string | null): Promise<CommentRow> {
  return rpcRow(CommentRow, 'route_comment', { p_comment_id: id, p_unit_id: unitId, p_note: note })
}

export async function replyComment(id: string, reply: string): Promise<CommentRow> {
  return rpcRow(CommentRow, 'reply_comment', { p_comment_id: id, p_reply: reply })
}

export async function closeComment(id: string, note: string | null): Promise<CommentRow> {
  return rpcRow(CommentRow, 'close_comment', { p_comment_id: id, p_note: note })
}

/** The contact in clear (supervisors only); the server logs every reveal. */
export async function revealCommentContact(id: string): Promise<CommentContact> {
  return rpcRow(CommentContact, 'reveal_comment_contact', { p_comment_id: id })
}

export async function commentHistory(id: string): Promise<CommentHistoryRow[]> {
  return parseRows(CommentHistoryRow, await rpc('comment_history', { p_comment_id: id }))
}

export interface RecordCommentInput {
  source: Exclude<CommentSource, 'suggestion_box'>
  kind: CommentKind
  content: string
  regionCode: string | null
  unitId: string | null
  contact: string | null
  /** When the call or letter came in (ISO with zone); null: now. */
  receivedAt: string | null
}

/** A comment received by hotline, supervision platform or e-mail, recorded by a supervisor. */
export async function recordComment(input: RecordCommentInput): Promise<CommentRow> {
  return rpcRow(CommentRow, 'record_comment', {
      p_source: input.source,
      p_kind: input.kind,
      p_content: input.content,
      p_region_code: input.regionCode,
      p_unit_id: input.unitId,
      p_contact: input.contact,
      p_received_at: input.receivedAt,
    })
}
