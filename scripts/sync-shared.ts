/**
 * `npm run sync:shared`: writes the generated copy of `shared/` that the edge functions import
 * (supabase/functions/_shared/contract/) and each function's `deno.json` import map; see
 * scripts/shared-contract.ts for why. `npm run sync:shared -- --check` only reports differences.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { differences, plannedFiles, staleFiles } from './shared-contract.ts';
import { repoRoot } from './stack/config.ts';

const plan = plannedFiles(repoRoot);
if (plan.escapes.length > 0) {
  console.error('These imports leave supabase/functions and would not resolve once deployed:');
  for (const e of plan.escapes) console.error(`  ${e}`);
  console.error('Import shared/X.ts from function code as _shared/contract/X.ts (relative), then run `npm run sync:shared`.');
  process.exit(1);
}
if (process.argv.includes('--check')) {
  const diff = differences(repoRoot, plan);
  for (const d of diff) console.log(d);
  console.log(diff.length === 0 ? 'in sync' : 'out of sync: run `npm run sync:shared`');
  process.exit(diff.length === 0 ? 0 : 1);
}
for (const file of staleFiles(repoRoot, plan)) {
  rmSync(path.join(repoRoot, file));
  console.log(`removed ${file}`);
}
for (const [file, content] of plan.files) {
  mkdirSync(path.dirname(path.join(repoRoot, file)), { recursive: true });
  writeFileSync(path.join(repoRoot, file), content);
}
console.log(`wrote ${plan.files.size} files (${[...plan.files.keys()].filter((f) => f.includes('/_shared/contract/')).length} in supabase/functions/_shared/contract)`);
