/**
 * The one platform seam of the API layer. H5 has the browser's `fetch` and `WebSocket`;
 * WeChat and Alipay get the shims in ./shims (Headers and URL come through webpack's
 * ProvidePlugin, see config/index.ts).
 */
import { REQUEST_TIMEOUT_MS, miniFetch } from './shims/fetch.ts'
import { MiniWebSocket } from './shims/websocket.ts'

/** The browser's fetch, given up after REQUEST_TIMEOUT_MS like the mini-programs' requests. */
function fetchWithTimeout(input: Parameters<typeof fetch>[0], init: RequestInit = {}): Promise<Response> {
  const controller = new AbortController()
  const outer = init.signal
  if (outer?.aborted) controller.abort()
  else outer?.addEventListener('abort', () => controller.abort(), { once: true })
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS)
  return fetch(input, { ...init, signal: controller.signal }).finally(() => clearTimeout(timer))
}

/** The `fetch` the app and supabase-js use; every request has a 15 s timeout (issue 15.2). */
export const appFetch: typeof fetch =
  process.env.TARO_ENV === 'h5'
    ? (input, init) => fetchWithTimeout(input, init)
    : // The shim implements the subset of Request/Response that supabase-js reads.
      (miniFetch as unknown as typeof fetch)

/** `realtime.transport` for supabase-js, or undefined for the platform's own WebSocket. */
export const realtimeTransport: typeof WebSocket | undefined =
  process.env.TARO_ENV === 'h5' ? undefined : (MiniWebSocket as unknown as typeof WebSocket)
