/**
 * R11 re-reviews for the city's supervisors: the queue (rereviews_to_decide) and the decision
 * (decide_rereview). Parsed with shared/desk.ts; no rater identity crosses the wire.
 */
import { parseRows } from '../../../shared/schemas.ts'
import { DecideRereviewResult, RereviewRow } from '../../../shared/desk.ts'
import { rpc } from './api.ts'
import { AppError } from './errors.ts'

export async function rereviewsToDecide(): Promise<RereviewRow[]> {
  return parseRows(RereviewRow, await rpc('rereviews_to_decide'))
}

/** overturn = the dismissal is wrong: the 差评 counts again and 整改 starts; else it is upheld. */
export async function decideRereview(workOrderId: string, overturn: boolean, note: string) {
  const row = parseRows(DecideRereviewResult, await rpc('decide_rereview', { p_work_order_id: workOrderId, p_overturn: overturn, p_note: note }))[0]
  if (!row) throw AppError.of('internal_error', 'decide_rereview returned no row')
  return row
}
