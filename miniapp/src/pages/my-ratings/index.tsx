import { useEffect, useState } from 'react'
import { Button, Switch, Text, Textarea, View } from '@tarojs/components'
import { useDidShow } from '@tarojs/taro'
import { LoginGate } from '../../components/LoginGate.tsx'
import { OutboxNotice } from '../../components/OutboxNotice.tsx'
import { LevelPicker } from '../../components/RatingForm.tsx'
import { Shell } from '../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading, Notice } from '../../components/StatusBlock.tsx'
import type { Level } from '../../../../shared/tags.ts'
import { shanghaiDate } from '../../../../shared/calendar/shanghai.ts'
import { myRatings, rateRectification, requestRereview, workOrderTimeline } from '../../lib/api.ts'
import { setCommentPublic } from '../../lib/settings-api.ts'
import { commentPublicState } from '../../lib/comment-public.ts'
import { AppError, toAppError } from '../../lib/errors.ts'
import { levelChoice, levelKind, isLevel } from '../../lib/levels.ts'
import { instantLabel } from '../../lib/pending.ts'
import { commentValue, tagName } from '../../lib/rating-form.ts'
import type { MyRatingRow, WorkOrderTimelineRow } from '../../lib/rows.ts'
import type { Session } from '../../lib/session.ts'
import { useAction } from '../../lib/useAction.ts'
import { useAsync } from '../../lib/useAsync.ts'
import { canRateFix, canRequestRereview, citizenNextStep, citizenStatusLabel, statusTone, timelineItems } from '../../lib/work-order-view.ts'
import '../../components/Settings.scss'
import './index.scss'
import { COLORS, PLACEHOLDER_STYLE } from '../../lib/tokens.ts'

function Timeline({ rows }: { rows: WorkOrderTimelineRow[] }) {
  const items = timelineItems(rows)
  if (items.length === 0) return <Empty label='单位还没有处理记录' />
  return (
    <View className='timeline' data-testid='timeline'>
      {items.map((item, i) => (
        <View key={i} className='timeline__item' data-testid='timeline-item'>
          <Text className='timeline__label'>● {item.label}</Text>
          <Text className='timeline__when'>{item.when}</Text>
          {item.due ? <Text className='timeline__note'>{item.due}</Text> : null}
          {item.note ? <Text className='timeline__note'>{item.note}</Text> : null}
        </View>
      ))}
    </View>
  )
}

function FixForm({ workOrderId, onDone }: { workOrderId: string; onDone: (notice: string) => void }) {
  const [level, setLevel] = useState<Level | null>(null)
  const [comment, setComment] = useState('')
  const { busy, error, run } = useAction()
  const submit = () =>
    run(async () => {
      if (level === null) throw new AppError('invalid_input', '请先选择您对整改结果的满意程度')
      const res = await rateRectification(workOrderId, level, commentValue(comment))
      onDone(res.reopened ? '已收到您对整改结果的评价。您不满意，单位将重新整改，并由监督部门督办。' : '已收到您对整改结果的评价，谢谢！')
    })
  return (
    <View className='fix-form' data-testid='fix-form'>
      <Text className='field-label'>您对整改结果满意吗？</Text>
      <LevelPicker value={level} onChange={setLevel} />
      <Text className='hint'>选择“不满意”或“非常不满意”，单位须重新整改，并由监督部门督办。</Text>
      <Textarea className='textarea' data-testid='fix-comment' value={comment} maxlength={500} placeholderStyle={PLACEHOLDER_STYLE} placeholder='想说的话（选填）' onInput={(e) => setComment(e.detail.value)} />
      {error ? <ErrorBlock message={error} /> : null}
      <Button className={`btn btn--primary card__actions${busy ? ' btn--busy' : ''}`} data-testid='fix-submit' onClick={() => void submit()}>
        {busy ? '正在提交…' : '提交整改评价'}
      </Button>
    </View>
  )
}

function RereviewForm({ workOrderId, onDone }: { workOrderId: string; onDone: (notice: string) => void }) {
  const [reason, setReason] = useState('')
  const { busy, error, run } = useAction()
  const submit = () =>
    run(async () => {
      const value = commentValue(reason)
      if (value === null) throw new AppError('invalid_input', '请写明申请复核的理由')
      await requestRereview(workOrderId, value)
      onDone('复核申请已提交，市级监督部门会作出决定，结果会显示在处理进度中。')
    })
  return (
    <View data-testid='rereview-form'>
      <Text className='field-label'>申请复核的理由（只能申请一次，由市级监督部门决定）</Text>
      <Textarea className='textarea' data-testid='rereview-reason' value={reason} maxlength={500} onInput={(e) => setReason(e.detail.value)} />
      {error ? <ErrorBlock message={error} /> : null}
      <Button className={`btn btn--primary card__actions${busy ? ' btn--busy' : ''}`} data-testid='rereview-submit' onClick={() => void submit()}>
        {busy ? '正在提交…' : '提交复核申请'}
      </Button>
    </View>
  )
}

function WorkOrder({ rating, all, onChanged }: { rating: MyRatingRow; all: MyRatingRow[]; onChanged: (notice: string) => void }) {
  const workOrderId = rating.work_order_id ?? ''
  const [open, setOpen] = useState(false)
  const [action, setAction] = useState<'fix' | 'rereview' | null>(null)
  const [timeline, setTimeline] = useState<{ status: 'idle' | 'loading' | 'done' | 'error'; rows: WorkOrderTimelineRow[]; error?: string }>({ status: 'idle', rows: [] })
  const load = () => {
    setTimeline({ status: 'loading', rows: [] })
    workOrderTimeline(workOrderId).then(
      (rows) => setTimeline({ status: 'done', rows }),
      (err: unknown) => setTimeline({ status: 'error', rows: [], error: toAppError(err).message }),
    )
  }
  // Loaded at once: what happens next and by when comes from the timeline's due days (issue 21.4).
  useEffect(() => {
    if (workOrderId) load()
  }, [workOrderId])
  const loaded = timeline.status === 'done' ? timeline.rows : undefined
  const tone = statusTone(rating.work_order_status)
  const today = shanghaiDate(new Date().toISOString())
  const next = citizenNextStep(rating.work_order_status, loaded ?? [], today)
  return (
    <View className='work-order' data-testid='work-order'>
      <Text className='card__line'>
        <Text className={`badge ${tone === 'done' ? 'badge--good' : tone === 'attention' ? 'badge--bad' : 'badge--info'}`} data-testid='work-order-status'>
          {tone === 'done' ? '✓ ' : ''}
          {citizenStatusLabel(rating.work_order_status)}
        </Text>
        差评处理进度
      </Text>
      {next ? (
        <Text className='card__line' data-testid='work-order-next'>
          {next}
        </Text>
      ) : null}
      <Button
        className='btn btn--secondary card__actions'
        data-testid='toggle-timeline'
        onClick={() => {
          if (!open && timeline.status === 'error') load()
          setOpen(!open)
        }}
      >
        {open ? '收起处理进度' : '查看处理进度'}
      </Button>
      {open && timeline.status === 'loading' ? <Loading /> : null}
      {open && timeline.status === 'error' ? <ErrorBlock message={timeline.error ?? ''} onRetry={load} /> : null}
      {open && timeline.status === 'done' ? <Timeline rows={timeline.rows} /> : null}
      {canRateFix(rating, all, loaded) && action !== 'fix' ? (
        <Button className='btn btn--primary' data-testid='rate-fix' onClick={() => setAction('fix')}>
          评价整改结果
        </Button>
      ) : null}
      {action === 'fix' ? <FixForm workOrderId={workOrderId} onDone={onChanged} /> : null}
      {canRequestRereview(rating, loaded, today) && action !== 'rereview' ? (
        <Button className='btn btn--secondary' data-testid='rereview' onClick={() => setAction('rereview')}>
          对处理结果有异议，申请复核
        </Button>
      ) : null}
      {action === 'rereview' ? <RereviewForm workOrderId={workOrderId} onDone={onChanged} /> : null}
    </View>
  )
}

/** R15: whether this comment may appear (anonymized) on the public 差评 board. */
function CommentPublic({ rating }: { rating: MyRatingRow }) {
  const [value, setValue] = useState(rating.comment_public === true)
  const { busy, error, run } = useAction()
  // Making a comment public first shows it as the board will, with a warning (issue 21.6);
  // withdrawing it needs no preview.
  const [previewing, setPreviewing] = useState(false)
  const text = commentPublicState(value, Number(rating.level))
  const toggle = () => run(async () => {
    setPreviewing(false)
    setValue(await setCommentPublic(rating.id, !value))
  })
  const onTap = () => {
    if (busy) return
    if (value) void toggle()
    else setPreviewing(true)
  }
  return (
    <View>
      <View className='switch-row' data-testid='comment-public' data-on={value ? 'yes' : 'no'} data-busy={busy ? 'yes' : 'no'} onClick={onTap}>
        <View className='switch-row__text'>
          <Text className='switch-row__name'>评价内容公开</Text>
          <Text className='switch-row__state' data-testid='comment-public-state'>
            {busy ? '正在保存…' : text}
          </Text>
        </View>
        <Switch checked={value} disabled={busy} color={COLORS.navy} />
      </View>
      {previewing ? (
        <View className='comment-preview' data-testid='comment-public-preview'>
          <Text className='comment-preview__warn'>⚠ 请勿填写个人信息：公开并经审核后，任何人都能在“公开”页看到这段留言（不显示您的姓名）。如果留言里有姓名、电话、证件号或住址，请不要公开。</Text>
          <Text className='comment-preview__label'>公开后显示为：</Text>
          <Text className='comment-preview__text'>群众留言：{rating.comment}</Text>
          <Button className='btn btn--primary' data-testid='comment-public-confirm' onClick={() => void toggle()}>
            确认公开
          </Button>
          <Button className='btn btn--secondary' data-testid='comment-public-cancel' onClick={() => setPreviewing(false)}>
            暂不公开
          </Button>
        </View>
      ) : null}
      {error ? <ErrorBlock message={error} onRetry={() => void toggle()} /> : null}
    </View>
  )
}

function RatingCard({ rating, all, onChanged }: { rating: MyRatingRow; all: MyRatingRow[]; onChanged: (notice: string) => void }) {
  const level = Number(rating.level)
  const choice = isLevel(level) ? levelChoice(level) : null
  const kind = levelKind(level)
  const title = rating.matter_name ?? rating.window_name ?? '服务评价'
  return (
    <View className='card' data-testid='rating-item' data-rating={rating.id}>
      <Text className='card__title'>{title}</Text>
      <Text className='card__line'>
        <Text className={`badge ${kind === '差评' ? 'badge--bad' : kind === '好评' ? 'badge--good' : 'badge--mid'}`}>{kind}</Text>
        <Text className='my-rating__level' data-testid='rating-level'>
          {choice ? `${choice.face} ${choice.name}` : `等级 ${level}`}
        </Text>
      </Text>
      {rating.unit_name ? <Text className='card__line'>办理单位：{rating.unit_name}</Text> : null}
      {rating.matter_name && rating.window_name ? <Text className='card__line'>窗口：{rating.window_name}</Text> : null}
      {!rating.matter_name ? <Text className='card__line'>扫码评价窗口</Text> : null}
      <Text className='card__line'>评价时间：{instantLabel(rating.rated_at)}</Text>
      <Text className='card__line' data-testid='rating-identity'>
        {rating.is_default ? '系统默认评价（逾期未评价）' : rating.is_anonymous ? '匿名评价' : '实名评价'}
        {Number(rating.assess_number) === 2 ? ' · 整改结果评价' : ''}
        {rating.validity === 'invalid' ? ' · 经审核不计入考核' : ''}
      </Text>
      {rating.tags && rating.tags.length > 0 ? (
        <Text className='card__line' data-testid='rating-tags'>原因：{rating.tags.map(tagName).join('、')}</Text>
      ) : null}
      {rating.comment ? <Text className='card__line'>留言：{rating.comment}</Text> : null}
      {rating.comment && !rating.is_default ? <CommentPublic rating={rating} /> : null}
      {rating.work_order_id ? <WorkOrder rating={rating} all={all} onChanged={onChanged} /> : null}
    </View>
  )
}

/** A long history shows this many at a time, newest first, then 加载更多 (issue 21.7). */
const RATINGS_PAGE = 20

function MyRatingList({ session }: { session: Session }) {
  const { state, reload } = useAsync(myRatings)
  const [notice, setNotice] = useState<string | null>(null)
  const [shown, setShown] = useState(RATINGS_PAGE)
  useDidShow(() => {
    if (state.status !== 'loading') reload()
  })
  const changed = (text: string) => {
    setNotice(text)
    reload()
  }
  return (
    <View>
      <Notice text={notice} testid='my-ratings-notice' />
      <OutboxNotice userId={session.user.id} />
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' && state.data.length === 0 ? <Empty label='您还没有评价记录' /> : null}
      {state.status === 'done' && state.data.length > 0 ? (
        <View data-testid='rating-list'>
          {state.data.slice(0, shown).map((r) => (
            <RatingCard key={r.id} rating={r} all={state.data} onChanged={changed} />
          ))}
          {state.data.length > shown ? (
            <Button className='btn btn--secondary' data-testid='ratings-more' onClick={() => setShown(shown + RATINGS_PAGE)}>
              加载更多（还有 {state.data.length - shown} 条）
            </Button>
          ) : null}
        </View>
      ) : null}
    </View>
  )
}

export default function MyRatingsPage() {
  return (
    <Shell title='我的评价'>
      <LoginGate reason='登录后可以查看您的评价和差评的整改进度。'>{(session) => <MyRatingList session={session} />}</LoginGate>
    </Shell>
  )
}
