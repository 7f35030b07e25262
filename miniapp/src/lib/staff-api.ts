/**
 * The staff, unit-admin and supervisor RPCs (SPEC §5) for the staff and supervise subpackages.
 * Every answer is parsed with a zod schema from shared/staff.ts or shared/supervise.ts; errors
 * arrive as AppError with the server's Chinese message (api.ts).
 */
import { parseRows } from '../../../shared/schemas.ts'
import {
  DueResult,
  EvidenceUpload,
  IdResult,
  RaterContact,
  RectifyResult,
  StatusResult,
  UnitRatingRow,
  UnitWorkOrderRow,
  type AppealReason,
  type ReturnVisitMethod,
  type ReturnVisitSatisfaction,
} from '../../../shared/staff.ts'
import {
  AppealReviewRow,
  KeySupervisionRow,
  OverdueRow,
  RepushResult,
  ReviewAppealResult,
  StatsRow,
  UrgeResult,
  type StatsGroup,
} from '../../../shared/supervise.ts'
import { UpstreamStatus } from '../../../shared/upstream.ts'
import { AssignResult, EvidenceFileRow, HandlerRow } from '../../../shared/desk.ts'
import { getClient, rpc, rpcRow } from './api.ts'
import { fromPostgrestError } from './errors.ts'


// ---- staff and unit admins ----

/**
 * unit_work_orders: `open` true → 处理中 (by urgency), false → 已办结 (latest first), null → all;
 * `limit`/`offset` page on the server (issue 21.7).
 */
export async function unitWorkOrders(status: string | null = null, open: boolean | null = null, limit: number | null = null, offset = 0): Promise<UnitWorkOrderRow[]> {
  return parseRows(UnitWorkOrderRow, await rpc('unit_work_orders', { p_status: status, p_open: open, p_limit: limit, p_offset: offset }))
}

export async function verifyWorkOrder(id: string, note: string | null) {
  return rpcRow(DueResult, 'verify_work_order', { p_work_order_id: id, p_note: note })
}

export async function submitAppeal(id: string, reason: AppealReason, statement: string, evidence: string[]) {
  return rpcRow(IdResult, 'submit_appeal', { p_work_order_id: id, p_reason: reason, p_statement: statement, p_evidence: evidence })
}

export async function uploadEvidence(fileName: string, base64: string): Promise<EvidenceUpload> {
  return rpcRow(EvidenceUpload, 'upload_evidence', { p_file_name: fileName, p_content_base64: base64 })
}

export async function extendWorkOrder(id: string, reason: string, newDueDate: string) {
  return rpcRow(DueResult, 'extend_work_order', { p_work_order_id: id, p_reason: reason, p_new_due_date: newDueDate })
}

export async function rectifyWorkOrder(id: string, measures: string, rootCause: string, evidence: string[]) {
  return rpcRow(RectifyResult, 'rectify_work_order', { p_work_order_id: id, p_measures: measures, p_root_cause: rootCause, p_evidence: evidence })
}

export async function replyWorkOrder(id: string, reply: string) {
  return rpcRow(StatusResult, 'reply_work_order', { p_work_order_id: id, p_reply: reply })
}

export async function recordReturnVisit(id: string, method: ReturnVisitMethod, visitedOn: string, satisfaction: ReturnVisitSatisfaction, note: string | null) {
  return rpcRow(StatusResult, 'record_return_visit', { p_work_order_id: id, p_method: method, p_visited_on: visitedOn, p_satisfaction: satisfaction, p_note: note })
}

export async function revealRaterContact(id: string): Promise<RaterContact> {
  return rpcRow(RaterContact, 'reveal_rater_contact', { p_work_order_id: id })
}

/** unit_ratings over [from, to], one page of `size` rows (PostgREST range). */
export async function unitRatings(from: string, to: string, page = 0, size = 50): Promise<UnitRatingRow[]> {
  const res = await getClient().rpc('unit_ratings', { p_from: from, p_to: to }).range(page * size, page * size + size - 1)
  if (res.error) throw fromPostgrestError(res.error, res.status)
  return parseRows(UnitRatingRow, res.data)
}

// ---- supervisors ----

export async function appealsToReview(status: string | null = 'pending'): Promise<AppealReviewRow[]> {
  return parseRows(AppealReviewRow, await rpc('appeals_to_review', { p_status: status }))
}

export async function reviewAppeal(appealId: string, approve: boolean, note: string, rerouteUnitId: string | null) {
  return rpcRow(ReviewAppealResult, 'review_appeal', { p_appeal_id: appealId, p_approve: approve, p_note: note, p_reroute_unit_id: rerouteUnitId })
}

export async function stats(from: string, to: string, groupBy: StatsGroup, regionCode: string | null, includeDefault: boolean): Promise<StatsRow[]> {
  return parseRows(
    StatsRow,
    await rpc('stats', { p_from: from, p_to: to, p_group_by: groupBy, p_region_code: regionCode, p_unit_id: null, p_include_default: includeDefault }),
  )
}

/** A page of 超期预警, most overdue first; each row carries the count of all (total_count). */
export async function overdueWorkOrders(limit: number, offset: number): Promise<OverdueRow[]> {
  return parseRows(OverdueRow, await rpc('overdue_work_orders', { p_limit: limit, p_offset: offset }))
}

/** 督办 an order from 超期预警 (issue 21.2): the note reaches the unit as the escalation reason. */
export async function urgeWorkOrder(workOrderId: string, note: string) {
  return rpcRow(UrgeResult, 'urge_work_order', { p_work_order_id: workOrderId, p_note: note })
}

export async function keySupervisionList(): Promise<KeySupervisionRow[]> {
  return parseRows(KeySupervisionRow, await rpc('key_supervision_list'))
}

export async function upstreamStatus(regionCode: string | null): Promise<UpstreamStatus> {
  return UpstreamStatus.parse(await rpc('upstream_status', { p_region_code: regionCode, p_dead_limit: 20 }))
}

export async function repushUpstream(outboxId: number) {
  return rpcRow(RepushResult, 'repush_upstream', { p_outbox_id: outboxId })
}

// ---- the desk (issue 7): stats per region and unit, evidence, the 承办人 ----

/** stats() for one region (null: the widest the caller supervises) and optionally one unit. */
export async function statsFor(
  from: string,
  to: string,
  groupBy: StatsGroup,
  regionCode: string | null,
  unitId: string | null,
  includeDefault: boolean,
): Promise<StatsRow[]> {
  return parseRows(
    StatsRow,
    await rpc('stats', { p_from: from, p_to: to, p_group_by: groupBy, p_region_code: regionCode, p_unit_id: unitId, p_include_default: includeDefault }),
  )
}

/** One 佐证材料, whole (base64), for its uploader, its unit and supervisors of its region. */
export async function evidenceFile(id: string): Promise<EvidenceFileRow> {
  return rpcRow(EvidenceFileRow, 'evidence_file', { p_id: id })
}

/** Who the order's unit admin may assign as 承办人 (masked names); forbidden for anyone else. */
export async function workOrderHandlers(workOrderId: string): Promise<HandlerRow[]> {
  return parseRows(HandlerRow, await rpc('work_order_handlers', { p_work_order_id: workOrderId }))
}

export async function assignWorkOrder(workOrderId: string, userId: string) {
  return rpcRow(AssignResult, 'assign_work_order', { p_work_order_id: workOrderId, p_user_id: userId })
}
