import { readFileSync } from 'node:fs'
import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import webpack from 'webpack'
import { dotenvParse } from '@tarojs/helper'
import devConfig from './dev'
import prodConfig from './prod'
import { RELEASE_MODE, releaseProjectFile, releaseSettings, type ReleaseSettings } from './release'

/** `shared/` (zod schemas, error codes) sits outside sourceRoot: Taro's babel rule must include it. */
const SHARED_DIR = path.resolve(__dirname, '../../shared')
/** Modules a release build replaces with their `.release` stubs (the demo accounts). */
const RELEASE_STUBBED = /[\\/](dev-login\.ts|DemoPersonas\.tsx)$/

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
  // 监督台 → 差评预警: the supervisors' daily 预警 digest template (issue 16.4; empty: no offer).
  TARO_APP_TEMPLATE_WARNING: JSON.stringify(process.env.TARO_APP_TEMPLATE_WARNING ?? ''),
  // 管理 → 窗口评价二维码: the public H5 address the printed codes carry (empty: the desk's own).
  TARO_APP_QR_BASE_URL: JSON.stringify(process.env.TARO_APP_QR_BASE_URL ?? ''),
}

/**
 * `--mode release` (npm run build:weapp:release / build:alipay:release): refuse unless the API
 * URL is https on a domain and the real appid is given (release.ts), and write that appid into
 * the output's project file. Checked against what Taro will bake in: the shell's values, with
 * `.env`, `.env.release` (and `.local`) files over them, Taro's own merge order.
 */
function releaseFor(mode: string | undefined): ReleaseSettings | undefined {
  if (mode !== RELEASE_MODE) return undefined
  const target = process.env.TARO_ENV
  if (target !== 'weapp' && target !== 'alipay') {
    throw new Error(`--mode ${RELEASE_MODE} is for --type weapp and alipay; the H5 build reads its API URL at run time`)
  }
  const appDir = path.resolve(__dirname, '..')
  return releaseSettings(target, { ...process.env, ...dotenvParse(appDir, ['TARO_APP_'], mode) })
}

/** Emits one JSON file into the output, after Taro has written its development copy. */
class EmitJson {
  constructor(private readonly name: string, private readonly json: unknown) {}
  apply(compiler: import('webpack').Compiler): void {
    compiler.hooks.thisCompilation.tap('EmitJson', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'EmitJson', stage: compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        compilation.emitAsset(this.name, new compiler.webpack.sources.RawSource(JSON.stringify(this.json, null, 2) + '\n'))
      })
    })
  }
}

export default defineConfig<'webpack5'>(async (merge, { mode }) => {
  const release = releaseFor(mode)
  const releaseProject = release
    ? releaseProjectFile(
        release.target,
        JSON.parse(readFileSync(path.resolve(__dirname, release.target === 'weapp' ? '../../project.config.json' : '../project.alipay.json'), 'utf8')),
        release.appid,
      )
    : undefined
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
    // HCP_MINIAPP_OUT_DIR: another output directory (the build tier's release build, the stack
    // tier's first start), so that a test never replaces the dist/<type> other tiers run.
    outputRoot: process.env.HCP_MINIAPP_OUT_DIR || `dist/${process.env.TARO_ENV}`,
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
        if (releaseProject) chain.plugin('hcpReleaseProject').use(EmitJson, [releaseProject.name, releaseProject.json])
        // A release never carries the demo accounts (issue 15.2): the modules that call auth-dev
        // and render the persona panel are swapped for stubs with the same exports, so neither
        // the code nor its words reach the upload. The build tier greps the output for them.
        if (release) {
          chain.plugin('hcpNoDemoLogin').use(webpack.NormalModuleReplacementPlugin, [
            RELEASE_STUBBED,
            (resource: { request: string }) => {
              resource.request = resource.request.replace(/(dev-login|DemoPersonas)\.(tsx?)$/, '$1.release.$2')
            },
          ])
        }
      },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      // `/#/kiosk`: the 窗口评价器 tablet page (issue 18) under a short address to type on a tablet.
      router: { mode: 'hash', customRoutes: { '/subpackages/kiosk/pages/index/index': '/kiosk' } },
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
