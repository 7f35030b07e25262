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

/**
 * Applies the bootstrap, every migration not yet recorded, and (when `seed` is set) the seed.
 * Each migration runs in its own transaction: a failing one leaves the ones before it applied.
 */
export async function migrate(connectionString: string, opts: { seed: boolean }): Promise<MigrateResult> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(await readFile(bootstrapFile, 'utf8'));
    await client.query(`alter role authenticator with login password '${AUTHENTICATOR_PASSWORD}'`);
    // The identity key (see the *_identity_pii.sql migration): a Supabase project keeps it in
    // Vault; the local database, which has none, gets it as a database setting — for every
    // later connection, and for this one, which applies the seed.
    const key = piiKey();
    const { rows: [db] } = await client.query<{ name: string }>('select current_database() as name');
    await client.query(`alter database "${db!.name.replace(/"/g, '""')}" set app.settings.pii_key = '${key}'`);
    await client.query(`select set_config('app.settings.pii_key', $1, false)`, [key]);
    const done = new Set(
      (await client.query<{ version: string }>('select version from supabase_migrations.schema_migrations'))
        .rows.map((r) => r.version),
    );
    const applied: string[] = [];
    for (const m of await listMigrations()) {
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
