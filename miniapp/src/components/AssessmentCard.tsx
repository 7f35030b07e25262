import { Text, View } from '@tarojs/components'
import type { AssessmentRow } from '../../../shared/comments.ts'
import { instantLabel } from '../lib/format.ts'
import { scoreText } from '../lib/sampling-view.ts'

/** One 第三方评估 record: whom it is about, the period, the assessor, the score and summary. */
export function AssessmentCard({ a }: { a: AssessmentRow }) {
  return (
    <View className='card' data-testid='assessment' data-assessment={a.id}>
      <View className='wo__head'>
        <Text className='badge badge--info'>{a.unit_id ? '单位' : '地区'}</Text>
        <Text className='badge badge--good' data-testid='assessment-score-value'>
          {scoreText(a.score)}
        </Text>
      </View>
      <Text className='wo__title'>{a.unit_name ?? a.region_name}</Text>
      <Text className='card__line'>
        {a.period_from} 至 {a.period_to} · {a.assessor_org}
      </Text>
      <Text className='card__line'>{a.summary}</Text>
      {a.attachment_ref ? <Text className='card__line'>报告：{a.attachment_ref}</Text> : null}
      <Text className='card__line'>录入于 {instantLabel(a.created_at)}</Text>
    </View>
  )
}
