/** Errors any endpoint can answer. Twins of rows in app.error_codes (a test proves them equal). */
import type { ErrorTable } from './table.ts';

export const CORE_ERRORS = {
  invalid_input: { status: 400, message: '提交的内容不完整或格式不正确，请检查后重试' },
  invalid_json: { status: 400, message: '请求内容不是有效的 JSON' },
  unauthorized: { status: 401, message: '请先登录' },
  forbidden: { status: 403, message: '您没有权限进行此操作' },
  not_found: { status: 404, message: '请求的内容不存在' },
  method_not_allowed: { status: 405, message: '不支持该请求方式' },
  /** A function's JSON body over its size cap (readJson in supabase/functions/_shared/http.ts). */
  body_too_large: { status: 413, message: '请求内容过大' },
  dev_login_disabled: { status: 404, message: '演示登录未开启' },
  unknown_persona: { status: 404, message: '没有这个演示账号' },
  internal_error: { status: 500, message: '系统繁忙，请稍后重试' },
} as const satisfies ErrorTable;
