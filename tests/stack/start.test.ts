/**
 * `npm start` as a developer uses it: a fresh data directory comes up with demo data,
 * `npm run status` prints the keys, a second start refuses, `npm run db:reset` works,
 * Ctrl-C leaves no process behind, and a restart keeps the data without re-seeding.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePorts } from '../../scripts/stack/ports.ts';

jest.setTimeout(180_000);

const repo = path.resolve(__dirname, '..', '..');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'hcp-start-test-'));
chmodSync(scratch, 0o755);

let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  const ports = await freePorts();
  env = {
    ...process.env,
    HCP_DATA_DIR: path.join(scratch, 'data'),
    HCP_STATE_FILE: path.join(scratch, 'stack.json'),
    HCP_API_PORT: String(ports.gateway),
    HCP_DB_PORT: String(ports.postgres),
    HCP_H5_PORT: String(ports.h5),
    HCP_POSTGREST_PORT: String(ports.postgrest),
    HCP_FUNCTIONS_PORT: String(ports.functions),
  };
});

const script = (name: string, args: string[] = []) => [process.execPath, ['--import', 'tsx', `scripts/${name}.ts`, ...args]] as const;

function start(): { child: ChildProcess; output: () => string; ready: Promise<void> } {
  const [cmd, args] = script('start');
  const child = spawn(cmd, args, { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer) => {
      output += c.toString('utf8');
      if (output.includes('Ctrl-C stops everything')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`npm start exited ${code}:\n${output}`)));
  });
  return { child, output: () => output, ready };
}

/** Every process below `pid`, from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch { /* the process ended while we looked */ }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parents) if (parent === p) { found.push(child); walk(child); }
  };
  walk(pid);
  return found;
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

test('a fresh data directory: start, status, refuse a second start, reset, stop cleanly, restart', async () => {
  const first = start();
  await first.ready;
  const out = first.output();
  expect(out).toContain('demo data seeded');
  for (const persona of ['citizen-a', 'citizen-b', 'citizen-anon', 'staff-linxiang', 'unit-admin-linxiang', 'staff-fengqing', 'supervisor-city', 'supervisor-fengqing']) {
    expect(out).toContain(persona);
  }

  const [statusCmd, statusArgs] = script('status');
  const status = spawnSync(statusCmd, statusArgs, { cwd: repo, env, encoding: 'utf8' });
  expect(status.status).toBe(0);
  const vars = Object.fromEntries(status.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  expect(vars.API_URL).toBe(`http://127.0.0.1:${env.HCP_API_PORT}`);
  expect(vars.DB_URL).toContain(`:${env.HCP_DB_PORT}/postgres`);
  for (const key of ['ANON_KEY', 'SERVICE_ROLE_KEY', 'JWT_SECRET']) expect(vars[key]?.length).toBeGreaterThan(30);

  // The identity stand-ins' settings, one line each (PEM keys in $'…' quoting) for `eval`.
  expect(vars.IDP_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(vars.ALIPAY_PRIVATE_KEY).toMatch(/^\$'-----BEGIN PRIVATE KEY-----\\n.+\\n-----END PRIVATE KEY-----(\\n)?'$/);

  const page = await fetch(`http://127.0.0.1:${env.HCP_H5_PORT}/`);
  const html = await page.text();
  expect(html).toContain(`"apiUrl":"${vars.API_URL}"`);
  expect(html).toContain(`"idpUrl":"${vars.IDP_BASE_URL}"`);
  const units = await fetch(`${vars.API_URL}/rest/v1/units?select=name&region_code=eq.530902`, { headers: { apikey: vars.ANON_KEY! } });
  expect(units.status).toBe(200);

  const [startCmd, startArgs] = script('start');
  const second = spawnSync(startCmd, startArgs, { cwd: repo, env, encoding: 'utf8', timeout: 60_000 });
  expect(second.status).toBe(1);
  expect(second.stderr).toContain('already running');

  const [resetCmd, resetArgs] = script('db-reset');
  const reset = spawnSync(resetCmd, resetArgs, { cwd: repo, env, encoding: 'utf8', timeout: 60_000 });
  expect(reset.stdout + reset.stderr).toContain('demo data seeded');
  // PostgREST reconnects to the recreated database.
  let afterReset = 0;
  for (let i = 0; i < 100 && afterReset !== 200; i++) {
    afterReset = (await fetch(`${vars.API_URL}/rest/v1/units?select=name`, { headers: { apikey: vars.ANON_KEY! } })).status;
    if (afterReset !== 200) await new Promise((r) => setTimeout(r, 100));
  }
  expect(afterReset).toBe(200);

  const children = descendants(first.child.pid!);
  expect(children.length).toBeGreaterThanOrEqual(3); // postgres, postgrest, deno
  expect(await stop(first.child)).not.toBe(null);
  const leftover = children.filter(alive);
  expect(leftover).toEqual([]);
  expect(existsSync(env.HCP_STATE_FILE!)).toBe(false);

  const again = start();
  await again.ready;
  expect(again.output()).toContain('0 migrations applied');
  expect(again.output()).not.toContain('demo data seeded');
  const kids = descendants(again.child.pid!);
  await stop(again.child);
  expect(kids.filter(alive)).toEqual([]);
});
