/**
 * The edge functions' copy of shared/ (supabase/functions/_shared/contract/) and their per-function
 * deno.json import maps are exactly what `npm run sync:shared` writes, so the rules keep one source
 * (shared/) and a deploy, which sees supabase/functions alone, carries the same rules.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONTRACT_DIR, differences, FUNCTIONS_DIR, functionImports, functionNames, importsOf, plannedFiles } from './shared-contract.ts';

const root = path.resolve(__dirname, '..');

test('the functions\' copy of shared/ and their deno.json import maps are current (else: npm run sync:shared)', () => {
  const diff = differences(root);
  if (diff.length > 0) throw new Error(`out of sync with shared/ — run \`npm run sync:shared\`:\n${diff.join('\n')}`);
});

test('every function has its own deno.json import map, without nodeModulesDir (a deploy has no node_modules)', () => {
  const names = functionNames(root);
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) {
    const config = JSON.parse(readFileSync(path.join(root, FUNCTIONS_DIR, name, 'deno.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(config)).toEqual(['imports']);
  }
});

test('a deploy imports exactly the npm versions the tests ran with (package-lock.json), not a range resolved on the day', () => {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const imports = functionImports(root);
  expect(Object.keys(imports).length).toBeGreaterThan(0);
  for (const [alias, target] of Object.entries(imports)) {
    const m = /^npm:(@?[^@]+)@([^/]+)\/?$/.exec(target);
    expect({ alias, target, spec: m ? 'npm:<name>@<version>' : 'other' }).toEqual({ alias, target, spec: 'npm:<name>@<version>' });
    expect({ alias, version: m![2] }).toEqual({ alias, version: lock.packages[`node_modules/${m![1]}`]?.version });
  }
});

test('the copy holds the transitive closure: errors.ts brings every error-code table and JSON would be copied as is', () => {
  const plan = plannedFiles(root);
  expect(plan.escapes).toEqual([]);
  const copied = [...plan.files.keys()];
  expect(copied).toContain(`${CONTRACT_DIR}/errors.ts`);
  for (const spec of importsOf(readFileSync(path.join(root, 'shared/errors.ts'), 'utf8'))) {
    if (spec.startsWith('./')) expect(copied).toContain(`${CONTRACT_DIR}/${spec.slice(2)}`);
  }
  // Only what functions reach: shared/ files no function imports stay out (e.g. the miniapp's desk rules).
  expect(copied).not.toContain(`${CONTRACT_DIR}/desk.ts`);
});

test('the check catches drift, a stale file and an import that leaves supabase/functions', () => {
  // A scratch copy of just what the plan reads, so the real tree is never touched.
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'hcp-sync-shared-'));
  cpSync(path.join(root, 'shared'), path.join(scratch, 'shared'), { recursive: true });
  cpSync(path.join(root, FUNCTIONS_DIR), path.join(scratch, FUNCTIONS_DIR), { recursive: true });
  // Bring the scratch copy in sync first (as `npm run sync:shared` would), so only the edits below show.
  for (const [file, content] of plannedFiles(scratch).files) writeFileSync(path.join(scratch, file), content);
  expect(differences(scratch)).toEqual([]);

  const errors = path.join(scratch, 'shared/errors.ts');
  writeFileSync(errors, readFileSync(errors, 'utf8') + '\n// edited\n');
  writeFileSync(path.join(scratch, CONTRACT_DIR, 'leftover.ts'), 'export {};\n');
  const handler = path.join(scratch, FUNCTIONS_DIR, 'auth-dev/handler.ts');
  writeFileSync(handler, `import { ERRORS } from '../../../shared/errors.ts';\n` + readFileSync(handler, 'utf8'));

  const diff = differences(scratch);
  expect(diff).toContain(`differs: ${CONTRACT_DIR}/errors.ts`);
  expect(diff).toContain(`stale: ${CONTRACT_DIR}/leftover.ts`);
  expect(diff).toContain(`escapes supabase/functions: ${FUNCTIONS_DIR}/auth-dev/handler.ts imports ../../../shared/errors.ts`);
});
