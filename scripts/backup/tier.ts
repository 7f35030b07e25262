/**
 * The `backup` tier (issue 19.2): a backup is proven by a restore. The source is laid out like the
 * 政务云's self-hosted Supabase (PostgreSQL 15, supabase_admin the superuser, `postgres` not; the
 * rehearsal tier's cluster), brought up by `supabase db push --include-seed` and then used:
 * ratings, a 差评 with its work order and audit rows, defaults, identities and a comment contact
 * encrypted with the Vault PII key. `npm run backup` dumps it (pg_dump custom format, as the
 * operator's `postgres`); `npm run restore` brings it into a fresh data directory of the local
 * stack's PostgreSQL 17; the whole stack then starts on that directory. Checked: every app table's
 * count and md5 equal, the audit log row for row and still append-only, the identities decrypt
 * with the restored key, and the restored system serves a rating end to end through the gateway.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PG15_BIN, PROJECT_URL, push, query, startCluster, type Cluster } from '../rehearsal/rehearsal.ts';
import { repoRoot } from '../stack/config.ts';
import { jwtSecret } from '../stack/local-keys.ts';
import { freePorts } from '../stack/ports.ts';
import { startStack, type RunningStack } from '../stack/stack.ts';
import { checkTier, missingTool, type TierResult } from '../test-tiers.ts';
import { compare, fingerprint, manifestFile, rolesFile, run, type Manifest } from './lib.ts';

const LOG = path.join(repoRoot, 'test-output', 'backup.log');
const log = (line: string) => appendFileSync(LOG, line.endsWith('\n') ? line : line + '\n');

const PERSONA = {
  citizenA: '00000000-0000-4000-8000-000000000a01',
  citizenB: '00000000-0000-4000-8000-000000000a02',
} as const;

function expectEqual(what: string, got: unknown, want: unknown): boolean {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  if (!ok) console.error(`${what}:\n  expected ${JSON.stringify(want)}\n  got      ${JSON.stringify(got)}`);
  return ok;
}

/** As a signed-in user through the SQL the API runs (claims set as PostgREST sets them). */
async function asUser<T>(url: string, sub: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('begin');
    await c.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: 'authenticated', sub })]);
    await c.query('set local role authenticated');
    const out = await work(c);
    await c.query('commit');
    return out;
  } catch (err) {
    await c.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    await c.end();
  }
}

const tsx = (script: string, args: string[]) => run(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts', script), ...args]);

/** Identities as their plain text, and the audit log row for row (its md5 is in the fingerprint too). */
async function secretsAndAudit(url: string) {
  const [ids] = await query<{ f: string; n: number }>(url,
    `select count(*)::int as n, md5(string_agg(user_id::text || ':' || coalesce(app.pii_decrypt(name_enc), '∅') || ':' || coalesce(app.pii_decrypt(id_number_enc), '∅'), ',' order by user_id)) as f
     from app.user_identities`);
  const [key] = await query<{ k: string }>(url, `select md5(decrypted_secret) as k from vault.decrypted_secrets where name = 'hcp_pii_key'`);
  const [audit] = await query<{ n: number; max: string; f: string }>(url,
    `select count(*)::int as n, max(id)::text as max, md5(string_agg(a::text, E'\\n' order by a.id)) as f from app.audit_log a`);
  return { identities: ids, key: key?.k, audit };
}

export async function backupTier(): Promise<TierResult> {
  for (const tool of ['initdb', 'pg_ctl', 'pg_dump', 'pg_restore', 'pg_dumpall']) {
    if (!existsSync(path.join(PG15_BIN, tool))) {
      return missingTool('backup', `no PostgreSQL 15 ${tool} at ${PG15_BIN} (apt-get install -y postgresql-15; .ci/run does)`);
    }
  }
  writeFileSync(LOG, '');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hcp-backup-'));
  chmodSync(dir, 0o755);
  const file = path.join(dir, 'hcp.dump');
  const restoredDir = path.join(dir, 'restored');
  let source: Cluster | undefined;
  let stack: RunningStack | undefined;
  let manifest: Manifest | undefined;
  let beforeSecrets: Awaited<ReturnType<typeof secretsAndAudit>> | undefined;
  // Pass the PostgreSQL 15 client programs to the scripts first (the server is 15).
  const env15 = { PATH: `${PG15_BIN}${path.delimiter}${process.env.PATH ?? ''}` };
  const withEnv = async <T>(work: () => Promise<T>): Promise<T> => {
    const saved = process.env.PATH;
    process.env.PATH = env15.PATH;
    try { return await work(); } finally { process.env.PATH = saved; }
  };
  try {
    return await checkTier('backup', [
      {
        name: 'a server like the 政务云\'s (PostgreSQL 15, supabase/postgres layout) with the system, its seed and use: ratings, a 差评 with its work order and audit rows, defaults, a comment contact',
        run: async () => {
          // With the real pg_cron preloaded, as on the server (its jobs keep running: the backup is of a live system).
          source = await startCluster('backup-source', PG15_BIN, (await freePorts()).postgres, true);
          await query(source.postgresUrl, `select vault.create_secret($1, 'project_url')`, [PROJECT_URL]);
          const pushed = await push(source, true);
          if (pushed.code !== 0) {
            console.error(`supabase db push failed:\n${pushed.output.split('\n').slice(-20).join('\n')}`);
            return false;
          }
          const src = source.postgresUrl;
          const rated = await asUser(src, PERSONA.citizenA, async (c) => {
            const pending = (await c.query<{ transaction_id: string }>('select transaction_id from public.my_pending_ratings()')).rows;
            const good = (await c.query(`select * from public.submit_rating($1, 5, '{}', '办得快', false, 'mobile', 'backup-tier-good')`, [pending[0]!.transaction_id])).rows[0];
            const bad = (await c.query(`select * from public.submit_rating($1, 1, '{115}', '材料退回三次', false, 'mobile', 'backup-tier-bad')`, [pending[1]!.transaction_id])).rows[0];
            return { good, bad };
          });
          await asUser(src, PERSONA.citizenB, (c) => c.query(`select * from public.submit_comment('suggestion', '大厅可以多放几把椅子', null, '13800000002')`));
          // The 办件 past their window get the default (the seed has some); the rest stay open for the restored system.
          await query(src, `select public.apply_default_ratings()`);
          const [counts] = await query<{ ratings: number; defaults: number; orders: number; audit: number; contacts: number }>(src, `
            select (select count(*)::int from app.ratings) as ratings, (select count(*)::int from app.ratings where is_default) as defaults,
                   (select count(*)::int from app.work_orders) as orders, (select count(*)::int from app.audit_log) as audit,
                   (select count(*)::int from app.comments where contact_enc is not null) as contacts`);
          log(`source: ${JSON.stringify(counts)}`);
          return expectEqual('a 差评 opened its work order', Boolean(rated.bad.work_order_id), true)
            && expectEqual('defaults applied, orders and audit rows there, a contact encrypted',
              [counts!.defaults > 0, counts!.orders > 1, counts!.audit > 1, counts!.contacts > 0], [true, true, true, true]);
        },
      },
      {
        name: 'npm run backup (as the operator\'s postgres, pg_cron running): a pg_dump custom-format file, the roles and a manifest of the dump\'s own snapshot, all 0600',
        run: async () => {
          beforeSecrets = await secretsAndAudit(source!.postgresUrl);
          const res = await tsx('backup.ts', ['--db-url', source!.postgresUrl, '--out', file]);
          log(`$ npm run backup\n${res.output}(exit ${res.code})`);
          if (res.code !== 0) {
            console.error(res.output);
            return false;
          }
          const head = readFileSync(file).subarray(0, 5).toString('latin1');
          manifest = JSON.parse(readFileSync(manifestFile(file), 'utf8')) as Manifest;
          const modes = [file, rolesFile(file), manifestFile(file)].map((f) => (statSync(f).mode & 0o777).toString(8));
          const [live] = await query<{ n: string }>(source!.postgresUrl, 'select count(*)::text as n from app.ratings');
          return expectEqual('custom format (PGDMP)', head, 'PGDMP')
            && expectEqual('file modes', modes, ['600', '600', '600'])
            && expectEqual('the manifest counts the ratings there were', manifest.tables.ratings?.split(':')[0], live!.n)
            && expectEqual('Vault entries in the backup', manifest.vault_secrets, ['hcp_pii_key', 'project_url', 'scheduler_secret']);
        },
      },
      {
        name: 'npm run restore into a fresh data directory of the local PostgreSQL 17: roles, pg_restore, then every app table, the Vault entries and the migrations verified against the manifest',
        run: async () => {
          const res = await withEnv(() => tsx('restore.ts', [file, '--data-dir', restoredDir]));
          log(`$ npm run restore\n${res.output}(exit ${res.code})`);
          if (res.code !== 0 || !/verified:/.test(res.output)) {
            console.error(res.output);
            return false;
          }
          // A second restore into a directory that is not fresh is refused.
          const again = await tsx('restore.ts', [file, '--data-dir', restoredDir]);
          return expectEqual('restore into a used directory refused', [again.code !== 0, /not empty/.test(again.output)], [true, true]);
        },
      },
      {
        name: 'the whole stack starts on the restored directory: every app table\'s count and md5 equal the source, the audit log row for row and still append-only',
        run: async () => {
          stack = await startStack({
            dataDir: restoredDir, persistent: true, ports: await freePorts(), jwtSecret: jwtSecret(), serveH5: false, jobs: [],
            log: (line) => log(line),
          });
          const after = await fingerprint(stack.dbUrl);
          const refused = await query(stack.dbUrl, 'update app.audit_log set note = note where id = (select min(id) from app.audit_log)')
            .then(() => 'updated', (err: Error) => err.message);
          return expectEqual('restored = the backup (every app table)', compare(manifest!, after), [])
            && expectEqual('audit log row for row', after.tables.audit_log, manifest!.tables.audit_log)
            && expectEqual('the audit log has rows', Number(after.tables.audit_log?.split(':')[0]) > 1, true)
            && expectEqual('no migration applied on start', stack.migrations.applied, [])
            && expectEqual('audit log still append-only', /append-only/.test(refused), true);
        },
      },
      {
        name: 'encrypted identities decrypt with the restored key: the Vault hcp_pii_key came back with the data, every identity reads as it did',
        run: async () => {
          const afterSecrets = await secretsAndAudit(stack!.dbUrl);
          return expectEqual('PII key', afterSecrets.key, beforeSecrets!.key)
            && expectEqual('identities decrypted', afterSecrets.identities, beforeSecrets!.identities)
            && expectEqual('some identities', (beforeSecrets!.identities?.n ?? 0) > 0, true);
        },
      },
      {
        name: 'the restored system serves a rating end to end: citizen-b logs in (auth-dev), rates a pending 办件 through the gateway; the 差评 opens its work order, audit row and upstream message',
        run: async () => {
          const s = stack!;
          const login = await fetch(`${s.apiUrl}/functions/v1/auth-dev`, {
            method: 'POST', headers: { apikey: s.anonKey, 'content-type': 'application/json' }, body: JSON.stringify({ persona: 'citizen-b' }),
          });
          const { access_token: token } = await login.json() as { access_token: string };
          const rpc = async (fn: string, args: Record<string, unknown>) => {
            const res = await fetch(`${s.apiUrl}/rest/v1/rpc/${fn}`, {
              method: 'POST', headers: { apikey: s.anonKey, authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(args),
            });
            return { status: res.status, body: await res.json() as unknown };
          };
          const pending = await rpc('my_pending_ratings', {});
          const tx = (pending.body as Array<{ transaction_id: string }>)[0]?.transaction_id;
          if (!expectEqual('login and a pending 办件', [login.status, pending.status, typeof tx], [200, 200, 'string'])) return false;
          const rated = await rpc('submit_rating', {
            p_transaction_id: tx, p_level: 1, p_tags: ['115'], p_comment: '恢复后评价', p_anonymous: false, p_channel: 'mobile', p_idempotency_key: 'backup-tier-restored',
          });
          const row = (rated.body as Array<{ id: string; work_order_id: string | null }>)[0];
          if (!expectEqual('rated', [rated.status, Boolean(row?.work_order_id)], [200, true])) return false;
          const [effects] = await query<{ audit: number; outbox: number }>(s.dbUrl, `
            select (select count(*)::int from app.audit_log where work_order_id = $2 and action = 'opened') as audit,
                   (select count(*)::int from app.upstream_outbox where rating_id = $1) as outbox`, [row!.id, row!.work_order_id]);
          return expectEqual('work order audit row and upstream message', effects, { audit: 1, outbox: 1 });
        },
      },
    ]);
  } finally {
    await stack?.stop().catch(() => undefined);
    await source?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
