/**
 * How each kind of test is run and counted for `npm test`: jest projects (JSON report), Deno
 * tests (JUnit report), and single checks (exit code). Each returns pass/fail/skip counts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { junitCounts } from './junit-counts.ts';
import { repoRoot } from './stack/config.ts';

export interface TierResult {
  tier: string;
  passed: number;
  failed: number;
  skipped: number;
  /** Why the tier was skipped or what it left out, printed in the summary. */
  note?: string;
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'hcp-test-report-'));
const bin = (name: string) => path.join(repoRoot, 'node_modules', '.bin', name);

/** Runs a command with its output shown; resolves with its exit code (and output when asked). */
export function run(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; capture?: boolean; cwd?: string } = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: opts.cwd ?? repoRoot,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', opts.capture ? 'pipe' : 'inherit', opts.capture ? 'pipe' : 'inherit'],
    });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => { output += c.toString('utf8'); });
    child.stderr?.on('data', (c: Buffer) => { output += c.toString('utf8'); });
    child.on('error', (err) => resolve({ code: 127, output: err.message }));
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

export async function jestTier(tier: string, env: NodeJS.ProcessEnv = {}): Promise<TierResult> {
  const report = path.join(scratch, `${tier}.json`);
  // HCP_TEST_FILTER (a path regex) narrows a jest tier while working on one area; the summary says so.
  const filter = process.env.HCP_TEST_FILTER;
  const args = ['--selectProjects', tier, '--json', `--outputFile=${report}`, '--runInBand'];
  if (filter) args.push('--testPathPatterns', filter, '--passWithNoTests');
  const { code } = await run(bin('jest'), args, { env });
  if (!existsSync(report)) return { tier, passed: 0, failed: 1, skipped: 0, note: `jest exited ${code} without a report` };
  const r = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number;
    numRuntimeErrorTestSuites: number; numTotalTests: number;
  };
  // A suite that cannot even load (syntax error, missing env) has no tests: count it as a failure.
  const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
  // A whole tier without tests is a failure; a filter that matches none of its files is not.
  const empty = r.numTotalTests === 0 && !filter;
  const note = empty ? 'no tests found' : filter ? `only files matching HCP_TEST_FILTER=${filter}` : undefined;
  return { tier, passed: r.numPassedTests, failed: failed + (empty ? 1 : 0), skipped: r.numPendingTests + r.numTodoTests, note };
}

export async function denoTier(tier: string, dir: string, env: NodeJS.ProcessEnv): Promise<TierResult> {
  const report = path.join(scratch, `${tier}.xml`);
  const { code } = await run(
    bin('deno'),
    ['test', `--config=${path.join(repoRoot, 'supabase/functions/deno.json')}`, '--allow-net', '--allow-env', `--allow-read=${repoRoot}`, `--junit-path=${report}`, dir],
    { env: { DENO_NO_UPDATE_CHECK: '1', DENO_DIR: path.join(repoRoot, '.local', 'deno'), ...env } },
  );
  if (!existsSync(report)) return { tier, passed: 0, failed: 1, skipped: 0, note: `deno test exited ${code} without a report` };
  const counts = junitCounts(readFileSync(report, 'utf8'));
  return { tier, ...counts, failed: counts.failed + (code !== 0 && counts.failed === 0 ? 1 : 0) };
}

/** A tier of named checks, each one command whose exit code is its verdict. */
export async function checkTier(
  tier: string,
  checks: Array<{ name: string; run: () => Promise<boolean> }>,
): Promise<TierResult> {
  const result: TierResult = { tier, passed: 0, failed: 0, skipped: 0 };
  for (const check of checks) {
    const started = Date.now();
    const ok = await check.run().catch((err: Error) => { console.error(err.message); return false; });
    console.log(`${ok ? '✓' : '✗'} ${tier}: ${check.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if (ok) result.passed++;
    else result.failed++;
  }
  return result;
}

/** A tier that cannot run here: skipped with the reason, except in CI, where it fails. */
export function missingTool(tier: string, reason: string): TierResult {
  if (process.env.CI === 'true') return { tier, passed: 0, failed: 1, skipped: 0, note: `${reason} (required in CI)` };
  return { tier, passed: 0, failed: 0, skipped: 1, note: `skipped: ${reason}` };
}
