/**
 * Administration of what is rated (issue 7, R2): the rows of admin_halls, admin_windows,
 * admin_matters and window_qr_codes, the id answers of admin_save_unit/hall/window/matter, and
 * the limits those RPCs check (supabase/schemas/11_administration.sql), so a
 * form can say what is wrong before it sends.
 */
import { z } from 'zod';
import { DbId } from './schemas.ts';

export const HALL_KINDS = ['center', 'hall', 'station'] as const;
export const HallKind = z.enum(HALL_KINDS);
export type HallKind = z.infer<typeof HallKind>;
export const HALL_KIND_LABELS: Record<HallKind, string> = {
  center: '政务服务中心',
  hall: '部门大厅',
  station: '便民服务站',
};

/** 评价渠道 a 事项 may be rated through (admin_save_matter's p_rating_channels; `default` is never chosen). */
export const RATING_CHANNELS = ['pc', 'mobile', 'qrcode', 'hall_pad', 'hall_terminal', 'phone', 'sms'] as const;
export const RatingChannel = z.enum(RATING_CHANNELS);
export type RatingChannel = z.infer<typeof RatingChannel>;
/** admin_save_matter's default channels. */
export const DEFAULT_RATING_CHANNELS: readonly RatingChannel[] = ['mobile', 'qrcode', 'hall_pad'];

/** What the save RPCs accept (the same checks, in characters). */
export const ADMIN_LIMITS = {
  unitName: { min: 2, max: 100 },
  hallName: { min: 2, max: 100 },
  hallAddress: { max: 200 },
  windowName: { min: 1, max: 60 },
  matterName: { min: 2, max: 100 },
  matterDays: { min: 0, max: 365 },
} as const;
/** 统一社会信用代码 (GB 32100): 18 characters, no I, O, S, V, Z. */
export const CREDIT_CODE_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
/** 事项编码: 4–40 letters, digits and hyphens. */
export const MATTER_CODE_PATTERN = /^[0-9A-Za-z-]{4,40}$/;

/** A row of `admin_halls(p_region_code)`. */
export const AdminHallRow = z.object({
  id: DbId,
  region_code: z.string(),
  name: z.string(),
  kind: HallKind,
  address: z.string().nullable(),
  window_count: z.number().int(),
});
export type AdminHallRow = z.infer<typeof AdminHallRow>;

/** A row of `admin_windows(p_region_code)`. */
export const AdminWindowRow = z.object({
  id: DbId,
  hall_id: DbId,
  hall_name: z.string(),
  unit_id: DbId,
  unit_name: z.string(),
  name: z.string(),
});
export type AdminWindowRow = z.infer<typeof AdminWindowRow>;

/** A row of `admin_matters(p_unit_id)`. */
export const AdminMatterRow = z.object({
  id: DbId,
  unit_id: DbId,
  code: z.string(),
  name: z.string(),
  handling_channels: z.array(z.string()),
  rating_channels: z.array(z.string()),
  promised_working_days: z.number().int().nullable(),
});
export type AdminMatterRow = z.infer<typeof AdminMatterRow>;

/** A row of `window_qr_codes(p_hall_id)`: what one window's printed code carries. */
export const WindowQrRow = z.object({
  window_id: DbId,
  window_name: z.string(),
  unit_name: z.string(),
  hall_name: z.string(),
  /** The mini-program page (no leading slash), e.g. `pages/scan/index`. */
  page: z.string(),
  /** `w=<window id>`. */
  scene: z.string(),
  /** The same page in the H5 app's hash router: `/pages/scan/index?w=<window id>`. */
  h5_path: z.string().startsWith('/'),
});
export type WindowQrRow = z.infer<typeof WindowQrRow>;

/** The answer of every admin_save_*: the saved row's id. */
export const SavedId = z.object({ id: DbId });
export type SavedId = z.infer<typeof SavedId>;

function lengthOf(s: string): number {
  return [...s.trim()].length;
}

function nameProblem(label: string, name: string, limit: { min: number; max: number }): string | null {
  const n = lengthOf(name);
  if (n < limit.min) return limit.min === 1 ? `请填写${label}` : `${label}至少 ${limit.min} 个字`;
  if (n > limit.max) return `${label}最多 ${limit.max} 个字`;
  return null;
}

/** What is wrong with a unit's fields before admin_save_unit (null: nothing). */
export function unitProblem(name: string, creditCode: string): string | null {
  const code = creditCode.trim();
  return nameProblem('单位名称', name, ADMIN_LIMITS.unitName)
    ?? (code !== '' && !CREDIT_CODE_PATTERN.test(code) ? '统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z）' : null);
}

/** What is wrong with a hall's fields before admin_save_hall. */
export function hallProblem(name: string, kind: HallKind | null, address: string): string | null {
  return nameProblem('大厅名称', name, ADMIN_LIMITS.hallName)
    ?? (kind === null ? '请选择大厅类型' : null)
    ?? (lengthOf(address) > ADMIN_LIMITS.hallAddress.max ? `地址最多 ${ADMIN_LIMITS.hallAddress.max} 个字` : null);
}

/** What is wrong with a window's fields before admin_save_window. */
export function windowProblem(name: string, unitId: string | null): string | null {
  return nameProblem('窗口名称', name, ADMIN_LIMITS.windowName) ?? (unitId === null ? '请选择窗口所属单位' : null);
}

/** What is wrong with a 事项's fields before admin_save_matter. */
export function matterProblem(code: string, name: string, days: string, channels: readonly string[]): string | null {
  if (!MATTER_CODE_PATTERN.test(code.trim())) return '事项编码应为 4–40 位字母、数字或连字符';
  const named = nameProblem('事项名称', name, ADMIN_LIMITS.matterName);
  if (named) return named;
  const d = days.trim();
  if (d !== '' && (!/^\d+$/.test(d) || Number(d) > ADMIN_LIMITS.matterDays.max)) return `承诺时限应为 0–${ADMIN_LIMITS.matterDays.max} 个工作日`;
  if (channels.length === 0) return '请至少选择一个评价渠道';
  return null;
}

/** The server's `details` for a name or code already taken (admin_save_*: invalid_input, 'duplicate'). */
export const DUPLICATE_DETAIL = 'duplicate';
