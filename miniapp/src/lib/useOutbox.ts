import { useDidShow } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import { flushOutbox, onOutboxChange, outbox } from './outbox.ts'
import type { OutboxEntry } from './outbox-core.ts'

/** The user's outbox entries, live; flushes once when the page shows. */
export function useOutbox(userId: string | null): OutboxEntry[] {
  const read = (id: string | null) => (id ? outbox.entriesOf(id) : [])
  const [entries, setEntries] = useState<OutboxEntry[]>(() => read(userId))
  const user = useRef(userId)
  user.current = userId
  useEffect(() => {
    setEntries(read(userId))
    return onOutboxChange(() => setEntries(read(user.current))) as () => void
  }, [userId])
  useDidShow(() => {
    if (userId) void flushOutbox()
  })
  return entries
}
