import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { levelName } from '../lib/levels.ts'
import { flushOutbox, outbox } from '../lib/outbox.ts'
import { useOutbox } from '../lib/useOutbox.ts'

/**
 * Ratings kept on the phone: waiting for the network (with 立即发送), or refused by the server
 * while sent in the background (with the reason, until dismissed). Nothing is dropped silently.
 */
export function OutboxNotice({ userId }: { userId: string }) {
  const entries = useOutbox(userId)
  const [busy, setBusy] = useState(false)
  if (entries.length === 0) return null
  const waiting = entries.filter((e) => e.failed === null)
  const failed = entries.filter((e) => e.failed !== null)
  return (
    <View data-testid='outbox'>
      {waiting.length > 0 ? (
        <View className='notice' data-testid='outbox-waiting'>
          <Text className='card__strong'>有 {waiting.length} 条评价保存在手机上，等待网络恢复后自动提交</Text>
          {waiting.map((e) => (
            <Text key={e.key} className='card__line'>
              {e.title}：{levelName(e.level)}
            </Text>
          ))}
          <Button
            className={`btn btn--secondary card__actions${busy ? ' btn--busy' : ''}`}
            data-testid='outbox-flush'
            onClick={() => {
              setBusy(true)
              void flushOutbox().finally(() => setBusy(false))
            }}
          >
            {busy ? '正在提交…' : '立即发送'}
          </Button>
        </View>
      ) : null}
      {failed.map((e) => (
        <View key={e.key} className='status status--error' data-testid='outbox-failed'>
          <Text className='status__message'>
            ⚠ “{e.title}”的评价未能提交：{e.failed?.message}
          </Text>
          <Button className='btn btn--secondary' onClick={() => outbox.remove(e.key)}>
            知道了
          </Button>
        </View>
      ))}
    </View>
  )
}
