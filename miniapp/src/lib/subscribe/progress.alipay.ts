import type { ProgressSubscription } from './types.ts'

/** Alipay messages are sent by the platform (消息推送) without a per-rating prompt: nothing to offer here. */
export const progressSubscription: ProgressSubscription = {
  available: false,
  request: () => Promise.resolve('unavailable'),
}
