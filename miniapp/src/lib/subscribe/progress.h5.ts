import type { ProgressSubscription } from './types.ts'

/** H5 has no subscribe messages: the page does not offer them. */
export const progressSubscription: ProgressSubscription = {
  available: false,
  request: () => Promise.resolve('unavailable'),
}
