/**
 * H5 (the desk): the 工作台 tile on the home page counts what needs action now (issue 21.2),
 * from the unit's orders and the same urgency rule as the 工作台 list (staff-view.ts).
 */
import { todayInShanghai } from './staff-load.ts'
import { unitWorkOrders } from './staff-api.ts'
import { urgencyOf } from './staff-view.ts'

export interface UrgentCount { overdue: number; soon: number }

export async function staffUrgentCount(): Promise<UrgentCount | null> {
  const rows = await unitWorkOrders(null)
  const today = todayInShanghai()
  return { overdue: rows.filter((r) => urgencyOf(r, today) === 'overdue').length, soon: rows.filter((r) => urgencyOf(r, today) === 'soon').length }
}
