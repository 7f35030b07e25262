import { Text } from '@tarojs/components'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'

// Placeholder: being built (issue 7).
export default function Page() {
  return (
    <Shell title='单位 · 大厅 · 窗口'>
      <LoginGate reason='监督员登录后管理单位、大厅和窗口'>{() => <Text className='hint'>建设中</Text>}</LoginGate>
    </Shell>
  )
}
