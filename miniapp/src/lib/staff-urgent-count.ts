/**
 * Default of the per-platform home-tile count (what tsc and jest see). Builds use
 * staff-urgent-count.weapp.ts / .alipay.ts / .h5.ts instead; keep their exports identical.
 */
export { staffUrgentCount, type UrgentCount } from './staff-urgent-count.h5.ts'
