import { Text } from '@tarojs/components'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'

// Placeholder: being built (issue 7).
export default function Page() {
  return (
    <Shell title='设备与业务系统密钥'>
      <LoginGate reason='监督员登录后管理接入密钥'>{() => <Text className='hint'>建设中</Text>}</LoginGate>
    </Shell>
  )
}
