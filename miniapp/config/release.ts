/**
 * Release builds of the mini-programs (issue 14.7): `npm run build:weapp:release` /
 * `build:alipay:release` (`taro build --type <weapp|alipay> --mode release`). The mode is the
 * switch, not NODE_ENV: every `taro build` without `--watch` is NODE_ENV=production, the test
 * tier's builds against http://127.0.0.1 included.
 *
 * A release refuses to build unless the values it bakes in are fit for the platforms' consoles:
 * WeChat and Alipay call only https domains registered as 合法域名 (no IP address, no localhost,
 * no plain http), and the appid must be the real one, taken from the environment and written
 * into the output's project file (dist/weapp/project.config.json, dist/alipay/mini.project.json),
 * never the committed development one (`touristappid`). Pure: config/index.ts and the unit tests
 * call it with an environment object.
 */

export const RELEASE_MODE = 'release'

export type MiniTarget = 'weapp' | 'alipay'

/** Where each platform's appid comes from, and what a real one looks like. */
export const APPID = {
  weapp: { env: 'TARO_APP_WEAPP_APPID', pattern: /^wx[0-9a-f]{16}$/, example: 'wx0123456789abcdef' },
  alipay: { env: 'TARO_APP_ALIPAY_APPID', pattern: /^20\d{14}$/, example: '2021000123456789' },
} as const

export interface ReleaseSettings {
  target: MiniTarget
  appid: string
  apiUrl: string
  idpUrl: string
}

export class ReleaseConfigError extends Error {
  constructor(readonly target: MiniTarget, readonly problems: string[]) {
    super(
      `The ${target} release build needs a deployable configuration; nothing was built:\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\n(See README, "Building the mini-program". For a local build against http://127.0.0.1 use `npm run build:' + target + '`.)',
    )
    this.name = 'ReleaseConfigError'
    // The problems are the message; a stack trace into the config loader would only bury them.
    this.stack = `${this.name}: ${this.message}`
  }
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/

/** The problem with `raw` as an https address of a registrable domain, or null when it is one. */
export function httpsDomainProblem(name: string, raw: string | undefined, what: string): string | null {
  const value = raw?.trim() ?? ''
  if (value === '') return `${name} is not set: ${what}`
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return `${name}=${value} is not a URL: ${what}`
  }
  if (url.protocol !== 'https:') return `${name}=${value} is not https: WeChat and Alipay call only https 合法域名`
  const host = url.hostname
  if (host === 'localhost' || host.endsWith('.localhost') || IPV4.test(host) || host.startsWith('[')) {
    return `${name}=${value}: ${host} is not a domain name; the consoles accept only registered (ICP 备案) domains`
  }
  if (!host.includes('.')) return `${name}=${value}: ${host} is not a public domain name`
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    return `${name}=${value}: no credentials, query or fragment in a base URL`
  }
  return null
}

/** Every problem of `env` for a release of `target` (empty: fit to build). */
export function releaseProblems(target: MiniTarget, env: Record<string, string | undefined>): string[] {
  const problems: string[] = []
  const api = httpsDomainProblem('TARO_APP_API_URL', env.TARO_APP_API_URL, 'the gateway of the Supabase project (https://<domain>)')
  if (api) problems.push(api)
  if ((env.TARO_APP_ANON_KEY ?? '').trim() === '') {
    problems.push("TARO_APP_ANON_KEY is not set: the project's anon (publishable) key, sent as apikey before login")
  }
  const idp = httpsDomainProblem('TARO_APP_IDP_URL', env.TARO_APP_IDP_URL, 'the provincial identity platform that 我的 → 实名认证 asks for a ticket')
  if (idp) problems.push(idp)
  // Optional: the printed window codes' address (empty: the mini-program path). When set it is
  // a 普通链接二维码 prefix, which both platforms require to be https.
  if ((env.TARO_APP_QR_BASE_URL ?? '').trim() !== '') {
    const qr = httpsDomainProblem('TARO_APP_QR_BASE_URL', env.TARO_APP_QR_BASE_URL, 'the public H5 address')
    if (qr) problems.push(qr)
  }
  const { env: appidEnv, pattern, example } = APPID[target]
  const appid = (env[appidEnv] ?? '').trim()
  if (appid === '') problems.push(`${appidEnv} is not set: the ${target === 'weapp' ? 'WeChat' : 'Alipay'} appid (like ${example}) from the platform's console`)
  else if (!pattern.test(appid)) problems.push(`${appidEnv}=${appid} is not a${target === 'weapp' ? ' WeChat' : 'n Alipay'} appid (like ${example})`)
  return problems
}

/** The release's settings, or a ReleaseConfigError listing every problem at once. */
export function releaseSettings(target: MiniTarget, env: Record<string, string | undefined>): ReleaseSettings {
  const problems = releaseProblems(target, env)
  if (problems.length > 0) throw new ReleaseConfigError(target, problems)
  return {
    target,
    appid: env[APPID[target].env]!.trim(),
    apiUrl: env.TARO_APP_API_URL!.trim().replace(/\/+$/, ''),
    idpUrl: env.TARO_APP_IDP_URL!.trim().replace(/\/+$/, ''),
  }
}

/**
 * The output's project file: the committed one (the repository's project.config.json for WeChat,
 * miniapp/project.alipay.json for Alipay) with the release's appid, rooted in the output
 * directory, and for WeChat with DevTools' 合法域名 check on (the development file turns it off to
 * reach http://127.0.0.1).
 */
export function releaseProjectFile(target: MiniTarget, committed: Record<string, unknown>, appid: string): { name: string; json: Record<string, unknown> } {
  if (target === 'weapp') {
    const setting = typeof committed.setting === 'object' && committed.setting !== null ? committed.setting : {}
    return {
      name: 'project.config.json',
      json: { ...committed, appid, miniprogramRoot: './', setting: { ...setting, urlCheck: true } },
    }
  }
  return { name: 'mini.project.json', json: { ...committed, appid, miniprogramRoot: './' } }
}
