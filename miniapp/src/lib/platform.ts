/**
 * The one platform seam of the API layer. H5 has the browser's `fetch` and `WebSocket`;
 * WeChat and Alipay get the shims in ./shims (Headers and URL come through webpack's
 * ProvidePlugin, see config/index.ts).
 */
import { miniFetch } from './shims/fetch.ts'
import { MiniWebSocket } from './shims/websocket.ts'

/** The `fetch` the app and supabase-js use. */
export const appFetch: typeof fetch =
  process.env.TARO_ENV === 'h5'
    ? (input, init) => fetch(input, init)
    : // The shim implements the subset of Request/Response that supabase-js reads.
      (miniFetch as unknown as typeof fetch)

/** `realtime.transport` for supabase-js, or undefined for the platform's own WebSocket. */
export const realtimeTransport: typeof WebSocket | undefined =
  process.env.TARO_ENV === 'h5' ? undefined : (MiniWebSocket as unknown as typeof WebSocket)
