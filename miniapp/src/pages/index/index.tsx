import { useCallback, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { Dashboard } from '../../components/Dashboard.tsx'
import { PersonaPicker } from '../../components/PersonaPicker.tsx'
import { clearSession, loadSession, type Session } from '../../lib/session.ts'
import './index.scss'

export default function IndexPage() {
  const [session, setSession] = useState<Session | null>(() => loadSession())
  const [notice, setNotice] = useState<string | null>(null)

  const onLoggedIn = useCallback((s: Session) => {
    setNotice(null)
    setSession(s)
  }, [])
  const onLogout = useCallback(() => {
    clearSession()
    setSession(null)
  }, [])
  const onExpired = useCallback(() => {
    clearSession()
    setNotice('登录已过期，请重新登录')
    setSession(null)
  }, [])

  return (
    <View className='page'>
      <View className='page__header'>
        <Text className='page__brand'>好差评 · 掌上评</Text>
        <Text className='page__sub'>临沧市政务服务评价</Text>
        {session ? <Text className='page__who'>已登录：{session.user.label}</Text> : null}
      </View>
      {session ? (
        <Dashboard key={session.access_token} session={session} onLogout={onLogout} onExpired={onExpired} />
      ) : (
        <PersonaPicker notice={notice} onLoggedIn={onLoggedIn} />
      )}
    </View>
  )
}
