/**
 * WeChat's one-time subscribe message for 差评 progress (整改、回复、回访). The template id
 * comes from the build (TARO_APP_TEMPLATE_REPLY, the 差评处理回复 template set in the WeChat console); without one the
 * offer is not shown. An accepted subscription is reported to the server (`record`, i.e.
 * record_subscriptions for the `reply` kind), which spends it when the unit replies (R17).
 * Pure apart from the injected `requestSubscribeMessage` and `record`.
 */
import type { ProgressSubscription, SubscribeOutcome } from './types.ts'

type RequestSubscribe = (tmplIds: string[]) => Promise<Record<string, unknown>>
type RecordSubscription = () => Promise<void>

export function wechatSubscription(templateId: string, requestSubscribe: RequestSubscribe, record: RecordSubscription): ProgressSubscription {
  const id = templateId.trim()
  return {
    available: id !== '',
    async request(): Promise<SubscribeOutcome> {
      if (id === '') return 'unavailable'
      try {
        const res = await requestSubscribe([id])
        // { [templateId]: 'accept' | 'reject' | 'ban' | 'filter', errMsg }
        if (res[id] !== 'accept') return 'rejected'
      } catch {
        return 'rejected'
      }
      // The citizen said yes; without the server knowing, no message could ever be sent.
      try {
        await record()
        return 'accepted'
      } catch {
        return 'rejected'
      }
    },
  }
}
