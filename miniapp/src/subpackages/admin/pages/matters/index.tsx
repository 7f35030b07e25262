import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading, Notice } from '../../../../components/StatusBlock.tsx'
import {
  ADMIN_LIMITS,
  DEFAULT_RATING_CHANNELS,
  matterProblem,
  RATING_CHANNELS,
  RatingChannel,
  type AdminMatterRow,
} from '../../../../../../shared/admin-org.ts'
import { CHANNEL_LABELS } from '../../../../../../shared/staff.ts'
import { adminMatters, saveMatter, unitsOfRegion } from '../../../../lib/admin-org-api.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import { Choices, EditForm, loadRegionOptions, RegionPicker, TextInput } from '../org/OrgBits.tsx'
import '../../admin.scss'
import '../org/index.scss'

const HANDLING_LABELS: Record<string, string> = { window: '窗口', online: '网上', mobile: '掌上', self_service: '自助' }

function channelsOf(row: AdminMatterRow | null): RatingChannel[] {
  if (!row) return [...DEFAULT_RATING_CHANNELS]
  return row.rating_channels.filter((c): c is RatingChannel => RatingChannel.safeParse(c).success)
}

function MatterForm({ unitId, row, onDone, onCancel }: { unitId: string; row: AdminMatterRow | null; onDone: () => void; onCancel: () => void }) {
  const [code, setCode] = useState(row?.code ?? '')
  const [name, setName] = useState(row?.name ?? '')
  const [days, setDays] = useState(row?.promised_working_days === null || row === null ? '' : String(row.promised_working_days))
  const [channels, setChannels] = useState<RatingChannel[]>(channelsOf(row))
  const toggle = (c: RatingChannel) => setChannels((now) => (now.includes(c) ? now.filter((x) => x !== c) : RATING_CHANNELS.filter((x) => x === c || now.includes(x))))
  return (
    <EditForm
      title={row ? `修改事项：${row.name}` : '新增事项'}
      testid='matter'
      check={() => matterProblem(code, name, days, channels)}
      save={() => saveMatter(row?.id ?? null, unitId, code, name, days.trim() === '' ? null : Number(days.trim()), channels)}
      duplicateHint='事项编码已被使用'
      onDone={onDone}
      onCancel={onCancel}
    >
      <TextInput label='事项编码' testid='matter-code' value={code} onChange={setCode} max={40} placeholder='如：530902-SJ-009' />
      <TextInput label='事项名称' testid='matter-name' value={name} onChange={setName} max={ADMIN_LIMITS.matterName.max} placeholder='如：个体工商户注销登记' />
      <TextInput label='承诺办理时限（工作日，选填；即办件填 0）' testid='matter-days' value={days} onChange={setDays} max={3} placeholder='0–365' />
      <Text className='field-label'>评价渠道（可多选）</Text>
      <View className='choices'>
        {RATING_CHANNELS.map((c) => {
          const on = channels.includes(c)
          return (
            <View key={c} className={`choice${on ? ' choice--on' : ''}`} data-testid={`matter-channel-${c}`} data-selected={on ? 'yes' : 'no'} onClick={() => toggle(c)}>
              {on ? '☑ ' : '☐ '}
              {CHANNEL_LABELS[c] ?? c}
            </View>
          )
        })}
      </View>
    </EditForm>
  )
}

function Matters({ unitId, unitName }: { unitId: string; unitName: string }) {
  const { state, reload } = useAsync(() => adminMatters(unitId))
  const [editing, setEditing] = useState<{ row: AdminMatterRow | null } | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const open = (row: AdminMatterRow | null) => {
    setNotice(null)
    setEditing({ row })
  }
  const done = (row: AdminMatterRow | null) => () => {
    setEditing(null)
    setNotice(row ? '事项已修改' : '事项已新增')
    reload()
  }
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const rows = state.data
  return (
    <View className='section' data-testid='matters' data-unit={unitId}>
      <Text className='section__title'>
        {unitName}的事项（{rows.length}）
      </Text>
      <Notice text={notice} testid='saved' />
      {editing?.row === null ? (
        <MatterForm unitId={unitId} row={null} onDone={done(null)} onCancel={() => setEditing(null)} />
      ) : (
        <Button className='btn btn--secondary org-add' data-testid='add-matter' onClick={() => open(null)}>
          ＋ 新增事项
        </Button>
      )}
      {rows.length === 0 ? <Empty label='这个单位还没有事项' /> : null}
      {rows.map((m) =>
        editing?.row?.id === m.id ? (
          <MatterForm key={m.id} unitId={unitId} row={m} onDone={done(m)} onCancel={() => setEditing(null)} />
        ) : (
          <View key={m.id} className='org-row' data-testid='matter' data-matter={m.id} data-code={m.code}>
            <View className='org-row__text'>
              <Text className='org-row__name' data-testid='matter-label'>{m.name}</Text>
              <Text className='org-row__meta'>编码 {m.code}</Text>
              <Text className='org-row__meta' data-testid='matter-days-label'>
                {m.promised_working_days === null ? '未设承诺时限' : m.promised_working_days === 0 ? '即办件' : `承诺 ${m.promised_working_days} 个工作日办结`}
                {m.handling_channels.length > 0 ? ` · 办理：${m.handling_channels.map((c) => HANDLING_LABELS[c] ?? c).join('、')}` : ''}
              </Text>
              <Text className='org-row__meta' data-testid='matter-channels-label'>
                评价渠道：{m.rating_channels.map((c) => CHANNEL_LABELS[c] ?? c).join('、')}
              </Text>
            </View>
            <View className='org-row__buttons'>
              <Button className='btn btn--secondary org-row__btn' data-testid='edit-matter' onClick={() => open(m)}>
                修改
              </Button>
            </View>
          </View>
        ),
      )}
    </View>
  )
}

function Units({ region, asked }: { region: string; asked: string | undefined }) {
  const { state, reload } = useAsync(() => unitsOfRegion(region))
  const [unit, setUnit] = useState<string | null>(null)
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const units = state.data
  if (units.length === 0) return <Empty label='本地区还没有单位' />
  const current = units.find((u) => u.id === (unit ?? asked)) ?? units[0]!
  return (
    <View>
      <Choices label='单位' testid='unit' options={units.map((u) => ({ value: u.id, label: u.name }))} value={current.id} onChange={setUnit} />
      <Matters key={current.id} unitId={current.id} unitName={current.name} />
    </View>
  )
}

function MatterDesk({ askedRegion, askedUnit }: { askedRegion: string | undefined; askedUnit: string | undefined }) {
  const { state, reload } = useAsync(() => loadRegionOptions(askedRegion))
  const [region, setRegion] = useState<string | null>(null)
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const options = state.data
  if (options.length === 0) return <Empty label='只有监督员可以管理事项' />
  const current = region ?? (options.some((o) => o.code === askedRegion) ? askedRegion! : options[0]!.code)
  return (
    <View data-testid='matter-desk' data-region={current}>
      <RegionPicker options={options} value={current} onChange={setRegion} />
      <Units key={current} region={current} asked={region === null ? askedUnit : undefined} />
    </View>
  )
}

export default function AdminMattersPage() {
  const { params } = useRouter()
  return (
    <Shell title='事项管理'>
      <LoginGate reason='监督员登录后管理事项'>{() => <MatterDesk askedRegion={params.region} askedUnit={params.unit} />}</LoginGate>
    </Shell>
  )
}
