import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { Shell } from '../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading } from '../../components/StatusBlock.tsx'
import { CITY_CODE } from '../../../../shared/regions.ts'
import { publicBadReviewBoard, publicResults } from '../../lib/api.ts'
import { toAppError, type AppError } from '../../lib/errors.ts'
import { levelName } from '../../lib/levels.ts'
import { PUBLIC_REGIONS, periodLabel, publicationLine, publicFigures, publicRanking, recentPeriods } from '../../lib/public-view.ts'
import { publishedPeriods } from '../../lib/publish-api.ts'
import { tagName } from '../../lib/rating-form.ts'
import type { BadReviewBoardRow } from '../../lib/rows.ts'
import { useAsync } from '../../lib/useAsync.ts'
import { citizenStatusLabel, statusTone } from '../../lib/work-order-view.ts'
import './index.scss'

async function loadPublic(period: string, region: string) {
  const [results, published] = await Promise.all([publicResults(period, region), publishedPeriods(region)])
  let board: BadReviewBoardRow[] | null = null
  let boardError: AppError | null = null
  try {
    board = await publicBadReviewBoard(period, region)
  } catch (err) {
    boardError = toAppError(err)
  }
  return { results, published, board, boardError }
}

/** This month in Asia/Shanghai ('YYYY-MM'). */
function todayMonth(): string {
  return recentPeriods(new Date(), 1)[0] ?? ''
}

/** '2026-11-30' → '2026年11月30日'. */
function dayText(day: string): string {
  return `${Number(day.slice(0, 4))}年${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`
}

function Choices<T extends string>({ items, value, onChange, testId }: { items: Array<{ value: T; label: string }>; value: T; onChange: (v: T) => void; testId: string }) {
  return (
    <View className='choices' data-testid={testId}>
      {items.map((i) => (
        <View
          key={i.value}
          className={`choice${i.value === value ? ' choice--on' : ''}`}
          data-testid={`${testId}-${i.value}`}
          data-selected={i.value === value ? 'yes' : 'no'}
          onClick={() => onChange(i.value)}
        >
          <Text>{i.value === value ? `✓ ${i.label}` : i.label}</Text>
        </View>
      ))}
    </View>
  )
}

function Results({ period, region }: { period: string; region: string }) {
  const { state, reload } = useAsync(() => loadPublic(period, region))
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const { results, published, board, boardError } = state.data
  const rated = results.filter((r) => Number(r.rating_count) > 0 || Number(r.finished_count) > 0)
  const isPublished = published.some((p) => p.period === period)
  const places = publicRanking(rated)
  const open = period >= todayMonth()
  return (
    <View>
      {/* R15: figures are live (以公开为常态); a month a supervisor has checked and published says so. */}
      <Text className={`notice${isPublished ? ' notice--ok' : ''}`} data-testid='publication' data-published={isPublished ? 'yes' : 'no'}>
        {isPublished ? '✓ ' : ''}
        {publicationLine(period, published, new Date())}
      </Text>
      <Text className='field-label'>各单位评价结果（{periodLabel(period)}）</Text>
      {rated.length === 0 ? <Empty label='本月暂无评价数据' /> : null}
      <Text className='hint'>括号内为（分子/分母）；评价少于10条的单位显示“样本不足”，不参与排名。主动评价率：本月办结的办件中，获得群众主动评价的比例。</Text>
      {rated.map((r) => {
        const f = publicFigures(r)
        const place = places.get(r.unit_id)
        return (
          <View key={r.unit_id} className='card' data-testid='result-item' data-unit={r.unit_id}>
            <Text className='card__title'>
              {r.unit_name}
              {place ? (
                <Text className='badge badge--info result__place' data-testid='result-place' data-place={place.place}>
                  满意率第{place.place}名{place.tied ? '（并列）' : ''}
                </Text>
              ) : null}
            </Text>
            <Text className='card__line'>所在地区：{r.region_name}</Text>
            <View className='stats'>
              <View className='stats__cell'>
                <Text className='stats__value'>{Number(r.rating_count)}</Text>
                <Text className='stats__label'>评价数（其中默认 {Number(r.default_count)}）</Text>
              </View>
              <View className='stats__cell'>
                <Text className='stats__value'>{Number(r.bad_count)}</Text>
                <Text className='stats__label'>差评数</Text>
              </View>
            </View>
            <View className='figures'>
              <Text className='figures__head'>指标</Text>
              <Text className='figures__head'>含默认评价</Text>
              <Text className='figures__head'>仅主动评价</Text>
              <Text className='figures__name'>满意率</Text>
              <Text className='figures__value' data-testid='fig-satisfaction-all'>{f.satisfactionAll}</Text>
              <Text className='figures__value' data-testid='fig-satisfaction-active'>{f.satisfactionActive}</Text>
              <Text className='figures__name'>好评率</Text>
              <Text className='figures__value'>{f.goodAll}</Text>
              <Text className='figures__value'>{f.goodActive}</Text>
            </View>
            <Text className='card__line' data-testid='fig-active'>
              主动评价率 {f.active}
              {f.rectify ? ` · 差评整改率 ${f.rectify}` : ''}
            </Text>
            {open ? <Text className='hint'>本月尚未结束，数字仍会变化。</Text> : null}
          </View>
        )
      })}
      <Text className='field-label'>差评及整改情况公示</Text>
      {boardError ? (
        boardError.code === 'not_found' ? (
          <Empty label='差评公示暂未开放' />
        ) : (
          <ErrorBlock message={boardError.message} onRetry={reload} />
        )
      ) : null}
      {board && board.length === 0 ? <Empty label='本月没有差评' /> : null}
      {board?.map((b) => (
        <View key={b.work_order_id} className='card' data-testid='board-item'>
          <Text className='card__title'>{b.unit_name}</Text>
          <Text className='card__line'>
            <Text className='badge badge--bad'>差评</Text>
            {levelName(Number(b.level))}
            {b.matter_name ? ` · ${b.matter_name}` : ''}
          </Text>
          <Text className='card__line'>
            {dayText(b.rated_on)} · {b.region_name}
          </Text>
          {b.tags && b.tags.length > 0 ? <Text className='card__line'>原因：{b.tags.map(tagName).join('、')}</Text> : null}
          {b.comment ? <Text className='card__line'>群众留言：{b.comment}</Text> : null}
          <Text className='card__line' data-testid='board-status'>
            {/* Citizens' words, the same as 我的评价's (issue 21 d): never 待核实 / 申诉中. */}
            <Text className={`badge ${statusTone(b.status) === 'done' ? 'badge--good' : 'badge--info'}`}>
              {statusTone(b.status) === 'done' ? '✓ ' : ''}
              {citizenStatusLabel(b.status)}
            </Text>
          </Text>
          {b.reply ? (
            <Text className='card__line'>
              单位答复{b.replied_on ? `（${dayText(b.replied_on)}）` : ''}：{b.reply}
            </Text>
          ) : null}
        </View>
      ))}
    </View>
  )
}

/** Readable without login (R15): no rater, officer or 办件 appears here. */
export default function PublicPage() {
  const periods = recentPeriods(new Date())
  const [period, setPeriod] = useState(periods[0] ?? '')
  const [region, setRegion] = useState(CITY_CODE)
  return (
    <Shell title='评价结果公开'>
      <Text className='hint'>按月公布各单位的评价情况和差评整改情况，评价人信息不公开。</Text>
      <Text className='field-label'>月份</Text>
      <Choices testId='period' items={periods.map((p) => ({ value: p, label: periodLabel(p) }))} value={period} onChange={setPeriod} />
      <Text className='field-label'>地区</Text>
      <Choices testId='region' items={PUBLIC_REGIONS.map((r) => ({ value: r.code, label: r.name }))} value={region} onChange={setRegion} />
      <Results key={`${period}-${region}`} period={period} region={region} />
    </Shell>
  )
}
