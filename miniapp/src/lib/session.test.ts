/**
 * Sessions and logins with Taro storage and the edge functions recorded: platform login trades
 * the code at auth-<provider>, an expired access token is refreshed once through auth-refresh
 * (even for concurrent requests), a refused refresh logs out, a refresh without network keeps
 * the session.
 */
import { AppError } from './errors.ts';

const mockStorage = new Map<string, unknown>();
const mockCalls: Array<{ name: string; body: unknown }> = [];
let mockAnswer: (name: string, body: unknown) => Promise<unknown> = () => Promise.reject(new Error('no answer set'));

jest.mock('@tarojs/taro', () => ({
  __esModule: true,
  default: {
    getStorageSync: (key: string) => (mockStorage.has(key) ? mockStorage.get(key) : ''),
    setStorageSync: (key: string, value: unknown) => mockStorage.set(key, JSON.parse(JSON.stringify(value))),
    removeStorageSync: (key: string) => mockStorage.delete(key),
  },
}));
jest.mock('./functions.ts', () => ({
  callFunction: (name: string, init: { method: string; body?: unknown }) => {
    mockCalls.push({ name, body: init.body });
    return mockAnswer(name, init.body);
  },
}));

// Imported after the mocks (babel-jest hoists jest.mock above these).
import { loginWithPlatform, devPersonas } from './auth/login.ts';
import type { PlatformLogin } from './auth/types.ts';
import { SESSION_KEY, loadSession, resetSessionCache, saveSession, sessionFromLogin, sessionFromPlatform, setSilentRelogin, validToken, type Session } from './session.ts';

const USER = '00000000-0000-4000-8000-000000000a01';
const NOW = 1_790_000_000_000;

function platformAnswer(token: string, refresh: string) {
  return { access_token: token, token_type: 'bearer' as const, expires_in: 3600, refresh_token: refresh, user: { id: USER, masked_name: '李*梅', realname_verified: true } };
}

const fakeWechat = (code = 'wx-code-1'): PlatformLogin => ({ provider: 'wechat', label: '微信一键登录', getCode: () => Promise.resolve(code) });

function session(over: Partial<Session> = {}): Session {
  return { provider: 'wechat', access_token: 'old-token', expires_at: NOW + 3_600_000, refresh_token: `refresh-${'a'.repeat(30)}`, user: { id: USER, label: '李*梅', realname_verified: true, key: null }, ...over };
}

beforeEach(() => {
  mockStorage.clear();
  mockCalls.length = 0;
  resetSessionCache();
});

test('a dev login and a platform login make the same session shape', () => {
  const dev = sessionFromLogin({ access_token: 't', token_type: 'bearer', expires_in: 60, user: { key: 'citizen-a', label: '群众 李*梅（已实名）', user_id: USER } }, NOW);
  expect(dev).toEqual({ provider: 'dev', access_token: 't', expires_at: NOW + 60_000, refresh_token: null, user: { id: USER, label: '群众 李*梅（已实名）', realname_verified: null, key: 'citizen-a' } });
  const wx = sessionFromPlatform('wechat', platformAnswer('t2', 'r'.repeat(24)) as never, NOW);
  expect(wx).toMatchObject({ provider: 'wechat', refresh_token: 'r'.repeat(24), user: { id: USER, label: '李*梅', realname_verified: true, key: null } });
  const unnamed = { ...platformAnswer('t3', 'r'.repeat(24)), user: { id: USER, masked_name: '', realname_verified: false } };
  expect(sessionFromPlatform('alipay', unnamed as never, NOW).user.label).toBe('支付宝用户');
});

test('loginWithPlatform trades the platform code at auth-wechat and stores the session', async () => {
  mockAnswer = async () => platformAnswer('new-token', `refresh-${'b'.repeat(30)}`);
  const s = await loginWithPlatform(fakeWechat('0a3Xk2000abc'), () => NOW);
  expect(mockCalls).toEqual([{ name: 'auth-wechat', body: { code: '0a3Xk2000abc' } }]);
  expect(s).toMatchObject({ provider: 'wechat', access_token: 'new-token', expires_at: NOW + 3_600_000 });
  expect(mockStorage.get(SESSION_KEY)).toEqual(s);
});

test('an answer that is not a session is an internal_error and stores nothing', async () => {
  mockAnswer = async () => ({ access_token: 'x' });
  await expect(loginWithPlatform(fakeWechat())).rejects.toMatchObject({ code: 'internal_error' });
  expect(mockStorage.has(SESSION_KEY)).toBe(false);
});

test('a cancelled platform login never calls the server', async () => {
  const cancelled: PlatformLogin = { provider: 'alipay', label: '支付宝授权登录', getCode: () => Promise.reject(AppError.of('login_cancelled')) };
  await expect(loginWithPlatform(cancelled)).rejects.toMatchObject({ code: 'login_cancelled' });
  expect(mockCalls).toEqual([]);
});

test('the demo personas are null where auth-dev does not exist (production), an error on no network', async () => {
  mockAnswer = () => Promise.reject(AppError.of('not_found'));
  await expect(devPersonas()).resolves.toBeNull();
  mockAnswer = () => Promise.reject(AppError.of('network_error'));
  await expect(devPersonas()).rejects.toMatchObject({ code: 'network_error' });
});

test('loadSession: a valid one is kept; an expired one without refresh token is dropped; with one it is kept for refreshing', () => {
  mockStorage.set(SESSION_KEY, session());
  expect(loadSession(NOW)?.access_token).toBe('old-token');
  resetSessionCache();
  mockStorage.set(SESSION_KEY, session({ provider: 'dev', refresh_token: null, expires_at: NOW - 1 }));
  expect(loadSession(NOW)).toBeNull();
  expect(mockStorage.has(SESSION_KEY)).toBe(false);
  resetSessionCache();
  mockStorage.set(SESSION_KEY, session({ expires_at: NOW - 1 }));
  expect(loadSession(NOW)?.refresh_token).toMatch(/^refresh-/);
  resetSessionCache();
  mockStorage.set(SESSION_KEY, { access_token: 'from an older app version' });
  expect(loadSession(NOW)).toBeNull();
});

test('validToken: a live token as is; an expired one refreshed once for concurrent requests, with the rotated refresh token kept', async () => {
  saveSession(session());
  await expect(validToken(NOW)).resolves.toBe('old-token');
  expect(mockCalls).toEqual([]);

  saveSession(session({ expires_at: NOW - 1 }));
  let release: () => void = () => undefined;
  mockAnswer = () => new Promise((resolve) => {
    release = () => resolve(platformAnswer('fresh-token', `refresh-${'c'.repeat(30)}`));
  });
  const a = validToken(NOW);
  const b = validToken(NOW);
  await Promise.resolve();
  release();
  expect(await Promise.all([a, b])).toEqual(['fresh-token', 'fresh-token']);
  expect(mockCalls).toEqual([{ name: 'auth-refresh', body: { refresh_token: `refresh-${'a'.repeat(30)}` } }]);
  expect(mockStorage.get(SESSION_KEY)).toMatchObject({ provider: 'wechat', access_token: 'fresh-token', refresh_token: `refresh-${'c'.repeat(30)}` });
});

test('a refused refresh logs out; a refresh without network keeps the session and says so', async () => {
  saveSession(session({ expires_at: NOW - 1 }));
  mockAnswer = () => Promise.reject(AppError.of('network_error'));
  await expect(validToken(NOW)).rejects.toMatchObject({ code: 'network_error' });
  expect(mockStorage.has(SESSION_KEY)).toBe(true);

  mockAnswer = () => Promise.reject(AppError.of('unauthorized'));
  await expect(validToken(NOW)).resolves.toBeNull();
  expect(mockStorage.has(SESSION_KEY)).toBe(false);
  expect(loadSession(NOW)).toBeNull();
});

test('H5 keeps the refresh token in memory only: storage (localStorage) never holds it; a mini-program stores it', () => {
  const before = process.env.TARO_ENV;
  try {
    process.env.TARO_ENV = 'h5';
    resetSessionCache();
    saveSession(session());
    expect(mockStorage.get(SESSION_KEY)).toMatchObject({ access_token: 'old-token', refresh_token: null });
    expect(JSON.stringify(mockStorage.get(SESSION_KEY))).not.toContain('refresh-');
    expect(loadSession(NOW)?.refresh_token).toBe(`refresh-${'a'.repeat(30)}`);
    // After a reload only the stored form is left: the access token until it expires, then log in again.
    resetSessionCache();
    expect(loadSession(NOW)?.refresh_token).toBeNull();
    resetSessionCache();
    expect(loadSession(NOW + 3_600_000)).toBeNull();

    process.env.TARO_ENV = 'weapp';
    resetSessionCache();
    saveSession(session());
    expect(mockStorage.get(SESSION_KEY)).toMatchObject({ refresh_token: `refresh-${'a'.repeat(30)}` });
  } finally {
    process.env.TARO_ENV = before;
    resetSessionCache();
    mockStorage.clear();
  }
});

describe('a refused refresh logs a platform user in again silently (issue 15.5)', () => {
  afterEach(() => setSilentRelogin(null));

  test('the silent login answers: its token is used, the citizen never sees 登录已过期', async () => {
    resetSessionCache();
    mockStorage.clear();
    saveSession(sessionFromPlatform('wechat', platformAnswer('old-access', 'r'.repeat(40)), NOW - 7_200_000));
    resetSessionCache();
    mockAnswer = (name) => (name === 'auth-refresh' ? Promise.reject(new AppError('refresh_token_invalid' as never, '登录已失效')) : Promise.reject(new Error(name)));
    let relogins = 0;
    setSilentRelogin(async () => {
      relogins++;
      return saveSession(sessionFromPlatform('wechat', platformAnswer('fresh-access', 's'.repeat(40)), NOW));
    });
    await expect(validToken(NOW)).resolves.toBe('fresh-access');
    expect(relogins).toBe(1);
    expect(loadSession(NOW)?.access_token).toBe('fresh-access');
  });

  test('when the silent login fails too, the session is dropped (the login panel shows)', async () => {
    resetSessionCache();
    mockStorage.clear();
    saveSession(sessionFromPlatform('alipay', platformAnswer('old-access', 'r'.repeat(40)), NOW - 7_200_000));
    resetSessionCache();
    mockAnswer = () => Promise.reject(new AppError('unauthorized', '请先登录'));
    setSilentRelogin(() => Promise.reject(new AppError('login_failed', '登录没有成功')));
    await expect(validToken(NOW)).resolves.toBeNull();
    expect(mockStorage.has(SESSION_KEY)).toBe(false);
  });

  test('a demo login is never re-logged in as a platform user', async () => {
    resetSessionCache();
    mockStorage.clear();
    saveSession({ ...sessionFromPlatform('wechat', platformAnswer('old', 'r'.repeat(40)), NOW - 7_200_000), provider: 'dev' });
    resetSessionCache();
    mockAnswer = () => Promise.reject(new AppError('unauthorized', '请先登录'));
    let relogins = 0;
    setSilentRelogin(async () => {
      relogins++;
      throw new Error('must not run');
    });
    await expect(validToken(NOW)).resolves.toBeNull();
    expect(relogins).toBe(0);
  });
});
