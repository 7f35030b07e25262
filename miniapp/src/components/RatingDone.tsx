import { useEffect, useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { WORK_ORDER_STATUS_LABELS, WorkOrderStatus } from '../../../shared/work-orders.ts'
import { workOrderTimeline } from '../lib/api.ts'
import { levelName } from '../lib/levels.ts'
import { citizenNextStep } from '../lib/work-order-view.ts'
import { go, ROUTES } from '../lib/nav.ts'
import type { SubmitResult } from '../lib/rows.ts'
import { progressSubscription } from '../lib/subscribe/progress'
import type { SubscribeOutcome } from '../lib/subscribe/types.ts'

export function workOrderStatusLabel(status: string | null | undefined): string {
  const parsed = WorkOrderStatus.safeParse(status)
  return parsed.success ? WORK_ORDER_STATUS_LABELS[parsed.data] : '处理中'
}

/** After a rating was accepted: thanks, and for a 差评 what happens next (R8) and the progress messages (R17). */
export function RatingDone({ result }: { result: SubmitResult }) {
  const [subscribed, setSubscribed] = useState<SubscribeOutcome | null>(null)
  // What happens next and by when, from the new order's own due day (issue 21.4); until it loads
  // (or offline) the sentence without dates.
  const [next, setNext] = useState<string | null>(null)
  useEffect(() => {
    if (!result.work_order_id) return
    workOrderTimeline(result.work_order_id).then(
      (rows) => setNext(citizenNextStep(result.work_order_status ?? 'pending_verification', rows)),
      () => undefined,
    )
  }, [result.work_order_id])
  return (
    <View className='card' data-testid='rating-done'>
      <Text className='card__title'>✓ 评价已提交，感谢您的参与</Text>
      <Text className='card__line'>您的评价：{levelName(result.level)}</Text>
      {result.is_bad ? (
        <View data-testid='bad-followup'>
          {result.work_order_id ? (
            <Text className='card__line' data-testid='work-order-opened'>
              {`您的差评已转给办理单位。${next ?? citizenNextStep(result.work_order_status ?? 'pending_verification', []) ?? ''}处理进度可在“我的评价”中查看。`}
            </Text>
          ) : (
            <Text className='card__line'>您的差评已记录，办理单位将核实整改，处理进度可在“我的评价”中查看。</Text>
          )}
          {progressSubscription.available ? (
            subscribed === null ? (
              <Button
                className='btn btn--secondary card__actions'
                data-testid='subscribe'
                onClick={() => void progressSubscription.request().then(setSubscribed)}
              >
                接收整改进度提醒
              </Button>
            ) : (
              <Text className='card__line' data-testid='subscribe-result'>
                {subscribed === 'accepted' ? '已开启提醒：单位回复或整改完成时会通知您。' : '未开启提醒，您可以随时在“我的评价”中查看进度。'}
              </Text>
            )
          ) : null}
        </View>
      ) : null}
      <View className='card__actions'>
        <Button className='btn btn--primary' data-testid='to-my-ratings' onClick={() => go(ROUTES.myRatings)}>
          查看我的评价
        </Button>
        <Button className='btn btn--secondary' data-testid='to-pending' onClick={() => go(ROUTES.pending)}>
          继续评价其他办件
        </Button>
      </View>
    </View>
  )
}
