export default defineAppConfig({
  pages: ['pages/index/index'],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#0b3d91',
    navigationBarTitleText: '好差评 · 掌上评',
    navigationBarTextStyle: 'white',
  },
})
