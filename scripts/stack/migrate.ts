/**
 * Brings a database to "platform bootstrap + supabase/migrations + seed", recording each
 * migration in supabase_migrations.schema_migrations as the Supabase CLI does, so that
 * `supabase migration list` and `supabase db push` agree with what the local stack applied.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { AUTHENTICATOR_PASSWORD, repoRoot } from './config.ts';
import { piiKey } from './local-keys.ts';
import { installPlatformStandIns, putVaultSecret, schedulerSecret } from './platform.ts';
import { splitSqlStatements } from './sql-split.ts';

const migrationsDir = path.join(repoRoot, 'supabase', 'migrations');
const seedFile = path.join(repoRoot, 'supabase', 'seed.sql');
/** Seed parts by domain, after seed.sql in name order (config.toml's `[db.seed] sql_paths`). */
const seedDir = path.join(repoRoot, 'supabase', 'seed');

export async function listSeedFiles(): Promise<string[]> {
  const parts = (await readdir(seedDir).catch(() => [] as string[])).filter((f) => f.endsWith('.sql')).sort();
  return [seedFile, ...parts.map((f) => path.join(seedDir, f))];
}
const bootstrapFile = path.join(repoRoot, 'scripts', 'stack', 'platform-bootstrap.sql');

/** `<14-digit UTC timestamp>_<intent>.sql`, the Supabase CLI's naming. */
const MIGRATION_NAME = /^(\d{14})_([a-z0-9_]+)\.sql$/;

export interface MigrationFile { version: string; name: string; file: string }

export async function listMigrations(): Promise<MigrationFile[]> {
  const files = (await readdir(migrationsDir)).filter((f) => f.endsWith('.sql')).sort();
  return files.map((file) => {
    const m = MIGRATION_NAME.exec(file);
    if (!m) throw new Error(`migration ${file} is not named <UTC timestamp>_<intent>.sql`);
    return { version: m[1]!, name: m[2]!, file: path.join(migrationsDir, file) };
  });
}

async function inTransaction(client: pg.Client, work: () => Promise<void>): Promise<void> {
  await client.query('begin');
  try {
    await work();
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    throw err;
  }
}

export interface MigrateResult { applied: string[]; seeded: boolean }

export interface MigrateOptions {
  seed: boolean;
  /** Where the database reaches the functions (Vault `project_url`): the stack's gateway. */
  projectUrl: string;
}

/**
 * What a Supabase project has before its first migration: the platform bootstrap, the platform
 * extensions' stand-ins and the Vault entries. Also used on its own for a database built from
 * supabase/schemas/ (scripts/db-diff.ts), so both kinds start from the same platform.
 */
export async function preparePlatform(client: pg.Client, opts: Pick<MigrateOptions, 'projectUrl'>): Promise<void> {
  await client.query(await readFile(bootstrapFile, 'utf8'));
  await client.query(`alter role authenticator with login password '${AUTHENTICATOR_PASSWORD}'`);
  // pg_cron, pg_net and Vault as stand-ins with the real signatures (embedded PostgreSQL has
  // none), so the migrations that require them run here unchanged.
  await installPlatformStandIns(client);
  // The Vault entries an operator creates on a project before `db push` (README, Deploy): the
  // identity key (kept: data is encrypted with it; .local/keys/pii.key, so a kept data
  // directory stays decryptable), the URL the scheduled jobs call the functions at and the
  // secret they authenticate with (both follow this stack).
  await putVaultSecret(client, { name: 'hcp_pii_key', value: piiKey(), description: '好差评: master key of the encrypted identity fields (local)', replace: false });
  await putVaultSecret(client, { name: 'project_url', value: opts.projectUrl, description: '好差评: where scheduled jobs reach the functions (local gateway)', replace: true });
  await putVaultSecret(client, { name: 'scheduler_secret', value: schedulerSecret(), description: '好差评: secret of the scheduled function calls (local)', replace: true });
}

/**
 * Applies the bootstrap, every migration not yet recorded, and (when `seed` is set) the seed.
 * Each migration runs in its own transaction: a failing one leaves the ones before it applied.
 */
export async function migrate(connectionString: string, opts: MigrateOptions): Promise<MigrateResult> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await preparePlatform(client, opts);
    const done = new Set(
      (await client.query<{ version: string }>('select version from supabase_migrations.schema_migrations'))
        .rows.map((r) => r.version),
    );
    const files = await listMigrations();
    const gone = [...done].filter((v) => !files.some((m) => m.version === v)).sort();
    if (gone.length > 0) {
      // A database brought up by a history that is no longer in supabase/migrations (the
      // baseline of 2026-12-04 replaced the first 103): applying the rest on top would fail
      // half-way, so say what to do instead.
      throw new Error(
        `this database recorded ${gone.length} migration(s) that supabase/migrations no longer has (first ${gone[0]}): `
        + 'it predates the baseline. Start on a fresh data directory (delete .local/data, or set HCP_DATA_DIR; local data is demo data).',
      );
    }
    const applied: string[] = [];
    for (const m of files) {
      if (done.has(m.version)) continue;
      const sql = await readFile(m.file, 'utf8');
      await inTransaction(client, async () => {
        try {
          await client.query(sql);
        } catch (err) {
          throw new Error(`migration ${path.basename(m.file)} failed: ${(err as Error).message}`);
        }
        await client.query(
          'insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)',
          [m.version, m.name, splitSqlStatements(sql)],
        );
      });
      applied.push(path.basename(m.file));
    }
    if (opts.seed) {
      await inTransaction(client, async () => {
        for (const file of await listSeedFiles()) {
          try {
            await client.query(await readFile(file, 'utf8'));
          } catch (err) {
            throw new Error(`${path.relative(repoRoot, file)} failed: ${(err as Error).message}`);
          }
        }
      });
    }
    // PostgREST caches the schema: tell it to look again (ignored when none listens).
    await client.query(`notify pgrst, 'reload schema'`);
    return { applied, seeded: opts.seed };
  } finally {
    await client.end();
  }
}
