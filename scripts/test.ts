/**
 * `npm test`: every tier, in order, with counts per tier and one closing line
 * `N passed, N failed[, N skipped]`. Tiers that need the stack run against a throw-away one
 * (fresh data directory, free ports). `npm test -- unit api` runs only the named tiers.
 */
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { advisorsClean } from './advisors.ts';
import { buildTarget, releaseBuildsWithHttps, releaseRefusesHttp } from './builds.ts';
import { checkFunctionsAlone } from './functions-alone.ts';
import { repoRoot } from './stack/config.ts';
import { functionsJwtEnv } from './stack/keys.ts';
import { jwtSecret } from './stack/local-keys.ts';
import { denoBinary } from './stack/functions.ts';
import { freePorts } from './stack/ports.ts';
import { startStack, type RunningStack } from './stack/stack.ts';
import { backupTier } from './backup/tier.ts';
import { rehearsalTier } from './rehearsal/rehearsal.ts';
import { checkTier, denoTier, jestTier, missingTool, run, type TierResult } from './test-tiers.ts';

const TIERS = ['unit', 'typecheck', 'build', 'database', 'advisors', 'api', 'functions', 'miniprogram', 'stack', 'backup', 'faults', 'rehearsal', 'e2e'] as const;
type Tier = (typeof TIERS)[number];
const STACK_TIERS: Tier[] = ['database', 'advisors', 'api', 'functions', 'miniprogram', 'e2e'];

const stackLog = path.join(repoRoot, 'test-output', 'stack.log');

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function stackEnv(stack: RunningStack): NodeJS.ProcessEnv {
  return {
    API_URL: stack.apiUrl,
    DB_URL: stack.dbUrl,
    ANON_KEY: stack.anonKey,
    SERVICE_ROLE_KEY: stack.serviceRoleKey,
    JWT_SECRET: stack.jwtSecret,
    H5_URL: stack.h5Url ?? '',
    CHROMIUM_PATH: chromiumPath,
    // What Supabase injects into functions, for the Deno tests that call handlers directly.
    SUPABASE_URL: stack.apiUrl,
    SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
    ...functionsJwtEnv(stack.jwtSecret),
    ALLOW_DEV_LOGIN: 'true',
    // What the scheduled functions check their caller against (the Vault scheduler_secret).
    HCP_SCHEDULER_SECRET: stack.schedulerSecret,
    // The identity functions' settings: the stand-ins' URLs and the local keys.
    ...stack.identityEnv,
  };
}

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  for (const w of wanted) if (!(TIERS as readonly string[]).includes(w)) throw new Error(`unknown tier ${w}; tiers: ${TIERS.join(', ')}`);
  const selected = TIERS.filter((t) => wanted.length === 0 || wanted.includes(t));
  const results: TierResult[] = [];
  const t0 = Date.now();
  let stack: RunningStack | undefined;

  const banner = (tier: string) => console.log(`\n━━ ${tier} ${'━'.repeat(60 - tier.length)}`);
  try {
    for (const tier of selected) {
      banner(tier);
      const started = Date.now();
      if (STACK_TIERS.includes(tier) && !stack) {
        mkdirSync(path.dirname(stackLog), { recursive: true });
        writeFileSync(stackLog, '');
        const h5Built = existsSync(path.join(repoRoot, 'miniapp', 'dist', 'h5', 'index.html'));
        const scratchDir = mkdtempSync(path.join(os.tmpdir(), 'hcp-test-db-'));
        chmodSync(scratchDir, 0o755); // the postgres user must reach the data directory inside
        stack = await startStack({
          dataDir: path.join(scratchDir, 'data'),
          persistent: false,
          ports: await freePorts(),
          jwtSecret: jwtSecret(),
          serveH5: h5Built,
          // Expected refusals fill the server log with ERROR lines: keep it in a file, show only crashes.
          log: (line) => {
            appendFileSync(stackLog, line + '\n');
            if (/\b(FATAL|PANIC)\b/.test(line)) console.log(line);
          },
        });
        console.log(`test stack up at ${stack.apiUrl} (db ${stack.dbUrl}; log ${path.relative(repoRoot, stackLog)})`);
      }
      const env = stack ? stackEnv(stack) : {};
      let result: TierResult;
      switch (tier) {
        case 'unit':
          result = await jestTier('unit');
          break;
        case 'typecheck':
          result = await checkTier('typecheck', [
            { name: 'tsc --noEmit (strict, noUncheckedIndexedAccess)', run: async () => (await run(path.join(repoRoot, 'node_modules/.bin/tsc'), ['--noEmit', '-p', 'tsconfig.json'])).code === 0 },
            // Without Deno this check fails with the reason: it never drops out of the count.
            { name: 'deno check (functions and their tests)', run: async () => {
              if (!existsSync(denoBinary)) throw new Error(`no Deno at ${denoBinary} (npm install runs its postinstall)`);
              return (await run(denoBinary, ['check', `--config=${path.join(repoRoot, 'supabase/functions/deno.json')}`, 'supabase/functions/', 'supabase/tests/functions/'], { env: { DENO_DIR: path.join(repoRoot, '.local', 'deno') } })).code === 0;
            } },
            // Issue 14: what a deploy sees. A copy of supabase/ alone, each function checked with the
            // import map the CLI reads for it; fails with the reason (no Deno, an import that leaves
            // supabase/functions, a package the registry cannot serve).
            { name: 'deno check each function from a copy of supabase/ alone (deploy shape)', run: checkFunctionsAlone },
          ]);
          break;
        case 'build':
          result = await checkTier('build', [
            ...(['weapp', 'alipay', 'h5'] as const).map((target) => ({
              name: `taro build --type ${target}`,
              run: () => buildTarget(target),
            })),
            // Release builds (issue 14.7), into temporary directories: both refuse the local http
            // gateway before building; one real weapp release with https and an appid.
            ...(['weapp', 'alipay'] as const).map((target) => ({
              name: `build:${target}:release refuses an http API URL`,
              run: () => releaseRefusesHttp(target),
            })),
            // Both platforms' releases build, and carry no demo accounts, auth-dev call or unfinished copy (issue 15.2).
            ...(['weapp', 'alipay'] as const).map((target) => ({
              name: `build:${target}:release with https and an appid: no auth-dev, no demo personas, no unfinished copy`,
              run: () => releaseBuildsWithHttps(target),
            })),
          ]);
          break;
        case 'database':
          result = await jestTier('database', env);
          break;
        case 'advisors':
          result = await checkTier('advisors', [{ name: 'supabase db advisors --type all --level info', run: () => advisorsClean(stack!.dbUrl) }]);
          break;
        case 'api':
          result = await jestTier('api', env);
          break;
        case 'functions':
          result = existsSync(denoBinary)
            ? await denoTier('functions', 'supabase/tests/functions/', env)
            : missingTool('functions', `no Deno at ${denoBinary} (npm install runs its postinstall)`);
          break;
        case 'miniprogram':
          result = ['weapp', 'alipay'].every((t) => existsSync(path.join(repoRoot, 'miniapp', 'dist', t, 'app.js')))
            ? await jestTier('miniprogram', env)
            : { tier, passed: 0, failed: 1, skipped: 0, note: 'no weapp/alipay build (the build tier failed or did not run)' };
          break;
        case 'faults':
          // Starts its own stack: it restarts PostgreSQL, PostgREST and Deno under load.
          result = await checkTier('faults', [{
            name: 'restarts of PostgREST, PostgreSQL and Deno under load lose and duplicate nothing',
            run: async () => (await run(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'tests/faults/restarts.ts')])).code === 0,
          }]);
          break;
        case 'backup':
          // Backup proven by a restore (issue 19.2): a PostgreSQL 15 server like the 政务云's, npm run
          // backup, npm run restore into a fresh data directory, the stack on it (scripts/backup/).
          result = await backupTier();
          break;
        case 'rehearsal':
          // The deploy path on clusters laid out like supabase/postgres (PostgreSQL 15 with the real
          // pg_cron, and 17): the CLI's db push as non-superuser postgres (scripts/rehearsal/).
          result = await rehearsalTier();
          break;
        case 'stack':
          result = existsSync(path.join(repoRoot, 'miniapp', 'dist', 'h5', 'index.html'))
            ? await jestTier('stack')
            : { tier, passed: 0, failed: 1, skipped: 0, note: 'no H5 build (the build tier failed or did not run)' };
          break;
        case 'e2e':
          if (!existsSync(chromiumPath)) result = missingTool('e2e', `no Chromium at ${chromiumPath} (apt-get install -y chromium)`);
          else if (!stack?.h5Url) result = { tier, passed: 0, failed: 1, skipped: 0, note: 'no H5 build to serve (run the build tier first)' };
          else result = await jestTier('e2e', env);
          break;
      }
      results.push(result);
      console.log(`── ${tier}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped` +
        ` (${((Date.now() - started) / 1000).toFixed(1)} s)${result.note ? ` — ${result.note}` : ''}`);
    }
  } finally {
    await stack?.stop();
  }

  const sum = (k: 'passed' | 'failed' | 'skipped') => results.reduce((n, r) => n + r[k], 0);
  console.log(`\n━━ summary (${((Date.now() - t0) / 1000).toFixed(0)} s) ${'━'.repeat(44)}`);
  for (const r of results) {
    console.log(`${r.tier.padEnd(10)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed ${String(r.skipped).padStart(3)} skipped${r.note ? `  ${r.note}` : ''}`);
  }
  const skipped = sum('skipped');
  console.log(`${sum('passed')} passed, ${sum('failed')} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  return sum('failed') > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.stack ?? err.message);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
