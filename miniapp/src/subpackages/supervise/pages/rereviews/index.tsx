import { useState } from 'react'
import { Button, Text, Textarea, View } from '@tarojs/components'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading, Notice } from '../../../../components/StatusBlock.tsx'
import type { RereviewRow } from '../../../../../../shared/desk.ts'
import { ERRORS } from '../../../../../../shared/errors.ts'
import { APPEAL_REASON_LABELS } from '../../../../../../shared/staff.ts'
import { AppError } from '../../../../lib/errors.ts'
import { useAction } from '../../../../lib/useAction.ts'
import { beforeDayText } from '../../../../lib/countdown.ts'
import { shanghaiDate } from '../../../../../../shared/calendar/shanghai.ts'
import { instantLabel } from '../../../../lib/format.ts'
import { levelName } from '../../../../lib/levels.ts'
import { tagName } from '../../../../lib/rating-form.ts'
import { decideRereview, rereviewsToDecide } from '../../../../lib/rereview-api.ts'
import { lengthProblem } from '../../../../lib/staff-view.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import { EvidenceLinks } from '../../EvidenceLinks.tsx'
import '../../supervise.scss'
import { PLACEHOLDER_STYLE } from '../../../../lib/tokens.ts'

/** Overturn (the 差评 counts again, 整改 starts) or uphold (the dismissal stands), with a note. */
function Decide({ row, onDone }: { row: RereviewRow; onDone: (notice: string) => void }) {
  const [note, setNote] = useState('')
  const { busy, error, setError, run } = useAction()
  // Both outcomes equal; the chosen one waits on a confirm sheet that restates it (issue 21.3).
  const [asking, setAsking] = useState<boolean | null>(null)
  const ask = (overturn: boolean) => {
    const p = lengthProblem('复核意见', note, 2, 1000)
    if (p) setError(p)
    else setAsking(overturn)
  }
  const decide = (overturn: boolean) =>
    run(async () => {
      const p = lengthProblem('复核意见', note, 2, 1000)
      if (p) throw new AppError('invalid_input', p)
      const r = await decideRereview(row.work_order_id, overturn, note.trim())
      onDone(
        overturn
          ? `已改判：差评恢复有效并计入考核，${row.unit_name}须重新整改（工单状态：${r.status === 'rectifying' ? '整改中' : r.status}）`
          : '已维持申诉结论：该差评仍不计入考核',
      )
    })
  return (
    <View data-testid='decide-rereview'>
      <Text className='field-label'>复核意见（必填，评价人和单位都能看到）</Text>
      <Textarea
        className='textarea'
        data-testid='rereview-note'
        value={note}
        maxlength={1000}
        placeholderStyle={PLACEHOLDER_STYLE}
        onInput={(e) => {
          setNote(e.detail.value)
          setError(null)
        }}
      />
      {error ? <ErrorBlock message={error} /> : null}
      {asking === null ? (
        <View className='decide-pair'>
          <Button className='btn btn--choice' data-testid='overturn' onClick={() => ask(true)}>
            改判：差评有效，单位须整改
          </Button>
          <Button className='btn btn--choice' data-testid='uphold' onClick={() => ask(false)}>
            维持申诉结论
          </Button>
        </View>
      ) : (
        <View className='decide-confirm' data-testid='decide-confirm' data-overturn={asking ? 'yes' : 'no'}>
          <Text className='decide-confirm__text'>
            {asking
              ? `确认改判：差评恢复有效并计入考核，${row.unit_name}须重新整改。复核结论为最终结论，评价人和单位都会看到。`
              : '确认维持申诉结论：该差评仍不计入考核。复核结论为最终结论，评价人和单位都会看到。'}
          </Text>
          {/* The day an overturn sets, as decide_rereview computes it (issue 21.3). */}
          {asking && row.rectify_due_if_overturned ? (
            <Text className='decide-confirm__text' data-testid='decide-deadline'>
              整改期限：{beforeDayText(shanghaiDate(new Date().toISOString()), row.rectify_due_if_overturned)}。
            </Text>
          ) : null}
          <Button className={`btn btn--primary${busy ? ' btn--busy' : ''}`} data-testid='decide-yes' onClick={() => decide(asking)}>
            {asking ? '确认改判' : '确认维持'}
          </Button>
          <Button className='btn btn--secondary' data-testid='decide-no' onClick={() => setAsking(null)}>
            返回修改
          </Button>
        </View>
      )}
    </View>
  )
}

function RereviewCard({ row, onDone }: { row: RereviewRow; onDone: (n: string) => void }) {
  return (
    <View className='card' data-testid='rereview' data-wo={row.work_order_id}>
      <View className='wo__head'>
        <Text className='badge badge--warn'>待复核</Text>
        {row.must_recuse ? <Text className='badge badge--warn'>须回避</Text> : null}
        {row.appeal_reason ? <Text className='badge badge--info'>申诉理由：{APPEAL_REASON_LABELS[row.appeal_reason]}</Text> : null}
      </View>
      <Text className='wo__title'>{row.unit_name}</Text>
      <Text className='card__line'>
        {row.region_name} · {row.matter_name ?? '窗口服务评价'}
        {row.project_no ? ` · 办件 ${row.project_no}` : ''}
        {row.window_name ? ` · ${row.window_name}` : ''}
      </Text>
      <Text className='card__line'>评价人申请复核于 {instantLabel(row.rereview_requested_at)}</Text>
      <View className='side'>
        <View className='side__col' data-testid='rereview-rating'>
          <Text className='section__title'>评价</Text>
          <Text className='card__strong'>{levelName(Number(row.level))}</Text>
          {row.tags && row.tags.length > 0 ? <Text className='card__line'>原因：{row.tags.map(tagName).join('、')}</Text> : null}
          <Text className='card__line'>评价内容：{row.comment ?? '（未填写）'}</Text>
          <Text className='card__line'>评价时间：{instantLabel(row.rated_at)}</Text>
          <Text className='section__title'>评价人的复核理由</Text>
          <Text className='card__line' data-testid='rereview-reason'>
            {row.rereview_reason ?? '（未填写）'}
          </Text>
        </View>
        <View className='side__col' data-testid='rereview-dismissal'>
          <Text className='section__title'>单位申诉（已认定成立）</Text>
          <Text className='card__line'>{row.appeal_statement ?? '（无申诉记录）'}</Text>
          <EvidenceLinks ids={row.appeal_evidence} />
          <Text className='section__title'>原审核意见</Text>
          <Text className='card__line' data-testid='rereview-decision-note'>
            {row.appeal_decision_note ?? '（无）'}
            {row.appeal_decided_at ? `（${instantLabel(row.appeal_decided_at)}）` : ''}
          </Text>
        </View>
      </View>
      {row.must_recuse ? (
        // 回避: the same words decide_rereview would refuse with, before the supervisor tries.
        <Text className='card__line' data-testid='recused'>{ERRORS.review_recused.message}</Text>
      ) : row.can_decide ? (
        <Decide row={row} onDone={onDone} />
      ) : (
        <Text className='hint' data-testid='rereview-readonly'>
          复核由市级监督员决定，您可以查看本辖区的复核申请。
        </Text>
      )}
    </View>
  )
}

function Rereviews() {
  const { state, reload } = useAsync(rereviewsToDecide)
  const [notice, setNotice] = useState<string | null>(null)
  return (
    <View>
      <Text className='hint'>群众对被认定为误评、恶意差评而不计入考核的实名差评有异议时，可申请一次复核，由市级监督部门决定。</Text>
      <Notice text={notice} testid='rereview-done' />
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' && state.data.length === 0 ? <Empty label='没有待复核的申请' /> : null}
      {state.status === 'done'
        ? state.data.map((row) => (
            <RereviewCard
              key={row.work_order_id}
              row={row}
              onDone={(n) => {
                setNotice(n)
                reload()
              }}
            />
          ))
        : null}
    </View>
  )
}

export default function RereviewsPage() {
  return (
    <Shell title='差评复核'>
      <LoginGate reason='市级监督员登录后处理复核申请'>{() => <Rereviews />}</LoginGate>
    </Shell>
  )
}
