import { useState } from 'react'
import { Button, Input, Text, Textarea, View } from '@tarojs/components'
import { AssessmentCard } from '../../../../components/AssessmentCard.tsx'
import { lastMonth, PeriodFields, RegionChoices, SupervisorGate, UnitChoices } from '../../../../components/DeskFields.tsx'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading, Notice } from '../../../../components/StatusBlock.tsx'
import type { RegionChoice } from '../../../../../../shared/regions.ts'
import { AppError } from '../../../../lib/errors.ts'
import { recordThirdPartyAssessment, thirdPartyAssessments } from '../../../../lib/sampling-api.ts'
import { assessmentProblem, parseScore, scoreText } from '../../../../lib/sampling-view.ts'
import { useAction } from '../../../../lib/useAction.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import '../../supervise.scss'
import { PLACEHOLDER_STYLE } from '../../../../lib/tokens.ts'

function AssessmentForm({ regions, onSaved }: { regions: RegionChoice[]; onSaved: (notice: string) => void }) {
  const initial = lastMonth()
  const [region, setRegion] = useState(regions[0]?.code ?? '')
  const [unit, setUnit] = useState<string | null>(null)
  const [from, setFrom] = useState(initial.from)
  const [to, setTo] = useState(initial.to)
  const [org, setOrg] = useState('')
  const [score, setScore] = useState('')
  const [summary, setSummary] = useState('')
  const [ref, setRef] = useState('')
  const { busy, error, run } = useAction()
  const save = () =>
    run(async () => {
      const input = { regionCode: region, unitId: unit, from, to, assessorOrg: org, score, summary, attachmentRef: ref }
      const problem = assessmentProblem(input)
      const value = parseScore(score)
      if (problem || value === null) throw new AppError('invalid_input', problem ?? '评估得分应在 0 到 100 之间')
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
    })
  return (
    <View className='card' data-testid='assessment-form'>
      <Text className='card__title'>录入第三方评估</Text>
      <Text className='field-label'>地区</Text>
      <RegionChoices
        regions={regions}
        value={region}
        onChange={(code) => {
          setRegion(code)
          setUnit(null)
        }}
      />
      <Text className='field-label'>评估对象</Text>
      <UnitChoices key={region} region={region} value={unit} onChange={setUnit} testid='target-unit' none={{ label: '整个地区', testid: 'target-region' }} />
      <PeriodFields
        label='评估时段'
        from={from}
        to={to}
        onChange={(f, t) => {
          setFrom(f)
          setTo(t)
        }}
      />
      <View className='desk-row'>
        <View className='desk-field'>
          <Text className='field-label'>评估机构</Text>
          <Input className='input' data-testid='assessor-org' value={org} maxlength={200} placeholder='受委托的第三方机构全称' placeholderStyle={PLACEHOLDER_STYLE} onInput={(e) => setOrg(e.detail.value)} />
        </View>
        <View className='desk-field'>
          <Text className='field-label'>总分（0–100）</Text>
          <Input className='input' data-testid='assessment-score' type='digit' value={score} maxlength={6} placeholder='如 92.5' placeholderStyle={PLACEHOLDER_STYLE} onInput={(e) => setScore(e.detail.value)} />
        </View>
      </View>
      <Text className='field-label'>评估结论摘要</Text>
      <Textarea className='textarea' data-testid='assessment-summary' value={summary} maxlength={1000} placeholderStyle={PLACEHOLDER_STYLE} placeholder='主要发现和整改建议' onInput={(e) => setSummary(e.detail.value)} />
      <Text className='field-label'>报告文件位置（可不填）</Text>
      <Input className='input' data-testid='assessment-ref' value={ref} maxlength={500} placeholder='存档路径或网址' placeholderStyle={PLACEHOLDER_STYLE} onInput={(e) => setRef(e.detail.value)} />
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
        ? state.data.map((a) => <AssessmentCard key={a.id} a={a} />)
        : null}
    </View>
  )
}

function Assessments({ regions }: { regions: RegionChoice[] }) {
  const [notice, setNotice] = useState<string | null>(null)
  const [version, setVersion] = useState(0)
  return (
    <View>
      <Notice text={notice} testid='assessment-saved' />
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
      <LoginGate reason='监督员登录后录入第三方评估'>
        {() => <SupervisorGate denied='第三方评估仅限监督员录入'>{(regions) => <Assessments regions={regions} />}</SupervisorGate>}
      </LoginGate>
    </Shell>
  )
}
