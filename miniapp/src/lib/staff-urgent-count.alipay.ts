/**
 * Alipay: no count on the home tile. Counting needs the staff RPCs, which live in the staff
 * subpackage so that the main package carries no staff code (packages.test.ts); the 工作台 page,
 * one tap away, shows the counts. Same exports as staff-urgent-count.h5.ts.
 */
export interface UrgentCount { overdue: number; soon: number }

export async function staffUrgentCount(): Promise<UrgentCount | null> {
  return null
}
