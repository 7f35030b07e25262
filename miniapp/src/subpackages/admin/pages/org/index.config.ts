export default definePageConfig({
  navigationBarTitleText: '单位 · 大厅 · 窗口',
})
