import { Button, Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { LoginGate } from '../../components/LoginGate.tsx'
import { RatingForm } from '../../components/RatingForm.tsx'
import { Shell } from '../../components/Shell.tsx'
import { ErrorBlock, Loading } from '../../components/StatusBlock.tsx'
import { myPendingRatings } from '../../lib/api.ts'
import { go, ROUTES } from '../../lib/nav.ts'
import { outbox } from '../../lib/outbox.ts'
import { cachedPending, instantLabel } from '../../lib/pending.ts'
import type { PendingRow } from '../../lib/rows.ts'
import type { Session } from '../../lib/session.ts'
import { useAsync } from '../../lib/useAsync.ts'

async function findPending(transactionId: string): Promise<PendingRow | null> {
  const cached = cachedPending().find((r) => r.transaction_id === transactionId)
  if (cached) return cached
  return (await myPendingRatings()).find((r) => r.transaction_id === transactionId) ?? null
}

function RateTransaction({ session, transactionId }: { session: Session; transactionId: string }) {
  const { state, reload } = useAsync(() => findPending(transactionId))
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const row = state.data
  // Gone from the pending list but still in the outbox: the form shows it as waiting.
  const waiting = outbox.pendingFor(session.user.id, 'transaction', transactionId)
  if (!row && !waiting) {
    return (
      <View className='card' data-testid='not-pending'>
        <Text className='card__title'>这个办件现在不能评价</Text>
        <Text className='card__line'>可能已经评价过，或已超过评价期限（逾期系统默认为基本满意）。</Text>
        <Button className='btn btn--primary card__actions' onClick={() => go(ROUTES.myRatings)}>
          查看我的评价
        </Button>
      </View>
    )
  }
  const title = row?.matter_name ?? waiting?.title ?? '办件'
  return (
    <View>
      <View className='card' data-testid='rate-subject'>
        <Text className='card__title'>{title}</Text>
        {row ? (
          <View>
            <Text className='card__line'>办理单位：{row.unit_name}</Text>
            {row.window_name ? <Text className='card__line'>窗口：{row.window_name}</Text> : null}
            {row.staff_name ? <Text className='card__line'>经办人：{row.staff_name}</Text> : null}
            <Text className='card__line'>办结时间：{instantLabel(row.finished_at)}</Text>
          </View>
        ) : null}
      </View>
      <RatingForm session={session} target={{ kind: 'transaction', id: transactionId, title }} />
    </View>
  )
}

export default function RatePage() {
  const { params } = useRouter()
  const tx = typeof params.tx === 'string' ? params.tx : ''
  return (
    <Shell title='评价这次服务'>
      <LoginGate reason='登录后才能评价您办理的事项。'>
        {(session) =>
          tx === '' ? (
            <ErrorBlock message='没有找到要评价的办件，请从“待评价”进入。' />
          ) : (
            <RateTransaction key={`${session.user.id}-${tx}`} session={session} transactionId={tx} />
          )
        }
      </LoginGate>
    </Shell>
  )
}
