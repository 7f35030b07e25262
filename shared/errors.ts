/**
 * Stable machine codes of every error a client can be shown, with the Chinese message fit
 * for a citizen or an officer. The database raises the same codes (SQL `hint`), the edge
 * functions answer `{ code, message }`, and the mini-program shows `message`.
 */
export const ERROR_MESSAGES = {
  invalid_input: '提交的内容不完整或格式不正确，请检查后重试',
  invalid_json: '请求内容不是有效的 JSON',
  method_not_allowed: '不支持该请求方式',
  unauthorized: '请先登录',
  forbidden: '您没有权限进行此操作',
  not_found: '请求的内容不存在',
  dev_login_disabled: '演示登录未开启',
  unknown_persona: '没有这个演示账号',
  network_error: '网络不给力，请稍后重试',
  internal_error: '系统繁忙，请稍后重试',
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Which input was wrong, for forms (never shown raw to citizens). */
  details?: unknown;
}

export function errorBody(code: ErrorCode, details?: unknown): ErrorBody {
  return details === undefined
    ? { code, message: ERROR_MESSAGES[code] }
    : { code, message: ERROR_MESSAGES[code], details };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_MESSAGES, value);
}
