/**
 * 差评热点 and 预警 for the 监督台 (issue 16.3, 16.4). The database decides scope and access and
 * answers counts; the words of the comments are counted by shared/hot-topics.ts here.
 */
import { EarlyWarningRow } from '../../../shared/early-warning.ts'
import { hotTopics, TopicSourceRow, type HotTopics } from '../../../shared/hot-topics.ts'
import { parseRows } from '../../../shared/schemas.ts'
import { rpc } from './api.ts'

export async function badReviewTopics(from: string, to: string, regionCode: string | null, unitId: string | null, matterId: string | null = null): Promise<HotTopics> {
  const rows = parseRows(TopicSourceRow, await rpc('bad_review_topics', { p_from: from, p_to: to, p_region_code: regionCode, p_unit_id: unitId, p_matter_id: matterId }))
  return hotTopics(rows)
}

export async function earlyWarnings(regionCode: string | null): Promise<EarlyWarningRow[]> {
  return parseRows(EarlyWarningRow, await rpc('early_warnings', { p_region_code: regionCode }))
}
