/**
 * How 我的评价 shows a 差评's work order (R8–R12): its state in words, its timeline in plain
 * Chinese, and which of the rater's actions apply now. Pure; the database decides, this only
 * decides what to offer.
 */
import { WORK_ORDER_STATUS_LABELS, WorkOrderStatus, type WorkOrderEvent, type WorkOrderTimelineRow } from '../../../shared/work-orders.ts'
import { addWorkingDays } from '../../../shared/calendar/rule.ts'
import { beforeDayText, dayLabel, daysUntil } from './countdown.ts'
import { instantLabel } from './format.ts'
import type { MyRatingRow } from './rows.ts'

export const EVENT_LABELS: Record<WorkOrderEvent, string> = {
  opened: '差评已转给办理单位',
  verified: '单位已核实，开始整改',
  appealed: '单位认为评价与事实不符，向监督部门说明情况',
  appeal_approved: '监督部门审核：这条评价不计入考核',
  appeal_rejected: '监督部门审核：评价属实，单位须整改',
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

/**
 * A 差评's state in citizens' words (issue 21.4), never the workflow's own (待核实, 申诉中,
 * 申诉成立，不计入考核): the one mapping for the rater in 我的评价 and for everyone on the public
 * 差评 board (issue 21 d), so it speaks of the unit, not to 您; what happens next to the rater is
 * citizenNextStep's sentence.
 */
export const CITIZEN_STATUS_LABELS: Record<WorkOrderStatus, string> = {
  pending_verification: '单位核实中',
  appealing: '单位已申诉，监督部门审核中',
  rectifying: '单位整改中',
  rectified: '单位已整改',
  replied: '已整改并答复',
  closed: '已办结',
  dismissed: '经审核不计入考核',
  rerouted: '已转交负责单位',
  overdue: '整改超期，监督部门督办中',
  reopened: '单位重新整改中',
}

export function citizenStatusLabel(status: string | null | undefined): string {
  const parsed = WorkOrderStatus.safeParse(status)
  return parsed.success ? CITIZEN_STATUS_LABELS[parsed.data] : '处理中'
}

/** The latest due day the timeline carries for an event kind. */
function lastDue(rows: readonly WorkOrderTimelineRow[], events: readonly WorkOrderEvent[]): string | null {
  const hit = [...rows].reverse().find((r) => events.includes(r.event) && r.due_on)
  return hit?.due_on ?? null
}

/**
 * What happens next and by when, in the rater's words (issue 21.4): e.g. 单位须在12月7日（周一）前核实，
 * 最迟12月28日（周一）前完成整改并答复您. Dates come from the work order's own timeline; the reply date
 * before 核实 is the latest it can be (15 working days after the 核实 day, R9).
 */
export function citizenNextStep(status: string | null | undefined, rows: readonly WorkOrderTimelineRow[], today?: string): string | null {
  switch (status) {
    case 'pending_verification': {
      const verify = lastDue(rows, ['opened'])
      if (!verify) return '单位将核实您反映的问题，核实后15个工作日内整改并答复您。'
      return `单位须在${dayLabel(verify)}前核实，最迟${dayLabel(addWorkingDays(verify, 15))}前完成整改并答复您。`
    }
    case 'appealing':
      return '单位认为这条评价与事实不符，已向监督部门说明情况。监督部门审核后会告诉您结果。'
    case 'rectifying':
    case 'reopened': {
      const due = lastDue(rows, ['verified', 'appeal_rejected', 'extended', 'reopened', 'rereview_decided'])
      return due ? `单位须在${dayLabel(due)}前完成整改并答复您。` : '单位正在整改，完成后会答复您。'
    }
    case 'overdue':
      return '单位没有按期完成整改，监督部门已督办，整改完成后会答复您。'
    case 'rectified':
      return '单位已完成整改，将尽快答复您。'
    case 'replied':
      return '单位已答复您。请评价整改结果，您不满意的，单位须重新整改。'
    case 'dismissed': {
      const why = [...rows].reverse().find((r) => r.event === 'appeal_approved')?.note
      const head = `监督部门审核认为这条评价不应计入考核${why ? `，理由：${why}` : ''}。`
      if (rows.some((r) => r.event === 'rereview_requested')) return `${head}您已申请复核，市级监督部门会作出决定。`
      // The last day the server fixed when it upheld the appeal (rereview_due_on; R11, issue 21.4).
      const until = lastDue(rows, ['appeal_approved'])
      if (!until) return `${head}如有异议，实名评价的您可以申请一次复核。`
      if (today && daysUntil(today, until) < 0) return `${head}申请复核的期限（${dayLabel(until)}）已过。`
      return `${head}如有异议，可在${today ? beforeDayText(today, until) : `${dayLabel(until)}前`}申请复核（只能申请一次）。`
    }
    case 'rerouted':
      return '您反映的问题已转交负责的单位处理，处理进度仍在这里显示。'
    default:
      return null
  }
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
  // '12月11日（周五）前', not 24:00 or a count of working days (issue 21.4).
  if (event === 'opened') return `须在${dayLabel(dueOn)}前核实`
  if (event === 'appeal_approved') return `可在${dayLabel(dueOn)}前申请复核`
  return `须在${dayLabel(dueOn)}前完成整改`
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

/** R11: a real-name rater may ask once for a re-review of a dismissal, until the day fixed then (issue 21.4). */
export function canRequestRereview(rating: MyRatingRow, timeline?: readonly WorkOrderTimelineRow[], today?: string): boolean {
  if (!rating.work_order_id || rating.work_order_status !== 'dismissed' || rating.is_anonymous) return false
  const until = timeline ? lastDue(timeline, ['appeal_approved']) : null
  if (until && today && daysUntil(today, until) < 0) return false
  return !timeline?.some((e) => e.event === 'rereview_requested')
}
