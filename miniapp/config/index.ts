import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import devConfig from './dev'
import prodConfig from './prod'

/** `shared/` (zod schemas, error codes) sits outside sourceRoot: Taro's babel rule must include it. */
const SHARED_DIR = path.resolve(__dirname, '../../shared')
/** Mini-program runtime shims that supabase-js needs (see src/lib/shims/). */
const SHIMS_DIR = path.resolve(__dirname, '../src/lib/shims')

/**
 * Build-time fallbacks of the runtime config (src/lib/config.ts). Taro inlines `TARO_APP_*` only
 * from `.env*` files; reading the shell here lets `TARO_APP_API_URL=… taro build` work too
 * (a value in a `.env` file still wins, per Taro's own merge order).
 */
const buildEnv = {
  TARO_APP_API_URL: JSON.stringify(process.env.TARO_APP_API_URL ?? ''),
  TARO_APP_ANON_KEY: JSON.stringify(process.env.TARO_APP_ANON_KEY ?? ''),
  // 我的: the identity platform's address (real-name binding) and the R17 subscribe templates
  // (REPLY is also the 差评-progress offer after a 差评; empty: the offer is not shown).
  TARO_APP_IDP_URL: JSON.stringify(process.env.TARO_APP_IDP_URL ?? ''),
  TARO_APP_TEMPLATE_INVITE: JSON.stringify(process.env.TARO_APP_TEMPLATE_INVITE ?? ''),
  TARO_APP_TEMPLATE_REMINDER: JSON.stringify(process.env.TARO_APP_TEMPLATE_REMINDER ?? ''),
  TARO_APP_TEMPLATE_REPLY: JSON.stringify(process.env.TARO_APP_TEMPLATE_REPLY ?? ''),
  // 管理 → 窗口评价二维码: the public H5 address the printed codes carry (empty: the desk's own).
  TARO_APP_QR_BASE_URL: JSON.stringify(process.env.TARO_APP_QR_BASE_URL ?? ''),
}

export default defineConfig<'webpack5'>(async (merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'haochaping-miniapp',
    date: '2025-1-1',
    designWidth: 750,
    deviceRatio: {
      640: 2.34 / 2,
      750: 1,
      375: 2,
      828: 1.81 / 2,
    },
    sourceRoot: 'src',
    outputRoot: `dist/${process.env.TARO_ENV}`,
    plugins: [],
    env: buildEnv,
    defineConstants: {},
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    logger: { quiet: false, stats: false },
    mini: {
      compile: { include: [SHARED_DIR] },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false },
      },
      webpackChain(chain) {
        // supabase-js calls `new Headers()` and needs a spec URL; mini-programs have neither
        // (Taro's own URL rejects ws://). Provide them to every module, Taro's runtime included.
        chain.plugin('providerPlugin').tap((args: Array<Record<string, string[]>>) => {
          const provided = args[0] ?? {}
          provided.Headers = [path.join(SHIMS_DIR, 'headers.ts'), 'HeadersShim']
          provided.URL = [path.join(SHIMS_DIR, 'url.ts'), 'URL']
          provided.URLSearchParams = [path.join(SHIMS_DIR, 'url.ts'), 'URLSearchParams']
          return [provided]
        })
      },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      compile: { include: [SHARED_DIR] },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false },
      },
    },
  }

  if (process.env.NODE_ENV === 'development') {
    return merge({}, baseConfig, devConfig)
  }
  return merge({}, baseConfig, prodConfig)
})
