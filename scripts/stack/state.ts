/**
 * The running `npm start` describes itself in .local/stack.json: `npm run status` and
 * `npm run db:reset` read it, and a second `npm start` finds it and refuses to start twice.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stateFile } from './config.ts';

export interface StackState {
  pid: number;
  apiUrl: string;
  dbUrl: string;
  h5Url: string | undefined;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  /** The identity stand-ins' settings (WeChat, Alipay, identity platform) the functions tier needs. */
  identityEnv?: Record<string, string>;
  dataDir: string;
  startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The state of a stack that is still running, or undefined (a stale file is ignored). */
export async function readRunningState(): Promise<StackState | undefined> {
  if (!existsSync(stateFile)) return undefined;
  const state = JSON.parse(await readFile(stateFile, 'utf8')) as StackState;
  return alive(state.pid) ? state : undefined;
}

export async function writeState(state: StackState): Promise<void> {
  await mkdir(path.dirname(stateFile), { recursive: true });
  await writeFile(stateFile, JSON.stringify(state, null, 2) + '\n');
}

export async function clearState(pid: number): Promise<void> {
  if (!existsSync(stateFile)) return;
  const state = JSON.parse(await readFile(stateFile, 'utf8')) as StackState;
  if (state.pid === pid) await rm(stateFile, { force: true });
}
