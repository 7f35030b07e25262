import { noPlatformLogin } from './adapters.ts'
import type { PlatformLogin } from './types.ts'

export const platformLogin: PlatformLogin = noPlatformLogin
