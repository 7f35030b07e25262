/**
 * 差评热点 on the dashboard (issue 16.3): for the chosen region or unit and period, the 差评 tags
 * and the words of the 差评 comments named most often, each with the previous period as long
 * beside it, as bars and as a table. The server gives counts only (no rater); the words are
 * counted by shared/hot-topics.ts.
 */
import { Text, View } from '@tarojs/components'
import { changeText, previousPeriod, type HotTopics as Topics, type Topic } from '../../../../shared/hot-topics.ts'
import { badReviewTopics } from '../../lib/analytics-api.ts'
import { useAsync } from '../../lib/useAsync.ts'
import { ErrorBlock, Loading } from '../../components/StatusBlock.tsx'
import './analytics.scss'

const pct = (share: number | null) => (share === null ? '—' : `${Math.round(share * 1000) / 10}%`)

/** Bars of this period (navy) with the previous period's count under each (grey), largest first. */
function Bars({ items, testid }: { items: Topic[]; testid: string }) {
  const top = Math.max(1, ...items.map((t) => Math.max(t.current, t.previous)))
  return (
    <View className='topic-bars' data-testid={testid} role='img' aria-label={items.map((t) => `${t.label} ${t.current} 条，上期 ${t.previous} 条`).join('；')}>
      {items.slice(0, 10).map((t) => (
        <View key={t.key} className='topic-bar'>
          <Text className='topic-bar__label'>{t.label}</Text>
          <View className='topic-bar__track'>
            <View className='topic-bar__fill' style={{ width: `${(100 * t.current) / top}%` }} />
            <View className='topic-bar__fill topic-bar__fill--prev' style={{ width: `${(100 * t.previous) / top}%` }} />
          </View>
          <Text className='topic-bar__value'>
            {t.current}（{changeText(t)}）
          </Text>
        </View>
      ))}
    </View>
  )
}

function Table({ items, head, shareOf, testid }: { items: Topic[]; head: string; shareOf: string; testid: string }) {
  return (
    <View className='atbl' data-testid={testid}>
      <View className='atbl__row atbl__row--head'>
        <Text className='atbl__cell atbl__cell--name'>{head}</Text>
        <Text className='atbl__cell'>本期</Text>
        <Text className='atbl__cell'>上期</Text>
        <Text className='atbl__cell'>变化</Text>
        <Text className='atbl__cell'>占{shareOf}</Text>
      </View>
      {items.map((t) => (
        <View key={t.key} className='atbl__row' data-testid={`${testid}-row`} data-key={t.key} data-current={t.current} data-previous={t.previous}>
          <Text className='atbl__cell atbl__cell--name'>{t.label}</Text>
          <Text className='atbl__cell'>{t.current}</Text>
          <Text className='atbl__cell'>{t.previous}</Text>
          <Text className='atbl__cell'>{changeText(t)}</Text>
          <Text className='atbl__cell'>{pct(t.share)}</Text>
        </View>
      ))}
    </View>
  )
}

function Body({ data, from, to }: { data: Topics; from: string; to: string }) {
  const prev = previousPeriod(from, to)
  return (
    <View>
      <Text className='hint' data-testid='topics-totals'>
        本期（{from} 至 {to}）差评 {data.total.current} 条，其中有文字意见 {data.commented.current} 条；上期（{prev.from} 至 {prev.to}）差评 {data.total.previous} 条。
      </Text>
      <Text className='card__strong'>差评标签</Text>
      {data.tags.length === 0 ? (
        <Text className='hint'>本期没有差评标签</Text>
      ) : (
        <View>
          <Bars items={data.tags} testid='topics-tag-chart' />
          <Table items={data.tags} head='标签' shareOf='差评' testid='topics-tags' />
        </View>
      )}
      <Text className='card__strong'>意见高频词</Text>
      {data.words.length === 0 ? (
        <Text className='hint'>本期差评没有文字意见</Text>
      ) : (
        <View>
          <Bars items={data.words} testid='topics-word-chart' />
          <Table items={data.words} head='词语' shareOf='有意见的差评' testid='topics-words' />
          <Text className='hint'>
            词语按提到它的差评条数计（一条意见提多次只算一次），已去掉“的、很、窗口、办理”等不说明问题的词。
            {data.segmenter === 'bigram' ? '本设备不支持中文分词，按相邻两字统计，结果较粗。' : ''}
          </Text>
        </View>
      )}
      <Text className='hint'>粗条为本期，细条为上期。只统计有效的主动差评，不显示评价人。</Text>
    </View>
  )
}

export function HotTopics({ from, to, region, unit }: { from: string; to: string; region: string | null; unit: string | null }) {
  const { state, reload } = useAsync(() => badReviewTopics(from, to, region, unit))
  return (
    <View className='card' data-testid='hot-topics'>
      <Text className='card__title'>差评热点 · 与上期对比</Text>
      {state.status === 'loading' ? <Loading label='正在统计差评热点…' /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' ? <Body data={state.data} from={from} to={to} /> : null}
    </View>
  )
}
