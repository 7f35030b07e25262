export default definePageConfig({
  navigationBarTitleText: '设备与系统密钥',
})
