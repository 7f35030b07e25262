export default definePageConfig({
  navigationBarTitleText: '结果公开与导出',
})
