/**
 * The platform login adapters against recorded platform answers: WeChat's wx.login
 * (`{ code, errMsg: 'login:ok' }`, fail `{ errMsg: 'login:fail …' }`) and Alipay's my.getAuthCode
 * (`{ authCode, authErrorScopes }`, fail `{ error: 11, errorMessage }` when the user cancels).
 */
import { alipayLogin, noPlatformLogin, wechatLogin } from './adapters.ts';
import type { MyAuthApi, WxLoginApi } from './types.ts';

type Answer = { ok: Record<string, unknown> } | { fail: Record<string, unknown> };

function recordedWx(answer: Answer) {
  const calls: unknown[] = [];
  const wx: WxLoginApi = {
    login(options) {
      calls.push({ timeout: options.timeout });
      setTimeout(() => ('ok' in answer ? options.success?.(answer.ok) : options.fail?.(answer.fail)), 0);
    },
  };
  return { wx, calls };
}

function recordedMy(answer: Answer) {
  const calls: unknown[] = [];
  const my: MyAuthApi = {
    getAuthCode(options) {
      calls.push({ scopes: options.scopes });
      setTimeout(() => ('ok' in answer ? options.success?.(answer.ok) : options.fail?.(answer.fail)), 0);
    },
  };
  return { my, calls };
}

describe('WeChat (wx.login → auth-wechat)', () => {
  test('the code of a successful login', async () => {
    const { wx, calls } = recordedWx({ ok: { code: '0a3Xk2000abcDEF1Mq4000P7vFs0Xk20C', errMsg: 'login:ok' } });
    const login = wechatLogin(wx);
    expect(login).toMatchObject({ provider: 'wechat', label: '微信一键登录' });
    await expect(login.getCode()).resolves.toBe('0a3Xk2000abcDEF1Mq4000P7vFs0Xk20C');
    expect(calls).toEqual([{ timeout: 10_000 }]);
  });

  test.each([
    ['a success without a code', { ok: { errMsg: 'login:ok' } }, 'login_failed'],
    ['a failure', { fail: { errMsg: 'login:fail timeout', errno: 1 } }, 'login_failed'],
    ['the user cancelling', { fail: { errMsg: 'login:fail auth cancel' } }, 'login_cancelled'],
  ] as const)('%s is an AppError %s with a Chinese message', async (_name, answer, code) => {
    const { wx } = recordedWx(answer as Answer);
    await expect(wechatLogin(wx).getCode()).rejects.toMatchObject({ code, message: expect.stringMatching(/登录/) });
  });

  test('outside WeChat (no wx) it fails instead of hanging', async () => {
    await expect(wechatLogin(undefined).getCode()).rejects.toMatchObject({ code: 'login_failed' });
  });
});

describe('Alipay (my.getAuthCode → auth-alipay)', () => {
  test('a silent auth_base code', async () => {
    const { my, calls } = recordedMy({ ok: { authCode: '4b203fe6c11548bcabd8da5bb087a83b', authErrorScopes: {} } });
    const login = alipayLogin(my);
    expect(login).toMatchObject({ provider: 'alipay', label: '支付宝授权登录' });
    await expect(login.getCode()).resolves.toBe('4b203fe6c11548bcabd8da5bb087a83b');
    expect(calls).toEqual([{ scopes: 'auth_base' }]);
  });

  test.each([
    ['the user closing the sheet (error 11)', { fail: { error: 11, errorMessage: '用户取消授权' } }, 'login_cancelled'],
    ['a system error', { fail: { error: 3, errorMessage: '未知错误' } }, 'login_failed'],
    ['a success without a code', { ok: { authErrorScopes: { auth_base: 'error' } } }, 'login_failed'],
  ] as const)('%s is %s', async (_name, answer, code) => {
    const { my } = recordedMy(answer as Answer);
    await expect(alipayLogin(my).getCode()).rejects.toMatchObject({ code });
  });
});

test('H5 has no platform login', async () => {
  expect(noPlatformLogin.provider).toBeNull();
  await expect(noPlatformLogin.getCode()).rejects.toMatchObject({ code: 'login_failed' });
});
