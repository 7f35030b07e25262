/**
 * The columns of each export: a Chinese header and how a row of the export RPC becomes a cell.
 * No column names or identifies a rater (R13): the RPCs return none, and nothing here adds one.
 */
import { nationalSatisfaction, SATISFACTION_NAMES } from '../_shared/contract/upstream.ts';

export type Cell = string | number | null;
export type Row = Record<string, unknown>;

export interface Column {
  header: string;
  /** Excel column width in characters. */
  width: number;
  cell(row: Row): Cell;
}

const CHANNELS: Record<string, string> = {
  pc: 'PC 端', mobile: '移动端', qrcode: '二维码', hall_pad: '评价器', hall_terminal: '自助终端', phone: '电话', sms: '短信', default: '默认评价',
};
const WORK_ORDER_STATUS: Record<string, string> = {
  pending_verification: '待核实', appealing: '申诉中', rectifying: '整改中', rectified: '已整改', replied: '已反馈',
  closed: '已办结', dismissed: '申诉通过（已撤销）', rerouted: '已改派', overdue: '已逾期', reopened: '重新整改',
};
const VISIT_METHOD: Record<string, string> = { phone: '电话', sms: '短信', onsite: '上门', online: '线上' };
const VISIT_SATISFACTION: Record<string, string> = { satisfied: '满意', basically_satisfied: '基本满意', dissatisfied: '不满意' };

const text = (key: string) => (row: Row): Cell => {
  const v = row[key];
  return v === null || v === undefined ? null : String(v);
};
const num = (key: string) => (row: Row): Cell => {
  const v = row[key];
  return v === null || v === undefined ? null : Number(v);
};
const yesNo = (key: string) => (row: Row): Cell => (row[key] === true ? '是' : row[key] === false ? '否' : null);
const mapped = (key: string, names: Record<string, string>) => (row: Row): Cell => {
  const v = row[key];
  return typeof v === 'string' ? (names[v] ?? v) : null;
};

const shanghai = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
});
/** An instant as yyyy-MM-dd HH:mm:ss in Asia/Shanghai (the way people here read times). */
export const shanghaiTime = (iso: string): string => shanghai.format(new Date(iso));
const time = (key: string) => (row: Row): Cell => (typeof row[key] === 'string' ? shanghaiTime(row[key] as string) : null);

/** The satisfaction columns: R1 numbering (5 非常满意), or GB/T 39046-2020 A.8 (1 非常满意). */
function satisfaction(national: boolean): Column[] {
  return [
    {
      header: national ? '满意度（GB/T 39046 A.8：1 非常满意…5 非常不满意）' : '满意度（5 非常满意…1 非常不满意）',
      width: 16,
      cell: (row) => (typeof row.level === 'number' ? (national ? nationalSatisfaction(row.level) : row.level) : null),
    },
    { header: '满意度名称', width: 10, cell: (row) => (typeof row.level === 'number' ? SATISFACTION_NAMES[row.level] ?? null : null) },
  ];
}

export function ratingColumns(national: boolean): Column[] {
  return [
    { header: '评价编号', width: 38, cell: text('id') },
    { header: '办件编号', width: 22, cell: text('project_no') },
    { header: '评价次数', width: 8, cell: num('assess_number') },
    { header: '事项编码', width: 16, cell: text('matter_code') },
    { header: '事项名称', width: 24, cell: text('matter_name') },
    { header: '办理单位', width: 24, cell: text('unit_name') },
    { header: '统一社会信用代码', width: 20, cell: text('unit_credit_code') },
    { header: '区划代码', width: 8, cell: text('region_code') },
    { header: '区划', width: 12, cell: text('region_name') },
    { header: '大厅', width: 20, cell: text('hall_name') },
    { header: '窗口', width: 20, cell: text('window_name') },
    { header: '经办人', width: 8, cell: text('officer') },
    { header: '评价渠道', width: 10, cell: mapped('channel', CHANNELS) },
    ...satisfaction(national),
    { header: '是否差评', width: 8, cell: yesNo('is_bad') },
    { header: '是否默认评价', width: 8, cell: yesNo('is_default') },
    { header: '评价标签', width: 16, cell: text('tags') },
    { header: '标签版本', width: 8, cell: num('tag_version') },
    { header: '评价内容', width: 40, cell: text('comment') },
    { header: '是否有效', width: 8, cell: (row) => (row.validity === 'valid' ? '有效' : row.validity === 'invalid' ? '无效（申诉通过）' : null) },
    { header: '评价时间', width: 20, cell: time('rated_at') },
  ];
}

export function workOrderColumns(national: boolean): Column[] {
  return [
    { header: '工单编号', width: 38, cell: text('id') },
    { header: '办件编号', width: 22, cell: text('project_no') },
    { header: '责任单位', width: 24, cell: text('unit_name') },
    { header: '区划代码', width: 8, cell: text('region_code') },
    { header: '区划', width: 12, cell: text('region_name') },
    { header: '窗口', width: 20, cell: text('window_name') },
    { header: '经办人', width: 8, cell: text('officer') },
    { header: '评价渠道', width: 10, cell: mapped('channel', CHANNELS) },
    ...satisfaction(national),
    { header: '差评标签', width: 16, cell: text('tags') },
    { header: '工单状态', width: 12, cell: mapped('status', WORK_ORDER_STATUS) },
    { header: '是否实名差评', width: 8, cell: yesNo('is_realname') },
    { header: '派单时间', width: 20, cell: time('opened_at') },
    { header: '核实期限', width: 12, cell: text('verify_due_on') },
    { header: '查实时间', width: 20, cell: time('substantiated_at') },
    { header: '整改期限', width: 12, cell: text('rectify_due_on') },
    { header: '延期次数', width: 8, cell: num('extension_count') },
    { header: '整改时间', width: 20, cell: time('rectified_at') },
    { header: '整改措施', width: 40, cell: text('measures') },
    { header: '反馈时间', width: 20, cell: time('replied_at') },
    { header: '反馈内容', width: 40, cell: text('reply') },
    { header: '回访方式', width: 8, cell: mapped('return_visit_method', VISIT_METHOD) },
    { header: '回访日期', width: 12, cell: text('return_visit_on') },
    { header: '回访满意度', width: 10, cell: mapped('return_visit_satisfaction', VISIT_SATISFACTION) },
    {
      header: national ? '整改评价（GB/T 39046 A.8）' : '整改评价（5 非常满意…1 非常不满意）',
      width: 14,
      cell: (row) => (typeof row.fix_level === 'number' ? (national ? nationalSatisfaction(row.fix_level) : row.fix_level) : null),
    },
    { header: '升级督办时间', width: 20, cell: time('escalated_at') },
    { header: '办结时间', width: 20, cell: time('closed_at') },
  ];
}

const rate = (key: string) => (row: Row): Cell => (row[key] === null || row[key] === undefined ? null : Number(row[key]));

export function metricColumns(): Column[] {
  return [
    { header: '口径', width: 8, cell: text('variant') },
    { header: '分组', width: 14, cell: text('group_key') },
    { header: '名称', width: 24, cell: text('group_name') },
    { header: '评价数', width: 10, cell: num('rating_count') },
    { header: '默认评价数', width: 10, cell: num('default_count') },
    { header: '好评数', width: 10, cell: num('good_count') },
    { header: '中评数', width: 10, cell: num('neutral_count') },
    { header: '差评数', width: 10, cell: num('bad_count') },
    { header: '办结件数', width: 10, cell: num('finished_count') },
    { header: '主动评价数', width: 10, cell: num('active_count') },
    { header: '满意率', width: 10, cell: rate('satisfaction_rate') },
    { header: '好评率', width: 10, cell: rate('good_rate') },
    { header: '差评率', width: 10, cell: rate('bad_rate') },
    { header: '主动评价率', width: 10, cell: rate('active_rate') },
    { header: '查实差评数', width: 10, cell: num('substantiated_count') },
    { header: '已整改数', width: 10, cell: num('rectified_count') },
    { header: '到期数', width: 10, cell: num('due_count') },
    { header: '按时整改数', width: 10, cell: num('on_time_count') },
    { header: '实名查实差评数', width: 12, cell: num('realname_substantiated_count') },
    { header: '实名回访整改数', width: 12, cell: num('realname_revisited_count') },
    { header: '差评整改率', width: 10, cell: rate('rectify_rate') },
    { header: '按时整改率', width: 10, cell: rate('on_time_rate') },
    { header: '实名差评回访整改率', width: 14, cell: rate('realname_revisit_rate') },
  ];
}
