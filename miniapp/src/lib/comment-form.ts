/** 意见建议 (综合点评, R18): the form's rules, twins of submit_comment's checks. */
import { ERRORS } from '../../../shared/errors.ts'
import { commentLength } from './rating-form.ts'

export const COMMENT_KINDS = [
  { kind: 'suggestion', label: '意见建议' },
  { kind: 'complaint', label: '投诉' },
  { kind: 'praise', label: '表扬' },
] as const
export type CommentKind = (typeof COMMENT_KINDS)[number]['kind']

export const MAX_SUGGESTION_LENGTH = 1000
export const MAX_CONTACT_LENGTH = 100

export function kindLabel(kind: string): string {
  return COMMENT_KINDS.find((k) => k.kind === kind)?.label ?? kind
}

export const COMMENT_STATUS_LABELS: Record<string, string> = {
  received: '已收到',
  routed: '已转交单位',
  replied: '单位已答复',
  closed: '已办结',
}

export function commentStatusLabel(status: string): string {
  return COMMENT_STATUS_LABELS[status] ?? '处理中'
}

export function commentProblem(content: string, contact: string): string | null {
  const n = commentLength(content)
  if (n === 0) return ERRORS.comment_content_required.message
  if (n > MAX_SUGGESTION_LENGTH) return ERRORS.comment_content_too_long.message
  if (commentLength(contact) > MAX_CONTACT_LENGTH) return ERRORS.comment_contact_invalid.message
  return null
}
