import { Text } from '@tarojs/components'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'

// Placeholder: being built (issue 7).
export default function Page() {
  return (
    <Shell title='差评复核'>
      <LoginGate reason='市级监督员登录后处理复核申请'>{() => <Text className='hint'>建设中</Text>}</LoginGate>
    </Shell>
  )
}
