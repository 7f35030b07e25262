import { Text } from '@tarojs/components'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'

// Placeholder: being built (issue 7).
export default function Page() {
  return (
    <Shell title='窗口评价二维码'>
      <LoginGate reason='监督员登录后打印窗口二维码'>{() => <Text className='hint'>建设中</Text>}</LoginGate>
    </Shell>
  )
}
