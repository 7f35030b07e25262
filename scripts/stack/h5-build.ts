/** Builds the H5 app when its output is missing or older than the sources it is built from. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './config.ts';
import { h5DistDir } from './stack.ts';

const SOURCES = ['miniapp/src', 'miniapp/config', 'miniapp/babel.config.js', 'miniapp/package.json', 'shared'];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(p).reduce((max, name) => Math.max(max, newestMtime(path.join(p, name))), st.mtimeMs);
}

export function h5BuildIsStale(): boolean {
  const index = path.join(h5DistDir, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(repoRoot, s)) > built);
}

export interface H5Build {
  /** Settles when the build ends: resolved when it succeeded. */
  done: Promise<void>;
  /** Ends the build and every process it started (npm, taro, webpack's workers). */
  stop(): Promise<void>;
}

/**
 * Runs `taro build --type h5` into h5DistDir, passing each line it prints to `onLine`. The build
 * runs in its own process group, so that stop() (npm start's Ctrl-C while it builds in the
 * background) ends all of it, not only npm.
 */
export function buildH5(onLine: (line: string) => void): H5Build {
  const child = spawn('npm', ['run', 'build:h5', '-w', 'miniapp'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production', HCP_MINIAPP_OUT_DIR: h5DistDir },
    detached: true,
  });
  const each = (chunk: Buffer) => chunk.toString('utf8').split('\n').filter(Boolean).forEach(onLine);
  child.stdout.on('data', each);
  child.stderr.on('data', each);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    void exited.then((code) => (code === 0 ? resolve() : reject(new Error(`H5 build failed (exit ${code})`))));
  });
  done.catch(() => {}); // the caller decides what a failure means; never an unhandled rejection
  const group = (signal: NodeJS.Signals) => {
    try { process.kill(-child.pid!, signal); } catch { /* the group is gone */ }
  };
  return {
    done,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return group('SIGKILL');
      group('SIGTERM');
      const timer = setTimeout(() => group('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      group('SIGKILL'); // webpack workers that outlived npm
    },
  };
}
