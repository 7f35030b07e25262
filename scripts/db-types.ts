/**
 * `npm run db:types`: supabase/types/database.ts, the `supabase gen types typescript` output of a
 * database brought to supabase/migrations (a throw-away PostgreSQL, no seed; the types depend on
 * the schema only). `npm run db:types -- --check` regenerates and fails when the committed file
 * differs; the database tier (supabase/tests/database/db-types.test.ts) does the same against the
 * test stack, and tests/types/rpc-rows.ts checks the zod row schemas of shared/ against the file
 * when `typecheck` runs.
 *
 * The CLI: `gen types` of the pinned supabase@2.117.0 needs Docker; 3.1.0 reads a `--db-url`
 * directly. 3.1.0 (scripts/db-types-gen.ts) is run through `npx -y supabase@3.1.0` (pinned here, fetched once into npm's
 * cache) rather than a devDependency alias: an alias links its `supabase` bin over 2.117's in
 * node_modules/.bin (tried: which one wins depends on install order), and the advisors tier and
 * `db push` need 2.117.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './stack/config.ts';
import { firstDifferences, generateTypes } from './db-types-gen.ts';
import { migrate } from './stack/migrate.ts';
import { startPostgres } from './stack/postgres.ts';
import { freePorts } from './stack/ports.ts';

const typesFile = path.join(repoRoot, 'supabase', 'types', 'database.ts');

/** A throw-away PostgreSQL at the migrations (no seed), for `fn`; deleted afterwards. */
async function withMigratedDatabase<T>(fn: (dbUrl: string) => Promise<T>): Promise<T> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'hcp-db-types-'));
  chmodSync(scratch, 0o755); // the postgres user must reach the data directory inside
  const pg = await startPostgres({ dataDir: path.join(scratch, 'data'), port: (await freePorts()).postgres, persistent: false });
  try {
    // No functions answer here; the URL only fills the Vault entry the job migrations read.
    await migrate(pg.url, { seed: false, projectUrl: 'http://127.0.0.1:54321' });
    return await fn(pg.url);
  } finally {
    await pg.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const fromUrl = process.argv.find((a) => a.startsWith('--db-url='))?.slice('--db-url='.length);
  const generated = fromUrl ? await generateTypes(fromUrl) : await withMigratedDatabase(generateTypes);
  const rel = path.relative(process.cwd(), typesFile);
  if (check) {
    const committed = await readFile(typesFile, 'utf8').catch(() => '');
    if (committed === generated) {
      console.log(`${rel} is current.`);
      return;
    }
    console.error(`${rel} is not current with supabase/migrations: run \`npm run db:types\`.\n  ` + firstDifferences(committed, generated).join('\n  '));
    process.exit(1);
  }
  await mkdir(path.dirname(typesFile), { recursive: true });
  await writeFile(typesFile, generated);
  console.log(`Wrote ${rel} (${generated.split('\n').length} lines).`);
}

main().catch((err: Error) => {
  console.error(`db:types failed: ${err.message}`);
  process.exit(1);
});
