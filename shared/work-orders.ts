/**
 * The 差评 work order as clients see it (SPEC §5, R8–R12): its states, and the timeline the
 * rater reads in 我的评价 and staff read on the order. The database decides every transition;
 * these are only the shapes that cross the wire.
 */
import { z } from 'zod';
import { DbId } from './schemas.ts';
import { DEFAULT_CALENDAR, workingDeadline, type CalendarData, type WorkingDeadline } from './calendar/rule.ts';

export const WORK_ORDER_STATUSES = [
  'pending_verification', 'appealing', 'rectifying', 'rectified', 'replied', 'closed',
  'dismissed', 'rerouted', 'overdue', 'reopened',
] as const;
export const WorkOrderStatus = z.enum(WORK_ORDER_STATUSES);
export type WorkOrderStatus = z.infer<typeof WorkOrderStatus>;

export const WORK_ORDER_STATUS_LABELS: Record<WorkOrderStatus, string> = {
  pending_verification: '待核实',
  appealing: '申诉中',
  rectifying: '整改中',
  rectified: '已整改',
  replied: '已回复',
  closed: '已办结',
  dismissed: '申诉成立，评价不计入',
  rerouted: '已转交责任单位',
  overdue: '已超期',
  reopened: '重新整改',
};

/** What happened on a work order, one row per event, oldest first. */
export const WORK_ORDER_EVENTS = [
  'opened', 'verified', 'appealed', 'appeal_approved', 'appeal_rejected', 'rerouted', 'extended',
  'rectified', 'replied', 'return_visit', 'rated_fix', 'reopened', 'overdue', 'escalated', 'closed',
  'rereview_requested', 'rereview_decided',
] as const;
export const WorkOrderEvent = z.enum(WORK_ORDER_EVENTS);
export type WorkOrderEvent = z.infer<typeof WorkOrderEvent>;

/** A row of `work_order_timeline(p_work_order_id)`. */
export const WorkOrderTimelineRow = z.object({
  at: z.string(),
  event: WorkOrderEvent,
  status_from: WorkOrderStatus.nullable(),
  status_to: WorkOrderStatus.nullable(),
  /** What the unit wrote for the rater (reply, measures, extension reason); never staff identity. */
  note: z.string().nullable(),
  /** The due date this event set (verification, rectification, extension), YYYY-MM-DD. */
  due_on: z.string().nullable(),
});
export type WorkOrderTimelineRow = z.infer<typeof WorkOrderTimelineRow>;

/**
 * R11 复核 (issue 21.4): a real-name rater may ask for a re-review of an upheld appeal until this
 * many working days after the day it was upheld. The 临沧 policy text sets no period; 15 mirrors its
 * 整改 period. Twin of the default of app.loop_policy.rereview_request_working_days.
 */
export const REREVIEW_REQUEST_WORKING_DAYS = 15;

/**
 * The last day a re-review may be asked for an appeal upheld on `decidedOn` (YYYY-MM-DD, Asia/Shanghai).
 * Twin of app.rereview_deadline(p_decided_on) (supabase/schemas/06_work_orders_appeals.sql), which
 * review_appeal stores as the order's rereview_due_on and request_rereview enforces.
 */
export function rereviewDeadline(decidedOn: string, n: number = REREVIEW_REQUEST_WORKING_DAYS, cal: CalendarData = DEFAULT_CALENDAR): WorkingDeadline {
  return workingDeadline(decidedOn, n, cal);
}
