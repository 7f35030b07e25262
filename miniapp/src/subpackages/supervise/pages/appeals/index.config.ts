export default definePageConfig({
  navigationBarTitleText: '申诉审核',
})
