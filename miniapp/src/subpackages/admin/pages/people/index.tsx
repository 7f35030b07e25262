import { Text } from '@tarojs/components'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'

// Placeholder: being built (issue 7).
export default function Page() {
  return (
    <Shell title='人员与角色'>
      <LoginGate reason='管理员登录后管理人员和角色'>{() => <Text className='hint'>建设中</Text>}</LoginGate>
    </Shell>
  )
}
