export default definePageConfig({
  navigationBarTitleText: '本单位评价',
})
