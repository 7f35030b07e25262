/**
 * Errors of the administration and publication screens (units, halls, windows, 事项, people,
 * keys, calendar, 结果公开). Twins of the rows 20261129284300_admin_error_codes.sql inserts into
 * app.error_codes; most refusals use the core codes (invalid_input, not_found, forbidden).
 */
import type { ErrorTable } from './table.ts';

export const ADMIN_ERRORS = {
  /** admin_find_user: more than 30 lookups in 10 minutes (against enumerating people by number). */
  lookup_rate_limited: { status: 429, message: '查找过于频繁，请 10 分钟后再试' },
  /** publish_results: a month's results are published once it is over. */
  period_not_over: { status: 409, message: '这个月还没有结束，月度结果要到下个月才能公开' },
} as const satisfies ErrorTable;
