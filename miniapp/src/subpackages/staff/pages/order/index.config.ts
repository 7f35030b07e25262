export default definePageConfig({
  navigationBarTitleText: '差评工单',
})
