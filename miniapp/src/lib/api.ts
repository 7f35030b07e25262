/**
 * The gateway, Supabase-shaped: PostgREST under /rest/v1 through supabase-js, edge functions
 * under /functions/v1 (functions.ts). The app mints its own JWTs, so supabase-js runs with
 * `accessToken` (refreshed by session.ts) and Supabase Auth is never used; realtime stays off.
 * Every answer is parsed with a zod schema (shared/ or ./rows.ts).
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { z } from 'zod'
import { DbId, UnitRow, WhoamiRow, parseRows } from '../../../shared/schemas.ts'
import { CommentRow } from '../../../shared/comments.ts'
import { CITY_CODE } from '../../../shared/regions.ts'
import { WorkOrderTimelineRow } from '../../../shared/work-orders.ts'
import { getConfig } from './config.ts'
import { AppError, fromPostgrestError } from './errors.ts'
import { appFetch, realtimeTransport } from './platform.ts'
import {
  BadReviewBoardRow,
  MyRatingRow,
  PendingRow,
  PublicResultRow,
  SubmitResult,
  WindowInfoRow,
} from './rows.ts'
import { validToken } from './session.ts'

let client: SupabaseClient | null = null

/** Created on first use, never at app load: a config or platform problem shows on the page. */
export function getClient(): SupabaseClient {
  if (client) return client
  const { apiUrl, anonKey } = getConfig()
  if (anonKey === '') {
    throw new AppError('config_error', '应用未配置访问密钥（anonKey），请联系管理员')
  }
  client = createClient(apiUrl, anonKey, {
    accessToken: async () => validToken(),
    global: { fetch: appFetch },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: realtimeTransport ? { transport: realtimeTransport } : {},
  })
  return client
}

/** `{ data, error, status }` of a supabase-js call → data, or a thrown AppError. */
function unwrap(res: { data: unknown; error: Parameters<typeof fromPostgrestError>[0] | null; status: number }): unknown {
  if (res.error) throw fromPostgrestError(res.error, res.status)
  return res.data
}

export async function rpc(name: string, args?: Record<string, unknown>): Promise<unknown> {
  return unwrap(await getClient().rpc(name, args))
}

/** The one row an action RPC answers, parsed; no row is an internal_error naming the RPC. */
export async function rpcRow<T extends z.ZodType>(schema: T, name: string, args?: Record<string, unknown>): Promise<z.infer<T>> {
  const row = parseRows(schema, await rpc(name, args))[0]
  if (row === undefined) throw AppError.of('internal_error', `${name} returned no row`)
  return row
}

export async function whoami(): Promise<WhoamiRow[]> {
  return parseRows(WhoamiRow, await rpc('whoami'))
}

export async function unitsOfRegion(regionCode: string | null): Promise<UnitRow[]> {
  const res = await getClient()
    .from('units')
    .select('id,name,credit_code,region_code,region_name')
    .eq('region_code', regionCode ?? CITY_CODE)
    .order('name')
  return parseRows(UnitRow, unwrap(res))
}

export async function myPendingRatings(): Promise<PendingRow[]> {
  return parseRows(PendingRow, await rpc('my_pending_ratings'))
}

export async function myRatings(): Promise<MyRatingRow[]> {
  return parseRows(MyRatingRow, await rpc('my_ratings'))
}

export interface RatingInput {
  level: number
  tags: string[]
  comment: string | null
  anonymous: boolean
  idempotencyKey: string
}

export async function submitRating(transactionId: string, input: RatingInput, channel: 'mobile' | 'qrcode' = 'mobile'): Promise<SubmitResult> {
  return rpcRow(SubmitResult, 'submit_rating', {
    p_transaction_id: transactionId,
    p_level: input.level,
    p_tags: input.tags,
    p_comment: input.comment,
    p_anonymous: input.anonymous,
    p_channel: channel,
    p_idempotency_key: input.idempotencyKey,
  })
}

export async function submitVisitRating(windowId: string, staffId: string | null, input: RatingInput): Promise<SubmitResult> {
  return rpcRow(SubmitResult, 'submit_visit_rating', {
    p_window_id: windowId,
    p_staff_id: staffId,
    p_level: input.level,
    p_tags: input.tags,
    p_comment: input.comment,
    p_anonymous: input.anonymous,
    p_idempotency_key: input.idempotencyKey,
  })
}

export async function windowInfo(windowId: string): Promise<WindowInfoRow | null> {
  return parseRows(WindowInfoRow, await rpc('window_info', { p_window_id: windowId }))[0] ?? null
}

export async function workOrderTimeline(workOrderId: string): Promise<WorkOrderTimelineRow[]> {
  return parseRows(WorkOrderTimelineRow, await rpc('work_order_timeline', { p_work_order_id: workOrderId }))
}

/** R12: the rater's rating of the fix; `reopened` when 不满意 sent the order back to 整改. */
export async function rateRectification(workOrderId: string, level: number, comment: string | null): Promise<{ status: string; reopened: boolean }> {
  return rpcRow(z.object({ id: DbId, status: z.string(), reopened: z.boolean() }), 'rate_rectification', { p_work_order_id: workOrderId, p_level: level, p_comment: comment })
}

export async function requestRereview(workOrderId: string, reason: string): Promise<void> {
  parseRows(z.object({ id: DbId, status: z.string() }), await rpc('request_rereview', { p_work_order_id: workOrderId, p_reason: reason }))
}

export async function submitComment(kind: string, content: string, unitId: string | null, contact: string | null): Promise<CommentRow | null> {
  return parseRows(CommentRow, await rpc('submit_comment', { p_kind: kind, p_content: content, p_unit_id: unitId, p_contact: contact }))[0] ?? null
}

export async function myComments(): Promise<CommentRow[]> {
  return parseRows(CommentRow, await rpc('my_comments'))
}

export async function publicResults(period: string, regionCode: string): Promise<PublicResultRow[]> {
  return parseRows(PublicResultRow, await rpc('public_results', { p_period: period, p_region_code: regionCode }))
}

export async function publicBadReviewBoard(period: string, regionCode: string): Promise<BadReviewBoardRow[]> {
  return parseRows(BadReviewBoardRow, await rpc('public_bad_review_board', { p_period: period, p_region_code: regionCode }))
}

/** The working-day calendar rows of [from, to] (public views): what the countdown needs, nothing more. */
export async function calendarRange(from: string, to: string): Promise<{
  exceptions: Array<{ day: string; is_workday: boolean }>
  announcedYears: number[]
  statutory: string[]
}> {
  const c = getClient()
  const [days, years, statutory] = await Promise.all([
    c.from('calendar_days').select('day,is_workday').gte('day', from).lte('day', to),
    c.from('calendar_years').select('year').gte('year', Number(from.slice(0, 4))).lte('year', Number(to.slice(0, 4))),
    c.from('statutory_holidays').select('day').gte('day', from).lte('day', to),
  ])
  return {
    exceptions: parseRows(z.object({ day: z.string(), is_workday: z.boolean() }), unwrap(days)),
    announcedYears: parseRows(z.object({ year: z.number().int() }), unwrap(years)).map((r) => r.year),
    statutory: parseRows(z.object({ day: z.string() }), unwrap(statutory)).map((r) => r.day),
  }
}
