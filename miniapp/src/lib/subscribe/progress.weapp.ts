import { rpc } from '../api.ts'
import { buildValue } from '../build-env.ts'
import { requestSubscribe } from './request.ts'
import { wechatSubscription } from './wechat.ts'
import type { ProgressSubscription } from './types.ts'

export const progressSubscription: ProgressSubscription = wechatSubscription(
  // The 差评处理回复 template: the same one 我的 → 消息订阅 asks for (kind reply).
  buildValue(() => process.env.TARO_APP_TEMPLATE_REPLY) ?? '',
  requestSubscribe,
  async () => {
    await rpc('record_subscriptions', { p_platform: 'weapp', p_kinds: ['reply'] })
  },
)
