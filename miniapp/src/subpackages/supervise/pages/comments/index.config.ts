export default definePageConfig({
  navigationBarTitleText: '综合点评',
})
