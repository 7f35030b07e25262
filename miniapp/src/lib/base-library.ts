/**
 * The oldest base libraries the app supports (issue 15.2): WeChat 2.32.3 (the privacy API
 * onNeedPrivacyAuthorization and agreePrivacyAuthorization buttons, getAppBaseInfo), Alipay
 * 2.8.8. Set the same values as 基础库最低版本 in each console (微信公众平台 → 设置 → 基本设置;
 * 支付宝开放平台 → 小程序 → 设置): the platform then asks older clients to update before the
 * app opens. The check below is the fallback for a client the console setting let through.
 */
export const MIN_BASE_LIBRARY = { weapp: '2.32.3', alipay: '2.8.8' } as const

/** Pure: -1, 0 or 1 as dotted version a is below, equal to or above b (missing parts are 0). */
export function compareVersion(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0)
  const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return 0
}

/** Pure: whether `sdkVersion` of `platform` is too old (unknown versions are let through). */
export function baseLibraryTooOld(platform: 'weapp' | 'alipay', sdkVersion: unknown): boolean {
  if (typeof sdkVersion !== 'string' || !/^\d+(\.\d+)*$/.test(sdkVersion)) return false
  return compareVersion(sdkVersion, MIN_BASE_LIBRARY[platform]) < 0
}
