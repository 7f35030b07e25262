/**
 * 综合点评 (R18) at the desks: which actions a comment's state allows for a supervisor or for the
 * unit it is routed to (the state machine of supabase/migrations/…_comment_actions_api.sql:
 * received → routed → replied → closed, routed → routed elsewhere, received → closed with a
 * reason), the history as an officer reads it, and the form checks, twins of the server's with
 * its messages. Pure: no Taro, no I/O.
 */
import {
  COMMENT_CONTACT_MAX_LENGTH,
  COMMENT_MAX_LENGTH,
  COMMENT_SOURCE_LABELS,
  COMMENT_STATUS_LABELS,
  type CommentHistoryRow,
  type CommentRow,
  type CommentSource,
  type CommentStatus,
} from '../../../shared/comments.ts'
import { ERRORS } from '../../../shared/errors.ts'

export type SupervisorCommentAction = 'route' | 'close'

/** What a supervisor may do with a comment: route (or re-route before the answer), close. */
export function supervisorActions(status: CommentStatus): SupervisorCommentAction[] {
  switch (status) {
    case 'received':
      return ['route', 'close']
    case 'routed':
      return ['route']
    case 'replied':
      return ['close']
    default:
      return []
  }
}

/** The unit answers what is routed to it, once. */
export function unitCanReply(status: CommentStatus): boolean {
  return status === 'routed'
}

/** Closing an unanswered comment (a duplicate, nothing to act on) must say why. */
export function closeNeedsReason(status: CommentStatus): boolean {
  return status === 'received'
}

/** Trimmed the way the server trims (spaces, tabs, line breaks, the full-width space). */
export function trimText(text: string): string {
  return text.replace(/^[\s\u3000]+|[\s\u3000]+$/g, '')
}

/** Content, reply, reason: required or not, ≤ 1000 characters after trimming (app.comment_text). */
export function textProblem(text: string, required: boolean): string | null {
  const t = trimText(text)
  if (t === '') return required ? ERRORS.comment_content_required.message : null
  if ([...t].length > COMMENT_MAX_LENGTH) return ERRORS.comment_content_too_long.message
  return null
}

/** A contact left by phone or letter: optional, ≤ 100 characters (app.comment_contact). */
export function contactProblem(contact: string): string | null {
  const t = trimText(contact)
  if (t === '') return null
  // eslint-disable-next-line no-control-regex
  if ([...t].length > COMMENT_CONTACT_MAX_LENGTH || /[\u0000-\u001f\u007f]/.test(t)) return ERRORS.comment_contact_invalid.message
  return null
}

/** Sources a supervisor records (the 意见箱 is the citizens' own). */
export const RECORDED_SOURCES: readonly Exclude<CommentSource, 'suggestion_box'>[] = ['hotline', 'supervision_platform', 'email']

export function sourceLabel(source: CommentSource): string {
  return COMMENT_SOURCE_LABELS[source]
}

/** Status labels at the desks (the citizen's page words them for the citizen). */
export function statusLabel(status: CommentStatus): string {
  return COMMENT_STATUS_LABELS[status]
}

/** How long a comment has waited in its current state, for the inbox ('等待 3 天'). */
export function waitingText(row: Pick<CommentRow, 'status' | 'received_at' | 'routed_at'>, nowMs: number): string | null {
  const since = row.status === 'received' ? row.received_at : row.status === 'routed' ? row.routed_at : null
  if (since === null) return null
  const hours = Math.max(0, Math.floor((nowMs - Date.parse(since)) / 3_600_000))
  if (hours < 1) return `${row.status === 'received' ? '待转办' : '待答复'}，不到 1 小时`
  if (hours < 24) return `${row.status === 'received' ? '待转办' : '待答复'} ${hours} 小时`
  return `${row.status === 'received' ? '待转办' : '待答复'} ${Math.floor(hours / 24)} 天`
}

export interface HistoryItem {
  at: string
  label: string
  note: string | null
}

/** comment_history rows, oldest first, as one line each; who acted is never shown. */
export function historyItems(rows: readonly CommentHistoryRow[]): HistoryItem[] {
  return rows.map((r) => {
    const unit = r.unit_name ?? '单位'
    const label = {
      submitted: '群众通过意见箱提交',
      recorded: '监督员登记受理',
      routed: `转办至 ${unit}`,
      rerouted: `改派至 ${unit}`,
      replied: `${unit} 已答复`,
      closed: '已办结',
      contact_revealed: '监督员查看了联系方式（已记录）',
    }[r.event]
    return { at: r.at, label, note: r.note }
  })
}

/** Counts per status for the inbox's tabs, in the order of the flow. */
export function countByStatus(rows: readonly Pick<CommentRow, 'status'>[]): Record<CommentStatus, number> {
  const out: Record<CommentStatus, number> = { received: 0, routed: 0, replied: 0, closed: 0 }
  for (const r of rows) out[r.status]++
  return out
}

/** 'HH:MM' in Asia/Shanghai (UTC+8, no daylight saving) of an instant. */
export function shanghaiClock(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(11, 16)
}

/**
 * When a hotline call or a letter came in, as the supervisor enters it (a Shanghai day and
 * 'HH:MM'), as the instant record_comment takes; or why not (the server refuses a future time).
 */
export function receivedAtOf(day: string, clock: string, now: Date): { at: string } | { problem: string } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !/^([01]\d|2[0-3]):[0-5]\d$/.test(clock)) return { problem: '请选择接收日期和时间' }
  const at = `${day}T${clock}:00+08:00`
  if (Date.parse(at) > now.getTime()) return { problem: '接收时间不能晚于现在' }
  return { at }
}
