import type { PropsWithChildren } from 'react'
import { z } from 'zod'
import './app.scss'

// zod compiles object parsers with `new Function` where it can; mini-programs forbid eval, so
// parse without it there (the browser keeps the faster path).
if (process.env.TARO_ENV !== 'h5') {
  z.config({ jitless: true })
}

/** The app shell: pages render as `children`. Nothing here touches the network. */
function App({ children }: PropsWithChildren) {
  return children
}

export default App
