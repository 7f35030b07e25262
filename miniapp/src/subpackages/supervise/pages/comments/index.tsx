import { useEffect, useState, type ReactNode } from 'react'
import { Button, Input, Picker, Text, Textarea, View } from '@tarojs/components'
import { CommentBody, CommentHistory } from '../../../../components/DeskCommentBits.tsx'
import { DateField, RegionChoices, SupervisorGate, UnitChoices } from '../../../../components/DeskFields.tsx'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading, Notice } from '../../../../components/StatusBlock.tsx'
import { COMMENT_KIND_LABELS, COMMENT_KINDS, COMMENT_SOURCE_LABELS, COMMENT_STATUSES, type CommentKind, type CommentRow, type CommentStatus } from '../../../../../../shared/comments.ts'
import type { RegionChoice } from '../../../../../../shared/regions.ts'
import { closeComment, recordComment, revealCommentContact, routeComment, supervisorComments } from '../../../../lib/desk-comments-api.ts'
import { closeNeedsReason, contactProblem, receivedAtOf, RECORDED_SOURCES, shanghaiClock, statusLabel, supervisorActions, textProblem, trimText, type SupervisorCommentAction } from '../../../../lib/desk-comments-view.ts'
import { AppError } from '../../../../lib/errors.ts'
import { todayInShanghai } from '../../../../lib/staff-load.ts'
import { useAction } from '../../../../lib/useAction.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import '../../supervise.scss'
import './index.scss'
import { PLACEHOLDER_STYLE } from '../../../../lib/tokens.ts'

/** A form whose submit shows the refusal in the server's words (or the same words checked here first). */
function Form({ testid, title, submitLabel, submit, watch, children }: {
  testid: string
  title: string
  submitLabel: string
  submit: () => Promise<void>
  /** The form's values: a change clears the last refusal. */
  watch: string
  children: ReactNode
}) {
  const { busy, error, setError, run } = useAction()
  useEffect(() => setError(null), [watch])
  return (
    <View className='side__col' data-testid={`form-${testid}`}>
      <Text className='section__title'>{title}</Text>
      {children}
      {error ? <ErrorBlock message={error} /> : null}
      <View className='card__actions'>
        <Button className={`btn btn--primary${busy ? ' btn--busy' : ''}`} data-testid={`submit-${testid}`} onClick={() => run(submit)}>
          {busy ? '正在提交…' : submitLabel}
        </Button>
      </View>
    </View>
  )
}

function RouteForm({ c, regions, onDone }: { c: CommentRow; regions: RegionChoice[]; onDone: (n: string) => void }) {
  const [region, setRegion] = useState(regions.some((r) => r.code === c.region_code) ? c.region_code : (regions[0]?.code ?? c.region_code))
  const [unit, setUnit] = useState<string | null>(null)
  const [note, setNote] = useState('')
  return (
    <Form
      testid='route'
      watch={`${unit ?? ''}|${note}`}
      title={c.status === 'routed' ? '改派给其他单位' : '转办给单位'}
      submitLabel={c.status === 'routed' ? '改派' : '转办'}
      submit={async () => {
        if (unit === null) throw new AppError('invalid_input', '请选择承办单位')
        const p = textProblem(note, false)
        if (p) throw new AppError('invalid_input', p)
        const row = await routeComment(c.id, unit, trimText(note) === '' ? null : trimText(note))
        onDone(`已转办至 ${row.unit_name ?? '所选单位'}`)
      }}
    >
      <Text className='field-label'>地区</Text>
      <RegionChoices regions={regions} value={region} testid='route-region' onChange={(code) => {
        setRegion(code)
        setUnit(null)
      }} />
      <Text className='field-label'>承办单位</Text>
      <UnitChoices key={region} region={region} value={unit} onChange={setUnit} testid='unit-choice' exclude={(u) => u.id === c.unit_id} emptyLabel='该地区没有登记单位' />
      <Text className='field-label'>转办说明（可不填）</Text>
      <Textarea className='textarea' data-testid='route-note' value={note} maxlength={1000} placeholderStyle={PLACEHOLDER_STYLE} onInput={(e) => setNote(e.detail.value)} />
    </Form>
  )
}

function CloseForm({ c, onDone }: { c: CommentRow; onDone: (n: string) => void }) {
  const [note, setNote] = useState('')
  const needs = closeNeedsReason(c.status)
  return (
    <Form
      testid='close'
      watch={note}
      title='办结'
      submitLabel='办结'
      submit={async () => {
        if (needs && trimText(note) === '') throw new AppError('invalid_input', '这条意见尚未答复：请写明不经单位答复即办结的原因（如重复反映）')
        const p = textProblem(note, false)
        if (p) throw new AppError('invalid_input', p)
        await closeComment(c.id, trimText(note) === '' ? null : trimText(note))
        onDone('已办结')
      }}
    >
      <Text className='field-label'>{needs ? '办结原因（必填）' : '办结说明（可不填）'}</Text>
      <Textarea className='textarea' data-testid='close-note' value={note} maxlength={1000} placeholderStyle={PLACEHOLDER_STYLE} onInput={(e) => setNote(e.detail.value)} />
    </Form>
  )
}

/** The contact in clear, on request: the server logs each reveal, and the screen says so first. */
function Contact({ c }: { c: CommentRow }) {
  const [contact, setContact] = useState<string | null>(null)
  const { busy, error, run } = useAction()
  if (c.contact_masked === '') return <Text className='card__line'>未留联系方式</Text>
  const reveal = () =>
    run(async () => {
      const r = await revealCommentContact(c.id)
      setContact(r.contact ?? r.contact_masked)
    })
  return (
    <View data-testid='contact'>
      <Text className='card__line'>联系方式：{c.contact_masked}</Text>
      {contact ? (
        <Text className='desk-contact' data-testid='contact-clear'>
          完整联系方式：{contact}（本次查看已记入办理记录）
        </Text>
      ) : (
        <View>
          <Text className='hint'>查看完整联系方式仅用于回复来信人；每次查看都会记入办理记录，留痕备查。</Text>
          <Button className={`btn btn--secondary${busy ? ' btn--busy' : ''}`} data-testid='reveal-contact' onClick={reveal}>
            查看完整联系方式（留痕）
          </Button>
        </View>
      )}
      {error ? <ErrorBlock message={error} /> : null}
    </View>
  )
}

const ACTION_LABELS: Record<SupervisorCommentAction, (c: CommentRow) => string> = {
  route: (c) => (c.status === 'routed' ? '改派' : '转办'),
  close: () => '办结',
}

function CommentCard({ c, regions, nowMs, onDone }: { c: CommentRow; regions: RegionChoice[]; nowMs: number; onDone: (n: string) => void }) {
  const [action, setAction] = useState<SupervisorCommentAction | null>(null)
  const actions = supervisorActions(c.status)
  return (
    <View className='card' data-testid='desk-comment' data-comment={c.id} data-status={c.status}>
      <CommentBody c={c} nowMs={nowMs} />
      <Contact c={c} />
      <View className='choices card__actions'>
        {actions.map((a) => (
          <View key={a} className={`choice${action === a ? ' choice--on' : ''}`} data-testid={`action-${a}`} onClick={() => setAction(action === a ? null : a)}>
            {ACTION_LABELS[a](c)}
          </View>
        ))}
      </View>
      {action === 'route' ? <RouteForm c={c} regions={regions} onDone={onDone} /> : null}
      {action === 'close' ? <CloseForm c={c} onDone={onDone} /> : null}
      <CommentHistory id={c.id} />
    </View>
  )
}

function RecordForm({ regions, onDone }: { regions: RegionChoice[]; onDone: (n: string) => void }) {
  const [source, setSource] = useState<(typeof RECORDED_SOURCES)[number]>('hotline')
  const [kind, setKind] = useState<CommentKind>('complaint')
  const [content, setContent] = useState('')
  const [region, setRegion] = useState(regions[0]?.code ?? '')
  const [unit, setUnit] = useState<string | null>(null)
  const [contact, setContact] = useState('')
  // A call or letter entered later keeps the time it came in (default: now).
  const [receivedDay, setReceivedDay] = useState(() => todayInShanghai())
  const [receivedClock, setReceivedClock] = useState(() => shanghaiClock(new Date()))
  return (
    <View className='card'>
      <Form
        testid='record'
        watch={[source, kind, content, region, unit ?? '', contact, receivedDay, receivedClock].join('|')}
        title='登记来电、来信'
        submitLabel='登记'
        submit={async () => {
          const p = textProblem(content, true) ?? contactProblem(contact)
          if (p) throw new AppError('invalid_input', p)
          const received = receivedAtOf(receivedDay, receivedClock, new Date())
          if ('problem' in received) throw new AppError('invalid_input', received.problem)
          const row = await recordComment({
            source,
            kind,
            content: trimText(content),
            regionCode: unit === null ? region : null,
            unitId: unit,
            contact: trimText(contact) === '' ? null : trimText(contact),
            receivedAt: received.at,
          })
          onDone(row.unit_name ? `已登记并转办至 ${row.unit_name}` : `已登记，待转办（${row.region_name}）`)
        }}
      >
        <Text className='field-label'>来源</Text>
        <View className='choices'>
          {RECORDED_SOURCES.map((s) => (
            <View key={s} className={`choice${s === source ? ' choice--on' : ''}`} data-testid={`source-${s}`} onClick={() => setSource(s)}>
              {COMMENT_SOURCE_LABELS[s]}
            </View>
          ))}
        </View>
        <Text className='field-label'>类别</Text>
        <View className='choices'>
          {COMMENT_KINDS.map((k) => (
            <View key={k} className={`choice${k === kind ? ' choice--on' : ''}`} data-testid={`kind-${k}`} onClick={() => setKind(k)}>
              {COMMENT_KIND_LABELS[k]}
            </View>
          ))}
        </View>
        <View className='desk-row'>
          <DateField label='接收日期' testid='record-received-day' value={receivedDay} onChange={setReceivedDay} />
          <View className='desk-field'>
            <Text className='field-label'>接收时间</Text>
            <Picker mode='time' value={receivedClock} onChange={(e) => setReceivedClock(String(e.detail.value))}>
              <View className='choice' data-testid='record-received-clock'>
                {receivedClock}（点此修改）
              </View>
            </Picker>
          </View>
        </View>
        <Text className='field-label'>内容（最多 1000 字）</Text>
        <Textarea className='textarea' data-testid='record-content' value={content} maxlength={-1} placeholderStyle={PLACEHOLDER_STYLE} onInput={(e) => setContent(e.detail.value)} />
        <Text className='field-label'>地区</Text>
        <RegionChoices regions={regions} value={region} testid='record-region' onChange={(code) => {
          setRegion(code)
          setUnit(null)
        }} />
        <Text className='field-label'>承办单位</Text>
        <UnitChoices key={region} region={region} value={unit} onChange={setUnit} testid='unit-choice' none={{ label: '暂不转办', testid: 'unit-none' }} emptyLabel='该地区没有登记单位' />
        <Text className='field-label'>来电人/来信人联系方式（可不填，仅监督员可查看）</Text>
        <Input className='input' data-testid='record-contact' value={contact} maxlength={-1} placeholder='电话或电子邮箱' placeholderStyle={PLACEHOLDER_STYLE} onInput={(e) => setContact(e.detail.value)} />
      </Form>
    </View>
  )
}

function Inbox({ status, region, regions, onNotice }: { status: CommentStatus | null; region: string; regions: RegionChoice[]; onNotice: (n: string) => void }) {
  const { state, reload } = useAsync(() => supervisorComments(status, region))
  const nowMs = Date.now()
  return (
    <View data-testid='inbox' data-status={status ?? 'all'}>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' && state.data.length === 0 ? <Empty label='没有这类意见' /> : null}
      {state.status === 'done'
        ? state.data.map((c) => (
            <CommentCard
              key={c.id}
              c={c}
              regions={regions}
              nowMs={nowMs}
              onDone={(n) => {
                onNotice(n)
                reload()
              }}
            />
          ))
        : null}
    </View>
  )
}

function Desk({ regions }: { regions: RegionChoice[] }) {
  const [status, setStatus] = useState<CommentStatus | null>('received')
  const [region, setRegion] = useState<string | null>(null)
  const [recording, setRecording] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const [version, setVersion] = useState(0)
  const shownRegion = region ?? regions[0]!.code
  const tabs: Array<CommentStatus | null> = [...COMMENT_STATUSES, null]
  return (
    <View>
      <Notice text={notice} testid='comment-done' />
      <Button className='btn btn--secondary' data-testid='toggle-record' onClick={() => setRecording((r) => !r)}>
        {recording ? '收起登记表' : '登记来电、来信（12345热线、监督平台、电子邮箱）'}
      </Button>
      {recording ? (
        <RecordForm
          regions={regions}
          onDone={(n) => {
            setNotice(n)
            setRecording(false)
            setVersion((v) => v + 1)
          }}
        />
      ) : null}
      <Text className='field-label'>地区（含下辖县区）</Text>
      <RegionChoices regions={regions} value={shownRegion} testid='inbox-region' onChange={setRegion} />
      <Text className='field-label'>办理状态</Text>
      <View className='choices'>
        {tabs.map((s) => (
          <View key={s ?? 'all'} className={`choice${s === status ? ' choice--on' : ''}`} data-testid={`tab-${s ?? 'all'}`} onClick={() => setStatus(s)}>
            {s === null ? '全部' : statusLabel(s)}
          </View>
        ))}
      </View>
      <Inbox key={`${status ?? 'all'}|${shownRegion}|${version}`} status={status} region={shownRegion} regions={regions} onNotice={(n) => {
        setNotice(n)
      }} />
    </View>
  )
}

export default function SuperviseCommentsPage() {
  return (
    <Shell title='综合点评 · 意见箱'>
      <LoginGate reason='监督员登录后处理综合点评'>
        {() => <SupervisorGate denied='综合点评由监督员处理'>{(regions) => <Desk regions={regions} />}</SupervisorGate>}
      </LoginGate>
    </Shell>
  )
}
