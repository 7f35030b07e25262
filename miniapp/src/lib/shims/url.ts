/**
 * A spec-compliant `URL` / `URLSearchParams` for mini-programs. Taro's runtime `URL` handles
 * only http(s) and drops what supabase-js needs (a base argument, `ws://` for Realtime,
 * `searchParams` that postgrest-js appends filters to). Provided through webpack's
 * ProvidePlugin in config/index.ts (`mini` only).
 */
import CoreURL from 'core-js-pure/stable/url/index.js'
import CoreURLSearchParams from 'core-js-pure/stable/url-search-params/index.js'

export const URL: typeof globalThis.URL = CoreURL
export const URLSearchParams: typeof globalThis.URLSearchParams = CoreURLSearchParams
