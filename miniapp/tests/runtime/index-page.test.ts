/**
 * The BUILT WeChat and Alipay bundles (miniapp/dist/weapp, miniapp/dist/alipay) against the REAL
 * stack: the index page lists the seeded personas, a tap logs in and shows whoami() and the
 * units of the user's region, a stored session is resumed, and an expired or rejected token
 * leads back to the persona list. See ./harness.ts for how a bundle runs in node:vm.
 */
import { SignJWT } from 'jose';
import { DevLoginResponse, PersonaList } from '../../../shared/schemas.ts';
import { login } from '../../../tests/support/api.ts';
import { stackEnv } from '../../../tests/support/env.ts';
import { assertBuiltFor, BAKED_API_URL, MiniProgram, PLATFORMS, type Platform, type RecordedRequest, type RenderedNode } from './harness.ts';

jest.setTimeout(30_000);

const SESSION_KEY = 'hcp.session';
const CITIZEN_LABEL = '群众 李*梅（已实名）';
const STAFF_LABEL = '临翔区市场监督管理局 窗口工作人员 杨*';
const EXPIRED_NOTICE = '登录已过期，请重新登录';
const LOGOUT = '退出登录';

const running: MiniProgram[] = [];

function launch(platform: Platform, storage?: Record<string, unknown>): MiniProgram {
  const mp = new MiniProgram({ platform, apiUrl: stackEnv.apiUrl, storage });
  running.push(mp);
  return mp.launch();
}

afterEach(() => {
  for (const mp of running.splice(0)) mp.close();
});

// The bundles must carry this stack's anon key. A cold edge function can take several seconds
// to answer its first request: warm it up here, so the waits below measure the app, not Deno.
beforeAll(async () => {
  for (const platform of PLATFORMS) assertBuiltFor(platform, stackEnv.anonKey);
  const res = await fetch(`${stackEnv.apiUrl}/functions/v1/auth-dev`, { headers: { apikey: stackEnv.anonKey } });
  expect(res.status).toBe(200);
  await res.text();
});

function only<T>(items: readonly T[], what: string): T {
  if (items.length !== 1) throw new Error(`expected exactly one ${what}, got ${items.length}`);
  return items[0] as T;
}

/** A persona button or other tappable node, by its exact text. */
function node(mp: MiniProgram, text: string): RenderedNode {
  const found = mp.findByText(text);
  if (!found) throw new Error(`${mp.platform}: no node with text "${text}" in ${JSON.stringify(mp.texts())}`);
  return found;
}

function expectGatewayHeaders(req: RecordedRequest, bearer: string): void {
  expect(req.headers.apikey).toBe(stackEnv.anonKey);
  expect(req.headers.authorization).toBe(`Bearer ${bearer}`);
  // The fetch shim always asks for the raw text and parses it itself.
  expect(req.dataType).toBe('text');
  expect(req.responseType).toBe('text');
}

/** Nothing thrown, no unhandled rejection, no console.error, no platform API the harness lacks. */
function expectNoErrors(mp: MiniProgram): void {
  expect(mp.errors).toEqual([]);
  expect(mp.console.filter((c) => c.level === 'error')).toEqual([]);
  expect(mp.unimplementedCalls).toEqual([]);
}

/** Every request went to the baked-in gateway, never to Supabase Auth or realtime. */
function expectOnlyGatewayCalls(mp: MiniProgram): void {
  for (const r of mp.requests) {
    expect(r.url.startsWith(`${BAKED_API_URL}/functions/v1/`) || r.url.startsWith(`${BAKED_API_URL}/rest/v1/`)).toBe(true);
  }
}

async function personaLabels(): Promise<string[]> {
  const res = await fetch(`${stackEnv.apiUrl}/functions/v1/auth-dev`, { headers: { apikey: stackEnv.anonKey } });
  return PersonaList.parse(await res.json()).personas.map((p) => p.label);
}

function storedSession(login: DevLoginResponse, expiresAt = Date.now() + login.expires_in * 1000) {
  return { access_token: login.access_token, expires_at: expiresAt, user: login.user };
}

/** A token the gateway's secret signed, but whose `exp` has passed. */
async function expiredToken(userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'authenticated', aud: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt(now - 7200)
    .setExpirationTime(now - 3600)
    .sign(new TextEncoder().encode(stackEnv.jwtSecret));
}

/** What the signed-in staff member of 临翔区 sees once whoami() and units have answered. */
async function expectStaffDashboard(mp: MiniProgram, token: string): Promise<void> {
  await mp.waitFor(() => mp.texts().includes('杨*') && mp.findByClass('units__item').length > 0, { what: 'the dashboard of 杨*' });
  const text = mp.text();
  expect(text).toContain(`已登录：${STAFF_LABEL}`);
  expect(mp.texts()).toEqual(expect.arrayContaining(['杨*', '窗口工作人员', '所属单位：临翔区市场监督管理局', '所在地区：临翔区', LOGOUT]));
  expect(mp.findByClass('units__name').map((n) => n.cn?.[0]?.v)).toContain('临翔区市场监督管理局');
  // The smoke script's check, on the raw setData payloads.
  const payloads = JSON.stringify(mp.payloads);
  for (const want of ['杨*', '窗口工作人员', '临翔区市场监督管理局']) expect(payloads).toContain(want);

  const whoami = only(mp.requestsTo('/rest/v1/rpc/whoami'), 'whoami request');
  expect(whoami.method).toBe('POST');
  expect(whoami.status).toBe(200);
  expectGatewayHeaders(whoami, token);
  const units = only(mp.requestsTo('/rest/v1/units'), 'units request');
  expect(units.method).toBe('GET');
  expect(units.status).toBe(200);
  expect(units.url).toContain('region_code=eq.530902');
  expectGatewayHeaders(units, token);
}

describe.each(PLATFORMS)('the %s bundle against the real stack', (platform) => {
  test('launches and lists the seeded personas', async () => {
    const mp = launch(platform);
    await mp.waitForText(STAFF_LABEL);

    const req = only(mp.requests, 'request');
    expect(req).toMatchObject({ method: 'GET', url: `${BAKED_API_URL}/functions/v1/auth-dev`, status: 200 });
    expect(req.forwardedUrl).toBe(`${stackEnv.apiUrl}/functions/v1/auth-dev`);
    // Before login the anon key is both the apikey and the bearer.
    expectGatewayHeaders(req, stackEnv.anonKey);

    const buttons = mp.findByClass('picker__persona');
    expect(buttons.map((b) => b.cn?.[0]?.v)).toEqual(await personaLabels());
    expect(mp.texts()).toEqual(expect.arrayContaining([CITIZEN_LABEL, STAFF_LABEL, '选择演示账号登录']));
    expect(mp.findByClass('status--loading')).toEqual([]);
    const payloads = JSON.stringify(mp.payloads);
    expect(payloads).toContain(CITIZEN_LABEL);
    expect(payloads).toContain(STAFF_LABEL);
    expect(mp.stored(SESSION_KEY)).toBeUndefined();
    expect(mp.console).toEqual([]);
    expectNoErrors(mp);
  });

  test('a tap on a persona logs in through auth-dev, then whoami() and units use the new token; logout returns', async () => {
    const mp = launch(platform);
    await mp.waitForText(STAFF_LABEL);
    mp.tap(node(mp, STAFF_LABEL));

    await mp.waitFor(() => mp.requestsTo('/functions/v1/auth-dev', 'POST').some((r) => r.status !== undefined), { what: 'the login answer' });
    const loginReq = only(mp.requestsTo('/functions/v1/auth-dev', 'POST'), 'login request');
    expect(loginReq.status).toBe(200);
    expect(JSON.parse(loginReq.body ?? 'null')).toEqual({ persona: 'staff-linxiang' });
    expectGatewayHeaders(loginReq, stackEnv.anonKey);
    const session = DevLoginResponse.parse(JSON.parse(loginReq.responseBody ?? 'null'));

    await expectStaffDashboard(mp, session.access_token);
    expect(mp.stored(SESSION_KEY)).toMatchObject({ access_token: session.access_token, user: { key: 'staff-linxiang', label: STAFF_LABEL } });
    expectOnlyGatewayCalls(mp);

    mp.tap(node(mp, LOGOUT));
    await mp.waitFor(() => mp.requestsTo('/functions/v1/auth-dev', 'GET').length === 2 && mp.texts().includes(CITIZEN_LABEL), {
      what: 'the persona list after logout',
    });
    expect(mp.text()).not.toContain('已登录');
    expect(mp.stored(SESSION_KEY)).toBeUndefined();
    expect(mp.console).toEqual([]);
    expectNoErrors(mp);
  });

  test('a session stored by an earlier run is resumed without the persona list', async () => {
    const session = await login('staff-linxiang');
    const mp = launch(platform, { [SESSION_KEY]: storedSession(session) });

    await expectStaffDashboard(mp, session.access_token);
    expect(mp.requestsTo('/functions/v1/')).toEqual([]);
    expect(mp.findByClass('picker')).toEqual([]);
    expectOnlyGatewayCalls(mp);
    expect(mp.console).toEqual([]);
    expectNoErrors(mp);
  });

  test('a stored session past its expiry is dropped at launch: persona list, no call as that user', async () => {
    const session = await login('staff-linxiang');
    const mp = launch(platform, { [SESSION_KEY]: storedSession(session, Date.now() - 1_000) });

    await mp.waitForText(CITIZEN_LABEL);
    expect(mp.requestsTo('/rest/v1/')).toEqual([]);
    expect(mp.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${stackEnv.anonKey}`]);
    expect(mp.text()).not.toContain('已登录');
    expect(mp.stored(SESSION_KEY)).toBeUndefined();
    expectNoErrors(mp);
  });

  test.each([
    ['an expired token', async (userId: string) => expiredToken(userId)],
    ['a token the gateway cannot verify', async () => 'not-a-jwt'],
  ])('%s in a fresh-looking session leads back to the persona list with a notice', async (_name, makeToken) => {
    const session = await login('staff-linxiang');
    const token = await makeToken(session.user.user_id);
    const mp = launch(platform, { [SESSION_KEY]: storedSession({ ...session, access_token: token }) });

    await mp.waitFor(() => mp.texts().includes(EXPIRED_NOTICE) && mp.texts().includes(CITIZEN_LABEL), {
      what: 'the expiry notice above the persona list',
    });
    const whoami = only(mp.requestsTo('/rest/v1/rpc/whoami'), 'whoami request');
    expect(whoami.status).toBe(401);
    expectGatewayHeaders(whoami, token);
    // The dashboard gave up after whoami(): no units request, and the list loaded anonymously.
    expect(mp.requestsTo('/rest/v1/units')).toEqual([]);
    expect(only(mp.requestsTo('/functions/v1/auth-dev', 'GET'), 'persona list request').headers.authorization).toBe(`Bearer ${stackEnv.anonKey}`);
    expect(mp.text()).not.toContain('已登录');
    expect(mp.findByClass('picker__notice')).toHaveLength(1);
    expect(mp.stored(SESSION_KEY)).toBeUndefined();
    // useAsync reports the failure once, as a warning with the error code.
    expect(mp.console).toEqual([expect.objectContaining({ level: 'warn', text: expect.stringContaining('[hcp] unauthorized') })]);
    expectNoErrors(mp);
  });
});
