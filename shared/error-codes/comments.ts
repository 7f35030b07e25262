/** Errors of 综合点评, 回访抽查 and third-party assessments (R18). Twins of rows in app.error_codes (a test proves them equal). */
import type { ErrorTable } from './table.ts';

export const COMMENT_ERRORS = {
  comment_content_required: { status: 400, message: '内容不能为空，请填写后再提交' },
  comment_content_too_long: { status: 400, message: '内容最多 1000 字' },
  comment_contact_invalid: { status: 400, message: '联系方式格式不正确（最多 100 个字符）' },
  comment_invalid_transition: { status: 409, message: '这条意见当前的办理状态不允许此操作，请刷新后重试' },
  comment_daily_limit: { status: 429, message: '您今天提交的意见已达上限，请明天再提交' },
  review_period_invalid: { status: 400, message: '时段不正确：开始日期不能晚于结束日期，且跨度不超过一年' },
  sample_size_out_of_range: { status: 400, message: '抽查人数应在 1 到 200 之间' },
  sample_no_candidates: { status: 404, message: '所选时段和地区没有可回访的实名评价人' },
  sample_visit_recorded: { status: 409, message: '该回访结果已登记，不能重复登记' },
  assessment_score_out_of_range: { status: 400, message: '评估得分应在 0 到 100 之间' },
  // Moderation of public 差评 comments (issue 15.4, moderate_comment).
  comment_risky: { status: 409, message: '该评论未通过内容安全检测，不能公开' },
  comment_withdrawn: { status: 409, message: '评价人已撤回公开许可，不能公开' },
  comment_not_checked: { status: 409, message: '该评论尚未完成内容安全检测，请稍后再审核' },
  comment_already_moderated: { status: 409, message: '该评论已经审核过，请刷新后查看' },
  content_check_not_configured: { status: 503, message: '内容安全检测未配置，评论暂不公开' },
} as const satisfies ErrorTable;
