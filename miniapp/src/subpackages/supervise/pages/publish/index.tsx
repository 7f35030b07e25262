import { Text } from '@tarojs/components'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'

// Placeholder: being built (issue 7).
export default function Page() {
  return (
    <Shell title='结果公开 · 数据导出'>
      <LoginGate reason='监督员登录后公开结果和导出数据'>{() => <Text className='hint'>建设中</Text>}</LoginGate>
    </Shell>
  )
}
