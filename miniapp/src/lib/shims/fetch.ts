/**
 * `fetch` over `Taro.request`, for mini-programs (which have no fetch). Covers what supabase-js,
 * postgrest-js and src/lib/api.ts use: method, headers, a string body, `ok/status/statusText`,
 * `headers.get`, `text()` and `json()`. The body always travels as text (`dataType: 'text'`,
 * `responseType: 'text'`) so the caller, not the platform, decides how to parse it.
 */
import Taro from '@tarojs/taro'
import { HeadersShim } from './headers.ts'

type FetchInput = string | { href: string } | { url: string }
type FetchInit = {
  method?: string
  headers?: unknown
  body?: unknown
  signal?: { aborted: boolean; addEventListener?: (type: 'abort', cb: () => void) => void } | null
}

/** The part of `Response` the app and supabase-js read. */
export class MiniResponse {
  readonly ok: boolean
  readonly statusText: string
  readonly headers: HeadersShim
  readonly redirected = false
  readonly type = 'basic'
  bodyUsed = false

  constructor(
    private readonly body: string,
    readonly status: number,
    headers: Record<string, string>,
    readonly url: string,
  ) {
    this.ok = status >= 200 && status < 300
    this.statusText = String(status)
    this.headers = new HeadersShim(headers)
  }

  async text(): Promise<string> {
    this.bodyUsed = true
    return this.body
  }

  async json(): Promise<unknown> {
    this.bodyUsed = true
    return JSON.parse(this.body)
  }

  clone(): MiniResponse {
    return new MiniResponse(this.body, this.status, this.headers.toRecord(), this.url)
  }
}

function urlOf(input: FetchInput): string {
  if (typeof input === 'string') return input
  if ('href' in input) return input.href
  return input.url
}

function headersOf(raw: unknown): Record<string, string> {
  if (raw instanceof HeadersShim) return raw.toRecord()
  return new HeadersShim(raw as ConstructorParameters<typeof HeadersShim>[0]).toRecord()
}

function bodyOf(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string') return body
  // URLSearchParams and friends stringify to their wire form.
  return String(body)
}

type RequestMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'TRACE' | 'CONNECT'

/**
 * Every request gives up after 15 s (issue 15.2): on a weak signal the platforms' defaults
 * (WeChat 60 s, Alipay 30 s) leave a citizen staring at a spinner; the outbox keeps a rating
 * that timed out and sends it again later under the same key.
 */
export const REQUEST_TIMEOUT_MS = 15_000

/**
 * An HTTP answer that the platform reported through `fail`. Alipay's `my.request` calls `fail`
 * for every 4xx/5xx (error 19 "HTTP错误", and 14 when a JSON body does not decode, …) with the
 * answer's `status`, `data` and `headers`; WeChat never does (it calls success with statusCode).
 * Such an answer is a Response, like fetch's: a refusal must reach the caller as a refusal (its
 * status and our `{ code, message }` body), not as a network failure that is retried forever.
 * Pure: exported for the unit test.
 */
export function httpAnswerOfFailure(err: unknown): { status: number; body: string; headers: Record<string, string> } | null {
  if (typeof err !== 'object' || err === null) return null
  const e = err as { status?: unknown; statusCode?: unknown; data?: unknown; headers?: unknown; header?: unknown }
  const raw = e.status ?? e.statusCode
  const status = typeof raw === 'string' && /^\d{3}$/.test(raw) ? Number(raw) : raw
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return null
  const body = typeof e.data === 'string' ? e.data : e.data === undefined || e.data === null ? '' : JSON.stringify(e.data)
  const rawHeaders = (typeof e.headers === 'object' && e.headers !== null ? e.headers : typeof e.header === 'object' && e.header !== null ? e.header : {}) as Record<string, unknown>
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(rawHeaders)) if (v !== undefined && v !== null) headers[k] = String(v)
  return { status, body, headers }
}

export function miniFetch(input: FetchInput, init: FetchInit = {}): Promise<MiniResponse> {
  const url = urlOf(input)
  const method = (init.method ?? 'GET').toUpperCase()
  return new Promise((resolve, reject) => {
    if (init.signal?.aborted) {
      reject(new DOMExceptionLike('The operation was aborted.', 'AbortError'))
      return
    }
    const task = Taro.request<unknown>({
      url,
      method: method as RequestMethod,
      header: headersOf(init.headers),
      data: bodyOf(init.body),
      dataType: 'text',
      responseType: 'text',
      timeout: REQUEST_TIMEOUT_MS,
    })
    task.then(
      (res) => {
        const text = typeof res.data === 'string' ? res.data : JSON.stringify(res.data ?? '')
        const header = (res.header ?? {}) as Record<string, string>
        resolve(new MiniResponse(text, res.statusCode, header, url))
      },
      (err: unknown) => {
        const answer = httpAnswerOfFailure(err)
        if (answer) {
          resolve(new MiniResponse(answer.body, answer.status, answer.headers, url))
          return
        }
        // Like fetch: a network failure is a TypeError; an HTTP error status is a response.
        const detail = typeof err === 'object' && err !== null && 'errMsg' in err ? String(err.errMsg) : String(err)
        reject(new TypeError(`Network request failed: ${detail}`))
      },
    )
    init.signal?.addEventListener?.('abort', () => {
      task.abort()
      reject(new DOMExceptionLike('The operation was aborted.', 'AbortError'))
    })
  })
}

class DOMExceptionLike extends Error {
  constructor(message: string, override readonly name: string) {
    super(message)
  }
}
