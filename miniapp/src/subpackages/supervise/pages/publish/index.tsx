import { useState } from 'react'
import { Button, Text, Textarea, View } from '@tarojs/components'
import { RegionChoices, SupervisorGate } from '../../../../components/DeskFields.tsx'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading, Notice } from '../../../../components/StatusBlock.tsx'
import type { RegionChoice } from '../../../../../../shared/regions.ts'
import {
  EXPORT_KIND_LABELS,
  recentMonths,
  type ExportFormat,
  type ExportKind,
} from '../../../../lib/desk-view.ts'
import { downloadExport } from '../../../../lib/export-download'
import { instantLabel } from '../../../../lib/format.ts'
import { publishedPeriods, publishResults } from '../../../../lib/publish-api.ts'
import { periodLabel } from '../../../../lib/public-view.ts'
import { todayInShanghai } from '../../../../lib/staff-load.ts'
import { monthRange } from '../../../../lib/staff-view.ts'
import { useAction } from '../../../../lib/useAction.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import '../../supervise.scss'
import './index.scss'
import { PLACEHOLDER_STYLE } from '../../../../lib/tokens.ts'

/** The months published for the region, newest first, and the publish action for the chosen month. */
function Publication({ region, period }: { region: RegionChoice; period: { period: string; label: string; over: boolean } }) {
  const { state, reload } = useAsync(() => publishedPeriods(region.code))
  const [note, setNote] = useState('')
  const { busy, error, run } = useAction()
  const [notice, setNotice] = useState<string | null>(null)
  const already = state.status === 'done' ? state.data.find((p) => p.period === period.period) : undefined
  // The server decides (e.g. a month not yet over): its words, as they come.
  const publish = () =>
    run(async () => {
      setNotice(null)
      const r = await publishResults(period.period, region.code, note.trim() === '' ? null : note.trim())
      setNotice(`已公开 ${region.name} ${periodLabel(r.period)} 的评价结果（${instantLabel(r.published_at)}），群众在“公开”页可以查看`)
      setNote('')
      reload()
    })
  return (
    <View>
      <View className='card' data-testid='publish-form'>
        <Text className='card__title'>
          公开 {region.name} {periodLabel(period.period)} 的评价结果
        </Text>
        <Text className='hint'>
          公开后，该月各单位的评价数、满意率、差评数和整改率，以及差评的整改和答复情况（已匿名）向社会公开，无需登录即可查看。
        </Text>
        {!period.over ? <Text className='hint' data-testid='month-not-over'>本月尚未结束，月份结束后才能公开。</Text> : null}
        {already ? (
          <Text className='card__line' data-testid='already-published'>
            该月已于 {instantLabel(already.published_at)} 公开；再次公开将更新公开时间和说明。
          </Text>
        ) : null}
        <Text className='field-label'>公开说明（选填，500 字以内）</Text>
        <Textarea className='textarea' data-testid='publish-note' value={note} maxlength={500} placeholderStyle={PLACEHOLDER_STYLE} onInput={(e) => setNote(e.detail.value)} />
        {error ? <ErrorBlock message={error} /> : null}
        <Notice text={notice} testid='publish-done' />
        <Button className={`btn btn--primary${busy ? ' btn--busy' : ''}`} data-testid='publish' onClick={publish}>
          {busy ? '正在公开…' : already ? '再次公开' : '公开结果'}
        </Button>
      </View>

      <Text className='section__title'>{region.name} 已公开的月份</Text>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' && state.data.length === 0 ? <Empty label='还没有公开过评价结果' /> : null}
      {state.status === 'done'
        ? state.data.map((p) => (
            <View key={p.period} className='card' data-testid='published-period' data-period={p.period}>
              <Text className='card__strong'>{periodLabel(p.period)}</Text>
              <Text className='card__line'>公开于 {instantLabel(p.published_at)}</Text>
              {p.note ? <Text className='card__line'>说明：{p.note}</Text> : null}
            </View>
          ))
        : null}
    </View>
  )
}

const KINDS: ExportKind[] = ['ratings', 'work_orders']
const FORMATS: ExportFormat[] = ['csv', 'xlsx']

/** CSV / XLSX of the month's ratings and 差评 work orders of the region (the export function). */
function Exports({ region, period }: { region: RegionChoice; period: string }) {
  const [running, setRunning] = useState<string | null>(null)
  const { error, run } = useAction()
  const [notice, setNotice] = useState<string | null>(null)
  const [from, to] = monthRange(period)
  const download = (kind: ExportKind, format: ExportFormat) =>
    run(async () => {
      setRunning(`${kind}-${format}`)
      setNotice(null)
      try {
        const { fileName } = await downloadExport({ kind, format, from, to, region: region.code })
        setNotice(`已下载 ${fileName}`)
      } finally {
        setRunning(null)
      }
    })
  return (
    <View className='card' data-testid='exports'>
      <Text className='card__title'>数据导出</Text>
      <Text className='hint'>
        {region.name} · {from} 至 {to}。导出文件不含评价人的姓名、电话等身份信息。CSV 可用 Excel 或 WPS 打开。
      </Text>
      {KINDS.map((kind) => (
        <View key={kind}>
          <Text className='field-label'>{EXPORT_KIND_LABELS[kind]}</Text>
          <View className='export-row'>
            {FORMATS.map((format) => (
              <Button
                key={format}
                className={`btn btn--secondary${running === `${kind}-${format}` ? ' btn--busy' : ''}`}
                data-testid={`export-${kind}-${format}`}
                onClick={() => download(kind, format)}
              >
                {running === `${kind}-${format}` ? '正在导出…' : `下载 ${format.toUpperCase()}`}
              </Button>
            ))}
          </View>
        </View>
      ))}
      {error ? <ErrorBlock message={error} /> : null}
      <Notice text={notice} testid='export-done' />
    </View>
  )
}

function Desk({ regions }: { regions: RegionChoice[] }) {
  const months = recentMonths(todayInShanghai())
  const [regionCode, setRegionCode] = useState(regions[0]!.code)
  // The last finished month: the one usually published.
  const [period, setPeriod] = useState(months[1]?.period ?? months[0]!.period)
  const region = regions.find((r) => r.code === regionCode) ?? regions[0]!
  const month = months.find((m) => m.period === period) ?? months[0]!
  return (
    <View>
      <Text className='field-label'>地区</Text>
      <RegionChoices regions={regions} value={region.code} onChange={setRegionCode} wide />
      <Text className='field-label'>月份</Text>
      <View className='choices'>
        {months.map((m) => (
          <View key={m.period} className={`choice${m.period === month.period ? ' choice--on' : ''}`} data-testid={`month-${m.period}`} onClick={() => setPeriod(m.period)}>
            {m.label}
          </View>
        ))}
      </View>
      <Publication key={`${region.code}|${month.period}`} region={region} period={month} />
      <Exports region={region} period={month.period} />
    </View>
  )
}

export default function PublishPage() {
  return (
    <Shell title='结果公开 · 数据导出'>
      <LoginGate reason='监督员登录后公开结果和导出数据'>
        {() => <SupervisorGate denied='只有监督员可以公开结果和导出数据' deniedAsError>{(regions) => <Desk regions={regions} />}</SupervisorGate>}
      </LoginGate>
    </Shell>
  )
}
