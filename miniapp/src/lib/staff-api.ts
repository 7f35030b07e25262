/**
 * The staff, unit-admin and supervisor RPCs (SPEC §5) for the staff and supervise subpackages.
 * Every answer is parsed with a zod schema from shared/staff.ts or shared/supervise.ts; errors
 * arrive as AppError with the server's Chinese message (api.ts).
 */
import { z } from 'zod'
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
  type StatsGroup,
} from '../../../shared/supervise.ts'
import { UpstreamStatus } from '../../../shared/upstream.ts'
import { AssignResult, EvidenceFileRow, HandlerRow } from '../../../shared/desk.ts'
import { getClient, rpc } from './api.ts'
import { AppError, fromPostgrestError } from './errors.ts'

function one<T extends z.ZodType>(schema: T, rows: unknown, name: string): z.infer<T> {
  const row = parseRows(schema, rows)[0]
  if (row === undefined) throw AppError.of('internal_error', `${name} returned no row`)
  return row
}

// ---- staff and unit admins ----

export async function unitWorkOrders(status: string | null = null): Promise<UnitWorkOrderRow[]> {
  return parseRows(UnitWorkOrderRow, await rpc('unit_work_orders', { p_status: status }))
}

export async function verifyWorkOrder(id: string, note: string | null) {
  return one(DueResult, await rpc('verify_work_order', { p_work_order_id: id, p_note: note }), 'verify_work_order')
}

export async function submitAppeal(id: string, reason: AppealReason, statement: string, evidence: string[]) {
  return one(IdResult, await rpc('submit_appeal', { p_work_order_id: id, p_reason: reason, p_statement: statement, p_evidence: evidence }), 'submit_appeal')
}

export async function uploadEvidence(fileName: string, base64: string): Promise<EvidenceUpload> {
  return one(EvidenceUpload, await rpc('upload_evidence', { p_file_name: fileName, p_content_base64: base64 }), 'upload_evidence')
}

export async function extendWorkOrder(id: string, reason: string, newDueDate: string) {
  return one(DueResult, await rpc('extend_work_order', { p_work_order_id: id, p_reason: reason, p_new_due_date: newDueDate }), 'extend_work_order')
}

export async function rectifyWorkOrder(id: string, measures: string, rootCause: string, evidence: string[]) {
  return one(RectifyResult, await rpc('rectify_work_order', { p_work_order_id: id, p_measures: measures, p_root_cause: rootCause, p_evidence: evidence }), 'rectify_work_order')
}

export async function replyWorkOrder(id: string, reply: string) {
  return one(StatusResult, await rpc('reply_work_order', { p_work_order_id: id, p_reply: reply }), 'reply_work_order')
}

export async function recordReturnVisit(id: string, method: ReturnVisitMethod, visitedOn: string, satisfaction: ReturnVisitSatisfaction, note: string | null) {
  return one(
    StatusResult,
    await rpc('record_return_visit', { p_work_order_id: id, p_method: method, p_visited_on: visitedOn, p_satisfaction: satisfaction, p_note: note }),
    'record_return_visit',
  )
}

export async function revealRaterContact(id: string): Promise<RaterContact> {
  return one(RaterContact, await rpc('reveal_rater_contact', { p_work_order_id: id }), 'reveal_rater_contact')
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
  return one(
    ReviewAppealResult,
    await rpc('review_appeal', { p_appeal_id: appealId, p_approve: approve, p_note: note, p_reroute_unit_id: rerouteUnitId }),
    'review_appeal',
  )
}

export async function stats(from: string, to: string, groupBy: StatsGroup, regionCode: string | null, includeDefault: boolean): Promise<StatsRow[]> {
  return parseRows(
    StatsRow,
    await rpc('stats', { p_from: from, p_to: to, p_group_by: groupBy, p_region_code: regionCode, p_unit_id: null, p_include_default: includeDefault }),
  )
}

export async function overdueWorkOrders(): Promise<OverdueRow[]> {
  return parseRows(OverdueRow, await rpc('overdue_work_orders'))
}

export async function keySupervisionList(): Promise<KeySupervisionRow[]> {
  return parseRows(KeySupervisionRow, await rpc('key_supervision_list'))
}

export async function upstreamStatus(regionCode: string | null): Promise<UpstreamStatus> {
  return UpstreamStatus.parse(await rpc('upstream_status', { p_region_code: regionCode, p_dead_limit: 20 }))
}

export async function repushUpstream(outboxId: number) {
  return one(RepushResult, await rpc('repush_upstream', { p_outbox_id: outboxId }), 'repush_upstream')
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
  return one(EvidenceFileRow, await rpc('evidence_file', { p_id: id }), 'evidence_file')
}

/** Who the order's unit admin may assign as 承办人 (masked names); forbidden for anyone else. */
export async function workOrderHandlers(workOrderId: string): Promise<HandlerRow[]> {
  return parseRows(HandlerRow, await rpc('work_order_handlers', { p_work_order_id: workOrderId }))
}

export async function assignWorkOrder(workOrderId: string, userId: string) {
  return one(AssignResult, await rpc('assign_work_order', { p_work_order_id: workOrderId, p_user_id: userId }), 'assign_work_order')
}
