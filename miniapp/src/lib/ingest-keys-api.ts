/**
 * 设备与业务系统密钥 (issue 7): the keys of business systems and rating devices of a
 * supervisor's regions, creating one (the secret is in that answer only) and revoking one.
 */
import {
  CreatedKey,
  IngestKeyRow,
  KeyHallRow,
  RevokedKey,
} from '../../../shared/admin-people.ts'
import type { DeviceKind } from '../../../shared/ingest.ts'
import { parseRows } from '../../../shared/schemas.ts'
import { rpc, rpcRow } from './api.ts'


export async function ingestKeys(): Promise<IngestKeyRow[]> {
  return parseRows(IngestKeyRow, await rpc('ingest_keys'))
}

export async function keyHalls(): Promise<KeyHallRow[]> {
  return parseRows(KeyHallRow, await rpc('ingest_key_halls'))
}

export async function createBusinessSystem(name: string, regionCode: string): Promise<CreatedKey> {
  return rpcRow(CreatedKey, 'create_business_system', { p_name: name, p_region_code: regionCode })
}

/** A hall device needs `hallId`; a hotline or SMS gateway a `regionCode`. */
export async function createRatingDevice(kind: DeviceKind, name: string, hallId: string | null, regionCode: string | null): Promise<CreatedKey> {
  return rpcRow(CreatedKey, 'create_rating_device', { p_kind: kind, p_name: name, p_hall_id: hallId, p_region_code: regionCode })
}

export async function revokeKey(keyId: string) {
  return rpcRow(RevokedKey, 'revoke_ingest_key', { p_key_id: keyId })
}
