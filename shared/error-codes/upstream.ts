/**
 * Errors of upward reporting (report-upstream) and of the supervisors' export. Twins of rows in
 * app.error_codes once wired (supabase/migrations/20261129240900_upstream_error_codes.sql).
 * Bad export parameters are invalid_input (core) with the parameter named in `details`.
 */
import type { ErrorTable } from './table.ts';

export const UPSTREAM_ERRORS = {
  upstream_not_configured: { status: 503, message: '省级好差评平台的上报地址尚未配置，请联系系统管理员' },
  export_range_too_long: { status: 400, message: '导出的时间范围不能超过 366 天，请分段导出' },
} as const satisfies ErrorTable;
