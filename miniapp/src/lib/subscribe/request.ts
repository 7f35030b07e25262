/**
 * The platforms' one-time subscription prompt, one shape for the app (R17, issue 15.3):
 * WeChat `wx.requestSubscribeMessage({ tmplIds })` answers `{ [tmplId]: 'accept' | 'reject' |
 * 'ban' | 'filter', errMsg }`; Alipay `my.requestSubscribeMessage({ entityIds })` answers
 * `{ behavior, result: { subscribeEntityIds, unsubscribeEntityIds, … } }` and, on newer base
 * libraries, `{ [entityId]: 'accept' | 'reject' }` as well. Both must be called inside a tap
 * handler, before anything is awaited: the prompt is refused otherwise. The accepted ids are
 * recorded with `record_subscriptions(<platform>, kinds)`, which `send-reminders` spends.
 */
import Taro from '@tarojs/taro'

export type SubscribePlatform = 'weapp' | 'alipay'

/** The platform of this build that has subscription messages, or null (H5). */
export const SUBSCRIBE_PLATFORM: SubscribePlatform | null =
  process.env.TARO_ENV === 'weapp' ? 'weapp' : process.env.TARO_ENV === 'alipay' ? 'alipay' : null

/** Pure: `{ [id]: 'accept' | … }` from either platform's answer. */
export function normaliseSubscribeAnswer(ids: readonly string[], res: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (typeof res !== 'object' || res === null) return out
  const r = res as Record<string, unknown> & { result?: { subscribeEntityIds?: unknown } }
  const subscribed = Array.isArray(r.result?.subscribeEntityIds) ? (r.result.subscribeEntityIds as unknown[]).map(String) : []
  for (const id of ids) {
    if (r[id] === 'accept' || subscribed.includes(id)) out[id] = 'accept'
    else if (typeof r[id] === 'string') out[id] = r[id] as string
    else out[id] = 'reject'
  }
  return out
}

/** Opens the platform's prompt for `ids` (call it synchronously from a tap handler). */
export async function requestSubscribe(ids: string[]): Promise<Record<string, string>> {
  const options = SUBSCRIBE_PLATFORM === 'alipay' ? { entityIds: ids } : { tmplIds: ids, entityIds: [] }
  const res: unknown = await Taro.requestSubscribeMessage(options as unknown as Taro.requestSubscribeMessage.Option)
  return normaliseSubscribeAnswer(ids, res)
}
