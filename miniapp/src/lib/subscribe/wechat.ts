/**
 * WeChat's one-time subscribe message for 差评 progress (整改、回复、回访). The template id
 * comes from the build (TARO_APP_WO_TEMPLATE_ID, set in the WeChat console); without one the
 * offer is not shown. Pure apart from the injected `requestSubscribeMessage`.
 */
import type { ProgressSubscription, SubscribeOutcome } from './types.ts'

type RequestSubscribe = (tmplIds: string[]) => Promise<Record<string, unknown>>

export function wechatSubscription(templateId: string, requestSubscribe: RequestSubscribe): ProgressSubscription {
  const id = templateId.trim()
  return {
    available: id !== '',
    async request(): Promise<SubscribeOutcome> {
      if (id === '') return 'unavailable'
      try {
        const res = await requestSubscribe([id])
        // { [templateId]: 'accept' | 'reject' | 'ban' | 'filter', errMsg }
        return res[id] === 'accept' ? 'accepted' : 'rejected'
      } catch {
        return 'rejected'
      }
    },
  }
}
