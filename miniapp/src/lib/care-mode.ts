/** 关怀模式 (适老化): what the system's text size means for the app. Pure (no Taro). */

/**
 * 关怀模式 follows the phone (issue 15.6): a system font scale of 1.15 or more starts the app in
 * large text until the person sets the switch themselves. WeChat: `getAppBaseInfo().fontSizeScaleFactor`
 * (1 = standard); Alipay: `getSystemInfoSync().fontSizeSetting` (the chosen size in px, 16 standard).
 * Pure: tested without a phone.
 */
export function largeTextFromSystem(info: { fontSizeScaleFactor?: unknown; fontSizeSetting?: unknown } | null | undefined): boolean {
  if (!info) return false
  const factor = Number(info.fontSizeScaleFactor)
  if (Number.isFinite(factor) && factor > 0) return factor >= 1.15
  const setting = Number(info.fontSizeSetting)
  if (Number.isFinite(setting) && setting > 0) return setting / 16 >= 1.15
  return false
}

