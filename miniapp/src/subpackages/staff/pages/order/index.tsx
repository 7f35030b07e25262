import { useState, type ReactNode } from 'react'
import { Button, Picker, Text, Textarea, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading, Notice } from '../../../../components/StatusBlock.tsx'
import { OrderBadges } from '../../../../components/WorkOrderBits.tsx'
import {
  APPEAL_REASON_LABELS,
  APPEAL_REASONS,
  APPEAL_STATEMENT_MIN,
  APPEAL_STATUS_LABELS,
  EVIDENCE_MAX_FILES,
  RETURN_VISIT_METHOD_LABELS,
  RETURN_VISIT_METHODS,
  RETURN_VISIT_SATISFACTION_LABELS,
  RETURN_VISIT_SATISFACTIONS,
  type AppealReason,
  type RaterContact,
  type ReturnVisitMethod,
  type ReturnVisitSatisfaction,
  type UnitWorkOrderRow,
} from '../../../../../../shared/staff.ts'
import type { WorkOrderTimelineRow } from '../../../../../../shared/work-orders.ts'
import type { HandlerRow } from '../../../../../../shared/desk.ts'
import { HANDLER_ROLE_LABELS, handlerLabel } from '../../../../lib/desk-view.ts'
import { workOrderTimeline } from '../../../../lib/api.ts'
import { AppError, toAppError } from '../../../../lib/errors.ts'
import { evidenceProblem, pickEvidence } from '../../../../lib/evidence.ts'
import { instantLabel } from '../../../../lib/format.ts'
import { levelName } from '../../../../lib/levels.ts'
import { tagName } from '../../../../lib/rating-form.ts'
import {
  assignWorkOrder,
  extendWorkOrder,
  rectifyWorkOrder,
  recordReturnVisit,
  replyWorkOrder,
  revealRaterContact,
  submitAppeal,
  uploadEvidence,
  verifyWorkOrder,
  workOrderHandlers,
} from '../../../../lib/staff-api.ts'
import { loadOrders } from '../../../../lib/staff-load.ts'
import { ACTION_LABELS, actionsFor, lengthProblem, staffTimeline, type StaffAction } from '../../../../lib/staff-view.ts'
import { useAction } from '../../../../lib/useAction.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import '../../staff.scss'
import { PLACEHOLDER_STYLE } from '../../../../lib/tokens.ts'

/** A problem found before sending: shown like the server's refusals. */
function localError(message: string): AppError {
  return new AppError('invalid_input', message)
}

interface Loaded {
  row: UnitWorkOrderRow | null
  timeline: WorkOrderTimelineRow[]
  /** The people the caller may assign as 承办人: null unless the caller is the unit's admin. */
  handlers: HandlerRow[] | null
  today: string
  cal: Awaited<ReturnType<typeof loadOrders>>['cal']
}

async function loadOrder(id: string): Promise<Loaded> {
  const { rows, cal, today } = await loadOrders()
  const row = rows.find((r) => r.id === id) ?? null
  // Not one of my unit's orders: nothing more is asked of the server.
  if (!row) return { row: null, timeline: [], handlers: null, today, cal }
  const [timeline, handlers] = await Promise.all([
    workOrderTimeline(id),
    // Only the unit's admins may assign; for anyone else the server says forbidden, and for
    // the officer the 差评 is about own_work_order (R13).
    workOrderHandlers(id).catch((err: unknown) => {
      const code = toAppError(err).code
      if (code === 'forbidden' || code === 'own_work_order') return null
      throw err
    }),
  ])
  return { row, timeline, handlers, today, cal }
}

/** One action's form: its fields, a submit that shows the server's refusal in its words. */
function ActionForm({ title, testid, submit, onDone, children }: {
  title: string
  testid: string
  submit: () => Promise<string> | string | null
  onDone: (notice: string) => void
  children: ReactNode
}) {
  const { busy, error, run } = useAction()
  const send = () =>
    run(async () => {
      const notice = await submit()
      if (notice !== null) onDone(notice)
    })
  return (
    <View className='card' data-testid={`form-${testid}`}>
      <Text className='card__title'>{title}</Text>
      {children}
      {error ? <ErrorBlock message={error} /> : null}
      <View className='card__actions'>
        <Button className={`btn btn--primary${busy ? ' btn--busy' : ''}`} data-testid={`submit-${testid}`} onClick={send}>
          {busy ? '正在提交…' : '提交'}
        </Button>
      </View>
    </View>
  )
}

/** Evidence files: pick, check, upload; the ids go with the action. */
function EvidencePicker({ ids, onChange }: { ids: Array<{ id: string; name: string }>; onChange: (ids: Array<{ id: string; name: string }>) => void }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const add = async () => {
    if (busy) return
    setError(null)
    try {
      const files = await pickEvidence()
      if (files.length === 0) return
      if (ids.length + files.length > EVIDENCE_MAX_FILES) {
        setError(`佐证材料最多 ${EVIDENCE_MAX_FILES} 份`)
        return
      }
      for (const f of files) {
        const problem = evidenceProblem(f.name, f.size)
        if (problem) {
          setError(problem)
          return
        }
      }
      setBusy(true)
      const added: Array<{ id: string; name: string }> = []
      for (const f of files) added.push({ id: (await uploadEvidence(f.name, await f.read())).id, name: f.name })
      onChange([...ids, ...added])
    } catch (err) {
      setError(toAppError(err).message)
    } finally {
      setBusy(false)
    }
  }
  return (
    <View>
      <Text className='field-label'>佐证材料（JPG、PNG 或 PDF，每份不超过 5 MB，最多 5 份）</Text>
      {ids.map((f) => (
        <Text key={f.id} className='file' data-testid='evidence-file'>
          ✓ {f.name}（已上传）
        </Text>
      ))}
      {error ? <ErrorBlock message={error} /> : null}
      <Button className={`btn btn--secondary${busy ? ' btn--busy' : ''}`} data-testid='add-evidence' onClick={add}>
        {busy ? '正在上传…' : '添加佐证材料'}
      </Button>
    </View>
  )
}

function TextField({ label, testid, value, onChange, max }: { label: string; testid: string; value: string; onChange: (v: string) => void; max: number }) {
  return (
    <View>
      <Text className='field-label'>{label}</Text>
      <Textarea className='textarea' data-testid={testid} value={value} maxlength={max} placeholderStyle={PLACEHOLDER_STYLE} onInput={(e) => onChange(e.detail.value)} />
    </View>
  )
}

function Choices<T extends string>({ options, labels, value, onChange, testid }: {
  options: readonly T[]
  labels: Record<T, string>
  value: T | null
  onChange: (v: T) => void
  testid: string
}) {
  return (
    <View className='choices'>
      {options.map((o) => (
        <View key={o} className={`choice${value === o ? ' choice--on' : ''}`} data-testid={`${testid}-${o}`} onClick={() => onChange(o)}>
          {value === o ? '◉ ' : '○ '}
          {labels[o]}
        </View>
      ))}
    </View>
  )
}

function DateField({ label, testid, value, onChange, start, end }: { label: string; testid: string; value: string; onChange: (v: string) => void; start?: string; end?: string }) {
  return (
    <View>
      <Text className='field-label'>{label}</Text>
      <Picker mode='date' value={value} start={start} end={end} onChange={(e) => onChange(String(e.detail.value))}>
        <View className='choice choice--on' data-testid={testid}>
          {value}（点此修改日期）
        </View>
      </Picker>
    </View>
  )
}

function Forms({ action, row, today, onDone }: { action: StaffAction; row: UnitWorkOrderRow; today: string; onDone: (n: string) => void }) {
  const [text, setText] = useState('')
  const [text2, setText2] = useState('')
  const [reason, setReason] = useState<AppealReason | null>(null)
  const [method, setMethod] = useState<ReturnVisitMethod | null>(null)
  const [satisfaction, setSatisfaction] = useState<ReturnVisitSatisfaction | null>(null)
  const [day, setDay] = useState(action === 'extend' ? (row.rectify_due_on ?? today) : today)
  const [evidence, setEvidence] = useState<Array<{ id: string; name: string }>>([])
  const ids = evidence.map((e) => e.id)
  switch (action) {
    case 'verify':
      return (
        <ActionForm title='核实差评' testid='verify' onDone={onDone} submit={async () => {
          const r = await verifyWorkOrder(row.id, text.trim() === '' ? null : text.trim())
          return `已核实，整改期限 ${r.rectify_due_on ?? ''}`
        }}>
          <Text className='hint'>确认差评反映的问题属实后，须在 15 个工作日内完成整改。若差评不实，请改用“申诉”。</Text>
          <TextField label='核实情况（选填）' testid='verify-note' value={text} onChange={setText} max={1000} />
        </ActionForm>
      )
    case 'appeal':
      return (
        <ActionForm title='提出申诉' testid='appeal' onDone={onDone} submit={async () => {
          if (!reason) throw localError('请选择申诉理由')
          const p = lengthProblem('申诉说明', text, APPEAL_STATEMENT_MIN, 2000)
          if (p) throw localError(p)
          await submitAppeal(row.id, reason, text.trim(), ids)
          return '申诉已提交，等待监督部门审核'
        }}>
          <Text className='hint'>每张工单只能申诉一次，须由实名认证的工作人员提出，由监督部门审核。</Text>
          <Text className='field-label'>申诉理由</Text>
          <Choices options={APPEAL_REASONS} labels={APPEAL_REASON_LABELS} value={reason} onChange={setReason} testid='appeal-reason' />
          <TextField label={`申诉说明（至少 ${APPEAL_STATEMENT_MIN} 个字）`} testid='appeal-statement' value={text} onChange={setText} max={2000} />
          <EvidencePicker ids={evidence} onChange={setEvidence} />
        </ActionForm>
      )
    case 'rectify':
      return (
        <ActionForm title='填报整改' testid='rectify' onDone={onDone} submit={async () => {
          const p = lengthProblem('整改措施', text, 2, 2000) ?? lengthProblem('问题原因', text2, 2, 2000)
          if (p) throw localError(p)
          await rectifyWorkOrder(row.id, text.trim(), text2.trim(), ids)
          return '整改已填报，请答复评价人'
        }}>
          <TextField label='整改措施（评价人可见）' testid='rectify-measures' value={text} onChange={setText} max={2000} />
          <TextField label='问题原因（内部）' testid='rectify-root-cause' value={text2} onChange={setText2} max={2000} />
          <EvidencePicker ids={evidence} onChange={setEvidence} />
        </ActionForm>
      )
    case 'extend':
      return (
        <ActionForm title='申请延期' testid='extend' onDone={onDone} submit={async () => {
          const p = lengthProblem('延期理由', text, 2, 500)
          if (p) throw localError(p)
          const r = await extendWorkOrder(row.id, text.trim(), day)
          return `已延期，新的整改期限 ${r.rectify_due_on ?? day}`
        }}>
          <Text className='hint'>延期理由和新期限评价人和监督部门都能看到。新期限须是工作日，晚于原期限。</Text>
          <TextField label='延期理由' testid='extend-reason' value={text} onChange={setText} max={500} />
          <DateField label='新的整改期限' testid='extend-date' value={day} onChange={setDay} start={today} />
        </ActionForm>
      )
    case 'reply':
      return (
        <ActionForm title='答复评价人' testid='reply' onDone={onDone} submit={async () => {
          const p = lengthProblem('答复', text, 2, 2000)
          if (p) throw localError(p)
          const r = await replyWorkOrder(row.id, text.trim())
          return r.status === 'closed' ? '已答复，匿名差评已办结' : '已答复，请回访评价人后办结'
        }}>
          <Text className='hint'>答复会显示给评价人，并在差评公示中公开。</Text>
          <TextField label='答复内容' testid='reply-text' value={text} onChange={setText} max={2000} />
        </ActionForm>
      )
    case 'return_visit':
      return (
        <ActionForm title='登记回访' testid='return-visit' onDone={onDone} submit={async () => {
          if (!method) throw localError('请选择回访方式')
          if (!satisfaction) throw localError('请选择评价人对整改的满意程度')
          const r = await recordReturnVisit(row.id, method, day, satisfaction, text.trim() === '' ? null : text.trim())
          return r.status === 'closed' ? '回访已登记，工单已办结' : '回访已登记：评价人不满意，工单重新整改并由监督部门督办'
        }}>
          <RevealContact id={row.id} />
          <Text className='field-label'>回访方式</Text>
          <Choices options={RETURN_VISIT_METHODS} labels={RETURN_VISIT_METHOD_LABELS} value={method} onChange={setMethod} testid='visit-method' />
          <DateField label='回访日期' testid='visit-date' value={day} onChange={setDay} end={today} />
          <Text className='field-label'>评价人对整改是否满意</Text>
          <Choices options={RETURN_VISIT_SATISFACTIONS} labels={RETURN_VISIT_SATISFACTION_LABELS} value={satisfaction} onChange={setSatisfaction} testid='visit-satisfaction' />
          <TextField label='回访记录（选填）' testid='visit-note' value={text} onChange={setText} max={1000} />
        </ActionForm>
      )
  }
}

/** R13: the masked contact, for the assigned handler only; every reveal is logged. */
function RevealContact({ id }: { id: string }) {
  const [contact, setContact] = useState<RaterContact | null>(null)
  const [error, setError] = useState<string | null>(null)
  const reveal = async () => {
    setError(null)
    try {
      setContact(await revealRaterContact(id))
    } catch (err) {
      setError(toAppError(err).message)
    }
  }
  return (
    <View data-testid='reveal'>
      {contact ? (
        <Text className='notice notice--ok' data-testid='rater-contact'>
          评价人：{contact.masked_name}　电话：{contact.masked_phone ?? '未留电话'}
        </Text>
      ) : (
        <Button className='btn btn--secondary' data-testid='reveal-contact' onClick={reveal}>
          查看评价人联系方式（已脱敏，查看会被记录）
        </Button>
      )}
      {error ? <ErrorBlock message={error} /> : null}
    </View>
  )
}

/** R13: the unit admin picks the 承办人, the one officer who may see the masked contact for the 回访. */
function AssignHandler({ id, handlers, onDone }: { id: string; handlers: HandlerRow[]; onDone: (n: string) => void }) {
  const current = handlers.find((h) => h.is_handler)?.user_id ?? null
  const [pick, setPick] = useState<string | null>(current)
  const { busy, error, setError, run } = useAction()
  const assign = () =>
    run(async () => {
      const chosen = handlers.find((h) => h.user_id === pick)
      if (!chosen) throw new AppError('invalid_input', '请选择承办人')
      await assignWorkOrder(id, chosen.user_id)
      onDone(`已指定 ${chosen.masked_name} 为承办人`)
    })
  return (
    <View className='card' data-testid='assign'>
      <Text className='card__title'>指定承办人</Text>
      <Text className='hint'>承办人负责整改和回访，只有承办人能查看评价人的脱敏联系方式。</Text>
      <View className='choices'>
        {handlers.map((h) => (
          <View
            key={h.user_id}
            className={`choice${pick === h.user_id ? ' choice--on' : ''}`}
            data-testid='handler-choice'
            data-user={h.user_id}
            onClick={() => {
              setPick(h.user_id)
              setError(null)
            }}
          >
            {pick === h.user_id ? '◉ ' : '○ '}
            {h.masked_name}（{HANDLER_ROLE_LABELS[h.role]}{h.is_handler ? '，现承办人' : ''}）
          </View>
        ))}
      </View>
      {error ? <ErrorBlock message={error} /> : null}
      <Button className={`btn btn--primary${busy ? ' btn--busy' : ''}`} data-testid='submit-assign' onClick={assign}>
        {busy ? '正在提交…' : '指定为承办人'}
      </Button>
    </View>
  )
}

function Order({ id }: { id: string }) {
  const { state, reload } = useAsync(() => loadOrder(id))
  const [open, setOpen] = useState<StaffAction | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const { row, timeline, handlers, today, cal } = state.data
  if (!row) {
    return <ErrorBlock message='找不到这张工单：它不属于您所在的单位，或已不存在' />
  }
  // R13: the officer a 差评 is about never handles it; the server refuses, so nothing is offered.
  const actions = row.is_about_me ? [] : actionsFor(row)
  const done = (n: string) => {
    setNotice(n)
    setOpen(null)
    reload()
  }
  return (
    <View data-testid='order' data-status={row.status}>
      <Notice text={notice} testid='action-done' />
      <View className='card'>
        <OrderBadges row={row} today={today} cal={cal} />
        <Text className='wo__title'>{row.matter_name ?? '窗口服务评价'}</Text>
        <Text className='card__line'>{row.unit_name}{row.window_name ? ` · ${row.window_name}` : ''}</Text>
        {row.project_no ? <Text className='card__line' data-testid='order-project'>办件编号：{row.project_no}</Text>
          : row.is_about_me ? <Text className='card__line' data-testid='order-project'>办件编号：不向被评价人提供</Text>
          : !row.is_realname ? <Text className='card__line' data-testid='order-project'>匿名评价（办件编号不向单位提供）</Text>
          : null}
        <Text className='card__line'>评价时间：{instantLabel(row.rated_at)}</Text>
        <Text className='card__strong' data-testid='order-level'>评价：{levelName(Number(row.level))}</Text>
        {row.tags && row.tags.length > 0 ? <Text className='card__line' data-testid='order-tags'>不满意原因：{row.tags.map(tagName).join('、')}</Text> : null}
        <Text className='card__line' data-testid='order-comment'>评价内容：{row.comment ?? '（未填写）'}</Text>
        {row.appeal_status ? <Text className='card__line' data-testid='order-appeal'>申诉：{APPEAL_STATUS_LABELS[row.appeal_status]}</Text> : null}
        {Number(row.extension_count) > 0 ? <Text className='card__line'>已延期 {Number(row.extension_count)} 次</Text> : null}
        <Text className='card__line' data-testid='order-handler'>
          {handlers ? handlerLabel(handlers) : row.handler_is_me ? '您是本单承办人' : '承办人：本单位其他工作人员或未指定'}
        </Text>
      </View>
      {row.is_about_me ? (
        <Text className='notice' data-testid='order-about-me'>
          这条差评针对的是您本人的办件：按规定由本单位其他工作人员核实和整改，您不能办理、申诉或查看评价人。
        </Text>
      ) : null}

      {handlers ? <AssignHandler id={row.id} handlers={handlers} onDone={done} /> : null}

      <View className='section'>
        <Text className='section__title'>可以办理</Text>
        {actions.length === 0 ? <Empty label={row.is_about_me ? '由本单位其他工作人员办理' : row.status === 'appealing' ? '申诉审核中，请等待监督部门决定' : '这张工单当前没有需要您办理的事项'} /> : null}
        {actions.map((a) => (
          <Button
            key={a}
            className={`btn ${open === a ? 'btn--primary' : 'btn--secondary'}`}
            data-testid={`action-${a}`}
            onClick={() => {
              setOpen(open === a ? null : a)
              setNotice(null)
            }}
          >
            {ACTION_LABELS[a]}
          </Button>
        ))}
        {open ? <View className='section'><Forms key={open} action={open} row={row} today={today} onDone={done} /></View> : null}
      </View>

      <View className='section'>
        <Text className='section__title'>办理记录</Text>
        {timeline.length === 0 ? <Empty label='还没有办理记录' /> : null}
        <View className='timeline' data-testid='timeline'>
          {staffTimeline(timeline).map((item, i) => (
            <View key={i} className='timeline__item' data-testid='timeline-item'>
              <Text className='timeline__label'>● {item.label}</Text>
              <Text className='timeline__when'>{item.when}</Text>
              {item.due ? <Text className='timeline__note'>{item.due}</Text> : null}
              {item.note ? <Text className='timeline__note'>{item.note}</Text> : null}
            </View>
          ))}
        </View>
      </View>
    </View>
  )
}

export default function StaffOrderPage() {
  const router = useRouter()
  const id = router.params.id ?? ''
  return (
    <Shell title='差评工单'>
      <LoginGate reason='工作人员登录后处理差评'>{() => (id ? <Order key={id} id={id} /> : <ErrorBlock message='缺少工单编号' />)}</LoginGate>
    </Shell>
  )
}
