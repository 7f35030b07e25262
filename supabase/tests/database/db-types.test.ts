/**
 * supabase/types/database.ts is current (issue 14.8): `supabase gen types typescript` over this
 * stack's database (the migrations, as applied here) gives exactly the committed file. The
 * zod row schemas are checked against that file at compile time (tests/types/rpc-rows.ts), so a
 * migration that changes an RPC's rows fails here until `npm run db:types` is run, and then fails
 * `typecheck` wherever a schema no longer fits.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { firstDifferences, generateTypes } from '../../../scripts/db-types-gen.ts';
import { stackEnv } from '../../../tests/support/env.ts';

jest.setTimeout(180_000);

const typesFile = path.resolve(__dirname, '..', '..', 'types', 'database.ts');

test('the committed database types are what supabase gen types makes of the migrations', async () => {
  const generated = await generateTypes(stackEnv.dbUrl);
  const committed = readFileSync(typesFile, 'utf8');
  const diff = firstDifferences(committed, generated);
  // The message says what to run, and where the two first differ.
  expect(diff.length === 0 ? 'current' : `run \`npm run db:types\`:\n${diff.join('\n')}`).toBe('current');
  expect(generated).toContain('"whoami":');
});
