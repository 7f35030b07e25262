/** Errors of rating a 办件 or a window visit (R1–R7). Twins of rows in app.error_codes (a test proves them equal). */
import type { ErrorTable } from './table.ts';

export const RATING_ERRORS = {
  not_applicant: { status: 403, message: '只有办件的申请人或其代办人可以评价' },
  own_work: { status: 403, message: '工作人员不能评价自己经办的服务' },
  not_finished: { status: 409, message: '该办件尚未办结，办结后即可评价' },
  rating_window_closed: { status: 409, message: '评价期限已过（办结后 5 个工作日内可评价），系统已默认为基本满意' },
  already_rated: { status: 409, message: '您已经评价过了，感谢您的参与' },
  tag_required: { status: 400, message: '请至少选择一项不满意的原因' },
  invalid_tag_for_level: { status: 400, message: '所选评价内容与评价等级不符，请重新选择' },
  comment_too_long: { status: 400, message: '评价内容最多 500 字' },
  idempotency_conflict: { status: 409, message: '这次提交与之前的提交不一致，请刷新后重试' },
  visit_daily_limit: { status: 429, message: '今天扫码评价的次数已达上限，请明天再评价' },
} as const satisfies ErrorTable;
