export default definePageConfig({
  navigationBarTitleText: '窗口评价器',
})
