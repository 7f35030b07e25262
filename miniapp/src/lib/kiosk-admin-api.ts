/**
 * 管理 → 评价器 (issue 18): the windows whose tablets the caller may pair, a one-time pairing
 * code for one (shown once), the tablets paired with it, and revoking one.
 */
import { z } from 'zod'
import { DbId, parseRows } from '../../../shared/schemas.ts'
import { rpc, rpcRow } from './api.ts'

export const KioskWindowRow = z.object({
  window_id: DbId,
  window_name: z.string(),
  hall_id: DbId,
  hall_name: z.string(),
  unit_id: DbId,
  unit_name: z.string(),
  region_code: z.string(),
  active_devices: z.number().int(),
  last_used_at: z.string().nullable(),
})
export type KioskWindowRow = z.infer<typeof KioskWindowRow>

export const PairingCode = z.object({ code: z.string().regex(/^[0-9]{6}$/), expires_at: z.string(), window_id: DbId, window_name: z.string() })
export type PairingCode = z.infer<typeof PairingCode>

export const KioskDeviceRow = z.object({
  id: DbId,
  key_id: z.string(),
  name: z.string(),
  status: z.enum(['active', 'revoked']),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
})
export type KioskDeviceRow = z.infer<typeof KioskDeviceRow>

export const kioskWindows = async () => parseRows(KioskWindowRow, await rpc('kiosk_windows'))
export const createPairing = (windowId: string) => rpcRow(PairingCode, 'create_kiosk_pairing', { p_window_id: windowId })
export const kioskDevices = async (windowId: string) => parseRows(KioskDeviceRow, await rpc('kiosk_devices', { p_window_id: windowId }))
export const revokeKioskDevice = (deviceId: string) =>
  rpcRow(z.object({ id: DbId, status: z.string(), revoked_at: z.string().nullable() }), 'revoke_kiosk_device', { p_device_id: deviceId })
