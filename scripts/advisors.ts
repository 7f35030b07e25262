/**
 * `supabase db advisors` (the CLI pinned in package.json) over the test database, all lint
 * types at level info. Every finding fails the check, with one exception: `unused_index`,
 * which by definition reports each non-unique index of a database that has served no traffic
 * (every foreign-key index that `unindexed_foreign_keys` asks for); those are listed, not failed.
 */
import path from 'node:path';
import { repoRoot } from './stack/config.ts';
import { run } from './test-tiers.ts';

interface Finding { name: string; level: string; detail: string }

const NOT_MEANINGFUL_ON_A_FRESH_DATABASE = new Set(['unused_index']);

export async function advisorsClean(dbUrl: string): Promise<boolean> {
  const cli = path.join(repoRoot, 'node_modules', '.bin', 'supabase');
  const { code, output } = await run(
    cli,
    ['db', 'advisors', '--db-url', `${dbUrl}?sslmode=disable`, '--type', 'all', '--level', 'info', '-o', 'json'],
    { capture: true },
  );
  const start = output.indexOf('[');
  if (code !== 0 || start === -1) {
    console.error(`supabase db advisors failed (exit ${code}):\n${output}`);
    return false;
  }
  const findings = JSON.parse(output.slice(start)) as Finding[];
  const counted = findings.filter((f) => !NOT_MEANINGFUL_ON_A_FRESH_DATABASE.has(f.name));
  const listed = findings.length - counted.length;
  if (listed > 0) console.log(`  (${listed} unused_index notices on the fresh test database, not counted)`);
  for (const f of counted) console.error(`  ${f.level} ${f.name}: ${f.detail}`);
  return counted.length === 0;
}
