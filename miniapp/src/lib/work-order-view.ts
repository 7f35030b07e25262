/**
 * How 我的评价 shows a 差评's work order (R8–R12): its state in words, its timeline in plain
 * Chinese, and which of the rater's actions apply now. Pure; the database decides, this only
 * decides what to offer.
 */
import { WORK_ORDER_STATUS_LABELS, WorkOrderStatus, type WorkOrderEvent, type WorkOrderTimelineRow } from '../../../shared/work-orders.ts'
import { instantLabel } from './format.ts'
import type { MyRatingRow } from './rows.ts'

export const EVENT_LABELS: Record<WorkOrderEvent, string> = {
  opened: '差评已转给办理单位',
  verified: '单位已核实，开始整改',
  appealed: '单位对评价提出申诉',
  appeal_approved: '申诉成立，评价不计入考核',
  appeal_rejected: '申诉不成立，单位须整改',
  rerouted: '已转交责任单位',
  extended: '单位申请延期整改',
  rectified: '单位已完成整改',
  replied: '单位已答复',
  return_visit: '单位已回访',
  rated_fix: '您评价了整改结果',
  reopened: '重新整改',
  overdue: '超期未整改，已督办',
  escalated: '已上报监督部门',
  closed: '已办结',
  rereview_requested: '您申请了复核',
  rereview_decided: '复核已作出决定',
}

export function statusLabel(status: string | null): string {
  const parsed = WorkOrderStatus.safeParse(status)
  return parsed.success ? WORK_ORDER_STATUS_LABELS[parsed.data] : '处理中'
}

/** Finished states are shown as such (a word and a ✓, not a colour). */
export function statusTone(status: string | null): 'done' | 'attention' | 'progress' {
  if (status === 'closed' || status === 'rectified' || status === 'replied') return 'done'
  if (status === 'overdue' || status === 'dismissed' || status === 'reopened') return 'attention'
  return 'progress'
}

export interface TimelineItem {
  when: string
  label: string
  note: string | null
  due: string | null
}

function dueLabel(event: WorkOrderEvent, dueOn: string): string {
  const d = `${Number(dueOn.slice(0, 4))}年${Number(dueOn.slice(5, 7))}月${Number(dueOn.slice(8, 10))}日`
  if (event === 'opened') return `核实期限：${d}`
  return `整改期限：${d}`
}

export function timelineItems(rows: readonly WorkOrderTimelineRow[]): TimelineItem[] {
  return rows.map((r) => ({
    when: instantLabel(r.at),
    label: EVENT_LABELS[r.event],
    note: r.note,
    due: r.due_on ? dueLabel(r.event, r.due_on) : null,
  }))
}

/** States in which the unit has answered and the rater may rate the fix (R12, assess_number 2; rate_rectification). */
const FIX_RATABLE = new Set(['replied', 'closed'])

export function canRateFix(rating: MyRatingRow, all: readonly MyRatingRow[], timeline?: readonly WorkOrderTimelineRow[]): boolean {
  if (!rating.work_order_id || !FIX_RATABLE.has(rating.work_order_status ?? '')) return false
  if (timeline?.some((e) => e.event === 'rated_fix')) return false
  if (rating.transaction_id && all.some((r) => r.transaction_id === rating.transaction_id && Number(r.assess_number) === 2)) return false
  return Number(rating.assess_number) === 1
}

/** R11: a real-name rater may ask once for a re-review of a dismissal. */
export function canRequestRereview(rating: MyRatingRow, timeline?: readonly WorkOrderTimelineRow[]): boolean {
  if (!rating.work_order_id || rating.work_order_status !== 'dismissed' || rating.is_anonymous) return false
  return !timeline?.some((e) => e.event === 'rereview_requested')
}
