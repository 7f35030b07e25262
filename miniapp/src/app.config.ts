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
      ],
    },
  ],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#0b3d91',
    navigationBarTitleText: '好差评 · 掌上评',
    navigationBarTextStyle: 'white',
  },
})
