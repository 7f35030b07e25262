import type { PropsWithChildren } from 'react'
import { useDidShow, useLaunch } from '@tarojs/taro'
import { z } from 'zod'
import { onNetworkBack } from './lib/network.ts'
import { flushOutbox } from './lib/outbox.ts'
import './app.scss'

// zod compiles object parsers with `new Function` where it can; mini-programs forbid eval, so
// parse without it there (the browser keeps the faster path).
if (process.env.TARO_ENV !== 'h5') {
  z.config({ jitless: true })
}

function flush(): void {
  flushOutbox().catch((err: unknown) => console.warn('[hcp] outbox', err))
}

/**
 * The app shell: pages render as `children`. Ratings waiting in the outbox (typed without
 * network) are sent when the app comes to the front and when the network returns.
 */
function App({ children }: PropsWithChildren) {
  useLaunch(() => onNetworkBack(flush))
  useDidShow(flush)
  return children
}

export default App
