/**
 * How a Deno test run is counted (scripts/junit-counts.ts): from each <testcase> of the real Deno's JUnit report, so an
 * ignored test is skipped (Deno's <testsuites> totals count it among the passed) and a failing
 * one failed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { junitCounts } from './junit-counts.ts';

// The project's Deno (npm `deno`); scripts/stack/functions.ts names the same binary for the stack.
const denoBinary = path.resolve(__dirname, '..', 'node_modules', '.bin', 'deno');

test('the real Deno report of one passing, one ignored and one failing test counts 1 / 1 / 1', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hcp-junit-'));
  writeFileSync(path.join(dir, 'three.test.ts'), [
    `Deno.test('passes', () => {});`,
    `Deno.test({ name: 'ignored', ignore: true, fn: () => {} });`,
    `Deno.test('fails', () => { throw new Error('boom'); });`,
  ].join('\n'));
  const report = path.join(dir, 'report.xml');
  try {
    execFileSync(denoBinary, ['test', '--no-config', `--junit-path=${report}`, dir], {
      stdio: 'pipe', env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    });
  } catch {
    // deno test exits non-zero for the failing test; the report is what is counted.
  }
  const xml = readFileSync(report, 'utf8');
  expect(junitCounts(xml)).toEqual({ passed: 1, failed: 1, skipped: 1 });
});
