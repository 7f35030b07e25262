import { Text } from '@tarojs/components'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'

// Placeholder: being built (issue 7).
export default function Page() {
  return (
    <Shell title='工作日历'>
      <LoginGate reason='监督员登录后维护工作日历'>{() => <Text className='hint'>建设中</Text>}</LoginGate>
    </Shell>
  )
}
