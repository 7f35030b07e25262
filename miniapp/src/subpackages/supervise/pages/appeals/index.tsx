import { useState } from 'react'
import { Button, Text, Textarea, View } from '@tarojs/components'
import { UnitChoices } from '../../../../components/DeskFields.tsx'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading, Notice } from '../../../../components/StatusBlock.tsx'
import { APPEAL_REASON_LABELS, APPEAL_STATUS_LABELS, APPEAL_STATUSES, type AppealStatus } from '../../../../../../shared/staff.ts'
import { ERRORS } from '../../../../../../shared/errors.ts'
import type { AppealReviewRow } from '../../../../../../shared/supervise.ts'
import { AppError } from '../../../../lib/errors.ts'
import { useAction } from '../../../../lib/useAction.ts'
import { beforeDayText } from '../../../../lib/countdown.ts'
import { shanghaiDate } from '../../../../../../shared/calendar/shanghai.ts'
import { instantLabel } from '../../../../lib/format.ts'
import { levelName } from '../../../../lib/levels.ts'
import { tagName } from '../../../../lib/rating-form.ts'
import { appealsToReview, reviewAppeal } from '../../../../lib/staff-api.ts'
import { lengthProblem } from '../../../../lib/staff-view.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import { EvidenceLinks } from '../../EvidenceLinks.tsx'
import '../../supervise.scss'
import { PLACEHOLDER_STYLE } from '../../../../lib/tokens.ts'

function Decide({ appeal, onDone }: { appeal: AppealReviewRow; onDone: (notice: string) => void }) {
  const [note, setNote] = useState('')
  const [unit, setUnit] = useState<string | null>(null)
  const { busy, error, setError, run } = useAction()
  // The chosen outcome waits on a confirm sheet that restates its consequence (issue 21.3).
  const [asking, setAsking] = useState<boolean | null>(null)
  const rerouting = appeal.reason === 'wrong_unit'
  const today = shanghaiDate(new Date().toISOString())
  const deadline =
    asking === null
      ? null
      : asking
        ? appeal.rereview_due_if_approved
          ? `评价人如有异议，可在${beforeDayText(today, appeal.rereview_due_if_approved)}申请一次复核，由市级监督部门决定。`
          : rerouting
            ? null
            : '匿名评价，评价人不能申请复核。'
        : appeal.rectify_due_if_rejected
          ? `整改期限：${beforeDayText(today, appeal.rectify_due_if_rejected)}。`
          : null
  const check = (approve: boolean): string | null =>
    lengthProblem('审核意见', note, 2, 1000) ?? (approve && rerouting && !unit ? '非本单位职责：请选择应当负责的单位' : null)
  const ask = (approve: boolean) => {
    const p = check(approve)
    if (p) setError(p)
    else setAsking(approve)
  }
  const decide = (approve: boolean) =>
    run(async () => {
      const p = check(approve)
      if (p) throw new AppError('invalid_input', p)
      const r = await reviewAppeal(appeal.id, approve, note.trim(), approve && rerouting ? unit : null)
      onDone(r.status === 'approved' ? (r.new_work_order_id ? '申诉成立，差评已转交责任单位' : '申诉成立，该差评不计入考核') : `申诉不成立，单位须在${appeal.rectify_due_if_rejected ? beforeDayText(today, appeal.rectify_due_if_rejected) : '15 个工作日内'}整改`)
    })
  return (
    <View data-testid='decide'>
      <Text className='field-label'>审核意见（必填）</Text>
      <Textarea className='textarea' data-testid='review-note' value={note} maxlength={1000} placeholderStyle={PLACEHOLDER_STYLE} onInput={(e) => {
        setNote(e.detail.value)
        setError(null)
      }} />
      {rerouting ? (
        <View>
          <Text className='field-label'>转交给（申诉成立时）</Text>
          <UnitChoices region={appeal.region_code} value={unit} onChange={setUnit} testid='reroute-unit' exclude={(u) => u.name === appeal.unit_name} />
        </View>
      ) : null}
      {error ? <ErrorBlock message={error} /> : null}
      {asking === null ? (
        <View className='decide-pair'>
          <Button className='btn btn--choice' data-testid='approve' onClick={() => ask(true)}>
            申诉成立
          </Button>
          <Button className='btn btn--choice' data-testid='reject' onClick={() => ask(false)}>
            申诉不成立，须整改
          </Button>
        </View>
      ) : (
        <View className='decide-confirm' data-testid='decide-confirm' data-approve={asking ? 'yes' : 'no'}>
          <Text className='decide-confirm__text'>
            {asking
              ? rerouting
                ? '确认申诉成立：该差评将转交您选择的单位处理，原单位不再负责，评价人会收到通知。'
                : '确认申诉成立：该差评标记为无效，不计入考核。评价人会收到说明和理由。'
              : '确认申诉不成立：差评有效并计入考核，单位须整改并答复评价人。'}
          </Text>
          {/* The day this decision sets, as the server computes it (issue 21.3). */}
          {deadline ? (
            <Text className='decide-confirm__text' data-testid='decide-deadline'>
              {deadline}
            </Text>
          ) : null}
          <Button className={`btn btn--primary${busy ? ' btn--busy' : ''}`} data-testid='decide-yes' onClick={() => decide(asking)}>
            {asking ? '确认：申诉成立' : '确认：申诉不成立'}
          </Button>
          <Button className='btn btn--secondary' data-testid='decide-no' onClick={() => setAsking(null)}>
            返回修改
          </Button>
        </View>
      )}
    </View>
  )
}

function AppealCard({ a, onDone }: { a: AppealReviewRow; onDone: (n: string) => void }) {
  return (
    <View className='card' data-testid='appeal' data-appeal={a.id} data-wo={a.work_order_id}>
      <View className='wo__head'>
        <Text className='badge badge--info'>{APPEAL_STATUS_LABELS[a.status]}</Text>
        <Text className='badge badge--warn'>{APPEAL_REASON_LABELS[a.reason]}</Text>
        {a.status === 'pending' && a.must_recuse ? <Text className='badge badge--warn'>须回避</Text> : null}
      </View>
      <Text className='wo__title'>{a.unit_name}</Text>
      <Text className='card__line'>
        {a.matter_name ?? '窗口服务评价'}
        {a.project_no ? ` · ${a.project_no}` : ''} · 申诉于 {instantLabel(a.created_at)}
      </Text>
      <View className='side'>
        <View className='side__col' data-testid='appeal-rating'>
          <Text className='section__title'>评价</Text>
          <Text className='card__strong'>{levelName(Number(a.level))}</Text>
          {a.tags && a.tags.length > 0 ? <Text className='card__line'>原因：{a.tags.map(tagName).join('、')}</Text> : null}
          <Text className='card__line'>评价内容：{a.comment ?? '（未填写）'}</Text>
        </View>
        <View className='side__col' data-testid='appeal-statement'>
          <Text className='section__title'>单位申诉</Text>
          <Text className='card__line'>{a.statement}</Text>
          <EvidenceLinks ids={a.evidence} />
        </View>
      </View>
      {a.decision_note ? <Text className='card__line'>审核意见：{a.decision_note}</Text> : null}
      {a.status !== 'pending' ? null : a.must_recuse ? (
        // 回避: the same words review_appeal would refuse with, before the supervisor tries.
        <Text className='card__line' data-testid='recused'>{ERRORS.review_recused.message}</Text>
      ) : (
        <Decide appeal={a} onDone={onDone} />
      )}
    </View>
  )
}

function List({ status }: { status: AppealStatus }) {
  const { state, reload } = useAsync(() => appealsToReview(status))
  const [notice, setNotice] = useState<string | null>(null)
  return (
    <View>
      <Notice text={notice} testid='review-done' />
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' && state.data.length === 0 ? <Empty label='没有这类申诉' /> : null}
      {state.status === 'done'
        ? state.data.map((a) => (
            <AppealCard
              key={a.id}
              a={a}
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

function Appeals() {
  const [status, setStatus] = useState<AppealStatus>('pending')
  return (
    <View>
      <View className='choices'>
        {APPEAL_STATUSES.map((s) => (
          <View key={s} className={`choice${s === status ? ' choice--on' : ''}`} data-testid={`appeals-${s}`} onClick={() => setStatus(s)}>
            {APPEAL_STATUS_LABELS[s]}
          </View>
        ))}
      </View>
      <List key={status} status={status} />
    </View>
  )
}

export default function AppealsPage() {
  return (
    <Shell title='申诉审核'>
      <LoginGate reason='监督员登录后审核申诉'>{() => <Appeals />}</LoginGate>
    </Shell>
  )
}
