/** Errors of the 差评 loop: work orders, appeals, return visits (R8–R14). Twins of rows in app.error_codes (a test proves them equal). */
import type { ErrorTable } from './table.ts';

export const WORK_ORDER_ERRORS = {
  invalid_transition: { status: 409, message: '工单当前状态不允许此操作，请刷新后查看最新进度' },
  realname_required: { status: 403, message: '申诉须由已实名认证的工作人员提出，请先完成实名认证' },
  appeal_exists: { status: 409, message: '该工单已经申诉过，每个工单只能申诉一次' },
  invalid_due_date: { status: 400, message: '延期后的整改期限须晚于原期限，且为工作日' },
  extension_limit: { status: 409, message: '延期次数已达上限，请联系监督员' },
  evidence_invalid: { status: 400, message: '佐证材料只支持 JPG、PNG 图片或 PDF 文件' },
  evidence_too_large: { status: 413, message: '佐证材料单个文件不能超过 5 MB，最多 5 个' },
  not_rater: { status: 403, message: '只有提出该评价的群众可以进行此操作' },
  not_realname_rating: { status: 409, message: '匿名评价无法回访，也不能申请复核' },
  fix_already_rated: { status: 409, message: '您已经评价过整改结果了' },
  rereview_used: { status: 409, message: '复核申请只能提出一次' },
  rereview_window_closed: { status: 409, message: '申请复核的期限已过，不能再申请复核' },
  city_supervisor_required: { status: 403, message: '复核须由市级监督员决定' },
  own_work_order: { status: 403, message: '这条差评针对的是您本人的办件，按规定由本单位其他工作人员或监督部门办理' },
  review_recused: { status: 403, message: '您是这条差评的被评价人或申诉人，须回避，请由其他监督员复核' },
} as const satisfies ErrorTable;
