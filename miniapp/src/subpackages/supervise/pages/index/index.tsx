import { useState } from 'react'
import { Button, Text, Textarea, View } from '@tarojs/components'
import { useDidShow } from '@tarojs/taro'
import { ListMore } from '../../../../components/ListMore.tsx'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading } from '../../../../components/StatusBlock.tsx'
import { rateWithCount } from '../../../../../../shared/metrics.ts'
import type { UpstreamStatus } from '../../../../../../shared/upstream.ts'
import { toAppError } from '../../../../lib/errors.ts'
import { instantLabel } from '../../../../lib/format.ts'
import { go, ROUTES } from '../../../../lib/nav.ts'
import { appealsToReview, keySupervisionList, overdueWorkOrders, repushUpstream, upstreamStatus, urgeWorkOrder } from '../../../../lib/staff-api.ts'
import { useAction } from '../../../../lib/useAction.ts'
import { lengthProblem } from '../../../../lib/staff-view.ts'
import { AppError } from '../../../../lib/errors.ts'
import type { OverdueRow } from '../../../../../../shared/supervise.ts'
import { PLACEHOLDER_STYLE } from '../../../../lib/tokens.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import { pageOf, usePagedList, type Page, type PagedList } from '../../../../lib/usePagedList.ts'
import { statusLabel } from '../../../../lib/work-order-view.ts'
import '../../supervise.scss'

async function loadDesk() {
  const [appeals, key, upstream] = await Promise.all([appealsToReview('pending'), keySupervisionList(), upstreamStatus(null)])
  return { appeals: appeals.length, key, upstream }
}

/** 超期预警 comes a page at a time, most overdue first (the server's order), with the count of all. */
const OVERDUE_PAGE = 20

async function loadOverduePage(offset: number): Promise<Page<OverdueRow>> {
  const rows = await overdueWorkOrders(OVERDUE_PAGE + 1, offset)
  return pageOf(rows, OVERDUE_PAGE, rows[0] !== undefined ? Number(rows[0].total_count) : offset === 0 ? 0 : undefined)
}

/** 督办 on an 超期预警 row (issue 21.2): a note to the unit, confirmed by the server's answer. */
function Urge({ row, onDone }: { row: OverdueRow; onDone: () => void }) {
  const [open, setOpen] = useState(false)
  const [note, setNote] = useState('')
  const [done, setDone] = useState<string | null>(null)
  const { busy, error, setError, run } = useAction()
  if (done) {
    return (
      <Text className='notice notice--ok' data-testid='urge-done'>
        ✓ {done}
      </Text>
    )
  }
  if (!open) {
    return (
      <Button className='btn btn--secondary' data-testid='urge' onClick={() => setOpen(true)}>
        督办
      </Button>
    )
  }
  const send = () =>
    run(async () => {
      const p = lengthProblem('督办意见', note, 2, 500)
      if (p) throw new AppError('invalid_input', p)
      await urgeWorkOrder(row.id, note.trim())
      setDone(`已督办${row.unit_name}：${note.trim()}`)
      onDone()
    })
  return (
    <View data-testid='urge-form'>
      <Text className='field-label'>督办意见（单位会看到）</Text>
      <Textarea
        className='textarea'
        data-testid='urge-note'
        value={note}
        maxlength={500}
        placeholderStyle={PLACEHOLDER_STYLE}
        placeholder='例如：请于今天内核实并答复群众'
        onInput={(e) => {
          setNote(e.detail.value)
          setError(null)
        }}
      />
      {error ? <ErrorBlock message={error} /> : null}
      <Button className={`btn btn--primary${busy ? ' btn--busy' : ''}`} data-testid='urge-send' onClick={() => void send()}>
        发送督办
      </Button>
      <Button className='btn btn--secondary' data-testid='urge-cancel' onClick={() => setOpen(false)}>
        取消
      </Button>
    </View>
  )
}

function Upstream({ status, onChanged }: { status: UpstreamStatus; onChanged: () => void }) {
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null)
  const repush = async (id: number) => {
    setMsg(null)
    try {
      await repushUpstream(id)
      setMsg({ ok: true, text: `第 ${id} 条已重新排队推送` })
      onChanged()
    } catch (err) {
      setMsg({ ok: false, text: toAppError(err).message })
    }
  }
  const c = status.counts
  return (
    <View className='card' data-testid='upstream'>
      <Text className='card__title'>向省平台报送</Text>
      <Text className='card__line' data-testid='upstream-counts'>
        已送达 {c.delivered} · 待发送 {c.pending} · 发送中 {c.sending} · 失败（死信）{c.dead}
      </Text>
      {status.oldest_pending_at ? <Text className='card__line'>最早未送达：{instantLabel(status.oldest_pending_at)}</Text> : null}
      {msg ? (msg.ok ? <Text className='notice notice--ok'>✓ {msg.text}</Text> : <ErrorBlock message={msg.text} />) : null}
      {status.dead_letters.map((d) => (
        <View key={d.id} className='card' data-testid='dead-letter'>
          <Text className='card__line'>办件 {d.project_no ?? d.rating_id} · 第 {d.assess_number ?? 1} 次评价 · 尝试 {d.attempts} 次</Text>
          <Text className='card__line'>原因：{d.last_error ?? '未知'}</Text>
          <Button className='btn btn--secondary' data-testid='repush' onClick={() => repush(d.id)}>
            重新推送
          </Button>
        </View>
      ))}
    </View>
  )
}

function Overdue({ list }: { list: PagedList<OverdueRow> }) {
  if (list.state.status === 'loading') return <Loading />
  if (list.state.status === 'error') return <ErrorBlock message={list.state.error.message} onRetry={list.reload} />
  return (
    <View className='section' data-testid='overdue'>
      <Text className='section__title' data-testid='overdue-total'>超期预警（{list.total ?? list.rows.length} 件，超期最久的在前）</Text>
      {list.rows.length === 0 ? <Empty label='没有超期或督办中的差评' /> : null}
      {list.rows.map((o) => (
        <View key={o.id} className='card' data-testid='overdue-item' data-wo={o.id}>
          <View className='wo__head'>
            <Text className='badge badge--bad'>{statusLabel(o.status)}</Text>
            {o.overdue_working_days !== null && Number(o.overdue_working_days) > 0 ? (
              <Text className='badge badge--bad'>超期 {Number(o.overdue_working_days)} 个工作日</Text>
            ) : null}
          </View>
          <Text className='wo__title'>{o.unit_name}</Text>
          <Text className='card__line'>{o.matter_name ?? '窗口服务评价'}{o.project_no ? ` · ${o.project_no}` : ''}</Text>
          <Text className='card__line'>督办原因：{o.escalation_reason ?? '超期'}</Text>
          <Urge row={o} onDone={() => undefined} />
        </View>
      ))}
      <ListMore list={list} pageSize={OVERDUE_PAGE} testid='overdue' />
    </View>
  )
}

function Desk() {
  const { state, reload } = useAsync(loadDesk)
  const overdue = usePagedList(loadOverduePage)
  useDidShow(() => {
    if (state.status === 'done') reload()
    if (overdue.state.status === 'done') overdue.reload()
  })
  return (
    <View>
      <Button className='btn btn--primary' data-testid='to-appeals' onClick={() => go(ROUTES.superviseAppeals)}>
        申诉审核{state.status === 'done' ? `（待审 ${state.data.appeals} 件）` : ''}
      </Button>
      <Button className='btn btn--secondary' data-testid='to-dashboard' onClick={() => go(ROUTES.superviseDashboard)}>
        评价统计 · 排名 · 图表
      </Button>
      <Button className='btn btn--secondary' data-testid='to-rereviews' onClick={() => go(ROUTES.superviseRereviews)}>
        差评复核申请
      </Button>
      <Button className='btn btn--secondary' data-testid='to-moderation' onClick={() => go(ROUTES.superviseModeration)}>
        评论公开审核
      </Button>
      <Button className='btn btn--secondary' data-testid='to-comments' onClick={() => go(ROUTES.superviseComments)}>
        综合点评 · 意见箱
      </Button>
      <Button className='btn btn--secondary' data-testid='to-sampling' onClick={() => go(ROUTES.superviseSampling)}>
        回访抽查
      </Button>
      <Button className='btn btn--secondary' data-testid='to-assessments' onClick={() => go(ROUTES.superviseAssessments)}>
        第三方评估
      </Button>
      <Button className='btn btn--secondary' data-testid='to-publish' onClick={() => go(ROUTES.supervisePublish)}>
        结果公开 · 数据导出
      </Button>
      <Button className='btn btn--secondary' data-testid='to-admin' onClick={() => go(ROUTES.admin)}>
        管理 · 单位 窗口 人员 密钥 日历
      </Button>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' ? (
        <View>
          <Overdue list={overdue} />
          <View className='section' data-testid='key-supervision'>
            <Text className='section__title'>重点监督（30 天内差评集中，差评把握最大者在前）</Text>
            {state.data.key.length === 0 ? <Empty label='没有需要重点监督的窗口或人员' /> : null}
            {state.data.key.map((k) => (
              <View key={`${k.object_type}-${k.object_id}`} className='card' data-testid='key-item'>
                <Text className='wo__title'>
                  {k.object_type === 'officer' ? '工作人员' : '窗口'}：{k.object_name}
                </Text>
                <Text className='card__line'>{k.unit_name} · 差评 {Number(k.bad_count)} 条（{Number(k.rater_count)} 人）· 最近 {instantLabel(k.last_bad_at)}</Text>
                {/* Issue 16.2: the 差评率 with its n; the list runs by its Wilson lower bound (most confidently bad first). */}
                <Text className='card__line' data-testid='key-rate' data-bound={String(k.bad_bound)}>
                  30 天差评率 {rateWithCount(Number(k.bad_count), Number(k.rating_count))}
                </Text>
              </View>
            ))}
          </View>
          <Upstream status={state.data.upstream} onChanged={reload} />
        </View>
      ) : null}
    </View>
  )
}

export default function SuperviseDeskPage() {
  return (
    <Shell title='监督台'>
      <LoginGate reason='监督员登录后使用监督台'>{() => <Desk />}</LoginGate>
    </Shell>
  )
}
