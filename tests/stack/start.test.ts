/**
 * `npm start` as a developer uses it: a fresh data directory comes up with demo data,
 * `npm run status` prints the keys, a second start refuses, `npm run db:reset` works,
 * Ctrl-C leaves no process behind, and a restart keeps the data without re-seeding.
 * The first start is a fresh clone's: no H5 build (HCP_H5_DIST_DIR, an empty directory, so the
 * repository's miniapp/dist/h5 that other tiers serve is never touched): the API answers while
 * the H5 app builds in the background, and the H5 URL is announced when it is ready.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePorts } from '../../scripts/stack/ports.ts';

// The first start builds the H5 app (~1 min alone, several on a loaded 2-core machine).
jest.setTimeout(900_000);

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
    HCP_H5_DIST_DIR: path.join(scratch, 'h5'),
    HCP_API_PORT: String(ports.gateway),
    HCP_DB_PORT: String(ports.postgres),
    HCP_H5_PORT: String(ports.h5),
    HCP_POSTGREST_PORT: String(ports.postgrest),
    HCP_FUNCTIONS_PORT: String(ports.functions),
  };
});

const script = (name: string, args: string[] = []) => [process.execPath, ['--import', 'tsx', `scripts/${name}.ts`, ...args]] as const;

function start(extraEnv: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string; ready: Promise<void> } {
  const [cmd, args] = script('start');
  const child = spawn(cmd, args, { cwd: repo, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** Resolves when `text` appears in the output; fails after `ms`. */
async function outputHas(output: () => string, text: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!output().includes(text)) {
    if (Date.now() > until) throw new Error(`no "${text}" after ${ms / 1000} s:\n${output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
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
  // By default the stack signs ES256: JWT_SECRET is the private JWK ($'…' quoted), JWKS_URL its public half.
  if (vars.JWT_SECRET!.startsWith("$'{")) {
    const signing = JSON.parse(vars.JWT_SECRET!.slice(2, -1)) as Record<string, string>;
    const jwks = (await (await fetch(vars.JWKS_URL!)).json()) as { keys: Array<Record<string, string>> };
    expect(jwks.keys).toEqual([{ kty: 'EC', crv: 'P-256', x: signing.x, y: signing.y, kid: signing.kid, alg: 'ES256', use: 'sig' }]);
    expect(JSON.parse(Buffer.from(vars.ANON_KEY!.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'ES256', kid: signing.kid });
  }

  // The identity stand-ins' settings, one line each (PEM keys in $'…' quoting) for `eval`.
  expect(vars.IDP_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(vars.ALIPAY_PRIVATE_KEY).toMatch(/^\$'-----BEGIN PRIVATE KEY-----\\n.+\\n-----END PRIVATE KEY-----(\\n)?'$/);

  // The API answers while the H5 app is still building; the H5 port says so meanwhile.
  expect(out).toContain('(building: answers 正在构建 until it is ready)');
  expect(out).not.toContain('H5 app ready');
  const building = await fetch(`http://127.0.0.1:${env.HCP_H5_PORT}/`);
  expect(building.status).toBe(503);
  expect(building.headers.get('retry-after')).toBe('3');
  expect(await building.text()).toContain('正在构建');
  const early = await fetch(`${vars.API_URL}/rest/v1/units?select=name&limit=1`, { headers: { apikey: vars.ANON_KEY! } });
  expect(early.status).toBe(200);
  const personas = await fetch(`${vars.API_URL}/functions/v1/auth-dev`, { headers: { apikey: vars.ANON_KEY! } });
  expect(personas.status).toBe(200);
  expect(first.output()).not.toContain('H5 app ready');
  await outputHas(first.output, `H5 app ready: http://127.0.0.1:${env.HCP_H5_PORT}`, 840_000);
  expect(existsSync(path.join(env.HCP_H5_DIST_DIR!, 'index.html'))).toBe(true);

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
  // The build the first start made is current: no second build, the H5 app served at once.
  expect(again.output()).not.toContain('Building the H5 app');
  expect((await fetch(`http://127.0.0.1:${env.HCP_H5_PORT}/`)).status).toBe(200);
  const kids = descendants(again.child.pid!);
  await stop(again.child);
  expect(kids.filter(alive)).toEqual([]);

  // Ctrl-C while the H5 app builds in the background (a fresh H5 directory again) ends the
  // build's processes too (npm, taro, webpack's workers), not only the stack's.
  const building2 = start({ HCP_H5_DIST_DIR: path.join(scratch, 'h5-again') });
  await building2.ready;
  await outputHas(building2.output, 'Building the H5 app in the background', 30_000);
  let buildKids: number[] = [];
  for (let i = 0; i < 100 && buildKids.length === 0; i++) {
    buildKids = descendants(building2.child.pid!).filter((pid) => {
      try { return /taro|npm/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8')); } catch { return false; }
    });
    if (buildKids.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  expect(buildKids.length).toBeGreaterThan(0);
  const all = descendants(building2.child.pid!);
  expect(await stop(building2.child)).not.toBe(null);
  expect(all.filter(alive)).toEqual([]);
  expect(building2.output()).not.toContain('H5 app ready');
});
