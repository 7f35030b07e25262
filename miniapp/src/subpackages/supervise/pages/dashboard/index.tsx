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
import { countsOf, periodPresets, rankingOf, rankingView, rateParts, rateText, totalsOf, type RankedRow } from '../../../../lib/staff-view.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import { RateChart } from '../../RateChart.tsx'
import { EarlyWarnings } from '../../EarlyWarnings.tsx'
import { HotTopics } from '../../HotTopics.tsx'
import '../../supervise.scss'

const GROUPS: readonly StatsGroup[] = ['unit', 'window', 'officer', 'matter', 'channel', 'month', 'region']

function nameOf(group: StatsGroup, r: StatsRow): string {
  if (group === 'channel') return CHANNEL_LABELS[r.group_key ?? ''] ?? r.group_name ?? r.group_key ?? '未知'
  return r.group_name ?? r.group_key ?? '（未关联）'
}

/** Rates that differ between 含默认 and 仅主动 (defaults are ratings; the 差评 loop and the 办件 cohort are not). */
const VARIANT_RATES: readonly StatsRate[] = ['satisfaction_rate', 'good_rate', 'bad_rate']

/** KPI tiles: every rate with its count; 含默认 and 仅主动 side by side where they differ (issue 21.1). */
function Kpis({ rows, all, active, includeDefault }: { rows: StatsRow[]; all: StatsRow[]; active: StatsRow[]; includeDefault: boolean }) {
  const t = totalsOf(rows)
  const c = countsOf(rows)
  const cAll = countsOf(all)
  const cActive = countsOf(active)
  return (
    <View className='kpis' data-testid='kpis'>
      <View className='kpi' data-testid='kpi-count'>
        <Text className='kpi__value'>{t.rating_count}</Text>
        <Text className='kpi__label'>评价总数（{includeDefault ? '含默认' : '仅主动'}）</Text>
      </View>
      {STATS_RATES.map((k) => (
        <View key={k} className='kpi' data-testid={`kpi-${k}`} data-value={t[k] === null ? '' : String(t[k])} data-text={rateText(c, k)}>
          {/* The rate, then its count on its own line: '95.8%' over '（205/214）'. */}
          <Text className='kpi__value'>{rateText(c, k).split('（')[0]}</Text>
          <Text className='kpi__n'>（{rateText(c, k).split('（')[1]}</Text>
          <Text className='kpi__label'>
            {STATS_RATE_LABELS[k]}
            {k === 'bad_rate' ? `（差评 ${t.bad_count} 条）` : ''}
          </Text>
          {VARIANT_RATES.includes(k) ? (
            <View className='kpi__pair' data-testid={`kpi-${k}-pair`}>
              <Text className='kpi__pair-line'>含默认 {rateText(cAll, k)}</Text>
              <Text className='kpi__pair-line'> · 仅主动 {rateText(cActive, k)}</Text>
            </View>
          ) : null}
        </View>
      ))}
    </View>
  )
}

type SortKey = 'name' | 'rating_count' | 'default_count' | 'bad_count' | StatsRate

/** The data table: every column sorts (a second click reverses); each rate with its count. */
function Table({ rows, group }: { rows: StatsRow[]; group: StatsGroup }) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: group === 'month' || group === 'day' ? 'name' : 'rating_count', desc: !(group === 'month' || group === 'day') })
  const value = (r: StatsRow, k: SortKey): number | string => (k === 'name' ? nameOf(group, r) : r[k] === null ? -1 : Number(r[k]))
  const sorted = [...rows].sort((a, b) => {
    const x = value(a, sort.key)
    const y = value(b, sort.key)
    const cmp = typeof x === 'string' || typeof y === 'string' ? String(x).localeCompare(String(y), 'zh-CN') : x - y
    return sort.desc ? -cmp : cmp
  })
  const head = (k: SortKey, label: string, extra = '') => (
    <Text
      key={k}
      className={`tbl__cell tbl__sort${extra}${sort.key === k ? ' tbl__sort--on' : ''}`}
      data-testid={`sort-${k}`}
      aria-sort={sort.key === k ? (sort.desc ? 'descending' : 'ascending') : 'none'}
      onClick={() => setSort({ key: k, desc: sort.key === k ? !sort.desc : k !== 'name' })}
    >
      {label}
      {sort.key === k ? (sort.desc ? ' ▼' : ' ▲') : ''}
    </Text>
  )
  return (
    <View className='tbl' data-testid='stats-table'>
      <View className='tbl__row tbl__row--head'>
        {head('name', STATS_GROUP_LABELS[group], ' tbl__cell--name')}
        {head('rating_count', '评价数')}
        {head('default_count', '默认')}
        {head('bad_count', '差评')}
        {STATS_RATES.map((k) => head(k, STATS_RATE_LABELS[k]))}
      </View>
      {sorted.map((r) => (
        <View key={r.group_key ?? 'null'} className='tbl__row' data-testid='stats-row' data-key={r.group_key ?? ''}>
          <Text className='tbl__cell tbl__cell--name'>{nameOf(group, r)}</Text>
          <Text className='tbl__cell'>{Number(r.rating_count)}</Text>
          <Text className='tbl__cell'>{Number(r.default_count)}</Text>
          <Text className='tbl__cell'>{Number(r.bad_count)}</Text>
          {STATS_RATES.map((k) => (
            <View key={k} className='tbl__cell' data-testid={`cell-${k}`} data-value={r[k] === null ? '' : String(r[k])}>
              {/* The rate over its count, each kept whole ('100.0%' / '（13/13）'), never broken mid-number. */}
              <Text className='tbl__v'>{rateText(r, k).split('（')[0]}</Text>
              <Text className='tbl__n'>（{rateText(r, k).split('（')[1]}</Text>
            </View>
          ))}
        </View>
      ))}
    </View>
  )
}

function Ranking({ rows, group, rate }: { rows: StatsRow[]; group: StatsGroup; rate: StatsRate }) {
  const { ranked, unranked } = rankingOf(rows, rate, (r) => nameOf(group, r))
  const { head, tail } = rankingView(ranked)
  const line = (item: RankedRow) => (
    <View key={item.key} className='rank' data-testid='rank-item' data-place={item.place} data-tied={item.tied ? 'yes' : 'no'} data-value={item.value ?? ''}>
      <Text className='rank__no'>{item.place}</Text>
      <Text className='rank__name'>
        {item.name}
        {item.tied ? <Text className='badge badge--info rank__tie'>并列</Text> : null}
      </Text>
      <Text className='rank__value'>{item.text}</Text>
    </View>
  )
  return (
    <View className='card' data-testid='ranking'>
      <Text className='card__title'>
        {STATS_GROUP_LABELS[group]}排名 · {STATS_RATE_LABELS[rate]}（{rate === 'bad_rate' ? '低者在前' : '高者在前'}，按置信下限排序）
      </Text>
      {ranked.length === 0 ? <Text className='hint'>没有样本足够的{STATS_GROUP_LABELS[group]}可以排名</Text> : null}
      {head.map(line)}
      {tail.length > 0 ? <Text className='hint'>…… 末位 {tail.length} 名：</Text> : null}
      {tail.map(line)}
      {unranked.length > 0 ? (
        <Text className='hint' data-testid='rank-unranked'>
          另有 {unranked.length} 个{STATS_GROUP_LABELS[group]}样本不足10条或没有数据，不参与排名，数字见下方数据表。
        </Text>
      ) : null}
    </View>
  )
}

/** Month or day keys not yet over (Asia/Shanghai today): their figures still change. */
function openKey(group: StatsGroup, key: string | null, today: string): boolean {
  if (key === null) return false
  if (group === 'month') return key >= today.slice(0, 7)
  if (group === 'day') return key >= today
  return false
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
  // Both variants at once: the tiles show 含默认 and 仅主动 side by side.
  const { state, reload } = useAsync(async () => {
    const [all, active] = await Promise.all([statsFor(from, to, group, region, unit, true), statsFor(from, to, group, region, unit, false)])
    return { all, active }
  })
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const rows = includeDefault ? state.data.all : state.data.active
  if (rows.length === 0) return <Empty label='这段时间没有评价数据' />
  const today = todayInShanghai()
  const trend = group === 'month' || group === 'day'
  // Places: the 15 weakest on the chosen rate among those ranked (样本不足 left out), weakest on top:
  // by the Wilson lower bound of the bad direction (issue 16.2), so a handful of bad ratings is not
  // the weakest; each bar with its count.
  const { weakest } = rankingOf(rows, rate, (r) => nameOf(group, r))
  const weakestRows = weakest.slice(0, 15).map((i) => rows.find((r) => (r.group_key ?? '') === i.key)!)
  const chartRows = trend ? rows : weakestRows
  const open = chartRows.map((r) => openKey(group, r.group_key, today))
  return (
    <View data-testid='stats' data-group={group} data-region={region ?? ''} data-unit={unit ?? ''}>
      <Kpis rows={rows} all={state.data.all} active={state.data.active} includeDefault={includeDefault} />
      <RateChart
        testid='chart'
        title={`${STATS_RATE_LABELS[rate]} · 按${STATS_GROUP_LABELS[group]}${trend ? '' : `（最弱 ${chartRows.length} 个，最弱在上）`}`}
        kind={trend ? 'line' : 'bar'}
        labels={chartRows.map((r, i) => `${nameOf(group, r)}${open[i] ? '（未结束）' : ''}`)}
        values={chartRows.map((r) => (r[rate] === null ? null : Math.round(Number(r[rate]) * 1000) / 10))}
        counts={trend ? undefined : chartRows.map((r) => `${rateParts(r, rate).part}/${rateParts(r, rate).whole}`)}
        open={open}
      />
      {open.some(Boolean) ? (
        <Text className='hint' data-testid='period-open'>
          空心点为尚未结束的{group === 'month' ? '月份' : '日期'}，数字仍会变化。
        </Text>
      ) : null}
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
        {period.to >= todayInShanghai() ? '（本期尚未结束，数字仍会变化）' : ''}
      </Text>
      <Text className='hint'>每个比率后括号内为（分子/分母）；分母少于10条的显示“样本不足”，不参与排名。主动评价率：本期办结的办件中，获得群众主动评价的比例。</Text>
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
      {/* Issue 16.3, 16.4: 差评热点 of the same scope and period; 预警 of the region. */}
      <HotTopics key={`topics|${period.from}|${period.to}|${region ?? ''}|${unit?.id ?? ''}`} from={period.from} to={period.to} region={region} unit={unit?.id ?? null} />
      <EarlyWarnings key={`warn|${region ?? ''}`} region={region} />
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
