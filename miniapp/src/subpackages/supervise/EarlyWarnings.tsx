/**
 * 预警 on the dashboard (issue 16.4): the units and windows of the chosen region whose 差评 rate
 * over the last 7 or 30 days is significantly above their own 12-month baseline, each with the
 * numbers that made it. The database decides (early_warnings(): one-sided binomial test, p < 0.01,
 * at least 20 ratings and 5 差评 in the window); shared/early-warning.ts is its twin.
 */
import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { EARLY_WARNING_RULES, pValueText, type EarlyWarningRow } from '../../../../shared/early-warning.ts'
import { earlyWarnings } from '../../lib/analytics-api.ts'
import { useAsync } from '../../lib/useAsync.ts'
import { ErrorBlock, Loading } from '../../components/StatusBlock.tsx'
import './analytics.scss'

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`)

function Item({ w }: { w: EarlyWarningRow }) {
  return (
    <View className='warning' data-testid='warning-item' data-object={w.object_id} data-days={w.window_days}>
      <Text className='warning__name'>
        <Text className='badge badge--bad'>近{w.window_days}天</Text>
        {w.object_type === 'unit' ? '单位' : '窗口'} · {w.object_name ?? '（未命名）'}
        {w.unit_name ? `（${w.unit_name}）` : ''}
      </Text>
      <Text className='card__line' data-testid='warning-numbers'>
        近{w.window_days}天（{w.recent_from} 起）差评 {Number(w.recent_bad)}/{Number(w.recent_count)}（{pct(w.recent_rate)}）· 此前一年基线 {Number(w.baseline_bad)}/{Number(w.baseline_count)}（{pct(Number(w.baseline_count) > 0 ? Number(w.baseline_bad) / Number(w.baseline_count) : null)}）· {pValueText(Number(w.p_value))}
      </Text>
    </View>
  )
}

function List({ region }: { region: string | null }) {
  const { state, reload } = useAsync(() => earlyWarnings(region))
  if (state.status === 'loading') return <Loading label='正在计算预警…' />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  return (
    <View data-testid='warning-list' data-count={state.data.length}>
      {state.data.length === 0 ? <Text className='hint' data-testid='warning-none'>目前没有差评率显著升高的单位或窗口。</Text> : null}
      {state.data.map((w) => (
        <Item key={`${w.object_type}-${w.object_id}-${w.window_days}`} w={w} />
      ))}
    </View>
  )
}

export function EarlyWarnings({ region }: { region: string | null }) {
  const [open, setOpen] = useState(false)
  return (
    <View className='card' data-testid='early-warnings'>
      <Text className='card__title'>差评预警</Text>
      <Text className='hint'>
        近7天或近30天的差评率明显高于本单位（窗口）此前一年的水平（单侧二项检验 p &lt; {EARLY_WARNING_RULES.alpha}，且近期至少 {EARLY_WARNING_RULES.minRecentCount} 条主动评价、
        {EARLY_WARNING_RULES.minRecentBad} 条差评，零星差评不报警）。
      </Text>
      <Button className='btn btn--secondary' data-testid='open-warnings' onClick={() => setOpen(!open)}>
        {open ? '收起预警名单' : '查看预警名单'}
      </Button>
      {open ? <List region={region} /> : null}
    </View>
  )
}
