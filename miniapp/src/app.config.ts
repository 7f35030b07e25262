export default defineAppConfig({
  // The citizen's pages: all in the main package (staff and supervisor pages come as subpackages).
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
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#0b3d91',
    navigationBarTitleText: '好差评 · 掌上评',
    navigationBarTextStyle: 'white',
  },
})
