/**
 * supabase/schemas/ is the database the migrations make (issue 17): `npm run db:diff -- --check`
 * builds one throw-away database from supabase/migrations and one from the schema files on this
 * stack's server (same platform bootstrap and stand-ins for both) and compares their catalogues:
 * tables, columns (position, type, default, nullability, identity, generation), constraints,
 * indexes, sequences, types, functions with their bodies and settings, triggers, policies, rules,
 * grants on schemas, tables, columns and functions, default privileges and every comment.
 * A schema file edited without a migration (or a migration without its schema file) fails here,
 * with the differences listed.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { stackEnv } from '../../../tests/support/env.ts';

jest.setTimeout(240_000);

const repoRoot = path.resolve(__dirname, '..', '..', '..');

test('the schema files define exactly what the migrations make', async () => {
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'scripts', 'db-diff.ts'), '--check', `--db-url=${stackEnv.dbUrl}`],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
  // On failure the message is the list of differences, as `npm run db:diff -- --check` prints it.
  expect(code === 0 ? 'same' : output).toBe('same');
  expect(output).toContain('define the same database');
});
