export default definePageConfig({
  navigationBarTitleText: '复核申请',
})
