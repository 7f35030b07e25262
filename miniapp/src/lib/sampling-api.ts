/**
 * 监督查评 (R18) RPCs for the 监督台: 回访抽查 batches and their items, and 第三方评估. Every
 * answer is parsed with shared/comments.ts; errors arrive as AppError with the server's Chinese
 * message (api.ts).
 */
import { AssessmentRow, SampleBatchRow, SampleItemRow, type SampleOutcome } from '../../../shared/comments.ts'
import { parseRows } from '../../../shared/schemas.ts'
import { rpc, rpcRow } from './api.ts'

/** Draws and stores a sample; its items (rater masked). An empty seed lets the server draw one. */
export async function sampleReturnVisits(from: string, to: string, regionCode: string | null, n: number, seed: string | null): Promise<SampleItemRow[]> {
  return parseRows(SampleItemRow, await rpc('sample_return_visits', { p_from: from, p_to: to, p_region_code: regionCode, p_n: n, p_seed: seed }))
}

export async function returnVisitSamples(regionCode: string | null): Promise<SampleBatchRow[]> {
  return parseRows(SampleBatchRow, await rpc('return_visit_samples', { p_region_code: regionCode }))
}

export async function returnVisitSampleItems(sampleId: string): Promise<SampleItemRow[]> {
  return parseRows(SampleItemRow, await rpc('return_visit_sample_items', { p_sample_id: sampleId }))
}

export async function recordSampleVisit(itemId: string, outcome: SampleOutcome, satisfied: boolean | null, note: string | null): Promise<SampleItemRow> {
  return rpcRow(SampleItemRow, 'record_sample_visit', { p_item_id: itemId, p_outcome: outcome, p_satisfied: satisfied, p_note: note })
}

export async function thirdPartyAssessments(regionCode: string | null): Promise<AssessmentRow[]> {
  return parseRows(AssessmentRow, await rpc('third_party_assessments', { p_region_code: regionCode, p_unit_id: null }))
}

export interface AssessmentRecord {
  regionCode: string | null
  unitId: string | null
  from: string
  to: string
  assessorOrg: string
  score: number
  summary: string
  attachmentRef: string | null
}

export async function recordThirdPartyAssessment(a: AssessmentRecord): Promise<AssessmentRow> {
  return rpcRow(AssessmentRow, 'record_third_party_assessment', {
    p_region_code: a.regionCode,
    p_unit_id: a.unitId,
    p_period_from: a.from,
    p_period_to: a.to,
    p_assessor_org: a.assessorOrg,
    p_score: a.score,
    p_summary: a.summary,
    p_attachment_ref: a.attachmentRef,
  })
}
