/**
 * Default of the per-platform login files (what tsc and jest see). Builds use
 * platform-login.weapp.ts / .alipay.ts / .h5.ts instead; keep their exports identical.
 */
export { platformLogin } from './platform-login.h5.ts'
