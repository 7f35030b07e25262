/**
 * The BUILT WeChat and Alipay bundles against the REAL stack, from launch to a session: 首页 offers
 * the platform's one-tap login (wx.login → auth-wechat, my.getAuthCode → auth-alipay) and the
 * demo personas (auth-dev); a tap logs in; a stored session is resumed, refreshed through
 * auth-refresh when its access token expired, or dropped. See ./harness.ts.
 */
import { SignJWT } from 'jose';
import { SessionResponse } from '../../../shared/auth.ts';
import { DevLoginResponse } from '../../../shared/schemas.ts';
import { login } from '../../../tests/support/api.ts';
import { signJwt } from '../../../scripts/stack/keys.ts';
import { stackEnv } from '../../../tests/support/env.ts';
import { assertBuiltFor, BAKED_API_URL, PLATFORMS } from './harness.ts';
import {
  PLATFORM_LOGIN_LABEL,
  SESSION_KEY,
  bodyOf,
  closeAll,
  expectGatewayHeaders,
  expectNoErrors,
  expectOnlyGatewayCalls,
  launch,
  node,
  only,
  personaLabels,
  storedSession,
  warmUp,
} from './helpers.ts';

jest.setTimeout(30_000);

const CITIZEN_LABEL = '群众 王*（已实名）';
const STAFF_LABEL = '临翔区市场监督管理局 窗口工作人员 杨*';
const EXPIRED_NOTICE = '登录已过期，请重新登录';
const LOGOUT = '退出登录';

afterEach(closeAll);

beforeAll(async () => {
  for (const platform of PLATFORMS) assertBuiltFor(platform, stackEnv.anonKey);
  await warmUp();
});

/** A token the gateway's secret signed, but whose `exp` has passed. */
async function expiredToken(userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(new SignJWT({ role: 'authenticated', aud: 'authenticated' })
    .setSubject(userId)
    .setIssuedAt(now - 7200)
    .setExpirationTime(now - 3600), stackEnv.jwtSecret);
}

describe.each(PLATFORMS)('the %s bundle: login', (platform) => {
  const provider = platform === 'weapp' ? 'wechat' : 'alipay';

  test('launches on 首页 with the platform login and the demo personas; one request, nothing stored', async () => {
    const mp = launch(platform);
    await mp.waitForText(STAFF_LABEL);

    const req = only(mp.requests, 'request');
    expect(req).toMatchObject({ method: 'GET', url: `${BAKED_API_URL}/functions/v1/auth-dev`, status: 200 });
    expect(req.forwardedUrl).toBe(`${stackEnv.apiUrl}/functions/v1/auth-dev`);
    expectGatewayHeaders(req, stackEnv.anonKey);

    expect(mp.findByClass('picker__persona').map((b) => b.cn?.[0]?.v)).toEqual(await personaLabels());
    expect(mp.texts()).toEqual(expect.arrayContaining(['请先登录', PLATFORM_LOGIN_LABEL[platform], '评价结果公开（无需登录）']));
    expect(mp.findByClass('status--loading')).toEqual([]);
    expect(mp.stored(SESSION_KEY)).toBeUndefined();
    // The outbox listens for the network from launch on; the privacy check is hooked to our
    // pop-up, which is open (no consent yet), so no silent login was tried (issue 15.1, 15.5).
    expect(mp.platformCalls.map((c) => c.name)).toEqual(['onNetworkStatusChange', 'onNeedPrivacyAuthorization']);
    expect(mp.texts()).toContain('用户隐私保护指引');
    expect(mp.console).toEqual([]);
    expectNoErrors(mp);
  });

  test('a tap on a persona logs in; 首页 shows the name, 实名 and the pending count; logout returns', async () => {
    const mp = launch(platform);
    await mp.waitForText(CITIZEN_LABEL);
    mp.tap(node(mp, CITIZEN_LABEL));

    await mp.waitFor(() => mp.texts().some((t) => /^\d+ 件$/.test(t)), { what: 'the pending count on 首页' });
    const loginReq = only(mp.requestsTo('/functions/v1/auth-dev', 'POST'), 'login request');
    expect(loginReq.status).toBe(200);
    expect(bodyOf(loginReq)).toEqual({ persona: 'citizen-b' });
    const session = DevLoginResponse.parse(JSON.parse(loginReq.responseBody ?? 'null'));
    expect(mp.texts()).toEqual(expect.arrayContaining([`已登录：${CITIZEN_LABEL}`, '王*', '✓ 已实名', '所在地区：临翔区', '待评价', LOGOUT]));

    const whoami = only(mp.requestsTo('/rest/v1/rpc/whoami'), 'whoami request');
    expect(whoami).toMatchObject({ method: 'POST', status: 200 });
    expectGatewayHeaders(whoami, session.access_token);
    const pending = only(mp.requestsTo('/rest/v1/rpc/my_pending_ratings'), 'pending request');
    expectGatewayHeaders(pending, session.access_token);
    const count = JSON.parse(pending.responseBody ?? '[]') as unknown[];
    expect(mp.texts()).toContain(`${count.length} 件`);
    expect(mp.stored(SESSION_KEY)).toMatchObject({ provider: 'dev', access_token: session.access_token, refresh_token: null, user: { key: 'citizen-b', label: CITIZEN_LABEL } });
    expectOnlyGatewayCalls(mp);

    mp.tap(node(mp, LOGOUT));
    await mp.waitFor(() => mp.requestsTo('/functions/v1/auth-dev', 'GET').length === 2 && mp.texts().includes(STAFF_LABEL), {
      what: 'the persona list after logout',
    });
    expect(mp.text()).not.toContain('已登录');
    expect(mp.stored(SESSION_KEY)).toBeUndefined();
    expectNoErrors(mp);
  });

  test(`the platform login: a cancelled one says so and sends nothing; the platform code logs in at auth-${provider} with a refresh token`, async () => {
    const mp = launch(platform);
    await mp.waitForText(PLATFORM_LOGIN_LABEL[platform]);

    mp.loginAnswer = { fail: platform === 'weapp' ? { errMsg: 'login:fail cancel' } : { error: 11, errorMessage: '用户取消授权' } };
    mp.tap(node(mp, PLATFORM_LOGIN_LABEL[platform]));
    await mp.waitForText('您取消了登录，需要登录后才能评价');
    expect(mp.requestsTo(`/functions/v1/auth-${provider}`)).toEqual([]);

    // The local WeChat / Alipay stand-ins accept `dev-<name>` codes, once each (a stable account per name).
    const code = `dev-runtime-${platform}-${Date.now().toString(36)}`;
    mp.loginAnswer = { code };
    mp.tap(node(mp, PLATFORM_LOGIN_LABEL[platform]));
    await mp.waitFor(() => mp.texts().some((t) => /^\d+ 件$/.test(t)), { what: 'the signed-in 首页' });
    const calls = mp.platformCalls.filter((c) => c.name === (platform === 'weapp' ? 'login' : 'getAuthCode'));
    expect(calls).toHaveLength(2);
    if (platform === 'alipay') expect(calls[1]?.args).toEqual({ scopes: 'auth_base' });
    const req = only(mp.requestsTo(`/functions/v1/auth-${provider}`), `auth-${provider} request`);
    expect(req).toMatchObject({ method: 'POST', status: 200 });
    expect(bodyOf(req)).toEqual({ code });
    expectGatewayHeaders(req, stackEnv.anonKey);
    const answer = SessionResponse.parse(JSON.parse(req.responseBody ?? 'null'));
    expect(mp.stored(SESSION_KEY)).toMatchObject({ provider, access_token: answer.access_token, refresh_token: answer.refresh_token, user: { id: answer.user.id, key: null } });
    expectGatewayHeaders(only(mp.requestsTo('/rest/v1/rpc/whoami'), 'whoami request'), answer.access_token);
    // A new platform account has no real name bound yet.
    expect(mp.texts()).toContain('未实名');
    expectNoErrors(mp);
  });

  test('an expired access token is refreshed through auth-refresh before the first request; the rotated refresh token is kept', async () => {
    const first = launch(platform);
    await first.waitForText(PLATFORM_LOGIN_LABEL[platform]);
    first.loginAnswer = { code: `dev-refresh-${platform}-${Date.now().toString(36)}` };
    first.tap(node(first, PLATFORM_LOGIN_LABEL[platform]));
    await first.waitFor(() => first.texts().some((t) => /^\d+ 件$/.test(t)), { what: 'the signed-in 首页' });
    const stored = first.stored(SESSION_KEY) as { access_token: string; refresh_token: string; expires_at: number };
    closeAll();

    // The next launch, an hour later: the access token has expired, the refresh token has not.
    const mp = launch(platform, { [SESSION_KEY]: { ...stored, expires_at: Date.now() - 60_000 } });
    await mp.waitFor(() => mp.texts().some((t) => /^\d+ 件$/.test(t)), { what: '首页 after the refresh' });
    const refresh = only(mp.requestsTo('/functions/v1/auth-refresh'), 'refresh request');
    expect(refresh).toMatchObject({ method: 'POST', status: 200 });
    expect(bodyOf(refresh)).toEqual({ refresh_token: stored.refresh_token });
    const renewed = SessionResponse.parse(JSON.parse(refresh.responseBody ?? 'null'));
    expect(renewed.refresh_token).not.toBe(stored.refresh_token);
    // Both requests of 首页 waited for the one refresh and carried the new token.
    for (const r of mp.requestsTo('/rest/v1/')) expectGatewayHeaders(r, renewed.access_token);
    expect(mp.requestsTo('/rest/v1/').length).toBeGreaterThanOrEqual(2);
    expect(mp.stored(SESSION_KEY)).toMatchObject({ access_token: renewed.access_token, refresh_token: renewed.refresh_token });
    expectNoErrors(mp);
  });

  test('a stored session is resumed: 首页 without the login panel or any login call', async () => {
    const session = await login('citizen-b');
    const mp = launch(platform, { [SESSION_KEY]: storedSession(session) });
    await mp.waitFor(() => mp.texts().some((t) => /^\d+ 件$/.test(t)), { what: 'the pending count' });
    expect(mp.requestsTo('/functions/v1/')).toEqual([]);
    expect(mp.findByClass('login')).toEqual([]);
    expectOnlyGatewayCalls(mp);
    expect(mp.console).toEqual([]);
    expectNoErrors(mp);
  });

  test('a refresh token the server refuses ends in the login panel; the expired token never leaves the phone', async () => {
    const session = await login('citizen-b');
    const refreshToken = `rt-${'x'.repeat(40)}`;
    const mp = launch(platform, { [SESSION_KEY]: storedSession(session, Date.now() - 60_000, refreshToken) });
    await mp.waitFor(() => mp.requestsTo('/functions/v1/auth-refresh').some((r) => r.status !== undefined), { what: 'the refresh answer' });
    const refresh = only(mp.requestsTo('/functions/v1/auth-refresh'), 'refresh request');
    expect(refresh.method).toBe('POST');
    expect(bodyOf(refresh)).toEqual({ refresh_token: refreshToken });
    expect(refresh.status).toBeGreaterThanOrEqual(400);
    await mp.waitForText('请先登录');
    // The expired token never left the phone, and only one refresh was tried for the two requests of 首页.
    for (const r of mp.requestsTo('/rest/v1/')) expect(r.headers.authorization).not.toBe(`Bearer ${session.access_token}`);
    expect(mp.stored(SESSION_KEY)).toBeUndefined();
  });

  test('a stored session past its expiry without a refresh token is dropped at launch', async () => {
    const session = await login('citizen-b');
    const mp = launch(platform, { [SESSION_KEY]: storedSession(session, Date.now() - 1_000) });
    await mp.waitForText(CITIZEN_LABEL);
    expect(mp.requestsTo('/rest/v1/')).toEqual([]);
    expect(mp.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${stackEnv.anonKey}`]);
    expect(mp.stored(SESSION_KEY)).toBeUndefined();
    expectNoErrors(mp);
  });

  test.each([
    ['an expired token', async (userId: string) => expiredToken(userId)],
    ['a token the gateway cannot verify', async () => 'not-a-jwt'],
  ])('%s in a fresh-looking session leads back to the login panel with a notice', async (_name, makeToken) => {
    const session = await login('citizen-b');
    const token = await makeToken(session.user.user_id);
    const mp = launch(platform, { [SESSION_KEY]: storedSession({ ...session, access_token: token }) });

    await mp.waitFor(() => mp.texts().includes(EXPIRED_NOTICE) && mp.texts().includes(CITIZEN_LABEL), {
      what: 'the expiry notice above the persona list',
    });
    expect(mp.requestsTo('/rest/v1/rpc/whoami').map((r) => r.status)).toEqual([401]);
    expect(mp.text()).not.toContain('已登录');
    expect(mp.stored(SESSION_KEY)).toBeUndefined();
    expect(mp.console.every((c) => c.level === 'warn' && c.text.includes('[hcp] unauthorized'))).toBe(true);
    expectNoErrors(mp);
  });
});
