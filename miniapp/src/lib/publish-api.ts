/**
 * R15 publication (publish_results, published_periods): every answer parsed with shared/desk.ts;
 * refusals arrive as AppError with the server's Chinese message (api.ts).
 */
import { parseRows } from '../../../shared/schemas.ts'
import { PublishedPeriodRow, PublishResult } from '../../../shared/desk.ts'
import { rpc, rpcRow } from './api.ts'

export async function publishedPeriods(regionCode: string): Promise<PublishedPeriodRow[]> {
  return parseRows(PublishedPeriodRow, await rpc('published_periods', { p_region_code: regionCode }))
}

export async function publishResults(period: string, regionCode: string, note: string | null): Promise<PublishResult> {
  return rpcRow(PublishResult, 'publish_results', { p_period: period, p_region_code: regionCode, p_note: note })
}
