import { useState } from 'react'
import { Button, Input, Picker, Text, Textarea, View } from '@tarojs/components'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading } from '../../../../components/StatusBlock.tsx'
import type { UnitRow } from '../../../../../../shared/schemas.ts'
import { unitsOfRegion } from '../../../../lib/api.ts'
import { toAppError } from '../../../../lib/errors.ts'
import { instantLabel } from '../../../../lib/format.ts'
import { deskIdentity, recordThirdPartyAssessment, thirdPartyAssessments } from '../../../../lib/sampling-api.ts'
import { assessmentProblem, parseScore, scoreText, supervisedRegions, type RegionChoice } from '../../../../lib/sampling-view.ts'
import { todayInShanghai } from '../../../../lib/staff-load.ts'
import { periodPresets } from '../../../../lib/staff-view.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import '../../supervise.scss'
import './index.scss'

function DateField({ label, testid, value, onChange }: { label: string; testid: string; value: string; onChange: (v: string) => void }) {
  return (
    <View className='desk-field'>
      <Text className='field-label'>{label}</Text>
      <Picker mode='date' value={value} onChange={(e) => onChange(String(e.detail.value))}>
        <View className='choice' data-testid={testid}>
          {value}（点此修改）
        </View>
      </Picker>
    </View>
  )
}

function UnitChoices({ region, unit, onChange }: { region: string; unit: string | null; onChange: (id: string | null) => void }) {
  const { state, reload } = useAsync<UnitRow[]>(() => unitsOfRegion(region))
  return (
    <View>
      <Text className='field-label'>评估对象</Text>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      <View className='choices'>
        <View className={`choice${unit === null ? ' choice--on' : ''}`} data-testid='target-region' onClick={() => onChange(null)}>
          {unit === null ? '◉ ' : '○ '}整个地区
        </View>
        {state.status === 'done'
          ? state.data.map((u) => (
              <View key={u.id} className={`choice${unit === u.id ? ' choice--on' : ''}`} data-testid='target-unit' data-unit={u.id} onClick={() => onChange(u.id)}>
                {unit === u.id ? '◉ ' : '○ '}
                {u.name}
              </View>
            ))
          : null}
      </View>
    </View>
  )
}

function AssessmentForm({ regions, onSaved }: { regions: RegionChoice[]; onSaved: (notice: string) => void }) {
  const presets = periodPresets(todayInShanghai())
  const initial = presets.find((p) => p.key === 'prev') ?? presets[0]!
  const [region, setRegion] = useState(regions[0]?.code ?? '')
  const [unit, setUnit] = useState<string | null>(null)
  const [from, setFrom] = useState(initial.from)
  const [to, setTo] = useState(initial.to)
  const [org, setOrg] = useState('')
  const [score, setScore] = useState('')
  const [summary, setSummary] = useState('')
  const [ref, setRef] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const save = async () => {
    if (busy) return
    setError(null)
    const input = { regionCode: region, unitId: unit, from, to, assessorOrg: org, score, summary, attachmentRef: ref }
    const problem = assessmentProblem(input)
    const value = parseScore(score)
    if (problem || value === null) {
      setError(problem ?? '评估得分应在 0 到 100 之间')
      return
    }
    setBusy(true)
    try {
      const row = await recordThirdPartyAssessment({
        regionCode: unit === null ? region : null,
        unitId: unit,
        from,
        to,
        assessorOrg: org.trim(),
        score: value,
        summary: summary.trim(),
        attachmentRef: ref.trim() === '' ? null : ref.trim(),
      })
      setOrg('')
      setScore('')
      setSummary('')
      setRef('')
      onSaved(`已录入：${row.unit_name ?? row.region_name} ${row.period_from} 至 ${row.period_to}，${scoreText(row.score)}`)
    } catch (err) {
      setError(toAppError(err).message)
    } finally {
      setBusy(false)
    }
  }
  return (
    <View className='card' data-testid='assessment-form'>
      <Text className='card__title'>录入第三方评估</Text>
      <Text className='field-label'>地区</Text>
      <View className='choices'>
        {regions.map((r) => (
          <View
            key={r.code}
            className={`choice${r.code === region ? ' choice--on' : ''}`}
            data-testid={`region-${r.code}`}
            onClick={() => {
              setRegion(r.code)
              setUnit(null)
            }}
          >
            {r.name}
          </View>
        ))}
      </View>
      <UnitChoices key={region} region={region} unit={unit} onChange={setUnit} />
      <Text className='field-label'>评估时段</Text>
      <View className='choices'>
        {presets.map((p) => (
          <View
            key={p.key}
            className={`choice${p.from === from && p.to === to ? ' choice--on' : ''}`}
            data-testid={`period-${p.key}`}
            onClick={() => {
              setFrom(p.from)
              setTo(p.to)
            }}
          >
            {p.label}
          </View>
        ))}
      </View>
      <View className='desk-row'>
        <DateField label='开始日期' testid='period-from' value={from} onChange={setFrom} />
        <DateField label='结束日期' testid='period-to' value={to} onChange={setTo} />
      </View>
      <View className='desk-row'>
        <View className='desk-field'>
          <Text className='field-label'>评估机构</Text>
          <Input className='input' data-testid='assessor-org' value={org} maxlength={200} placeholder='受委托的第三方机构全称' placeholderStyle='color:#5b616b' onInput={(e) => setOrg(e.detail.value)} />
        </View>
        <View className='desk-field'>
          <Text className='field-label'>总分（0–100）</Text>
          <Input className='input' data-testid='assessment-score' type='digit' value={score} maxlength={6} placeholder='如 92.5' placeholderStyle='color:#5b616b' onInput={(e) => setScore(e.detail.value)} />
        </View>
      </View>
      <Text className='field-label'>评估结论摘要</Text>
      <Textarea className='textarea' data-testid='assessment-summary' value={summary} maxlength={1000} placeholderStyle='color:#5b616b' placeholder='主要发现和整改建议' onInput={(e) => setSummary(e.detail.value)} />
      <Text className='field-label'>报告文件位置（可不填）</Text>
      <Input className='input' data-testid='assessment-ref' value={ref} maxlength={500} placeholder='存档路径或网址' placeholderStyle='color:#5b616b' onInput={(e) => setRef(e.detail.value)} />
      {error ? <ErrorBlock message={error} /> : null}
      <View className='card__actions'>
        <Button className={`btn btn--primary${busy ? ' btn--busy' : ''}`} data-testid='save-assessment' onClick={save}>
          {busy ? '正在保存…' : '保存评估结果'}
        </Button>
      </View>
    </View>
  )
}

function List({ version }: { version: number }) {
  const { state, reload } = useAsync(() => thirdPartyAssessments(null))
  const [seen, setSeen] = useState(version)
  if (seen !== version) {
    setSeen(version)
    reload()
  }
  return (
    <View data-testid='assessments'>
      <Text className='section__title'>评估记录</Text>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' && state.data.length === 0 ? <Empty label='还没有第三方评估记录' /> : null}
      {state.status === 'done'
        ? state.data.map((a) => (
            <View key={a.id} className='card' data-testid='assessment' data-assessment={a.id}>
              <View className='wo__head'>
                <Text className='badge badge--info'>{a.unit_id ? '单位' : '地区'}</Text>
                <Text className='badge badge--good' data-testid='assessment-score-value'>
                  {scoreText(a.score)}
                </Text>
              </View>
              <Text className='wo__title'>{a.unit_name ?? a.region_name}</Text>
              <Text className='card__line'>
                {a.period_from} 至 {a.period_to} · {a.assessor_org}
              </Text>
              <Text className='card__line'>{a.summary}</Text>
              {a.attachment_ref ? <Text className='card__line'>报告：{a.attachment_ref}</Text> : null}
              <Text className='card__line'>录入于 {instantLabel(a.created_at)}</Text>
            </View>
          ))
        : null}
    </View>
  )
}

function Assessments() {
  const { state, reload } = useAsync(deskIdentity)
  const [notice, setNotice] = useState<string | null>(null)
  const [version, setVersion] = useState(0)
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const regions = supervisedRegions(state.data)
  if (regions.length === 0) return <Empty label='第三方评估仅限监督员录入' />
  return (
    <View>
      {notice ? (
        <Text className='notice notice--ok' data-testid='assessment-saved'>
          ✓ {notice}
        </Text>
      ) : null}
      <AssessmentForm
        regions={regions}
        onSaved={(n) => {
          setNotice(n)
          setVersion((v) => v + 1)
        }}
      />
      <List version={version} />
    </View>
  )
}

export default function AssessmentsPage() {
  return (
    <Shell title='第三方评估'>
      <LoginGate reason='监督员登录后录入第三方评估'>{() => <Assessments />}</LoginGate>
    </Shell>
  )
}
