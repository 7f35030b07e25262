/**
 * `npm start`: the whole system on this machine — PostgreSQL, PostgREST, the functions, the
 * gateway, the scheduler and the H5 app with demo data — until Ctrl-C.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import { dataDir, repoRoot, startPorts, type StackPorts } from './stack/config.ts';
import { jwtSecret } from './stack/local-keys.ts';
import { portInUse } from './stack/child.ts';
import { buildH5, h5BuildIsStale, type H5Build } from './stack/h5-build.ts';
import { startStack } from './stack/stack.ts';
import { clearState, readRunningState, writeState } from './stack/state.ts';

const logFile = path.join(repoRoot, '.local', 'stack.log');
mkdirSync(path.dirname(logFile), { recursive: true });
const log = (line: string) => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);

async function busyPorts(ports: StackPorts): Promise<string[]> {
  const busy: string[] = [];
  for (const [name, port] of Object.entries(ports)) {
    if (await portInUse(port)) busy.push(`${name} ${port}`);
  }
  return busy;
}

async function personas(apiUrl: string, anonKey: string): Promise<Array<{ key: string; label: string }>> {
  const res = await fetch(`${apiUrl}/functions/v1/auth-dev`, { headers: { apikey: anonKey } });
  if (!res.ok) return [];
  return ((await res.json()) as { personas: Array<{ key: string; label: string }> }).personas;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const running = await readRunningState();
  if (running) {
    console.error(
      `好差评 is already running (pid ${running.pid}, started ${running.startedAt}):\n` +
        `  H5 app  ${running.h5Url ?? '-'}\n  API     ${running.apiUrl}\n` +
        'Stop it with Ctrl-C in its terminal (or `kill ' + running.pid + '`) before starting another.',
    );
    process.exit(1);
  }
  const ports = startPorts();
  const busy = await busyPorts(ports);
  if (busy.length > 0) {
    console.error(
      `Cannot start: these ports are in use by another program: ${busy.join(', ')}.\n` +
        'Free them, or choose others with HCP_API_PORT, HCP_DB_PORT, HCP_H5_PORT, HCP_POSTGREST_PORT, HCP_FUNCTIONS_PORT.',
    );
    process.exit(1);
  }

  // A missing or stale H5 build (a fresh clone, changed sources) is built in the background once
  // the backend is up: the API answers within seconds, not after the ~1 min build, and the H5
  // port says 正在构建 meanwhile. Started after, not alongside, the backend: on a 2-core machine
  // the build would slow PostgreSQL, the migrations and Deno's cold start.
  const h5Stale = h5BuildIsStale();
  let settleH5: { resolve: () => void; reject: (err: Error) => void } | undefined;
  const h5Ready = h5Stale ? new Promise<void>((resolve, reject) => { settleH5 = { resolve, reject }; }) : undefined;
  let h5Build: H5Build | undefined;

  const dir = dataDir();
  console.log(`Starting the local stack on ${dir} (log: ${path.relative(process.cwd(), logFile)})…`);
  const stack = await startStack({ dataDir: dir, persistent: true, ports, jwtSecret: jwtSecret(), serveH5: true, h5Ready, functionJobs: true, log });
  let stopped = false;
  exitHook((done) => {
    if (stopped) return done();
    stopped = true;
    console.log('\nStopping…');
    (h5Build ? h5Build.stop() : Promise.resolve())
      .then(() => stack.stop())
      .then(() => clearState(process.pid))
      .catch((err: Error) => console.error(err.message))
      .finally(done);
  });
  await writeState({
    pid: process.pid,
    apiUrl: stack.apiUrl,
    dbUrl: stack.dbUrl,
    h5Url: stack.h5Url,
    anonKey: stack.anonKey,
    serviceRoleKey: stack.serviceRoleKey,
    jwtSecret: stack.jwtSecret,
    identityEnv: { ...stack.identityEnv },
    dataDir: dir,
    startedAt: new Date().toISOString(),
  });

  const applied = stack.migrations.applied.length;
  console.log(
    [
      '',
      `好差评 is running (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
        `${applied} migration${applied === 1 ? '' : 's'} applied${stack.migrations.seeded ? ', demo data seeded' : ''}).`,
      '',
      `  H5 app       ${stack.h5Url}${h5Stale ? '   (building: answers 正在构建 until it is ready)' : ''}`,
      `  API gateway  ${stack.apiUrl}   (/rest/v1 → PostgREST, /functions/v1 → Deno)`,
      `  Database     ${stack.dbUrl}`,
      '',
      'Demo personas (log in on the H5 app, or POST {"persona": "<key>"} to /functions/v1/auth-dev):',
      ...(await personas(stack.apiUrl, stack.anonKey)).map((p) => `  ${p.key.padEnd(22)} ${p.label}`),
      '',
      '`npm run status` prints the keys; `npm run db:reset` restores migrations + seed. Ctrl-C stops everything.',
    ].join('\n'),
  );

  if (h5Stale && !stopped) {
    const t1 = Date.now();
    console.log('Building the H5 app in the background (taro build --type h5; its output goes to the log)…');
    h5Build = buildH5(log);
    h5Build.done.then(
      () => {
        settleH5?.resolve();
        console.log(`H5 app ready: ${stack.h5Url} (built in ${((Date.now() - t1) / 1000).toFixed(1)} s; ${((Date.now() - t0) / 1000).toFixed(1)} s after npm start).`);
      },
      (err: Error) => {
        settleH5?.reject(err);
        if (!stopped) console.error(`${err.message}: see ${path.relative(process.cwd(), logFile)}. The API keeps running; fix the H5 sources and start again.`);
      },
    );
  }
}

main().catch((err: Error) => {
  console.error(`npm start failed: ${err.message}`);
  process.exit(1);
});
