export default definePageConfig({
  navigationBarTitleText: '好差评 · 掌上评',
})
