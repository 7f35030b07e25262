import Taro from '@tarojs/taro'
import { rpc } from '../api.ts'
import { wechatSubscription } from './wechat.ts'
import type { ProgressSubscription } from './types.ts'

export const progressSubscription: ProgressSubscription = wechatSubscription(
  process.env.TARO_APP_WO_TEMPLATE_ID ?? '',
  async (tmplIds) => {
    const res: unknown = await Taro.requestSubscribeMessage({ tmplIds, entityIds: [] } as unknown as Taro.requestSubscribeMessage.Option)
    return typeof res === 'object' && res !== null ? { ...res } : {}
  },
  async () => {
    await rpc('record_subscriptions', { p_platform: 'weapp', p_kinds: ['reply'] })
  },
)
