import { alipayLogin } from './adapters.ts'
import type { MyAuthApi, PlatformLogin } from './types.ts'

declare const my: MyAuthApi | undefined

export const platformLogin: PlatformLogin = alipayLogin(typeof my === 'undefined' ? undefined : my)
