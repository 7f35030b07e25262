/**
 * The 管理 RPCs for units, halls, windows, their QR codes and 事项 (issue 7). Every answer is
 * parsed with a zod schema from shared/admin-org.ts; refusals arrive as AppError with the
 * server's Chinese message (api.ts). Units are listed from the public `units` view.
 */
import { z } from 'zod'
import {
  AdminHallRow,
  AdminMatterRow,
  AdminWindowRow,
  DUPLICATE_DETAIL,
  SavedId,
  WindowQrRow,
  type HallKind,
  type RatingChannel,
} from '../../../shared/admin-org.ts'
import { parseRows } from '../../../shared/schemas.ts'
import { rpc, rpcRow } from './api.ts'
import { toAppError } from './errors.ts'

export { unitsOfRegion } from './api.ts'

/** An admin_save_* call: the saved row's id. */
async function savedId(name: string, args: Record<string, unknown>): Promise<string> {
  return (await rpcRow(SavedId, name, args)).id
}

export async function adminHalls(regionCode: string): Promise<AdminHallRow[]> {
  return parseRows(AdminHallRow, await rpc('admin_halls', { p_region_code: regionCode }))
}

export async function adminWindows(regionCode: string): Promise<AdminWindowRow[]> {
  return parseRows(AdminWindowRow, await rpc('admin_windows', { p_region_code: regionCode }))
}

export async function adminMatters(unitId: string): Promise<AdminMatterRow[]> {
  return parseRows(AdminMatterRow, await rpc('admin_matters', { p_unit_id: unitId }))
}

export async function windowQrCodes(hallId: string): Promise<WindowQrRow[]> {
  return parseRows(WindowQrRow, await rpc('window_qr_codes', { p_hall_id: hallId }))
}

/** Empty text → null (optional fields). */
function orNull(s: string): string | null {
  const t = s.trim()
  return t === '' ? null : t
}

export async function saveUnit(id: string | null, regionCode: string, name: string, creditCode: string): Promise<string> {
  return savedId('admin_save_unit', { p_id: id, p_region_code: regionCode, p_name: name.trim(), p_credit_code: orNull(creditCode) })
}

export async function saveHall(id: string | null, regionCode: string, name: string, kind: HallKind, address: string): Promise<string> {
  return savedId('admin_save_hall', { p_id: id, p_region_code: regionCode, p_name: name.trim(), p_kind: kind, p_address: orNull(address) })
}

export async function saveWindow(id: string | null, hallId: string, unitId: string, name: string): Promise<string> {
  return savedId('admin_save_window', { p_id: id, p_hall_id: hallId, p_unit_id: unitId, p_name: name.trim() })
}

export async function saveMatter(
  id: string | null,
  unitId: string,
  code: string,
  name: string,
  promisedWorkingDays: number | null,
  ratingChannels: readonly RatingChannel[],
): Promise<string> {
  return savedId('admin_save_matter', {
    p_id: id,
    p_unit_id: unitId,
    p_code: code.trim(),
    p_name: name.trim(),
    p_promised_working_days: promisedWorkingDays,
    p_rating_channels: [...ratingChannels],
  })
}

const DetailOf = z.object({ details: z.string().nullable().optional() })

/**
 * A save's refusal as the form shows it: the server's message, and for a name or code already
 * in use (invalid_input with details 'duplicate') what to change.
 */
export function saveErrorMessage(err: unknown, duplicateHint: string): string {
  const e = toAppError(err)
  const detail = DetailOf.safeParse(e.detail)
  if (e.code === 'invalid_input' && detail.success && detail.data.details === DUPLICATE_DETAIL) return `${e.message}（${duplicateHint}）`
  return e.message
}
