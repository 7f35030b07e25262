/**
 * The platform extensions the migrations require (pg_cron, pg_net, supabase_vault), as small
 * stand-ins where the real extension is not available: the local stack's embedded PostgreSQL 17
 * ships none of them. Each stand-in has the real schema and signatures (platform/*.sql), so the
 * migrations run unchanged here and on a Supabase project. Where the extension is available
 * (supabase/postgres, Debian's postgresql-15-cron) nothing is installed: the migrations create
 * the real one.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { repoRoot } from './config.ts';
import { readOrCreate } from './local-keys.ts';

const dir = path.join(repoRoot, 'scripts', 'stack', 'platform');

export const PLATFORM_EXTENSIONS = [
  { extension: 'pg_cron', schema: 'cron', file: 'cron.sql' },
  { extension: 'pg_net', schema: 'net', file: 'net.sql' },
  { extension: 'supabase_vault', schema: 'vault', file: 'vault.sql' },
] as const;

/**
 * Installs the stand-in of each platform extension that is neither available on this server
 * nor already present (as the extension or an earlier stand-in). Run by a superuser, as the
 * platform would. Returns the schemas it created.
 */
export async function installPlatformStandIns(client: pg.Client): Promise<string[]> {
  const installed: string[] = [];
  for (const p of PLATFORM_EXTENSIONS) {
    const { rows: [r] } = await client.query<{ needed: boolean }>(
      `select to_regnamespace($1) is null
          and not exists (select from pg_available_extensions where name = $2) as needed`,
      [p.schema, p.extension],
    );
    if (!r!.needed) continue;
    await client.query('begin');
    try {
      await client.query(await readFile(path.join(dir, p.file), 'utf8'));
      await client.query('commit');
    } catch (err) {
      await client.query('rollback');
      throw new Error(`stand-in ${p.file} failed: ${(err as Error).message}`);
    }
    installed.push(p.schema);
  }
  return installed;
}

/**
 * Creates a Vault secret by name through Vault's own functions; an existing one is replaced
 * when `replace`, else kept (a key that data is encrypted with is never overwritten).
 */
export async function putVaultSecret(
  client: pg.Client,
  secret: { name: string; value: string; description: string; replace: boolean },
): Promise<void> {
  const { rows } = await client.query<{ id: string }>('select id from vault.secrets where name = $1', [secret.name]);
  if (rows[0] && secret.replace) {
    await client.query('select vault.update_secret($1::uuid, new_secret := $2)', [rows[0].id, secret.value]);
  } else if (!rows[0]) {
    await client.query('select vault.create_secret(new_secret := $1, new_name := $2, new_description := $3)', [secret.value, secret.name, secret.description]);
  }
}

/**
 * The local stack's scheduler secret (Vault `scheduler_secret`, the functions' env
 * HCP_SCHEDULER_SECRET): made once in .local/keys/ so `npm run db:reset` and a restarted stack
 * agree with the running functions; HCP_SCHEDULER_SECRET overrides it.
 */
export function schedulerSecret(): string {
  const fromEnv = process.env.HCP_SCHEDULER_SECRET;
  const secret = (fromEnv && fromEnv !== '' ? fromEnv : readOrCreate('scheduler-secret', () => randomBytes(32).toString('hex') + '\n')).trim();
  if (secret.length < 32) throw new Error('the scheduler secret must be at least 32 characters (HCP_SCHEDULER_SECRET or .local/keys/scheduler-secret)');
  return secret;
}
