import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { useDidShow } from '@tarojs/taro'
import { ListMore } from '../../../../components/ListMore.tsx'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading } from '../../../../components/StatusBlock.tsx'
import { OrderBadges } from '../../../../components/WorkOrderBits.tsx'
import type { WorkOrderStatus } from '../../../../../../shared/work-orders.ts'
import { go, ROUTES } from '../../../../lib/nav.ts'
import { tagName } from '../../../../lib/rating-form.ts'
import { FINISHED_PAGE, loadFinishedPage, loadOrders, todayInShanghai } from '../../../../lib/staff-load.ts'
import type { UnitWorkOrderRow } from '../../../../../../shared/staff.ts'
import type { SpanCalendar } from '../../../../lib/countdown.ts'
import { byUrgency, countsByStatus, isOverdue, OPEN_STATUSES, urgencyOf } from '../../../../lib/staff-view.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import { usePagedList } from '../../../../lib/usePagedList.ts'
import '../../staff.scss'

/** One order on either tab. */
function OrderCard({ r, today, cal, finished = false }: { r: UnitWorkOrderRow; today: string; cal: SpanCalendar | null; finished?: boolean }) {
  return (
    <View className={`card wo wo--${urgencyOf(r, today)}`} data-testid='wo-item' data-wo={r.id} data-urgency={urgencyOf(r, today)} onClick={() => go(ROUTES.staffOrder, `id=${r.id}`)}>
      <OrderBadges row={r} today={today} cal={cal} />
      <Text className='wo__title'>{r.matter_name ?? '窗口服务评价'}</Text>
      <Text className='card__line'>
        {r.project_no ? `办件编号 ${r.project_no} · ` : r.is_about_me ? '针对本人的差评 · ' : r.is_realname ? '' : '匿名评价 · '}
        {r.window_name ?? ''}
      </Text>
      {r.tags && r.tags.length > 0 ? <Text className='card__line'>不满意原因：{r.tags.map(tagName).join('、')}</Text> : null}
      {r.comment ? <Text className='card__line'>“{r.comment}”</Text> : null}
      <Button className='btn btn--secondary' data-testid='open-order' onClick={(e) => { e.stopPropagation(); go(ROUTES.staffOrder, `id=${r.id}`) }}>
        {finished ? '查看处理经过' : '查看和处理'}
      </Button>
    </View>
  )
}

/** 已办结 (closed, dismissed, rerouted): a page at a time from the server, latest first (issue 21.7). */
function Finished() {
  const list = usePagedList(loadFinishedPage)
  const today = todayInShanghai()
  if (list.state.status === 'loading') return <Loading />
  if (list.state.status === 'error') return <ErrorBlock message={list.state.error.message} onRetry={list.reload} />
  return (
    <View data-testid='finished-list'>
      {list.rows.length === 0 ? <Empty label='还没有已办结的差评工单' /> : null}
      {list.rows.map((r) => <OrderCard key={r.id} r={r} today={today} cal={null} finished />)}
      <ListMore list={list} pageSize={FINISHED_PAGE} testid='wo' />
    </View>
  )
}

function Desk() {
  const [tab, setTab] = useState<'open' | 'done'>('open')
  return (
    <View>
      <View className='choices' role='tablist' data-testid='wo-tabs'>
        {(['open', 'done'] as const).map((t) => (
          <View key={t} role='tab' aria-selected={tab === t} className={`choice${tab === t ? ' choice--on' : ''}`} data-testid={`tab-${t}`} onClick={() => setTab(t)}>
            {t === 'open' ? '处理中' : '已办结'}
          </View>
        ))}
      </View>
      {tab === 'open' ? <Open /> : <Finished />}
      <Button className='btn btn--secondary' data-testid='to-unit-ratings' onClick={() => go(ROUTES.staffRatings)}>
        本单位评价 · 我的评价
      </Button>
      <Button className='btn btn--secondary' data-testid='to-unit-comments' onClick={() => go(ROUTES.staffComments)}>
        综合点评 · 本单位意见箱
      </Button>
    </View>
  )
}

/**
 * 处理中: the unit's live workload, whole (issue 21.7): its counts, its urgency order and the
 * state filters need all of it, and it stays bounded because orders leave it as they are done;
 * what grows without end is 已办结, which pages on the server.
 */
function Open() {
  const { state, reload } = useAsync(() => loadOrders(true))
  const [filter, setFilter] = useState<WorkOrderStatus | 'open' | 'overdue'>('open')
  useDidShow(() => {
    if (state.status === 'done') reload()
  })
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const { rows, cal, today } = state.data
  const overdue = rows.filter((r) => isOverdue(r, today))
  // What needs action first: 已超期 (red), 今明到期 (amber), then by due date (issue 21.2).
  const shown = byUrgency(
    rows.filter((r) => (filter === 'open' ? OPEN_STATUSES.includes(r.status) : filter === 'overdue' ? isOverdue(r, today) : r.status === filter)),
    today,
  )
  const soon = rows.filter((r) => urgencyOf(r, today) === 'soon').length
  const units = [...new Set(rows.map((r) => r.unit_name))]
  const choose = (f: typeof filter) => setFilter(f)
  return (
    <View>
      {units.length > 0 ? <Text className='hint'>单位：{units.join('、')}</Text> : null}
      {overdue.length > 0 ? (
        <Text className='notice' data-testid='overdue-notice'>
          ⚠ 有 {overdue.length} 件差评已超期，请尽快处理
        </Text>
      ) : null}
      <View className='counts' data-testid='counts'>
        <View className={`count${filter === 'open' ? ' count--on' : ''}`} data-testid='count-open' onClick={() => choose('open')}>
          <Text className='count__n'>{rows.filter((r) => OPEN_STATUSES.includes(r.status)).length}</Text>
          <Text className='count__label'>待办合计</Text>
        </View>
        <View className={`count${filter === 'overdue' ? ' count--on' : ''}`} data-testid='count-overdue' onClick={() => choose('overdue')}>
          <Text className='count__n'>{overdue.length}</Text>
          <Text className='count__label'>已超期</Text>
        </View>
        <View className='count count--static' data-testid='count-soon'>
          <Text className='count__n'>{soon}</Text>
          <Text className='count__label'>今明到期</Text>
        </View>
        {countsByStatus(rows).filter((c) => c.status !== 'overdue').map((c) => (
          <View
            key={c.status}
            className={`count${filter === c.status ? ' count--on' : ''}`}
            data-testid={`count-${c.status}`}
            onClick={() => choose(c.status)}
          >
            <Text className='count__n'>{c.count}</Text>
            <Text className='count__label'>{c.label}</Text>
          </View>
        ))}
      </View>
      {shown.length === 0 ? <Empty label='这里没有待处理的差评工单' /> : null}
      {shown.map((r) => <OrderCard key={r.id} r={r} today={today} cal={cal} />)}
    </View>
  )
}

export default function StaffDeskPage() {
  return (
    <Shell title='工作台 · 差评处理'>
      <LoginGate reason='工作人员登录后处理本单位差评'>{() => <Desk />}</LoginGate>
    </Shell>
  )
}
