export default definePageConfig({
  navigationBarTitleText: '单位意见箱',
})
