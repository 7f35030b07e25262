/**
 * `npm run db:diff -- <intent>`: the next migration, from the difference between the declarative
 * schema (supabase/schemas/*.sql) and supabase/migrations.
 *
 * Two throw-away databases on one throw-away PostgreSQL 17 (the local stack's embedded one), both
 * given the same platform (bootstrap, pg_cron/pg_net/Vault stand-ins, Vault entries): one brought
 * to the migrations, one built from the schema files. The Supabase CLI pinned in package.json
 * (2.117, `supabase db diff --from <url> --to <url>`: its bundled pg-delta engine, no Docker)
 * writes the SQL that takes the first to the second; it goes to
 * supabase/migrations/<UTC timestamp>_<intent>.sql. Then the script applies that migration to the
 * migrations database and compares the two catalogues again (scripts/schema/catalogue.ts): a
 * difference left over is printed and the command fails, so a migration that does not say all of
 * the change is never mistaken for one that does (edit it by hand, or write a hand-written one).
 *
 * `npm run db:diff -- --check [--db-url=<superuser URL>]`: only the comparison (the parity
 * check): exit 1 and the differences when the schema files and the migrations disagree. With
 * --db-url the two databases are created on that server (the database tier's parity test uses the
 * test stack's), else on a throw-away one. Only definitions are compared: rows that migrations
 * insert (error codes, calendar days, tags, cron jobs) stay in the migrations.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { compare, snapshot } from './schema/catalogue.ts';
import { portableToPostgres15 } from './schema/portable.ts';
import { repoRoot } from './stack/config.ts';
import { listMigrations, migrate, preparePlatform } from './stack/migrate.ts';
import { startPostgres } from './stack/postgres.ts';
import { freePorts } from './stack/ports.ts';

const schemasDir = path.join(repoRoot, 'supabase', 'schemas');
const migrationsDir = path.join(repoRoot, 'supabase', 'migrations');
/** No functions answer here; the URL only fills the Vault entry the job migrations read. */
const PROJECT_URL = 'http://127.0.0.1:54321';

export async function listSchemaFiles(): Promise<string[]> {
  return (await readdir(schemasDir)).filter((f) => f.endsWith('.sql')).sort().map((f) => path.join(schemasDir, f));
}

const withDatabase = (url: string, name: string): string => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Builds a database from the schema files: the platform first, then every file in name order, in one transaction. */
async function applySchemaFiles(url: string): Promise<void> {
  await withClient(url, async (c) => {
    await preparePlatform(c, { projectUrl: PROJECT_URL });
    await c.query('begin');
    try {
      for (const file of await listSchemaFiles()) {
        try {
          await c.query(await readFile(file, 'utf8'));
        } catch (err) {
          throw new Error(`${path.relative(repoRoot, file)} failed: ${(err as Error).message}`);
        }
      }
      await c.query('commit');
    } catch (err) {
      await c.query('rollback');
      throw err;
    }
  });
}

interface Pair { migrations: string; schemas: string }

/** The two databases on the server at `serverUrl` (a superuser), dropped after `fn`. */
async function withPair<T>(serverUrl: string, fn: (pair: Pair) => Promise<T>): Promise<T> {
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  const names = { migrations: `hcp_diff_migrations_${tag}`, schemas: `hcp_diff_schemas_${tag}` };
  const admin = (sql: string) => withClient(serverUrl, (c) => c.query(sql));
  await admin(`create database ${names.migrations}`);
  await admin(`create database ${names.schemas}`);
  try {
    const pair = { migrations: withDatabase(serverUrl, names.migrations), schemas: withDatabase(serverUrl, names.schemas) };
    await migrate(pair.migrations, { seed: false, projectUrl: PROJECT_URL });
    await applySchemaFiles(pair.schemas);
    return await fn(pair);
  } finally {
    await admin(`drop database if exists ${names.migrations} with (force)`);
    await admin(`drop database if exists ${names.schemas} with (force)`);
  }
}

/** Differences between the catalogues of the two databases, one readable entry each. */
export async function differences(pair: Pair): Promise<string[]> {
  const a = await withClient(pair.migrations, snapshot);
  const b = await withClient(pair.schemas, snapshot);
  return compare(a, b, { a: 'migrations', b: 'supabase/schemas' });
}

/** A throw-away PostgreSQL for `fn`, deleted afterwards. */
async function withScratchServer<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'hcp-db-diff-'));
  chmodSync(scratch, 0o755); // the postgres user must reach the data directory inside
  const server = await startPostgres({ dataDir: path.join(scratch, 'data'), port: (await freePorts()).postgres, persistent: false });
  try {
    return await fn(server.url);
  } finally {
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** `supabase db diff` from one database to the other: the SQL that takes `from` to `to`. */
async function cliDiff(from: string, to: string): Promise<string> {
  const cli = path.join(repoRoot, 'node_modules', '.bin', 'supabase');
  const args = ['db', 'diff', '--from', `${from}?sslmode=disable`, '--to', `${to}?sslmode=disable`];
  // stdout is the SQL; the engine's diagnostics go to stderr and are shown only on failure.
  return new Promise((resolve, reject) => {
    execFile(cli, args, { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`supabase db diff failed: ${err.message}\n${stderr}`));
      else resolve(stdout.trim());
    });
  });
}

/** `<14-digit UTC timestamp>`: now, or one second after the last migration when that is later. */
async function nextVersion(): Promise<string> {
  const fmt = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const now = fmt(new Date());
  const last = (await listMigrations()).at(-1)?.version;
  if (!last || now > last) return now;
  const t = new Date(Date.UTC(+last.slice(0, 4), +last.slice(4, 6) - 1, +last.slice(6, 8), +last.slice(8, 10), +last.slice(10, 12), +last.slice(12, 14) + 1));
  return fmt(t);
}

function report(lines: string[]): void {
  console.error(lines.map((l) => `  ${l.replace(/\n/g, '\n  ')}`).join('\n'));
}

async function check(serverUrl: string | undefined): Promise<number> {
  const lines = await (serverUrl ? withPair(serverUrl, differences) : withScratchServer((url) => withPair(url, differences)));
  if (lines.length === 0) {
    console.log('supabase/schemas and supabase/migrations define the same database.');
    return 0;
  }
  console.error(`supabase/schemas and supabase/migrations differ (${lines.length}): edit the schema file and run \`npm run db:diff -- <intent>\`.`);
  report(lines);
  return 1;
}

async function diff(intent: string): Promise<number> {
  if (!/^[a-z0-9_]+$/.test(intent)) {
    console.error('usage: npm run db:diff -- <intent>   (snake_case: what the change is for, e.g. rating_comment_length)');
    return 2;
  }
  return withScratchServer((url) => withPair(url, async (pair) => {
    if ((await differences(pair)).length === 0) {
      console.log('No difference between supabase/schemas and supabase/migrations: nothing written.');
      return 0;
    }
    const sql = portableToPostgres15(await cliDiff(pair.migrations, pair.schemas));
    const file = path.join(migrationsDir, `${await nextVersion()}_${intent}.sql`);
    const rel = path.relative(process.cwd(), file);
    const body = `-- ${intent}: generated by \`npm run db:diff\` from supabase/schemas/ (supabase db diff, pg-delta); read before committing.\n${sql}\n`;
    await writeFile(file, body);
    // Does the migration say all of it? Apply it where the migrations are and compare again.
    await withClient(pair.migrations, async (c) => {
      await c.query('begin');
      try {
        await c.query(body);
        await c.query('commit');
      } catch (err) {
        await c.query('rollback');
        throw new Error(`${rel} was written but does not apply to the migrations: ${(err as Error).message}`);
      }
    });
    const left = await differences(pair);
    if (left.length > 0) {
      console.error(`Wrote ${rel}, but it does not close the difference (${left.length} left): finish it by hand.`);
      report(left);
      return 1;
    }
    console.log(`Wrote ${rel} (${body.split('\n').length} lines): it takes the migrations to supabase/schemas exactly. Read it, run the tests, commit both.`);
    return 0;
  }));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dbUrl = args.find((a) => a.startsWith('--db-url='))?.slice('--db-url='.length);
  const code = args.includes('--check') ? await check(dbUrl) : await diff(args.find((a) => !a.startsWith('--')) ?? '');
  process.exit(code);
}

main().catch((err: Error) => {
  console.error(`db:diff failed: ${err.message}`);
  process.exit(1);
});
