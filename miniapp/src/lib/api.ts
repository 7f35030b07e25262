/**
 * The gateway, Supabase-shaped: PostgREST under /rest/v1 through supabase-js, edge functions
 * under /functions/v1. The app mints its own JWTs (`auth-dev`), so supabase-js runs with
 * `accessToken` and Supabase Auth is never used. Every answer is parsed with a shared zod schema.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import {
  DevLoginResponse,
  PersonaList,
  UnitRow,
  WhoamiRow,
  parseRows,
  type Persona,
  type PersonaKey,
} from '../../../shared/schemas.ts'
import { CITY_CODE } from '../../../shared/regions.ts'
import { getConfig } from './config.ts'
import { AppError, fromErrorResponse, fromPostgrestError } from './errors.ts'
import { appFetch, realtimeTransport } from './platform.ts'
import { currentToken } from './session.ts'

let client: SupabaseClient | null = null

/** Created on first use, never at app load: a config or platform problem shows on the page. */
export function getClient(): SupabaseClient {
  if (client) return client
  const { apiUrl, anonKey } = getConfig()
  if (anonKey === '') {
    throw new AppError('config_error', '应用未配置访问密钥（anonKey），请联系管理员')
  }
  client = createClient(apiUrl, anonKey, {
    accessToken: async () => currentToken(),
    global: { fetch: appFetch },
    realtime: realtimeTransport ? { transport: realtimeTransport } : {},
  })
  return client
}

async function callFunction(name: string, init: { method: 'GET' } | { method: 'POST'; body: unknown }): Promise<unknown> {
  const { apiUrl, anonKey } = getConfig()
  const headers: Record<string, string> = {
    apikey: anonKey,
    Authorization: `Bearer ${anonKey}`,
  }
  let body: string | undefined
  if (init.method === 'POST') {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(init.body)
  }
  let res: Response
  try {
    res = await appFetch(`${apiUrl}/functions/v1/${name}`, { method: init.method, headers, body })
  } catch (err) {
    throw AppError.of('network_error', err)
  }
  const text = await res.text()
  if (!res.ok) throw fromErrorResponse(res.status, text)
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw AppError.of('internal_error', err)
  }
}

/** The demo accounts `auth-dev` can log in as. */
export async function devPersonas(): Promise<Persona[]> {
  const json = await callFunction('auth-dev', { method: 'GET' })
  return PersonaList.parse(json).personas
}

export async function devLogin(persona: PersonaKey): Promise<DevLoginResponse> {
  const json = await callFunction('auth-dev', { method: 'POST', body: { persona } })
  return DevLoginResponse.parse(json)
}

/** `{ data, error, status }` of a supabase-js call → data, or a thrown AppError. */
function unwrap(res: { data: unknown; error: Parameters<typeof fromPostgrestError>[0] | null; status: number }): unknown {
  if (res.error) throw fromPostgrestError(res.error, res.status)
  return res.data
}

export async function whoami(): Promise<WhoamiRow[]> {
  const res = await getClient().rpc('whoami')
  return parseRows(WhoamiRow, unwrap(res))
}

export async function unitsOfRegion(regionCode: string | null): Promise<UnitRow[]> {
  const res = await getClient()
    .from('units')
    .select('id,name,credit_code,region_code,region_name')
    .eq('region_code', regionCode ?? CITY_CODE)
    .order('name')
  return parseRows(UnitRow, unwrap(res))
}
