/** The three mini-program targets compile, each into miniapp/dist/<type> with its entry files. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { jwtSecret, repoRoot, startPorts } from './stack/config.ts';
import { apiKey } from './stack/keys.ts';
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
