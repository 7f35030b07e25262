/**
 * Child services (PostgREST, Deno) with readiness checks and a stop that waits for the exit,
 * so that stopping the stack leaves no process behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface RunningChild {
  name: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Recent output of a child, shown when it fails to become ready. */
function tail(lines: string[], line: string, keep = 40) {
  lines.push(line);
  if (lines.length > keep) lines.shift();
}

export async function startChild(opts: {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Resolves once the service answers; polled until timeoutMs. */
  ready: () => Promise<boolean>;
  timeoutMs?: number;
  log?: (line: string) => void;
}): Promise<RunningChild> {
  const recent: string[] = [];
  const child = spawn(opts.command, opts.args, {
    env: opts.env,
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      tail(recent, line);
      opts.log?.(`[${opts.name}] ${line}`);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));

  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  while (!(await opts.ready().catch(() => false))) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `${opts.name} ${exited ? `exited (code ${child.exitCode})` : 'did not become ready'}; last output:\n` +
          recent.join('\n'),
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    name: opts.name,
    process: child,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** True when GET url answers with any HTTP status below 500. */
export async function answers(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await res.arrayBuffer();
  return res.status < 500;
}
