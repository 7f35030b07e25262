/**
 * The platform code getters, written against the recorded shapes of `wx.login` and
 * `my.getAuthCode` so they are unit-tested without a device (adapters.test.ts). The
 * platform-login.<platform>.ts files bind them to the real globals.
 */
import { AppError } from '../errors.ts'
import type { MyAuthApi, PlatformLogin, WxLoginApi } from './types.ts'

export function wechatLogin(wx: WxLoginApi | undefined): PlatformLogin {
  return {
    provider: 'wechat',
    label: '微信一键登录',
    getCode: () =>
      new Promise((resolve, reject) => {
        if (!wx) {
          reject(AppError.of('login_failed', 'wx is not available'))
          return
        }
        wx.login({
          timeout: 10_000,
          success: (res) => {
            if (typeof res.code === 'string' && res.code !== '') resolve(res.code)
            else reject(AppError.of('login_failed', res))
          },
          fail: (res) => reject(AppError.of(/cancel|deny/i.test(res.errMsg ?? '') ? 'login_cancelled' : 'login_failed', res)),
        })
      }),
  }
}

/** Alipay error 11: the user closed the authorisation sheet. */
const ALIPAY_USER_CANCELLED = 11

export function alipayLogin(my: MyAuthApi | undefined): PlatformLogin {
  return {
    provider: 'alipay',
    label: '支付宝授权登录',
    getCode: () =>
      new Promise((resolve, reject) => {
        if (!my) {
          reject(AppError.of('login_failed', 'my is not available'))
          return
        }
        // auth_base: a silent login that gives the user id only (no profile prompt).
        my.getAuthCode({
          scopes: 'auth_base',
          success: (res) => {
            if (typeof res.authCode === 'string' && res.authCode !== '') resolve(res.authCode)
            else reject(AppError.of('login_failed', res))
          },
          fail: (res) => reject(AppError.of(res.error === ALIPAY_USER_CANCELLED ? 'login_cancelled' : 'login_failed', res)),
        })
      }),
  }
}

/** H5 has no platform account: only the demo personas (auth-dev) where they exist. */
export const noPlatformLogin: PlatformLogin = {
  provider: null,
  label: '',
  getCode: () => Promise.reject(AppError.of('login_failed', 'no platform login on H5')),
}
