import { Button, Text, View } from '@tarojs/components'
import { useDidShow } from '@tarojs/taro'
import { LoginGate } from '../../components/LoginGate.tsx'
import { OutboxNotice } from '../../components/OutboxNotice.tsx'
import { Shell } from '../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading } from '../../components/StatusBlock.tsx'
import { loadPending, type PendingItem } from '../../lib/pending.ts'
import { go, ROUTES } from '../../lib/nav.ts'
import type { Session } from '../../lib/session.ts'
import { useAsync } from '../../lib/useAsync.ts'
import { useOutbox } from '../../lib/useOutbox.ts'
import './index.scss'

function PendingCard({ item, queued }: { item: PendingItem; queued: boolean }) {
  const { row, countdown } = item
  return (
    <View className='card pending' data-testid='pending-item' data-transaction={row.transaction_id}>
      {/* Short (issue 21.5): what, where, until when, and the button; the window, officer and time are on the rating page. */}
      <Text className='card__title'>{row.matter_name}</Text>
      <Text className='card__line'>办理单位：{row.unit_name}</Text>
      <View className={`pending__countdown${countdown.urgent ? ' pending__countdown--urgent' : ''}`} data-testid='countdown'>
        {countdown.urgent ? <Text className='badge badge--bad'>即将到期</Text> : null}
        <Text>{item.deadlineText}</Text>
      </View>
      <Text className='pending__no'>办件编号：{row.project_no}</Text>
      {countdown.provisional ? (
        <Text className='card__line' data-testid='provisional'>
          <Text className='badge badge--warn'>日期待定</Text>
          明年节假日安排尚未公布，截止日期可能调整
        </Text>
      ) : null}
      <View className='card__actions'>
        {queued ? (
          <Text className='notice' data-testid='pending-queued'>评价已保存在手机上，网络恢复后自动提交</Text>
        ) : (
          <Button className='btn btn--primary' data-testid='rate' onClick={() => go(ROUTES.rate, `tx=${row.transaction_id}`)}>
            去评价
          </Button>
        )}
      </View>
    </View>
  )
}

function PendingList({ session }: { session: Session }) {
  const { state, reload } = useAsync(loadPending)
  const outboxEntries = useOutbox(session.user.id)
  useDidShow(() => {
    if (state.status !== 'loading') reload()
  })
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const queued = new Set(outboxEntries.filter((e) => e.kind === 'transaction' && e.failed === null).map((e) => e.target_id))
  return (
    <View data-testid='pending-list'>
      <OutboxNotice userId={session.user.id} />
      {state.data.calendarMissing ? (
        <Text className='notice'>暂时无法读取节假日安排，下面只显示截止日期。</Text>
      ) : null}
      {state.data.items.length === 0 ? (
        <Empty label='没有待评价的办件。办结后 5 个工作日内可以在这里评价。' />
      ) : (
        <View>
          <Text className='hint'>办结后 5 个工作日内可评价，逾期系统默认为“基本满意”。</Text>
          {state.data.items.map((item) => (
            <PendingCard key={item.row.transaction_id} item={item} queued={queued.has(item.row.transaction_id)} />
          ))}
        </View>
      )}
    </View>
  )
}

export default function PendingPage() {
  return (
    <Shell title='待评价的办件'>
      <LoginGate reason='登录后可以看到您已办结、等待评价的办件。'>{(session) => <PendingList session={session} />}</LoginGate>
    </Shell>
  )
}
