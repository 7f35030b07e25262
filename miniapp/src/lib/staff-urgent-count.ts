/**
 * The 工作台 tile on the home page counts what needs action now (issue 21.2): 已超期 and 今明到期
 * of the caller's units, by the 工作台's urgency rule, decided in SQL (`my_urgent_count`, twin of
 * urgencyOf in staff-view.ts). One count RPC rather than the unit's orders, so that the phones'
 * main package, where the home page lives, still carries no staff RPC (packages.test.ts): the count
 * shows on WeChat and Alipay as on H5. A non-staff caller gets 0 and 0 (the tile is not shown anyway).
 */
import { z } from 'zod'
import { Num } from '../../../shared/staff.ts'
import { rpcRow } from './api.ts'

export const UrgentCount = z.object({ overdue: Num, soon: Num })
export type UrgentCount = z.infer<typeof UrgentCount>

export async function staffUrgentCount(): Promise<UrgentCount | null> {
  return rpcRow(UrgentCount, 'my_urgent_count')
}
