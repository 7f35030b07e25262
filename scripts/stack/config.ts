/**
 * Ports, paths and secrets of the local stack, read once from the environment.
 * Every script (start, status, db:reset, test) takes its settings from here so that
 * a port override reaches all of them.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Supabase CLI's well-known local HS256 secret. The stack no longer signs with it (its default
 * is an ES256 key, local-keys.ts jwtSecret()); tests forge tokens with it to prove they are refused.
 */
export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

export interface StackPorts {
  gateway: number;
  postgres: number;
  h5: number;
  /** Internal services behind the gateway. */
  postgrest: number;
  functions: number;
}

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new Error(`${name}=${raw} is not a TCP port (1–65535)`);
  }
  return n;
}

/** Ports of `npm start`; SPEC §4 fixes the defaults of the first three. */
export function startPorts(): StackPorts {
  return {
    gateway: port('HCP_API_PORT', 54321),
    postgres: port('HCP_DB_PORT', 54322),
    h5: port('HCP_H5_PORT', 10086),
    postgrest: port('HCP_POSTGREST_PORT', 54323),
    functions: port('HCP_FUNCTIONS_PORT', 54324),
  };
}

/** The persistent data directory of `npm start`. */
export function dataDir(): string {
  return path.resolve(process.env.HCP_DATA_DIR ?? path.join(repoRoot, '.local', 'data'));
}

/** Where the running stack describes itself for `npm run status` and `npm run db:reset`. */
export const stateFile = path.resolve(process.env.HCP_STATE_FILE ?? path.join(repoRoot, '.local', 'stack.json'));

export const DB_USER = 'postgres';
export const DB_PASSWORD = 'postgres';
export const DB_NAME = 'postgres';

export function dbUrl(pgPort: number, database = DB_NAME): string {
  return `postgresql://${DB_USER}:${DB_PASSWORD}@127.0.0.1:${pgPort}/${database}`;
}

/** Password of PostgREST's login role; local only. */
export const AUTHENTICATOR_PASSWORD = 'authenticator-local-password';
