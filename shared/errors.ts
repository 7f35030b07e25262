/**
 * Stable machine codes of every error a client can be shown: HTTP status and the Chinese
 * message fit for a citizen or an officer. The database raises the same codes from its own
 * table `app.error_codes` (a test proves the two equal); PostgREST and the edge functions both
 * answer `{ code, message, details }`, and the mini-program shows `message`.
 */
export const ERRORS = {
  invalid_input: { status: 400, message: '提交的内容不完整或格式不正确，请检查后重试' },
  invalid_json: { status: 400, message: '请求内容不是有效的 JSON' },
  unauthorized: { status: 401, message: '请先登录' },
  forbidden: { status: 403, message: '您没有权限进行此操作' },
  not_found: { status: 404, message: '请求的内容不存在' },
  method_not_allowed: { status: 405, message: '不支持该请求方式' },
  dev_login_disabled: { status: 404, message: '演示登录未开启' },
  unknown_persona: { status: 404, message: '没有这个演示账号' },
  internal_error: { status: 500, message: '系统繁忙，请稍后重试' },
  // Rating (R1–R7).
  not_applicant: { status: 403, message: '只有办件的申请人或其代办人可以评价' },
  own_work: { status: 403, message: '工作人员不能评价自己经办的服务' },
  not_finished: { status: 409, message: '该办件尚未办结，办结后即可评价' },
  rating_window_closed: { status: 409, message: '评价期限已过（办结后 5 个工作日内可评价），系统已默认为基本满意' },
  already_rated: { status: 409, message: '您已经评价过了，感谢您的参与' },
  tag_required: { status: 400, message: '请至少选择一项不满意的原因' },
  invalid_tag_for_level: { status: 400, message: '所选评价内容与评价等级不符，请重新选择' },
  comment_too_long: { status: 400, message: '评价内容最多 500 字' },
  idempotency_conflict: { status: 409, message: '这次提交与之前的提交不一致，请刷新后重试' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Which input was wrong, for forms (never shown raw to citizens). */
  details?: unknown;
}

export function errorBody(code: ErrorCode, details?: unknown): ErrorBody {
  const { message } = ERRORS[code];
  return details === undefined ? { code, message } : { code, message, details };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERRORS, value);
}
