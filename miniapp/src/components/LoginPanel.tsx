import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { devPersonas, loginAsPersona, loginWithPlatform, platformLogin } from '../lib/auth/login.ts'
import { toAppError } from '../lib/errors.ts'
import { flushOutbox } from '../lib/outbox.ts'
import { takeExpiredNotice } from '../lib/session.ts'
import { useAsync } from '../lib/useAsync.ts'
import { DemoPersonas } from './DemoPersonas.tsx'
import { ErrorBlock, Loading } from './StatusBlock.tsx'
import './LoginPanel.scss'

/**
 * Login, the same on every page that needs it: the platform's one-tap login (微信 / 支付宝)
 * and, where the stack offers them (auth-dev, local only), the demo accounts.
 */
export function LoginPanel({ reason }: { reason?: string }) {
  const [notice] = useState(() => takeExpiredNotice())
  const personas = useAsync(devPersonas)
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  const run = async (what: string, login: () => Promise<unknown>) => {
    if (busy !== null) return
    setBusy(what)
    setError(null)
    try {
      await login()
      setBusy(null)
      void flushOutbox()
    } catch (err) {
      setBusy(null)
      setError(toAppError(err).message)
    }
  }

  const busyClass = busy === null ? '' : ' btn--busy'
  return (
    <View className='login card' data-testid='login'>
      <Text className='card__title'>请先登录</Text>
      <Text className='hint'>{reason ?? '登录后可以查看待评价的办件、提交评价和查看整改进度。'}</Text>
      {notice ? (
        <View className='notice' data-testid='notice'>
          <Text>{notice}</Text>
        </View>
      ) : null}
      {error ? <ErrorBlock message={error} /> : null}
      {platformLogin.provider ? (
        <Button
          className={`btn btn--primary login__platform${busyClass}`}
          data-testid='login-platform'
          disabled={busy === null ? undefined : true}
          onClick={() => void run('platform', () => loginWithPlatform())}
        >
          {busy === 'platform' ? '登录中…' : platformLogin.label}
        </Button>
      ) : null}
      {personas.state.status === 'loading' ? <Loading label='正在查找登录方式…' /> : null}
      {personas.state.status === 'error' ? <ErrorBlock message={personas.state.error.message} onRetry={personas.reload} /> : null}
      {personas.state.status === 'done' && personas.state.data === null && !platformLogin.provider ? (
        <Text className='hint'>请在微信或支付宝（一部手机办事通）中打开“好差评”小程序登录。</Text>
      ) : null}
      {personas.state.status === 'done' && personas.state.data !== null ? (
        <DemoPersonas personas={personas.state.data} busy={busy} onPick={(key) => void run(key, () => loginAsPersona(key))} />
      ) : null}
    </View>
  )
}
