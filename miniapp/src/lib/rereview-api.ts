/**
 * R11 re-reviews for the city's supervisors: the queue (rereviews_to_decide) and the decision
 * (decide_rereview). Parsed with shared/desk.ts; no rater identity crosses the wire.
 */
import { parseRows } from '../../../shared/schemas.ts'
import { DecideRereviewResult, RereviewRow } from '../../../shared/desk.ts'
import { rpc, rpcRow } from './api.ts'

export async function rereviewsToDecide(): Promise<RereviewRow[]> {
  return parseRows(RereviewRow, await rpc('rereviews_to_decide'))
}

/** overturn = the dismissal is wrong: the 差评 counts again and 整改 starts; else it is upheld. */
export async function decideRereview(workOrderId: string, overturn: boolean, note: string) {
  return rpcRow(DecideRereviewResult, 'decide_rereview', { p_work_order_id: workOrderId, p_overturn: overturn, p_note: note })
}
