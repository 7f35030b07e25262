import type { ReactNode } from 'react'
import { Picker, Text, View } from '@tarojs/components'
import type { RegionChoice } from '../../../shared/regions.ts'
import type { UnitRow } from '../../../shared/schemas.ts'
import { unitsOfRegion, whoami } from '../lib/api.ts'
import { summarizeWhoami, supervisedRegions, type Identity } from '../lib/roles.ts'
import { todayInShanghai } from '../lib/staff-load.ts'
import { periodPresets } from '../lib/staff-view.ts'
import { useAsync } from '../lib/useAsync.ts'
import { Empty, ErrorBlock, Loading } from './StatusBlock.tsx'

/**
 * Form pieces of the 监督台 and 管理 desk pages (styled by subpackages/supervise/supervise.scss:
 * .desk-row, .desk-field, .choices).
 */

/** A day, as a date picker showing its value. */
export function DateField({ label, testid, value, onChange }: { label: string; testid: string; value: string; onChange: (v: string) => void }) {
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

/** 上月 (Asia/Shanghai): the period a desk form starts with. */
export function lastMonth(): { from: string; to: string } {
  const presets = periodPresets(todayInShanghai())
  const p = presets.find((x) => x.key === 'prev') ?? presets[0]!
  return { from: p.from, to: p.to }
}

/** A period: the presets (本月, 上月, …) as choices (period-<key>), then both ends (period-from, period-to). */
export function PeriodFields({ label, from, to, onChange }: { label: string; from: string; to: string; onChange: (from: string, to: string) => void }) {
  const presets = periodPresets(todayInShanghai())
  return (
    <View>
      <Text className='field-label'>{label}</Text>
      <View className='choices'>
        {presets.map((p) => (
          <View key={p.key} className={`choice${p.from === from && p.to === to ? ' choice--on' : ''}`} data-testid={`period-${p.key}`} onClick={() => onChange(p.from, p.to)}>
            {p.label}
          </View>
        ))}
      </View>
      <View className='desk-row'>
        <DateField label='开始日期' testid='period-from' value={from} onChange={(v) => onChange(v, to)} />
        <DateField label='结束日期' testid='period-to' value={to} onChange={(v) => onChange(from, v)} />
      </View>
    </View>
  )
}

/** The supervisor's regions as choices (`<testid>-<code>`); `wide` says a city as 临沧市（全市）. */
export function RegionChoices({ regions, value, onChange, testid = 'region', wide = false, groupTestid }: {
  regions: readonly RegionChoice[]
  value: string | null
  onChange: (code: string) => void
  testid?: string
  wide?: boolean
  groupTestid?: string
}) {
  return (
    <View className='choices' data-testid={groupTestid}>
      {regions.map((r) => (
        <View key={r.code} className={`choice${r.code === value ? ' choice--on' : ''}`} data-testid={`${testid}-${r.code}`} onClick={() => onChange(r.code)}>
          {wide ? r.label : r.name}
        </View>
      ))}
    </View>
  )
}

/**
 * The units of a region as one-of choices (`testid`, data-unit); `none` adds a first choice for
 * "no unit", `exclude` leaves some out, `emptyLabel` says when the region has none.
 */
export function UnitChoices({ region, value, onChange, testid, none, exclude, emptyLabel }: {
  region: string
  value: string | null
  onChange: (id: string | null) => void
  testid: string
  none?: { label: string; testid: string }
  exclude?: (u: UnitRow) => boolean
  emptyLabel?: string
}) {
  const { state, reload } = useAsync<UnitRow[]>(() => unitsOfRegion(region))
  return (
    <View>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' && state.data.length === 0 && emptyLabel ? <Empty label={emptyLabel} /> : null}
      <View className='choices'>
        {none ? (
          <View className={`choice${value === null ? ' choice--on' : ''}`} data-testid={none.testid} onClick={() => onChange(null)}>
            {value === null ? '◉ ' : '○ '}
            {none.label}
          </View>
        ) : null}
        {state.status === 'done'
          ? state.data
              .filter((u) => !exclude?.(u))
              .map((u) => (
                <View key={u.id} className={`choice${value === u.id ? ' choice--on' : ''}`} data-testid={testid} data-unit={u.id} onClick={() => onChange(u.id)}>
                  {value === u.id ? '◉ ' : '○ '}
                  {u.name}
                </View>
              ))
          : null}
      </View>
    </View>
  )
}

/**
 * Who is at the desk and the regions they supervise (widest first); `denied` (an Empty, or an
 * ErrorBlock with `deniedAsError`) for someone who supervises nothing.
 */
export function SupervisorGate({ denied, deniedAsError = false, children }: {
  denied: string
  deniedAsError?: boolean
  children: (regions: RegionChoice[], identity: Identity) => ReactNode
}) {
  const { state, reload } = useAsync(async () => summarizeWhoami(await whoami()))
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const regions = supervisedRegions(state.data)
  if (state.data === null || regions.length === 0) return deniedAsError ? <ErrorBlock message={denied} /> : <Empty label={denied} />
  return <>{children(regions, state.data)}</>
}
