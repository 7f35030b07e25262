import { useState } from 'react'
import { Button, Input, Text, Textarea, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { lastMonth, PeriodFields, RegionChoices, SupervisorGate } from '../../../../components/DeskFields.tsx'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading, Notice } from '../../../../components/StatusBlock.tsx'
import { SAMPLE_OUTCOME_LABELS, SAMPLE_OUTCOMES, type SampleItemRow, type SampleOutcome } from '../../../../../../shared/comments.ts'
import type { RegionChoice } from '../../../../../../shared/regions.ts'
import { CHANNEL_LABELS } from '../../../../../../shared/staff.ts'
import { AppError, toAppError } from '../../../../lib/errors.ts'
import { instantLabel } from '../../../../lib/format.ts'
import { levelName } from '../../../../lib/levels.ts'
import { recordSampleVisit, returnVisitSampleItems, returnVisitSamples, sampleReturnVisits } from '../../../../lib/sampling-api.ts'
import { batchProgressText, canRecord, itemsProgress, progressText, sampleFormProblem, visitProblem } from '../../../../lib/sampling-view.ts'
import { useAction } from '../../../../lib/useAction.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import '../../supervise.scss'
import { PLACEHOLDER_STYLE } from '../../../../lib/tokens.ts'

/** 抽取: period (默认上月), region, how many, optional seed. */
function DrawForm({ regions, onDrawn }: { regions: RegionChoice[]; onDrawn: (sampleId: string, count: number) => void }) {
  const initial = lastMonth()
  const [from, setFrom] = useState(initial.from)
  const [to, setTo] = useState(initial.to)
  const [region, setRegion] = useState(regions[0]?.code ?? '')
  const [n, setN] = useState('10')
  const [seed, setSeed] = useState('')
  const { busy, error, setError, run } = useAction()
  const draw = () =>
    run(async () => {
      const problem = sampleFormProblem({ from, to, n, seed })
      if (problem) throw new AppError('invalid_input', problem)
      const items = await sampleReturnVisits(from, to, region, Number(n.trim()), seed.trim() === '' ? null : seed.trim())
      const first = items[0]
      if (first) onDrawn(first.sample_id, items.length)
    })
  return (
    <View className='card' data-testid='draw-form'>
      <Text className='card__title'>抽取回访对象</Text>
      <Text className='card__line'>从所选时段、所选地区（含下辖县区）实名、非匿名的主动评价人中随机抽取；同一随机种子在同样数据上抽到同样的人。</Text>
      <PeriodFields
        label='评价时段'
        from={from}
        to={to}
        onChange={(f, t) => {
          setFrom(f)
          setTo(t)
          setError(null)
        }}
      />
      <Text className='field-label'>地区</Text>
      <RegionChoices regions={regions} value={region} onChange={setRegion} />
      <View className='desk-row'>
        <View className='desk-field'>
          <Text className='field-label'>抽取人数（1–200）</Text>
          <Input className='input' data-testid='sample-n' type='number' value={n} maxlength={3} onInput={(e) => setN(e.detail.value)} />
        </View>
        <View className='desk-field'>
          <Text className='field-label'>随机种子（可不填）</Text>
          <Input className='input' data-testid='sample-seed' value={seed} maxlength={100} placeholder='不填则随机' placeholderStyle={PLACEHOLDER_STYLE} onInput={(e) => setSeed(e.detail.value)} />
        </View>
      </View>
      {error ? <ErrorBlock message={error} /> : null}
      <View className='card__actions'>
        <Button className={`btn btn--primary${busy ? ' btn--busy' : ''}`} data-testid='draw' onClick={draw}>
          {busy ? '正在抽取…' : '抽取'}
        </Button>
      </View>
    </View>
  )
}

function Batches({ onOpen }: { onOpen: (id: string) => void }) {
  const { state, reload } = useAsync(() => returnVisitSamples(null))
  return (
    <View data-testid='batches'>
      <Text className='section__title'>抽查批次</Text>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' && state.data.length === 0 ? <Empty label='还没有抽查批次' /> : null}
      {state.status === 'done'
        ? state.data.map((b) => (
            <View key={b.id} className='card' data-testid='batch' data-sample={b.id}>
              <View className='wo__head'>
                <Text className='badge badge--info'>{b.region_name}</Text>
                <Text className={`badge ${b.visited_count === b.item_count ? 'badge--good' : 'badge--warn'}`}>
                  {b.visited_count === b.item_count ? '已完成' : '进行中'}
                </Text>
              </View>
              <Text className='wo__title'>
                {b.period_from} 至 {b.period_to}
              </Text>
              <Text className='card__line' data-testid='batch-progress'>
                {batchProgressText(b)}
              </Text>
              <Text className='card__line'>
                抽取 {b.item_count} 人（共 {b.candidate_count} 名可回访评价人）· 种子 {b.seed} · {instantLabel(b.created_at)}
              </Text>
              <View className='card__actions'>
                <Button className='btn btn--secondary' data-testid='open-batch' onClick={() => onOpen(b.id)}>
                  进入回访
                </Button>
              </View>
            </View>
          ))
        : null}
    </View>
  )
}

function VisitForm({ item, onDone, onStale }: { item: SampleItemRow; onDone: (row: SampleItemRow) => void; onStale: (message: string) => void }) {
  const [outcome, setOutcome] = useState<SampleOutcome | null>(null)
  const [satisfied, setSatisfied] = useState<boolean | null>(null)
  const [note, setNote] = useState('')
  const { busy, error, setError, run } = useAction()
  const submit = () =>
    run(async () => {
      const problem = visitProblem(outcome, satisfied, note)
      if (problem || outcome === null) throw new AppError('invalid_input', problem ?? '请选择回访结果')
      try {
        onDone(await recordSampleVisit(item.item_id, outcome, outcome === 'reached' ? satisfied : null, note.trim() === '' ? null : note.trim()))
      } catch (err) {
        const e = toAppError(err)
        // Recorded meanwhile at another desk: say so, and show what stands now.
        if (e.code !== 'sample_visit_recorded') throw e
        onStale(`第 ${item.position} 位：${e.message}`)
      }
    })
  return (
    <View data-testid='visit-form'>
      <Text className='field-label'>回访结果</Text>
      <View className='choices'>
        {SAMPLE_OUTCOMES.map((o) => (
          <View
            key={o}
            className={`choice${outcome === o ? ' choice--on' : ''}`}
            data-testid={`outcome-${o}`}
            onClick={() => {
              setOutcome(o)
              if (o !== 'reached') setSatisfied(null)
              setError(null)
            }}
          >
            {outcome === o ? '◉ ' : '○ '}
            {SAMPLE_OUTCOME_LABELS[o]}
          </View>
        ))}
      </View>
      {outcome === 'reached' ? (
        <View>
          <Text className='field-label'>被回访人对这次办事是否满意</Text>
          <View className='choices'>
            {([true, false] as const).map((s) => (
              <View key={String(s)} className={`choice${satisfied === s ? ' choice--on' : ''}`} data-testid={`satisfied-${s ? 'yes' : 'no'}`} onClick={() => setSatisfied(s)}>
                {satisfied === s ? '◉ ' : '○ '}
                {s ? '满意' : '不满意'}
              </View>
            ))}
          </View>
        </View>
      ) : null}
      <Text className='field-label'>回访记录（可不填）</Text>
      <Textarea className='textarea' data-testid='visit-note' value={note} maxlength={1000} placeholderStyle={PLACEHOLDER_STYLE} onInput={(e) => setNote(e.detail.value)} />
      {error ? <ErrorBlock message={error} /> : null}
      <View className='card__actions'>
        <Button className={`btn btn--primary${busy ? ' btn--busy' : ''}`} data-testid='submit-visit' onClick={submit}>
          {busy ? '正在登记…' : '登记回访结果'}
        </Button>
      </View>
    </View>
  )
}

function ItemCard({ item, onDone, onStale }: { item: SampleItemRow; onDone: (row: SampleItemRow) => void; onStale: (message: string) => void }) {
  return (
    <View className='card' data-testid='sample-item' data-item={item.item_id} data-outcome={item.outcome ?? ''}>
      <View className='wo__head'>
        <Text className='badge badge--info'>第 {item.position} 位</Text>
        {item.outcome ? (
          <Text className={`badge ${item.outcome === 'reached' ? 'badge--good' : 'badge--warn'}`} data-testid='item-outcome'>
            {SAMPLE_OUTCOME_LABELS[item.outcome]}
            {item.outcome === 'reached' ? (item.satisfied ? ' · 满意' : ' · 不满意') : ''}
          </Text>
        ) : (
          <Text className='badge badge--mid'>待回访</Text>
        )}
      </View>
      <Text className='wo__title' data-testid='item-rater'>
        {item.rater_masked_name}　{item.rater_masked_phone}
      </Text>
      <Text className='card__line'>
        {item.unit_name} · {item.matter_name ?? '窗口服务评价'}
      </Text>
      <Text className='card__line'>
        {instantLabel(item.rated_at)} 评价「{levelName(item.level)}」· {CHANNEL_LABELS[item.channel] ?? item.channel}
      </Text>
      {item.note ? <Text className='card__line'>回访记录：{item.note}</Text> : null}
      {item.visited_at ? <Text className='card__line'>登记于 {instantLabel(item.visited_at)}</Text> : null}
      {canRecord(item) ? <VisitForm item={item} onDone={onDone} onStale={onStale} /> : null}
    </View>
  )
}

function Batch({ sampleId, onBack }: { sampleId: string; onBack: () => void }) {
  const { state, reload } = useAsync(() => returnVisitSampleItems(sampleId))
  const [items, setItems] = useState<SampleItemRow[] | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [stale, setStale] = useState<string | null>(null)
  const shown = items ?? (state.status === 'done' ? state.data : null)
  const progress = shown ? itemsProgress(shown) : null
  return (
    <View data-testid='batch-view' data-sample={sampleId}>
      <Button className='btn btn--secondary' data-testid='back-to-batches' onClick={onBack}>
        ← 返回抽查批次
      </Button>
      <Text className='hint'>评价人姓名和电话只显示脱敏信息；请按单位留存的联系方式回访。</Text>
      {state.status === 'loading' && items === null ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {progress ? (
        <View className='kpis' data-testid='sample-progress' data-done={progress.done} data-total={progress.total}>
          <View className='kpi'>
            <Text className='kpi__value' data-testid='progress-done'>
              {progress.done}/{progress.total}
            </Text>
            <Text className='kpi__label'>已完成回访（含拒绝）</Text>
          </View>
          <View className='kpi'>
            <Text className='kpi__value' data-testid='progress-satisfied'>
              {progress.satisfiedShare === null ? '—' : `${(Math.round(progress.satisfiedShare * 1000) / 10).toFixed(1)}%`}
            </Text>
            <Text className='kpi__label'>
              满意比例（{progress.satisfied}/{progress.reached} 名已回访者）
            </Text>
          </View>
          <Text className='card__line desk-wide' data-testid='progress-text'>
            {progressText(progress)}
          </Text>
        </View>
      ) : null}
      <Notice text={notice} testid='visit-done' />
      {stale ? (
        <View data-testid='visit-refused'>
          <ErrorBlock message={stale} />
        </View>
      ) : null}
      {shown
        ? shown.map((item) => (
            <ItemCard
              key={item.item_id}
              item={item}
              onDone={(row) => {
                setItems(shown.map((i) => (i.item_id === row.item_id ? row : i)))
                setStale(null)
                setNotice(`第 ${row.position} 位：${SAMPLE_OUTCOME_LABELS[row.outcome ?? 'reached']}，已登记`)
              }}
              onStale={(message) => {
                setNotice(null)
                setStale(`${message}（已刷新为当前结果）`)
                setItems(null)
                reload()
              }}
            />
          ))
        : null}
    </View>
  )
}

function Sampling({ regions, initialSample }: { regions: RegionChoice[]; initialSample: string | null }) {
  const [open, setOpen] = useState<string | null>(initialSample)
  const [notice, setNotice] = useState<string | null>(null)
  if (open) {
    return (
      <View>
        <Notice text={notice} testid='draw-done' />
        <Batch key={open} sampleId={open} onBack={() => {
          setOpen(null)
          setNotice(null)
        }} />
      </View>
    )
  }
  return (
    <View>
      <DrawForm
        regions={regions}
        onDrawn={(id, count) => {
          setNotice(`已抽取 ${count} 名评价人，请逐一回访并登记结果`)
          setOpen(id)
        }}
      />
      <Batches onOpen={setOpen} />
    </View>
  )
}

export default function SamplingPage() {
  const router = useRouter()
  const sample = router.params.sample ?? null
  return (
    <Shell title='回访抽查'>
      <LoginGate reason='监督员登录后进行回访抽查'>
        {() => <SupervisorGate denied='回访抽查仅限监督员使用'>{(regions) => <Sampling regions={regions} initialSample={sample} />}</SupervisorGate>}
      </LoginGate>
    </Shell>
  )
}
