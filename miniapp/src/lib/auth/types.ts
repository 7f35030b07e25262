/**
 * The one login interface. Each platform has its own file (platform-login.weapp.ts,
 * .alipay.ts, .h5.ts; Taro picks the one of the build's TARO_ENV when importing
 * `./platform-login` without extension) that gets a one-time code from the platform; login.ts
 * trades it at the matching edge function for a session (shared/auth.ts).
 */
import type { LoginProvider } from '../session.ts'

export interface PlatformLogin {
  /** 'wechat' → auth-wechat, 'alipay' → auth-alipay; null where the platform has no one-tap login (H5). */
  readonly provider: Exclude<LoginProvider, 'dev'> | null
  /** The button label, e.g. 微信一键登录. */
  readonly label: string
  /** The platform's one-time login code; rejects with an AppError (login_cancelled / login_failed). */
  getCode(): Promise<string>
}

/** WeChat's `wx.login` as recorded from the client: callbacks with `{ code, errMsg }` / `{ errMsg }`. */
export interface WxLoginApi {
  login(options: {
    timeout?: number
    success?: (res: { code?: string; errMsg?: string }) => void
    fail?: (res: { errMsg?: string; errno?: number }) => void
  }): void
}

/** Alipay's `my.getAuthCode`: `{ authCode }` on success, `{ error, errorMessage }` on failure (11 = user cancelled). */
export interface MyAuthApi {
  getAuthCode(options: {
    scopes: string | string[]
    success?: (res: { authCode?: string; authErrorScopes?: Record<string, unknown> }) => void
    fail?: (res: { error?: number; errorMessage?: string }) => void
  }): void
}
