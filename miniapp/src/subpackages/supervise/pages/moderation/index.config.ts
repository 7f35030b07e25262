export default definePageConfig({
  navigationBarTitleText: '评论公开审核',
})
