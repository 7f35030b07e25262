export default definePageConfig({
  navigationBarTitleText: '扫码评价',
})
