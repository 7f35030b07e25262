/**
 * Default of the per-platform export download (what tsc and jest see). Builds use
 * export-download.weapp.ts / .alipay.ts / .h5.ts instead; keep their exports identical.
 */
export { downloadExport } from './export-download.h5.ts'
