import { rpc } from '../api.ts'
import { buildValue } from '../build-env.ts'
import { requestSubscribe } from './request.ts'
import { wechatSubscription } from './wechat.ts'
import type { ProgressSubscription } from './types.ts'

/**
 * Alipay: the same offer as WeChat (issue 15.3), through my.requestSubscribeMessage with the
 * Alipay 差评处理回复 template of this build (TARO_APP_TEMPLATE_REPLY of the alipay build),
 * recorded as platform 'alipay' so that send-reminders sends it through the Alipay gateway.
 */
export const progressSubscription: ProgressSubscription = wechatSubscription(
  buildValue(() => process.env.TARO_APP_TEMPLATE_REPLY) ?? '',
  requestSubscribe,
  async () => {
    await rpc('record_subscriptions', { p_platform: 'alipay', p_kinds: ['reply'] })
  },
)
