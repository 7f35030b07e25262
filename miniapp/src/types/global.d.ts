/// <reference types="@tarojs/taro" />

declare module 'core-js-pure/stable/url/index.js' {
  const URL: typeof globalThis.URL
  export default URL
}

declare module 'core-js-pure/stable/url-search-params/index.js' {
  const URLSearchParams: typeof globalThis.URLSearchParams
  export default URLSearchParams
}

interface Window {
  /** Injected into index.html by the local static server at serve time (H5 only). */
  __HCP_CONFIG__?: unknown
}

declare namespace NodeJS {
  interface ProcessEnv {
    /** Inlined by Taro at build time: the target platform. */
    TARO_ENV?: 'weapp' | 'alipay' | 'h5' | 'swan' | 'tt' | 'qq' | 'jd' | 'rn' | 'harmony' | 'jdrn'
    /** Build-time fallbacks of the runtime config (config/index.ts reads them from the shell). */
    TARO_APP_API_URL?: string
    TARO_APP_ANON_KEY?: string
  }
}
