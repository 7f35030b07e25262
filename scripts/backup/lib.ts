/**
 * Backup and restore (issue 19.2). `npm run backup` writes a consistent dump of one database —
 * pg_dump's custom format (-Fc: one file, compressed, read back selectively by pg_restore) in a
 * single snapshot — with everything in it: the app and public schemas, the Vault entries, the
 * schedule (cron.job), the migration history. Beside it: the roles (`<file>.roles.sql`, from
 * pg_dumpall --roles-only, no passwords: roles are the cluster's, not the database's) and a
 * manifest (`<file>.manifest.json`: per app table its row count and md5, the Vault entry names,
 * the versions). `npm run restore -- <file>` brings it into a fresh data directory (the local
 * stack's PostgreSQL 17): the roles, then pg_restore, then the manifest checked row for row.
 *
 * Secrets: the dump carries the Vault rows as the server stores them. On a Supabase server they
 * are ciphertext under the server's root key, which is NOT in the dump (self-hosted: back up the
 * root key with the data volume; another server: set hcp_pii_key again from its escrow, README
 * "Backup and restore"); the local Vault stand-in stores them in clear, so a local dump holds the
 * PII key itself. Either way the files are written 0600 and must be kept like the key.
 *
 * pg_dump / pg_restore must be at least the server's major version (pg_dump refuses an older
 * one): HCP_PG_BIN, the PATH, then /usr/lib/postgresql/<n>/bin, the newest that fits.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { repoRoot } from '../stack/config.ts';
import { PLATFORM_EXTENSIONS } from '../stack/platform.ts';

const platformDir = path.join(repoRoot, 'scripts', 'stack', 'platform');

export interface Manifest {
  format: 'hcp-backup-1';
  created_at: string;
  server_version: string;
  pg_dump_version: string;
  database: string;
  /** Per table of the app schema: `<count>:<md5 of the rows as text, sorted>`. */
  tables: Record<string, string>;
  vault_secrets: string[];
  migrations: string[];
}

/** The major version of a PostgreSQL tool (`pg_dump (PostgreSQL) 15.14 …` → 15), or undefined. */
export function toolMajor(bin: string): number | undefined {
  const res = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (res.status !== 0) return undefined;
  const m = /\(PostgreSQL\)\s+(\d+)/.exec(res.stdout);
  return m ? Number(m[1]) : undefined;
}

/** Candidate directories of PostgreSQL client programs, best first. */
function candidateDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.HCP_PG_BIN) dirs.push(process.env.HCP_PG_BIN);
  for (const p of (process.env.PATH ?? '').split(path.delimiter)) if (p) dirs.push(p);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    for (const v of readdirSync(debian).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a))) dirs.push(path.join(debian, v, 'bin'));
  }
  return dirs;
}

/**
 * The PostgreSQL program `name` whose major version is at least `minMajor` (the newest such on
 * HCP_PG_BIN, then the PATH, then Debian's layout), or an error saying what to install.
 */
export function findPgTool(name: 'pg_dump' | 'pg_restore' | 'pg_dumpall', minMajor: number): { bin: string; major: number } {
  const seen: string[] = [];
  let best: { bin: string; major: number } | undefined;
  for (const dir of candidateDirs()) {
    const bin = path.join(dir, name);
    if (!existsSync(bin)) continue;
    const major = toolMajor(bin);
    if (major === undefined) continue;
    seen.push(`${bin} (${major})`);
    if (major >= minMajor && (!best || major > best.major)) best = { bin, major };
  }
  if (best) return best;
  throw new Error(
    `${name} ${minMajor} or newer is needed (the server is PostgreSQL ${minMajor}; ${name} refuses a newer server)` +
      `; found: ${seen.join(', ') || 'none'}. Install the PostgreSQL ${minMajor} client programs ` +
      `(e.g. postgresql-client-${minMajor} from the PostgreSQL project's apt repository; the supabase/postgres ` +
      'image has its own) and put them on the PATH, or set HCP_PG_BIN to their directory.',
  );
}

export async function withClient<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function serverMajor(url: string): Promise<{ major: number; version: string }> {
  return withClient(url, async (c) => {
    const { rows: [r] } = await c.query<{ num: string; v: string }>(`select current_setting('server_version_num') as num, current_setting('server_version') as v`);
    return { major: Math.floor(Number(r!.num) / 10000), version: r!.v };
  });
}

/**
 * What a backup must bring back: every app table's count and md5 (rows as text, sorted), the
 * Vault entry names and the migrations recorded. Read in one repeatable-read snapshot.
 */
export async function fingerprint(url: string): Promise<Pick<Manifest, 'tables' | 'vault_secrets' | 'migrations'>> {
  return withClient(url, async (c) => {
    await c.query('begin isolation level repeatable read read only');
    try {
      return await fingerprintIn(c);
    } finally {
      await c.query('rollback');
    }
  });
}

/** fingerprint() inside the caller's transaction (its snapshot). */
async function fingerprintIn(c: pg.Client): Promise<Pick<Manifest, 'tables' | 'vault_secrets' | 'migrations'>> {
  const { rows: tables } = await c.query<{ t: string }>(
    `select c.relname as t from pg_class c where c.relnamespace = 'app'::regnamespace and c.relkind in ('r', 'p') order by 1`);
  const out: Record<string, string> = {};
  for (const { t } of tables) {
    const ident = `"${t.replace(/"/g, '""')}"`;
    const { rows: [r] } = await c.query<{ f: string }>(
      `select count(*)::int || ':' || md5(coalesce(string_agg(x::text, E'\\n' order by x::text), '')) as f from app.${ident} x`);
    out[t] = r!.f;
  }
  const vault = (await c.query<{ name: string }>(`select name from vault.secrets where name is not null order by name`)).rows.map((r) => r.name);
  const { rows: [hasMigrations] } = await c.query<{ ok: boolean }>(`select to_regclass('supabase_migrations.schema_migrations') is not null as ok`);
  const migrations = hasMigrations!.ok
    ? (await c.query<{ version: string }>(`select version from supabase_migrations.schema_migrations order by version`)).rows.map((r) => r.version)
    : [];
  return { tables: out, vault_secrets: vault, migrations };
}

export function run(bin: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString('utf8'); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString('utf8'); });
    child.on('error', (err) => resolve({ code: 127, output: err.message }));
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** libpq settings of a URL, for the programs (the password stays out of the argument list). */
function libpqEnv(url: string): { env: NodeJS.ProcessEnv; database: string } {
  const u = new URL(url);
  return {
    env: {
      PGHOST: u.hostname, PGPORT: u.port || '5432', PGUSER: decodeURIComponent(u.username),
      PGPASSWORD: decodeURIComponent(u.password), PGSSLMODE: u.searchParams.get('sslmode') ?? 'prefer',
    },
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
  };
}

export const rolesFile = (dump: string) => `${dump}.roles.sql`;
export const manifestFile = (dump: string) => `${dump}.manifest.json`;

/**
 * pg_dump -Fc of the whole database, the roles beside it, and the manifest — read in the very
 * snapshot the dump is taken in (pg_export_snapshot, pg_dump --snapshot), so that on a live
 * system the manifest says exactly what the file holds.
 */
export async function backup(opts: { dbUrl: string; out: string; log?: (line: string) => void }): Promise<Manifest> {
  const log = opts.log ?? (() => {});
  const server = await serverMajor(opts.dbUrl);
  const dump = findPgTool('pg_dump', server.major);
  const dumpall = findPgTool('pg_dumpall', server.major);
  const { env, database } = libpqEnv(opts.dbUrl);
  log(`pg_dump ${dump.major} (${dump.bin}) of ${database} on PostgreSQL ${server.version} → ${opts.out}`);
  const holder = new pg.Client({ connectionString: opts.dbUrl });
  await holder.connect();
  let fp: Awaited<ReturnType<typeof fingerprint>>;
  try {
    await holder.query('begin isolation level repeatable read read only');
    const { rows: [snap] } = await holder.query<{ id: string }>('select pg_export_snapshot() as id');
    const res = await run(dump.bin, ['--format=custom', '--compress=6', '--no-password', `--snapshot=${snap!.id}`, `--file=${opts.out}`, `--dbname=${database}`], env);
    if (res.code !== 0) throw new Error(`pg_dump failed (exit ${res.code}):\n${res.output}`);
    fp = await fingerprintIn(holder);
    await holder.query('commit');
  } finally {
    await holder.end();
  }
  chmodSync(opts.out, 0o600);
  const roles = await run(dumpall.bin, ['--roles-only', '--no-role-passwords', '--no-password', `--database=${database}`], env);
  if (roles.code !== 0) throw new Error(`pg_dumpall --roles-only failed (exit ${roles.code}):\n${roles.output}`);
  writeFileSync(rolesFile(opts.out), roles.output, { mode: 0o600 });
  const manifest: Manifest = {
    format: 'hcp-backup-1',
    created_at: new Date().toISOString(),
    server_version: server.version,
    pg_dump_version: String(dump.major),
    database,
    ...fp,
  };
  writeFileSync(manifestFile(opts.out), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
  log(`${Object.keys(manifest.tables).length} app tables, Vault entries ${manifest.vault_secrets.join(', ')}, ${manifest.migrations.length} migrations`);
  return manifest;
}

/**
 * The roles of the dump that the target lacks, created with the source's attributes (never
 * touching a role the target has: its own superuser stays as it is), and their memberships.
 */
export async function restoreRoles(client: pg.Client, sql: string): Promise<string[]> {
  const existing = new Set((await client.query<{ rolname: string }>('select rolname from pg_roles')).rows.map((r) => r.rolname));
  const created: string[] = [];
  const name = (s: string) => s.replace(/^"|"$/g, '').replace(/""/g, '"');
  const lines = sql.split('\n').map((l) => l.trim()).filter((l) => /^(CREATE ROLE|ALTER ROLE|GRANT) /.test(l));
  for (const line of lines) {
    const create = /^CREATE ROLE ("(?:[^"]|"")+"|[^\s;]+);$/.exec(line);
    if (create) {
      const role = name(create[1]!);
      if (existing.has(role)) continue;
      await client.query(line);
      created.push(role);
      continue;
    }
    const alter = /^ALTER ROLE ("(?:[^"]|"")+"|[^\s;]+) /.exec(line);
    if (alter) {
      if (created.includes(name(alter[1]!))) await client.query(line);
      continue;
    }
    // Memberships: only those that name a role this restore created.
    if (created.some((r) => line.includes(r) || line.includes(`"${r}"`))) {
      await client.query('savepoint g');
      try {
        await client.query(line);
      } catch {
        await client.query('rollback to savepoint g');
      }
    }
  }
  return created;
}

/** pg_restore into an empty database, after its roles; every error is reported. */
export async function restoreInto(opts: { dbUrl: string; file: string; log?: (line: string) => void }): Promise<void> {
  const log = opts.log ?? (() => {});
  if (!existsSync(opts.file)) throw new Error(`no such backup: ${opts.file}`);
  const { env, database } = libpqEnv(opts.dbUrl);
  const dumpMajor = await dumpVersion(opts.file);
  const server = await serverMajor(opts.dbUrl);
  if (server.major < dumpMajor) throw new Error(`the dump is of PostgreSQL ${dumpMajor}; restore it into ${dumpMajor} or newer (this server is ${server.version})`);
  const restore = findPgTool('pg_restore', dumpMajor);
  if (existsSync(rolesFile(opts.file))) {
    const created = await withClient(opts.dbUrl, async (c) => {
      await c.query('begin');
      const r = await restoreRoles(c, readFileSync(rolesFile(opts.file), 'utf8'));
      await c.query('commit');
      return r;
    });
    log(`roles created: ${created.join(', ') || 'none'}`);
  }
  // A platform extension the source ran for real (pg_cron on a Supabase server) that this server
  // lacks (the local stack's PostgreSQL): its stand-in takes its place, and the job rows go into it.
  const toc = await run(restore.bin, ['--list', opts.file]);
  if (toc.code !== 0) throw new Error(`pg_restore --list failed:\n${toc.output}`);
  const available = await withClient(opts.dbUrl, async (c) =>
    new Set((await c.query<{ name: string }>('select name from pg_available_extensions')).rows.map((r) => r.name)));
  const standIns: Array<(typeof PLATFORM_EXTENSIONS)[number]> = [];
  for (const m of toc.output.matchAll(/^\d+; \d+ \d+ EXTENSION - (\S+)/gm)) {
    const ext = m[1]!;
    if (available.has(ext)) continue;
    const p = PLATFORM_EXTENSIONS.find((x) => x.extension === ext);
    if (!p) throw new Error(`the dump needs the extension ${ext}, which this server does not have`);
    standIns.push(p);
  }
  const args = ['--no-password', '--exit-on-error', '--single-transaction', `--dbname=${database}`];
  if (standIns.length > 0) {
    const skip = (line: string) => standIns.some((p) =>
      // The extension, its comment, its sequences' positions, and grants on its objects (the stand-in
      // has its own; a superuser-run local stack needs none of the platform's grants to postgres).
      new RegExp(`^\\d+; \\d+ \\d+ (EXTENSION - ${p.extension} |COMMENT - EXTENSION ${p.extension} |SEQUENCE SET ${p.schema} |ACL ${p.schema} |ACL - SCHEMA ${p.schema} )`).test(line));
    const list = `${opts.file}.${process.pid}.list`;
    writeFileSync(list, toc.output.split('\n').map((l) => (skip(l) ? `;${l}` : l)).join('\n'), { mode: 0o600 });
    args.push(`--use-list=${list}`);
    await withClient(opts.dbUrl, async (c) => {
      for (const p of standIns) {
        await c.query(readFileSync(path.join(platformDir, p.file), 'utf8'));
        log(`stand-in for ${p.extension} (this server has none): ${p.schema}`);
      }
    });
  }
  log(`pg_restore ${restore.major} (${restore.bin}) of ${opts.file} into ${database} on PostgreSQL ${server.version}`);
  const res = await run(restore.bin, [...args, opts.file], env);
  if (args.some((a) => a.startsWith('--use-list='))) rmSync(args.find((a) => a.startsWith('--use-list='))!.slice('--use-list='.length), { force: true });
  if (res.code !== 0) throw new Error(`pg_restore failed (exit ${res.code}):\n${res.output}`);
  if (standIns.some((p) => p.extension === 'pg_cron')) {
    // The stand-in's own sequences continue after the restored job and run ids.
    await withClient(opts.dbUrl, (c) => c.query(`
      select setval(pg_get_serial_sequence('cron.job', 'jobid'), coalesce((select max(jobid) from cron.job), 0) + 1, false);
      select setval(pg_get_serial_sequence('cron.job_run_details', 'runid'), coalesce((select max(runid) from cron.job_run_details), 0) + 1, false);`));
  }
}

/** The PostgreSQL major version a custom-format dump was made from (its header, via pg_restore -l). */
export async function dumpVersion(file: string): Promise<number> {
  // Any pg_restore reads the header of a dump of its own version or older; try the newest first.
  const tools = candidateDirs().map((d) => path.join(d, 'pg_restore')).filter((b) => existsSync(b));
  for (const bin of tools) {
    const res = await run(bin, ['--list', file]);
    const m = /Dumped from database version:\s+(\d+)/.exec(res.output);
    if (res.code === 0 && m) return Number(m[1]);
  }
  throw new Error(`cannot read the header of ${file} (not a pg_dump custom-format file, or no pg_restore new enough for it)`);
}

/** Differences between a manifest and a database's fingerprint (empty: equal). */
export function compare(want: Pick<Manifest, 'tables' | 'vault_secrets' | 'migrations'>, got: Pick<Manifest, 'tables' | 'vault_secrets' | 'migrations'>): string[] {
  const diffs: string[] = [];
  for (const t of new Set([...Object.keys(want.tables), ...Object.keys(got.tables)])) {
    if (want.tables[t] !== got.tables[t]) diffs.push(`app.${t}: backup ${want.tables[t] ?? 'absent'}, restored ${got.tables[t] ?? 'absent'}`);
  }
  if (JSON.stringify(want.vault_secrets) !== JSON.stringify(got.vault_secrets)) diffs.push(`Vault: backup ${want.vault_secrets.join(',')}, restored ${got.vault_secrets.join(',')}`);
  if (JSON.stringify(want.migrations) !== JSON.stringify(got.migrations)) diffs.push(`migrations: backup ${want.migrations.length}, restored ${got.migrations.length}`);
  return diffs;
}
