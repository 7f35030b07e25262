export default defineAppConfig({
  // The citizen's pages: all in the main package.
  pages: [
    'pages/index/index',
    'pages/pending/index',
    'pages/rate/index',
    'pages/scan/index',
    'pages/my-ratings/index',
    'pages/suggest/index',
    'pages/public/index',
    'pages/me/index',
  ],
  // Staff and supervisors: subpackages, loaded only when opened, so the main package (what every
  // citizen downloads) does not grow. The same pages are the H5 desk console.
  subPackages: [
    { root: 'subpackages/staff', pages: ['pages/index/index', 'pages/order/index', 'pages/ratings/index', 'pages/comments/index'] },
    {
      root: 'subpackages/supervise',
      pages: [
        'pages/index/index',
        'pages/appeals/index',
        'pages/dashboard/index',
        'pages/sampling/index',
        'pages/assessments/index',
        'pages/comments/index',
        'pages/publish/index',
        'pages/rereviews/index',
        'pages/moderation/index',
      ],
    },
    // Administration (supervisors; unit admins see only their unit's people): desk work, its own
    // subpackage so neither the 监督台 (ECharts) nor the citizen package carries it.
    {
      root: 'subpackages/admin',
      pages: [
        'pages/index/index',
        'pages/org/index',
        'pages/qr/index',
        'pages/matters/index',
        'pages/people/index',
        'pages/keys/index',
        'pages/calendar/index',
        'pages/kiosk/index',
        'pages/system/index',
      ],
    },
    // 窗口评价器 (issue 18): a counter tablet's browser at `/#/kiosk` (WebCrypto, IndexedDB), H5 only.
    ...(process.env.TARO_ENV === 'h5' ? [{ root: 'subpackages/kiosk', pages: ['pages/index/index'] }] : []),
  ],
  // Issue 15.2: WeChat injects only the components a page uses (faster start, and the review's
  // 代码质量 check asks for it); requests give up as the app's own 15 s timeout does.
  ...(process.env.TARO_ENV === 'weapp' ? { lazyCodeLoading: 'requiredComponents' as const } : {}),
  networkTimeout: { request: 15000, downloadFile: 60000, uploadFile: 60000, connectSocket: 15000 },
  // Issue 15.1: the platforms hold every privacy API until the user agrees to the privacy guide
  // (our pop-up answers onNeedPrivacyAuthorization). WeChat's switch, and Alipay's.
  ...(process.env.TARO_ENV === 'weapp' ? { __usePrivacyCheck__: true } : {}),
  ...(process.env.TARO_ENV === 'alipay' ? { usePrivacyCheck: true } : {}),
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#0b3d91',
    navigationBarTitleText: '好差评 · 掌上评',
    navigationBarTextStyle: 'white',
  },
})
