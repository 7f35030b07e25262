import { wechatLogin } from './adapters.ts'
import type { PlatformLogin, WxLoginApi } from './types.ts'

declare const wx: WxLoginApi | undefined

export const platformLogin: PlatformLogin = wechatLogin(typeof wx === 'undefined' ? undefined : wx)
