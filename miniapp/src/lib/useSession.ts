import { useDidShow } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { loadSession, onSessionChange, type Session } from './session.ts'

/** The session, kept current when any page logs in or out. */
export function useSession(): Session | null {
  const [session, setSession] = useState<Session | null>(() => loadSession())
  useEffect(() => onSessionChange(setSession) as () => void, [])
  useDidShow(() => setSession(loadSession()))
  return session
}
