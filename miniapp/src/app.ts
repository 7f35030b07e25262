import type { PropsWithChildren } from 'react'
import Taro, { useDidShow, useLaunch } from '@tarojs/taro'
import { z } from 'zod'
import { startSilentLogin } from './lib/auth/silent.ts'
import { baseLibraryTooOld } from './lib/base-library.ts'
import { onNetworkBack } from './lib/network.ts'
import { flushOutbox } from './lib/outbox.ts'
import { watchPlatformPrivacy } from './lib/privacy-consent.ts'
import './app.scss'

// zod compiles object parsers with `new Function` where it can; mini-programs forbid eval, so
// parse without it there (the browser keeps the faster path).
if (process.env.TARO_ENV !== 'h5') {
  z.config({ jitless: true })
}

function flush(): void {
  flushOutbox().catch((err: unknown) => console.warn('[hcp] outbox', err))
}

/** The client's base library, where the platform tells it. */
function sdkVersion(): unknown {
  try {
    return process.env.TARO_ENV === 'weapp' ? Taro.getAppBaseInfo().SDKVersion : Taro.getSystemInfoSync().SDKVersion
  } catch {
    return undefined
  }
}

/**
 * The app shell: pages render as `children`. Ratings waiting in the outbox (typed without
 * network) are sent when the app comes to the front and when the network returns. On WeChat
 * and Alipay, launch also hooks the platform's privacy check to our pop-up and, once the guide is
 * agreed to, logs the user in silently (issue 15.1, 15.5).
 */
function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    onNetworkBack(flush)
    if (process.env.TARO_ENV === 'weapp' || process.env.TARO_ENV === 'alipay') {
      if (baseLibraryTooOld(process.env.TARO_ENV, sdkVersion())) {
        void Taro.showModal({ title: '请更新', content: '当前微信或支付宝版本过低，部分功能无法使用，请更新到最新版本后再打开。', showCancel: false })
      }
      watchPlatformPrivacy()
      void startSilentLogin().then((s) => {
        if (s) flush()
      })
    }
  })
  useDidShow(flush)
  return children
}

export default App
