/**
 * The demo accounts of a local stack (auth-dev): one button per persona. A release build never
 * carries this component (config/index.ts swaps it for DemoPersonas.release.tsx, issue 15.2).
 */
import { Button, Text, View } from '@tarojs/components'
import type { Persona, PersonaKey } from '../../../shared/schemas.ts'

export function DemoPersonas({ personas, busy, onPick }: { personas: Persona[]; busy: string | null; onPick: (key: PersonaKey) => void }) {
  const busyClass = busy === null ? '' : ' btn--busy'
  return (
    <View className='picker' data-testid='persona-list'>
      <Text className='picker__title'>演示账号</Text>
      <Text className='hint'>演示环境：点选一个身份即可登录，无需密码。</Text>
      {personas.map((p) => (
        <Button
          key={p.key}
          className={`btn btn--secondary picker__persona${busyClass}`}
          data-testid={`persona-${p.key}`}
          // Only while a login runs; `false` would still render a disabled="false" attribute on H5.
          disabled={busy === null ? undefined : true}
          onClick={() => onPick(p.key as PersonaKey)}
        >
          {busy === p.key ? '登录中…' : p.label}
        </Button>
      ))}
    </View>
  )
}
