import { Text, View } from '@tarojs/components'
import type { UnitWorkOrderRow } from '../../../shared/staff.ts'
import type { SpanCalendar } from '../lib/countdown.ts'
import { dayLabel } from '../lib/countdown.ts'
import { levelName } from '../lib/levels.ts'
import { dueOf, dueText, isOverdue, urgencyOf, workingDaysUntil } from '../lib/staff-view.ts'
import { statusLabel, statusTone } from '../lib/work-order-view.ts'

/** The state in words (never colour alone), the 超期 badge and the due date in working days. */
export function OrderBadges({ row, today, cal }: { row: UnitWorkOrderRow; today: string; cal: SpanCalendar | null }) {
  const due = dueOf(row)
  const tone = statusTone(row.status)
  return (
    <View>
      <View className='wo__head'>
        <Text className={`badge ${tone === 'done' ? 'badge--good' : tone === 'attention' ? 'badge--bad' : 'badge--info'}`} data-testid='wo-status'>
          {statusLabel(row.status)}
        </Text>
        {isOverdue(row, today) ? (
          <Text className='badge badge--bad' data-testid='wo-overdue'>
            超期
          </Text>
        ) : urgencyOf(row, today) === 'soon' ? (
          <Text className='badge badge--warn' data-testid='wo-soon'>
            今明到期
          </Text>
        ) : null}
        {row.escalated ? <Text className='badge badge--warn'>已督办</Text> : null}
        <Text className='badge badge--bad'>{levelName(Number(row.level))}</Text>
        <Text className='badge badge--info'>{row.is_realname ? '实名' : '匿名'}</Text>
      </View>
      {due ? (
        <Text className={`card__line due due--${urgencyOf(row, today)}`} data-testid='wo-due'>
          {cal ? `${dueText(due.kind, workingDaysUntil(today, due.day, cal))}，截止 ${dayLabel(due.day)}` : `${due.kind}期限：${dayLabel(due.day)}`}
          {row.due_is_provisional ? '（节假日未公布，暂按周末计算）' : ''}
        </Text>
      ) : null}
    </View>
  )
}
