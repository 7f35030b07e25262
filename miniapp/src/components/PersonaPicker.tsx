import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import type { PersonaKey } from '../../../shared/schemas.ts'
import { devLogin, devPersonas } from '../lib/api.ts'
import { toAppError } from '../lib/errors.ts'
import { saveSession, sessionFromLogin, type Session } from '../lib/session.ts'
import { useAsync } from '../lib/useAsync.ts'
import { Empty, ErrorBlock, Loading } from './StatusBlock.tsx'
import './PersonaPicker.scss'

export function PersonaPicker({ notice, onLoggedIn }: { notice: string | null; onLoggedIn: (s: Session) => void }) {
  const { state, reload } = useAsync(devPersonas)
  const [busy, setBusy] = useState<PersonaKey | null>(null)
  const [loginError, setLoginError] = useState<string | null>(null)

  const login = async (key: PersonaKey) => {
    if (busy !== null) return
    setBusy(key)
    setLoginError(null)
    try {
      const res = await devLogin(key)
      setBusy(null)
      onLoggedIn(saveSession(sessionFromLogin(res, Date.now())))
    } catch (err) {
      setBusy(null)
      setLoginError(toAppError(err).message)
    }
  }

  return (
    <View className='picker'>
      <Text className='picker__title'>选择演示账号登录</Text>
      <Text className='picker__hint'>演示环境：点选一个身份即可登录，无需密码。</Text>
      {notice ? (
        <View className='picker__notice' data-testid='notice'>
          <Text>{notice}</Text>
        </View>
      ) : null}
      {loginError ? <ErrorBlock message={loginError} /> : null}
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' && state.data.length === 0 ? <Empty label='暂无可用的演示账号' /> : null}
      {state.status === 'done' && state.data.length > 0 ? (
        <View className='picker__list' data-testid='persona-list'>
          {state.data.map((p) => (
            <Button
              key={p.key}
              className={`btn btn--primary picker__persona${busy === null ? '' : ' btn--busy'}`}
              data-testid={`persona-${p.key}`}
              // Only while a login runs; `false` would still render a disabled="false" attribute on H5.
              disabled={busy === null ? undefined : true}
              onClick={() => void login(p.key)}
            >
              {busy === p.key ? '登录中…' : p.label}
            </Button>
          ))}
        </View>
      ) : null}
    </View>
  )
}
