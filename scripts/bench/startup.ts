/**
 * Benchmark 4: `npm start` from a fresh data directory to its "ready" line, against a second
 * start on the data directory the first one left (the warm restart); and the WeChat package:
 * the main package's bytes against the 2 MB limit (package-size.ts).
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../stack/config.ts';
import { h5BuildIsStale } from '../stack/h5-build.ts';
import { freePorts } from '../stack/ports.ts';

export interface StartRun {
  /** Spawn to the "is running" line, ms. */
  readyMs: number;
  /** "Starting the local stack" to ready, ms (leaves out an H5 build). */
  stackMs: number;
  /** What npm start printed about itself ("ready in N s"). */
  selfReported: string;
  /** It built the H5 app first (its sources were newer than the build). */
  builtH5: boolean;
  /** Ctrl-C to exit, ms. */
  stopMs: number;
}

/** Process groups of `npm start` runs still going: killed by stopStartRuns() on an early exit. */
const running = new Set<number>();
let scratchDir: string | undefined;

export function stopStartRuns(): void {
  for (const pgid of running) {
    try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone */ }
  }
  running.clear();
  if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
  scratchDir = undefined;
}

/** Starts `npm start` in its own process group, waits for ready, then Ctrl-C (SIGINT to the group). */
function startOnce(env: NodeJS.ProcessEnv, log: (l: string) => void): Promise<StartRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // What `npm start` runs, without npm in between (npm exits at Ctrl-C before its child has stopped).
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running.add(child.pid!);
    let output = '';
    let readyMs = 0;
    let stackAt = 0;
    let stopAt = 0;
    const killGroup = (signal: NodeJS.Signals) => {
      try { process.kill(-child.pid!, signal); } catch { /* already gone */ }
    };
    const timer = setTimeout(() => { log('  npm start did not become ready in 5 minutes'); killGroup('SIGKILL'); }, 300_000);
    const onData = (c: Buffer) => {
      output += c.toString('utf8');
      if (!stackAt && output.includes('Starting the local stack')) stackAt = performance.now();
      if (!readyMs && output.includes('Ctrl-C stops everything')) {
        readyMs = performance.now() - t0;
        stopAt = performance.now();
        killGroup('SIGINT'); // what Ctrl-C in a terminal does
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', () => {
      clearTimeout(timer);
      const stopMs = performance.now() - stopAt;
      // Whatever is left in the group (nothing, if the stop is clean) goes now.
      let left = true;
      try { process.kill(-child.pid!, 0); } catch { left = false; }
      if (left) log('  processes of npm start were still running after it exited: killed');
      killGroup('SIGKILL');
      running.delete(child.pid!);
      if (!readyMs) return reject(new Error(`npm start exited before ready:\n${output.slice(-2000)}`));
      resolve({
        readyMs,
        stackMs: readyMs - (stackAt - t0),
        selfReported: /ready in ([\d.]+ s)/.exec(output)?.[1] ?? '?',
        builtH5: output.includes('Building the H5 app'),
        stopMs,
      });
    });
  });
}

export interface StartResult {
  cold: StartRun;
  warm: StartRun;
}

/**
 * Refuses when the H5 build is stale: `npm start` would build it in the background (issue 14.9;
 * the build's CPU would be timed into the start), into the miniapp/dist/h5 other work on this
 * checkout may be using.
 */
export async function benchStart(log: (l: string) => void, opts: { allowH5Build: boolean }): Promise<StartResult> {
  if (h5BuildIsStale() && !opts.allowH5Build) {
    throw new Error('the H5 build is older than its sources, so npm start would build it (in the background): run `npm run build:h5`, or pass --allow-h5-build to time that too');
  }
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'hcp-bench-start-'));
  scratchDir = scratch;
  chmodSync(scratch, 0o755); // the postgres user must reach the data directory inside
  try {
    const ports = await freePorts();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HCP_DATA_DIR: path.join(scratch, 'data'),
      HCP_STATE_FILE: path.join(scratch, 'stack.json'),
      HCP_API_PORT: String(ports.gateway),
      HCP_DB_PORT: String(ports.postgres),
      HCP_H5_PORT: String(ports.h5),
      HCP_POSTGREST_PORT: String(ports.postgrest),
      HCP_FUNCTIONS_PORT: String(ports.functions),
    };
    const cold = await startOnce(env, log);
    log(`  cold start: ready after ${(cold.readyMs / 1000).toFixed(1)} s${cold.builtH5 ? ' (built the H5 app first)' : ''}`);
    const warm = await startOnce(env, log);
    log(`  warm start: ready after ${(warm.readyMs / 1000).toFixed(1)} s`);
    return { cold, warm };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    scratchDir = undefined;
  }
}

export const weappDist = path.join(repoRoot, 'miniapp', 'dist', 'weapp');
export const weappBuilt = () => existsSync(path.join(weappDist, 'app.json'));
