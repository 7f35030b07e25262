/** The three mini-program targets compile, each into miniapp/dist/<type> with its entry files. */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, startPorts } from './stack/config.ts';
import { apiKey, jwtSecret } from './stack/local-keys.ts';
import { run } from './test-tiers.ts';

export type Target = 'weapp' | 'alipay' | 'h5';

/** Files each platform's tool opens first: a build without them is not a build. */
const ENTRY_FILES: Record<Target, string[]> = {
  weapp: ['app.json', 'app.js', 'pages/index/index.wxml'],
  alipay: ['app.json', 'app.js', 'mini.project.json', 'pages/index/index.axml'],
  h5: ['index.html'],
};

/**
 * Builds one target. The mini-programs get the local gateway's URL and anon key baked in (a
 * mini-program has no server to inject them at run time); the H5 build gets them at run time.
 */
export async function buildTarget(target: Target): Promise<boolean> {
  const { code, output } = await run('npm', ['run', `build:${target}`, '-w', 'miniapp'], {
    capture: true,
    env: {
      NODE_ENV: 'production',
      TARO_APP_API_URL: process.env.TARO_APP_API_URL ?? `http://127.0.0.1:${startPorts().gateway}`,
      TARO_APP_ANON_KEY: process.env.TARO_APP_ANON_KEY ?? (await apiKey('anon', jwtSecret())),
      // Subscription templates, so that the runtime tier drives 消息订阅 on both platforms (any
      // id: the stand-ins accept what the functions send; the same names as send-reminders').
      TARO_APP_TEMPLATE_INVITE: process.env.TARO_APP_TEMPLATE_INVITE ?? 'local-tmpl-invite',
      TARO_APP_TEMPLATE_REMINDER: process.env.TARO_APP_TEMPLATE_REMINDER ?? 'local-tmpl-reminder',
      TARO_APP_TEMPLATE_REPLY: process.env.TARO_APP_TEMPLATE_REPLY ?? 'local-tmpl-reply',
      TARO_APP_TEMPLATE_WARNING: process.env.TARO_APP_TEMPLATE_WARNING ?? 'local-tmpl-warning',
    },
  });
  if (code !== 0) {
    console.error(output.slice(-4000));
    return false;
  }
  const dist = path.join(repoRoot, 'miniapp', 'dist', target);
  const missing = ENTRY_FILES[target].filter((f) => !existsSync(path.join(dist, f)));
  if (missing.length > 0) console.error(`  ${target} build has no ${missing.join(', ')}`);
  return missing.length === 0;
}

/**
 * A release configuration as a deployment gives it (issue 14.7); made-up domains and appids of
 * the right shape. Every TARO_APP_* the release check reads is set, so the shell's cannot leak in.
 */
const RELEASE_ENV = {
  NODE_ENV: 'production',
  TARO_APP_API_URL: 'https://hcp-api.example.cn',
  TARO_APP_ANON_KEY: 'release-test-anon-key',
  TARO_APP_IDP_URL: 'https://idp.example.cn',
  TARO_APP_QR_BASE_URL: '',
  TARO_APP_WEAPP_APPID: 'wx0123456789abcdef',
  TARO_APP_ALIPAY_APPID: '2021000123456789',
};

const PROJECT_FILE = { weapp: 'project.config.json', alipay: 'mini.project.json' } as const;

/** A release build into a temporary directory (never miniapp/dist, which other tiers run). */
async function releaseBuild(target: 'weapp' | 'alipay', env: Record<string, string>): Promise<{ code: number; output: string; out: string }> {
  const out = mkdtempSync(path.join(os.tmpdir(), `hcp-release-${target}-`));
  const { code, output } = await run('npm', ['run', `build:${target}:release`, '-w', 'miniapp'], { capture: true, env: { ...RELEASE_ENV, ...env, HCP_MINIAPP_OUT_DIR: out } });
  return { code, output, out };
}

/** With the local http gateway the release build stops at its configuration check: no output. */
export async function releaseRefusesHttp(target: 'weapp' | 'alipay'): Promise<boolean> {
  const { code, output, out } = await releaseBuild(target, { TARO_APP_API_URL: 'http://127.0.0.1:54321' });
  try {
    const refused = code !== 0 && output.includes('TARO_APP_API_URL=http://127.0.0.1:54321 is not https') && output.includes('nothing was built');
    const built = existsSync(path.join(out, 'app.js'));
    if (!refused || built) console.error(`  ${target} release with an http API URL: exit ${code}, output written: ${built}\n${output.slice(-3000)}`);
    return refused && !built;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * What must never reach an upload (issue 15.2), searched in every file of a release output: the
 * demo accounts (the auth-dev function, the persona panel's words), "unfinished" copy, and the
 * local gateway. Answers one problem per finding (file and what).
 */
export const RELEASE_FORBIDDEN: ReadonlyArray<{ what: string; pattern: RegExp }> = [
  { what: 'a call to auth-dev', pattern: /auth-dev/ },
  { what: 'the demo-persona panel', pattern: /演示账号|演示环境|persona-list/ },
  { what: '"unfinished" copy', pattern: /暂未接入|未配置消息模板|本版本未|当前版本暂/ },
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
}

export function releaseLeftovers(out: string): string[] {
  const problems: string[] = [];
  for (const file of filesUnder(out)) {
    if (!/\.(js|json|wxml|axml|wxss|acss|sjs|wxs)$/.test(file)) continue;
    const text = readFileSync(file, 'utf8');
    for (const { what, pattern } of RELEASE_FORBIDDEN) {
      if (pattern.test(text)) problems.push(`${what} in ${path.relative(out, file)}`);
    }
  }
  return problems;
}

/** With https and an appid it builds, the URL baked in and the appid in the output's project file. */
export async function releaseBuildsWithHttps(target: 'weapp' | 'alipay'): Promise<boolean> {
  const { code, output, out } = await releaseBuild(target, {});
  try {
    if (code !== 0) {
      console.error(output.slice(-4000));
      return false;
    }
    const problems: string[] = [];
    const missing = ENTRY_FILES[target].filter((f) => !existsSync(path.join(out, f)));
    if (missing.length > 0) problems.push(`no ${missing.join(', ')}`);
    const project = JSON.parse(readFileSync(path.join(out, PROJECT_FILE[target]), 'utf8')) as { appid?: string; miniprogramRoot?: string };
    const appid = target === 'weapp' ? RELEASE_ENV.TARO_APP_WEAPP_APPID : RELEASE_ENV.TARO_APP_ALIPAY_APPID;
    if (project.appid !== appid || project.miniprogramRoot !== './') problems.push(`${PROJECT_FILE[target]} has appid ${project.appid}, root ${project.miniprogramRoot}`);
    const js = readdirSync(out).filter((f) => f.endsWith('.js')).map((f) => readFileSync(path.join(out, f), 'utf8')).join('\n');
    if (!js.includes(RELEASE_ENV.TARO_APP_API_URL)) problems.push('the API URL is not in the bundle');
    problems.push(...releaseLeftovers(out));
    if (problems.length > 0) console.error(`  ${target} release build: ${problems.join('; ')}`);
    return problems.length === 0;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
