import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { AssessmentCard } from '../../../../components/AssessmentCard.tsx'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading } from '../../../../components/StatusBlock.tsx'
import { CHANNEL_LABELS, type UnitRatingRow } from '../../../../../../shared/staff.ts'
import { toAppError } from '../../../../lib/errors.ts'
import { instantLabel } from '../../../../lib/format.ts'
import { levelName } from '../../../../lib/levels.ts'
import { tagName } from '../../../../lib/rating-form.ts'
import { thirdPartyAssessments } from '../../../../lib/sampling-api.ts'
import { unitRatings } from '../../../../lib/staff-api.ts'
import { todayInShanghai } from '../../../../lib/staff-load.ts'
import { periodPresets } from '../../../../lib/staff-view.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import { statusLabel } from '../../../../lib/work-order-view.ts'
import '../../staff.scss'

const PAGE = 50

/** One rating: what was said and about whom in the unit — never who said it (R13). */
function RatingCard({ r }: { r: UnitRatingRow }) {
  return (
    <View className='card' data-testid='unit-rating' data-bad={r.is_bad ? 'yes' : 'no'}>
      <View className='wo__head'>
        <Text className={`badge ${r.is_bad ? 'badge--bad' : Number(r.level) >= 4 ? 'badge--good' : 'badge--mid'}`}>{levelName(Number(r.level))}</Text>
        {r.is_default ? <Text className='badge badge--info'>默认评价</Text> : null}
        {r.is_my_work ? <Text className='badge badge--info' data-testid='my-work'>我的办件</Text> : null}
        {r.validity !== 'valid' ? <Text className='badge badge--warn'>不计入考核</Text> : null}
        {Number(r.assess_number) === 2 ? <Text className='badge badge--info'>整改后评价</Text> : null}
      </View>
      <Text className='wo__title'>{r.matter_name ?? '窗口服务评价'}</Text>
      <Text className='card__line'>
        {instantLabel(r.rated_at)} · {CHANNEL_LABELS[r.channel] ?? r.channel}
      </Text>
      <Text className='card__line'>
        {r.unit_name}
        {r.window_name ? ` · ${r.window_name}` : ''}
        {r.staff_name ? ` · 经办人 ${r.staff_name}` : ''}
      </Text>
      {r.tags && r.tags.length > 0 ? <Text className='card__line'>原因：{r.tags.map(tagName).join('、')}</Text> : null}
      {r.comment ? <Text className='card__line'>“{r.comment}”</Text> : null}
      {r.work_order_status ? <Text className='card__line'>差评工单：{statusLabel(r.work_order_status)}</Text> : null}
    </View>
  )
}

function RatingList({ period, mine }: { period: { from: string; to: string }; mine: boolean }) {
  const [more, setMore] = useState<{ rows: UnitRatingRow[]; page: number; end: boolean; busy: boolean; error: string | null } | null>(null)
  const { state, reload } = useAsync(() => unitRatings(period.from, period.to, 0, PAGE))
  const loadMore = async (first: UnitRatingRow[]) => {
    const cur = more ?? { rows: first, page: 0, end: false, busy: false, error: null }
    if (cur.busy || cur.end) return
    setMore({ ...cur, busy: true, error: null })
    try {
      const next = await unitRatings(period.from, period.to, cur.page + 1, PAGE)
      setMore({ rows: [...cur.rows, ...next], page: cur.page + 1, end: next.length < PAGE, busy: false, error: null })
    } catch (err) {
      setMore({ ...cur, busy: false, error: toAppError(err).message })
    }
  }
  const rows = more?.rows ?? (state.status === 'done' ? state.data : [])
  const shown = mine ? rows.filter((r) => r.is_my_work) : rows
  const bad = shown.filter((r) => r.is_bad && r.validity === 'valid').length
  return (
    <View>
      <Text className='card__line' data-testid='ratings-summary'>
        {period.from} 至 {period.to}：已载入 {shown.length} 条评价，其中差评 {bad} 条
      </Text>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' && shown.length === 0 ? <Empty label='这段时间没有评价' /> : null}
      {shown.map((r) => (
        <RatingCard key={r.id} r={r} />
      ))}
      {more?.error ? <ErrorBlock message={more.error} /> : null}
      {state.status === 'done' && state.data.length === PAGE && !more?.end ? (
        <Button className='btn btn--secondary' data-testid='load-more' onClick={() => loadMore(state.data)}>
          {more?.busy ? '加载中…' : '加载更多'}
        </Button>
      ) : null}
    </View>
  )
}

/** 第三方评估 of the unit (R18): what independent assessors found, next to what citizens said. */
function UnitAssessments() {
  const { state, reload } = useAsync(() => thirdPartyAssessments(null))
  return (
    <View className='section' data-testid='unit-assessments'>
      <Text className='section__title'>第三方评估</Text>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' && state.data.length === 0 ? <Empty label='本单位还没有第三方评估记录' /> : null}
      {state.status === 'done' ? state.data.map((a) => <AssessmentCard key={a.id} a={a} />) : null}
    </View>
  )
}

function Ratings() {
  const today = todayInShanghai()
  const presets = periodPresets(today)
  const [preset, setPreset] = useState(presets[0]?.key ?? 'month')
  const [mine, setMine] = useState(false)
  const period = presets.find((p) => p.key === preset) ?? presets[0]!
  return (
    <View>
      <UnitAssessments />
      <Text className='section__title'>群众评价</Text>
      <Text className='hint'>评价人的身份不会显示在这里（含是否匿名）。</Text>
      <View className='choices'>
        {presets.map((p) => (
          <View key={p.key} className={`choice${p.key === preset ? ' choice--on' : ''}`} data-testid={`period-${p.key}`} onClick={() => setPreset(p.key)}>
            {p.label}
          </View>
        ))}
      </View>
      <View className='choices'>
        <View className={`choice${!mine ? ' choice--on' : ''}`} data-testid='scope-unit' onClick={() => setMine(false)}>本单位全部</View>
        <View className={`choice${mine ? ' choice--on' : ''}`} data-testid='scope-mine' onClick={() => setMine(true)}>只看我的办件</View>
      </View>
      <RatingList key={preset} period={period} mine={mine} />
    </View>
  )
}

export default function StaffRatingsPage() {
  return (
    <Shell title='本单位评价'>
      <LoginGate reason='工作人员登录后查看本单位评价'>{() => <Ratings />}</LoginGate>
    </Shell>
  )
}
