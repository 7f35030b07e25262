/** Default of the per-platform files (tsc, jest): no subscription outside WeChat. */
export { progressSubscription } from './progress.h5.ts'
