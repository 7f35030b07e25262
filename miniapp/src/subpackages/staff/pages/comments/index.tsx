import { Text } from '@tarojs/components'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'

// Placeholder: being built (issue 7).
export default function Page() {
  return (
    <Shell title='综合点评 · 本单位意见箱'>
      <LoginGate reason='工作人员登录后处理转办给本单位的意见'>{() => <Text className='hint'>建设中</Text>}</LoginGate>
    </Shell>
  )
}
