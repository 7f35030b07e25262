import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { RegionChoices } from '../../../../components/DeskFields.tsx'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading } from '../../../../components/StatusBlock.tsx'
import { STATS_GROUP_LABELS, STATS_RATE_LABELS, STATS_RATES, type StatsGroup, type StatsRate, type StatsRow } from '../../../../../../shared/supervise.ts'
import { CHANNEL_LABELS } from '../../../../../../shared/staff.ts'
import type { RegionChoice } from '../../../../../../shared/regions.ts'
import type { UnitRow } from '../../../../../../shared/schemas.ts'
import { unitsOfRegion, whoami } from '../../../../lib/api.ts'
import { summarizeWhoami, supervisedRegions } from '../../../../lib/roles.ts'
import { statsFor } from '../../../../lib/staff-api.ts'
import { todayInShanghai } from '../../../../lib/staff-load.ts'
import { percent, periodPresets, rankBy, rankingView, totalsOf, type RankItem } from '../../../../lib/staff-view.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import { RateChart } from '../../RateChart.tsx'
import '../../supervise.scss'

const GROUPS: readonly StatsGroup[] = ['unit', 'window', 'officer', 'matter', 'channel', 'month', 'region']

function nameOf(group: StatsGroup, r: StatsRow): string {
  if (group === 'channel') return CHANNEL_LABELS[r.group_key ?? ''] ?? r.group_name ?? r.group_key ?? '未知'
  return r.group_name ?? r.group_key ?? '（未关联）'
}

function Kpis({ rows }: { rows: StatsRow[] }) {
  const t = totalsOf(rows)
  return (
    <View className='kpis' data-testid='kpis'>
      <View className='kpi' data-testid='kpi-count'>
        <Text className='kpi__value'>{t.rating_count}</Text>
        <Text className='kpi__label'>评价总数</Text>
      </View>
      {STATS_RATES.map((k) => (
        <View key={k} className='kpi' data-testid={`kpi-${k}`} data-value={t[k] === null ? '' : String(t[k])}>
          <Text className='kpi__value'>{percent(t[k])}</Text>
          <Text className='kpi__label'>
            {STATS_RATE_LABELS[k]}
            {k === 'bad_rate' ? `（差评 ${t.bad_count} 条）` : ''}
          </Text>
        </View>
      ))}
    </View>
  )
}

function Table({ rows, group }: { rows: StatsRow[]; group: StatsGroup }) {
  return (
    <View className='tbl' data-testid='stats-table'>
      <View className='tbl__row tbl__row--head'>
        <Text className='tbl__cell tbl__cell--name'>{STATS_GROUP_LABELS[group]}</Text>
        <Text className='tbl__cell'>评价数</Text>
        <Text className='tbl__cell'>默认</Text>
        <Text className='tbl__cell'>差评</Text>
        {STATS_RATES.map((k) => (
          <Text key={k} className='tbl__cell'>
            {STATS_RATE_LABELS[k]}
          </Text>
        ))}
      </View>
      {rows.map((r) => (
        <View key={r.group_key ?? 'null'} className='tbl__row' data-testid='stats-row'>
          <Text className='tbl__cell tbl__cell--name'>{nameOf(group, r)}</Text>
          <Text className='tbl__cell'>{Number(r.rating_count)}</Text>
          <Text className='tbl__cell'>{Number(r.default_count)}</Text>
          <Text className='tbl__cell'>{Number(r.bad_count)}</Text>
          {STATS_RATES.map((k) => (
            <Text key={k} className='tbl__cell'>
              {percent(r[k])}
            </Text>
          ))}
        </View>
      ))}
    </View>
  )
}

function Ranking({ rows, group, rate }: { rows: StatsRow[]; group: StatsGroup; rate: StatsRate }) {
  const { head, tail, tailStart } = rankingView(rankBy(rows, rate))
  const line = (item: RankItem, no: number) => (
    <View key={item.key} className='rank' data-testid='rank-item'>
      <Text className='rank__no'>{no}</Text>
      <Text className='rank__name'>{group === 'channel' ? CHANNEL_LABELS[item.key] ?? item.name : item.name}</Text>
      <Text className='rank__value'>{percent(item.value)}</Text>
    </View>
  )
  return (
    <View className='card' data-testid='ranking'>
      <Text className='card__title'>
        {STATS_GROUP_LABELS[group]}排名 · {STATS_RATE_LABELS[rate]}（{rate === 'bad_rate' ? '低者在前' : '高者在前'}）
      </Text>
      {head.map((item, i) => line(item, i + 1))}
      {tail.length > 0 ? <Text className='hint'>…… 末位 {tail.length} 名：</Text> : null}
      {tail.map((item, i) => line(item, tailStart + i + 1))}
    </View>
  )
}

function Data({ from, to, group, includeDefault, rate, region, unit }: {
  from: string
  to: string
  group: StatsGroup
  includeDefault: boolean
  rate: StatsRate
  region: string | null
  unit: string | null
}) {
  const { state, reload } = useAsync(() => statsFor(from, to, group, region, unit, includeDefault))
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const rows = state.data
  if (rows.length === 0) return <Empty label='这段时间没有评价数据' />
  const trend = group === 'month' || group === 'day'
  // Places: the 15 weakest on the chosen rate, weakest on top (the whole ranking and table follow).
  const ranked = rankBy(rows, rate).map((i) => rows.find((r) => (r.group_key ?? '') === i.key)!).filter((r) => r[rate] !== null)
  const chartRows = trend ? rows : ranked.slice(-15).reverse()
  return (
    <View data-testid='stats' data-group={group} data-region={region ?? ''} data-unit={unit ?? ''}>
      <Kpis rows={rows} />
      <RateChart
        testid='chart'
        title={`${STATS_RATE_LABELS[rate]} · 按${STATS_GROUP_LABELS[group]}${trend ? '' : `（最弱 ${chartRows.length} 个，最弱在上）`}`}
        kind={trend ? 'line' : 'bar'}
        labels={chartRows.map((r) => nameOf(group, r))}
        values={chartRows.map((r) => (r[rate] === null ? null : Math.round(Number(r[rate]) * 1000) / 10))}
      />
      <Ranking rows={rows} group={group} rate={rate} />
      <Text className='section__title'>数据表</Text>
      <Table rows={rows} group={group} />
    </View>
  )
}

/** The units of one region, to narrow the figures to one of them (全部单位 = the whole region). */
function UnitChoices({ region, unit, onUnit }: { region: string; unit: string | null; onUnit: (id: string | null, name: string | null) => void }) {
  const { state, reload } = useAsync<UnitRow[]>(() => unitsOfRegion(region))
  return (
    <View>
      <Text className='field-label'>单位</Text>
      {state.status === 'loading' ? <Loading label='正在载入单位…' /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      <View className='choices' data-testid='unit-choices'>
        <View className={`choice${unit === null ? ' choice--on' : ''}`} data-testid='unit-all' onClick={() => onUnit(null, null)}>
          全部单位
        </View>
        {state.status === 'done'
          ? state.data.map((u) => (
              <View key={u.id} className={`choice${unit === u.id ? ' choice--on' : ''}`} data-testid='unit-choice' data-unit={u.id} onClick={() => onUnit(u.id, u.name)}>
                {u.name}
              </View>
            ))
          : null}
      </View>
      {state.status === 'done' && state.data.length === 0 ? <Text className='hint'>本级没有直属单位，请选择下级地区</Text> : null}
    </View>
  )
}

/** Region (the supervisor's scope, then the regions below it) and unit pickers. */
function ScopePicker({ regions, region, unit, onRegion, onUnit }: {
  regions: RegionChoice[]
  region: string | null
  unit: string | null
  onRegion: (code: string | null) => void
  onUnit: (id: string | null, name: string | null) => void
}) {
  const scope = regions[0]
  const shown = region ?? scope?.code ?? null
  return (
    <View>
      <Text className='field-label'>地区</Text>
      <RegionChoices regions={regions} value={shown} onChange={(code) => onRegion(code === scope?.code ? null : code)} wide groupTestid='region-choices' />
      {shown ? <UnitChoices key={shown} region={shown} unit={unit} onUnit={onUnit} /> : null}
    </View>
  )
}

function Dashboard() {
  const presets = periodPresets(todayInShanghai())
  const [preset, setPreset] = useState(presets[0]?.key ?? 'month')
  const [group, setGroup] = useState<StatsGroup>('unit')
  const [includeDefault, setIncludeDefault] = useState(true)
  const [rate, setRate] = useState<StatsRate>('satisfaction_rate')
  // null: the widest region the supervisor oversees (stats' own default).
  const [region, setRegion] = useState<string | null>(null)
  const [unit, setUnit] = useState<{ id: string; name: string } | null>(null)
  const me = useAsync(async () => summarizeWhoami(await whoami()))
  const regions = me.state.status === 'done' ? supervisedRegions(me.state.data) : []
  const regionName = regions.find((r) => r.code === region)?.name ?? regions[0]?.label ?? '全部地区'
  const period = presets.find((p) => p.key === preset) ?? presets[0]!
  // A trend by month needs months: one month's 本月 would be a single point.
  const pickGroup = (g: StatsGroup) => {
    setGroup(g)
    if (g === 'month' && (preset === 'month' || preset === 'prev' || preset === 'd30')) setPreset('y1')
  }
  return (
    <View>
      {me.state.status === 'error' ? <ErrorBlock message={me.state.error.message} onRetry={me.reload} /> : null}
      {regions.length > 0 ? (
        <ScopePicker
          regions={regions}
          region={region}
          unit={unit?.id ?? null}
          onRegion={(code) => {
            setRegion(code)
            setUnit(null)
          }}
          onUnit={(id, name) => setUnit(id && name ? { id, name } : null)}
        />
      ) : null}
      <Text className='field-label'>时间</Text>
      <View className='choices'>
        {presets.map((p) => (
          <View key={p.key} className={`choice${p.key === preset ? ' choice--on' : ''}`} data-testid={`period-${p.key}`} onClick={() => setPreset(p.key)}>
            {p.label}
          </View>
        ))}
      </View>
      <Text className='field-label'>口径</Text>
      <View className='choices'>
        <View className={`choice${includeDefault ? ' choice--on' : ''}`} data-testid='variant-all' onClick={() => setIncludeDefault(true)}>
          含默认评价
        </View>
        <View className={`choice${!includeDefault ? ' choice--on' : ''}`} data-testid='variant-active' onClick={() => setIncludeDefault(false)}>
          仅主动评价
        </View>
      </View>
      <Text className='field-label'>分组</Text>
      <View className='choices'>
        {GROUPS.map((g) => (
          <View key={g} className={`choice${g === group ? ' choice--on' : ''}`} data-testid={`group-${g}`} onClick={() => pickGroup(g)}>
            按{STATS_GROUP_LABELS[g]}
          </View>
        ))}
      </View>
      <Text className='field-label'>图表和排名指标</Text>
      <View className='choices'>
        {STATS_RATES.map((k) => (
          <View key={k} className={`choice${k === rate ? ' choice--on' : ''}`} data-testid={`rate-${k}`} onClick={() => setRate(k)}>
            {STATS_RATE_LABELS[k]}
          </View>
        ))}
      </View>
      <Text className='hint' data-testid='stats-scope'>
        {period.from} 至 {period.to} · {unit ? unit.name : regionName} · {includeDefault ? '含默认评价' : '仅主动评价'}
      </Text>
      <Data
        key={`${period.from}|${period.to}|${group}|${includeDefault}|${rate}|${region ?? ''}|${unit?.id ?? ''}`}
        from={period.from}
        to={period.to}
        group={group}
        includeDefault={includeDefault}
        rate={rate}
        region={region}
        unit={unit?.id ?? null}
      />
    </View>
  )
}

export default function DashboardPage() {
  return (
    <Shell title='评价统计'>
      <LoginGate reason='监督员登录后查看统计'>{() => <Dashboard />}</LoginGate>
    </Shell>
  )
}
