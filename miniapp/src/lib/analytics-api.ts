/**
 * 差评热点 and 预警 for the 监督台 (issue 16.3, 16.4). The database decides scope and access and
 * answers counts; the words of the comments are counted by shared/hot-topics.ts here.
 */
import { EarlyWarningRow, WarningDigestRow } from '../../../shared/early-warning.ts'
import { hotTopics, TopicSourceRow, type HotTopics } from '../../../shared/hot-topics.ts'
import { parseRows } from '../../../shared/schemas.ts'
import { rpc } from './api.ts'
import { SubscriptionRow } from './subscriptions.ts'

export async function badReviewTopics(from: string, to: string, regionCode: string | null, unitId: string | null, matterId: string | null = null): Promise<HotTopics> {
  const rows = parseRows(TopicSourceRow, await rpc('bad_review_topics', { p_from: from, p_to: to, p_region_code: regionCode, p_unit_id: unitId, p_matter_id: matterId }))
  return hotTopics(rows)
}

export async function earlyWarnings(regionCode: string | null): Promise<EarlyWarningRow[]> {
  return parseRows(EarlyWarningRow, await rpc('early_warnings', { p_region_code: regionCode }))
}

/** Issue 16.4: the caller's daily 预警 digests of the last 30 days, with the message's status. */
export async function myWarningDigests(): Promise<WarningDigestRow[]> {
  return parseRows(WarningDigestRow, await rpc('my_warning_digests'))
}

/** Unused 预警 digest subscriptions of the caller (all platforms). */
export async function warningSubscriptionsLeft(): Promise<number> {
  return parseRows(SubscriptionRow, await rpc('my_subscriptions')).filter((r) => r.kind === 'warning').reduce((n, r) => n + Number(r.remaining), 0)
}

/** Records one accepted 预警 digest subscription (the server refuses anyone not a supervisor). */
export async function recordWarningSubscription(platform: 'weapp' | 'alipay'): Promise<void> {
  await rpc('record_subscriptions', { p_platform: platform, p_kinds: ['warning'] })
}
