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
    })
    task.then(
      (res) => {
        const text = typeof res.data === 'string' ? res.data : JSON.stringify(res.data ?? '')
        const header = (res.header ?? {}) as Record<string, string>
        resolve(new MiniResponse(text, res.statusCode, header, url))
      },
      (err: unknown) => {
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
