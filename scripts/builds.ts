/** The three mini-program targets compile, each into miniapp/dist/<type> with its entry files. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './stack/config.ts';
import { run } from './test-tiers.ts';

export type Target = 'weapp' | 'alipay' | 'h5';

/** Files each platform's tool opens first: a build without them is not a build. */
const ENTRY_FILES: Record<Target, string[]> = {
  weapp: ['app.json', 'app.js', 'pages/index/index.wxml'],
  alipay: ['app.json', 'app.js', 'mini.project.json', 'pages/index/index.axml'],
  h5: ['index.html'],
};

export async function buildTarget(target: Target): Promise<boolean> {
  const { code, output } = await run('npm', ['run', `build:${target}`, '-w', 'miniapp'], {
    capture: true,
    env: { NODE_ENV: 'production' },
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
