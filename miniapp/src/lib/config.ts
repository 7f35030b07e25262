/**
 * Where the app finds its gateway. On H5 the local static server injects
 * `window.__HCP_CONFIG__ = { apiUrl, anonKey }` before the bundle; anything it leaves out (and
 * everything on WeChat/Alipay) falls back to the build-time `TARO_APP_API_URL` /
 * `TARO_APP_ANON_KEY`, then to the local default.
 */
import { z } from 'zod'

export const DEFAULT_API_URL = 'http://127.0.0.1:54321'

const ApiUrl = z
  .string()
  .trim()
  .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'apiUrl must be an http(s) URL without query')
  .transform((url) => url.replace(/\/+$/, ''))

export const RuntimeConfig = z.object({
  apiUrl: ApiUrl,
  /** The gateway's anon (publishable) key; sent as `apikey` and as the bearer before login. */
  anonKey: z.string().trim(),
})
export type RuntimeConfig = z.infer<typeof RuntimeConfig>

/** What the H5 server may inject: any subset; empty strings count as absent. */
const InjectedConfig = z
  .object({ apiUrl: z.string().optional(), anonKey: z.string().optional() })
  .optional()

export class ConfigError extends Error {
  readonly code = 'config_error'
  constructor(readonly detail: string) {
    super('应用配置有误，请联系管理员')
    this.name = 'ConfigError'
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value
}

/** Pure: merges injected over build-time values over defaults and validates the result. */
export function resolveConfig(
  injected: unknown,
  build: { apiUrl?: string; anonKey?: string },
): RuntimeConfig {
  const inj = InjectedConfig.safeParse(injected)
  if (!inj.success) throw new ConfigError(`window.__HCP_CONFIG__: ${inj.error.message}`)
  const merged = {
    apiUrl: nonEmpty(inj.data?.apiUrl) ?? nonEmpty(build.apiUrl) ?? DEFAULT_API_URL,
    anonKey: nonEmpty(inj.data?.anonKey) ?? nonEmpty(build.anonKey) ?? '',
  }
  const parsed = RuntimeConfig.safeParse(merged)
  if (!parsed.success) throw new ConfigError(parsed.error.message)
  return parsed.data
}

function injectedConfig(): unknown {
  if (process.env.TARO_ENV === 'h5' && typeof window !== 'undefined') {
    return window.__HCP_CONFIG__
  }
  return undefined
}

let cached: RuntimeConfig | null = null

/** Read once, on first use (never at module load, so a bad config cannot crash app start). */
export function getConfig(): RuntimeConfig {
  cached ??= resolveConfig(injectedConfig(), {
    apiUrl: process.env.TARO_APP_API_URL,
    anonKey: process.env.TARO_APP_ANON_KEY,
  })
  return cached
}
