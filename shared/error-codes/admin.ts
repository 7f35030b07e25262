/**
 * Errors of the administration and publication screens (units, halls, windows, 事项, people,
 * keys, calendar, 结果公开). Twins of the rows 20261129284300_admin_error_codes.sql and
 * 20261204040300_admin_find_user_sweep_guard.sql insert into app.error_codes; most refusals use
 * the core codes (invalid_input, not_found, forbidden).
 */
import type { ErrorTable } from './table.ts';

export const ADMIN_ERRORS = {
  /** admin_find_user: more than 30 lookups in 10 minutes (against enumerating people by number). */
  lookup_rate_limited: { status: 429, message: '查找过于频繁，请 10 分钟后再试' },
  /** admin_find_user: a unit admin looked up by phone alone (a masked phone must not be completable). */
  lookup_needs_id_number: { status: 403, message: '单位管理员按手机号码查找人员时，须同时填写该人员的身份证号码' },
  /** admin_find_user: more than 100 lookups in 24 hours. */
  lookup_daily_limit: { status: 429, message: '查找次数已达上限（24 小时内最多 100 次），请明天再试' },
  /** admin_find_user: 10 lookups that found nobody in 24 hours flag a sweep and lock the caller out for 24 hours. */
  lookup_locked: { status: 429, message: '未找到人员的查找次数过多，查找已暂停 24 小时，并已通知监督员' },
  /** publish_results: a month's results are published once it is over. */
  period_not_over: { status: 409, message: '这个月还没有结束，月度结果要到下个月才能公开' },
} as const satisfies ErrorTable;
