import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading, Notice } from '../../../../components/StatusBlock.tsx'
import {
  ADMIN_LIMITS,
  HALL_KIND_LABELS,
  HALL_KINDS,
  hallProblem,
  unitProblem,
  windowProblem,
  type AdminHallRow,
  type AdminWindowRow,
  type HallKind,
} from '../../../../../../shared/admin-org.ts'
import type { UnitRow } from '../../../../../../shared/schemas.ts'
import { adminHalls, adminWindows, saveHall, saveUnit, saveWindow, unitsOfRegion } from '../../../../lib/admin-org-api.ts'
import { go, ROUTES } from '../../../../lib/nav.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import { naturalCompare } from '../../../../lib/window-qr.ts'
import { Choices, EditForm, loadRegionOptions, RegionPicker, TextInput, type RegionOption } from './OrgBits.tsx'
import '../../admin.scss'
import './index.scss'

type Editing =
  | { kind: 'unit'; row: UnitRow | null }
  | { kind: 'hall'; row: AdminHallRow | null }
  | { kind: 'window'; hall: AdminHallRow; row: AdminWindowRow | null }
  | null

function UnitForm({ region, row, onDone, onCancel }: { region: string; row: UnitRow | null; onDone: () => void; onCancel: () => void }) {
  const [name, setName] = useState(row?.name ?? '')
  const [credit, setCredit] = useState(row?.credit_code ?? '')
  return (
    <EditForm
      title={row ? `修改单位：${row.name}` : '新增单位'}
      testid='unit'
      check={() => unitProblem(name, credit)}
      save={() => saveUnit(row?.id ?? null, row?.region_code ?? region, name, credit.trim().toUpperCase())}
      duplicateHint='本地区已有同名单位，或统一社会信用代码已被使用'
      onDone={onDone}
      onCancel={onCancel}
    >
      <TextInput label='单位名称' testid='unit-name' value={name} onChange={setName} max={ADMIN_LIMITS.unitName.max} placeholder='如：临翔区市场监督管理局' />
      <TextInput label='统一社会信用代码（选填）' testid='unit-credit' value={credit} onChange={setCredit} max={18} placeholder='18 位' />
    </EditForm>
  )
}

function HallForm({ region, row, onDone, onCancel }: { region: string; row: AdminHallRow | null; onDone: () => void; onCancel: () => void }) {
  const [name, setName] = useState(row?.name ?? '')
  const [kind, setKind] = useState<HallKind | null>(row?.kind ?? null)
  const [address, setAddress] = useState(row?.address ?? '')
  return (
    <EditForm
      title={row ? `修改大厅：${row.name}` : '新增大厅'}
      testid='hall'
      check={() => hallProblem(name, kind, address)}
      save={() => saveHall(row?.id ?? null, row?.region_code ?? region, name, kind!, address)}
      duplicateHint='本地区已有同名大厅'
      onDone={onDone}
      onCancel={onCancel}
    >
      <TextInput label='大厅名称' testid='hall-name' value={name} onChange={setName} max={ADMIN_LIMITS.hallName.max} placeholder='如：临翔区政务服务中心' />
      <Choices label='类型' testid='hall-kind' options={HALL_KINDS.map((k) => ({ value: k, label: HALL_KIND_LABELS[k] }))} value={kind} onChange={setKind} />
      <TextInput label='地址（选填）' testid='hall-address' value={address} onChange={setAddress} max={ADMIN_LIMITS.hallAddress.max} />
    </EditForm>
  )
}

function WindowForm({ hall, row, units, onDone, onCancel }: {
  hall: AdminHallRow
  row: AdminWindowRow | null
  units: UnitRow[]
  onDone: () => void
  onCancel: () => void
}) {
  const [name, setName] = useState(row?.name ?? '')
  const [unitId, setUnitId] = useState<string | null>(row?.unit_id ?? null)
  // The region's units, and the window's own unit if it belongs to another region.
  const options = units.map((u) => ({ value: u.id, label: u.name }))
  if (row && !options.some((o) => o.value === row.unit_id)) options.unshift({ value: row.unit_id, label: row.unit_name })
  return (
    <EditForm
      title={row ? `修改窗口：${row.name}` : `在「${hall.name}」新增窗口`}
      testid='window'
      check={() => windowProblem(name, unitId)}
      save={() => saveWindow(row?.id ?? null, hall.id, unitId!, name)}
      duplicateHint='这个大厅已有同名窗口'
      onDone={onDone}
      onCancel={onCancel}
    >
      <TextInput label='窗口名称' testid='window-name' value={name} onChange={setName} max={ADMIN_LIMITS.windowName.max} placeholder='如：3号窗口（市场监管）' />
      {options.length === 0 ? (
        <Text className='hint'>本地区还没有单位，请先新增单位。</Text>
      ) : (
        <Choices label='所属单位（由哪个单位负责这个窗口的评价）' testid='window-unit' options={options} value={unitId} onChange={setUnitId} />
      )}
    </EditForm>
  )
}

function Units({ region, units, editing, setEditing, onSaved }: {
  region: string
  units: UnitRow[]
  editing: Editing
  setEditing: (e: Editing) => void
  onSaved: (notice: string) => void
}) {
  const done = (row: UnitRow | null) => () => onSaved(row ? '单位已修改' : '单位已新增')
  return (
    <View className='section' data-testid='units'>
      <Text className='section__title'>单位（{units.length}）</Text>
      {editing?.kind === 'unit' && editing.row === null ? (
        <UnitForm region={region} row={null} onDone={done(null)} onCancel={() => setEditing(null)} />
      ) : (
        <Button className='btn btn--secondary' data-testid='add-unit' onClick={() => setEditing({ kind: 'unit', row: null })}>
          ＋ 新增单位
        </Button>
      )}
      {units.length === 0 ? <Empty label='本地区还没有单位' /> : null}
      {units.map((u) =>
        editing?.kind === 'unit' && editing.row?.id === u.id ? (
          <UnitForm key={u.id} region={region} row={u} onDone={done(u)} onCancel={() => setEditing(null)} />
        ) : (
          <View key={u.id} className='org-row' data-testid='unit' data-unit={u.id}>
            <View className='org-row__text'>
              <Text className='org-row__name' data-testid='unit-label'>{u.name}</Text>
              <Text className='org-row__meta'>{u.credit_code ? `统一社会信用代码 ${u.credit_code}` : '未填统一社会信用代码'}</Text>
            </View>
            <View className='org-row__buttons'>
              <Button className='btn btn--secondary org-row__btn' data-testid='edit-unit' onClick={() => setEditing({ kind: 'unit', row: u })}>
                修改
              </Button>
              <Button className='btn btn--secondary org-row__btn' data-testid='unit-matters' onClick={() => go(ROUTES.adminMatters, `region=${u.region_code}&unit=${u.id}`)}>
                事项
              </Button>
            </View>
          </View>
        ),
      )}
    </View>
  )
}

function Hall({ hall, windows, units, editing, setEditing, onSaved }: {
  hall: AdminHallRow
  windows: AdminWindowRow[]
  units: UnitRow[]
  editing: Editing
  setEditing: (e: Editing) => void
  onSaved: (notice: string) => void
}) {
  if (editing?.kind === 'hall' && editing.row?.id === hall.id) {
    return <HallForm region={hall.region_code} row={hall} onDone={() => onSaved('大厅已修改')} onCancel={() => setEditing(null)} />
  }
  const mine = [...windows].sort((a, b) => naturalCompare(a.name, b.name))
  return (
    <View className='card' data-testid='hall' data-hall={hall.id}>
      <Text className='card__title' data-testid='hall-label'>
        <Text className='badge badge--info'>{HALL_KIND_LABELS[hall.kind]}</Text>
        {hall.name}
      </Text>
      {hall.address ? <Text className='card__line'>地址：{hall.address}</Text> : null}
      <Text className='card__line'>窗口 {mine.length} 个</Text>
      <View className='org-actions'>
        <Button className='btn btn--secondary' data-testid='edit-hall' onClick={() => setEditing({ kind: 'hall', row: hall })}>
          修改大厅
        </Button>
        <Button className='btn btn--secondary' data-testid='hall-qr' onClick={() => go(ROUTES.adminQr, `region=${hall.region_code}&hall=${hall.id}`)}>
          打印窗口二维码
        </Button>
      </View>
      {mine.map((w) =>
        editing?.kind === 'window' && editing.row?.id === w.id ? (
          <WindowForm key={w.id} hall={hall} row={w} units={units} onDone={() => onSaved('窗口已修改')} onCancel={() => setEditing(null)} />
        ) : (
          <View key={w.id} className='org-row' data-testid='window' data-window={w.id}>
            <View className='org-row__text'>
              <Text className='org-row__name' data-testid='window-label'>{w.name}</Text>
              <Text className='org-row__meta'>{w.unit_name}</Text>
            </View>
            <View className='org-row__buttons'>
              <Button className='btn btn--secondary org-row__btn' data-testid='edit-window' onClick={() => setEditing({ kind: 'window', hall, row: w })}>
                修改
              </Button>
            </View>
          </View>
        ),
      )}
      {editing?.kind === 'window' && editing.row === null && editing.hall.id === hall.id ? (
        <WindowForm hall={hall} row={null} units={units} onDone={() => onSaved('窗口已新增')} onCancel={() => setEditing(null)} />
      ) : (
        <Button className='btn btn--secondary org-add' data-testid='add-window' onClick={() => setEditing({ kind: 'window', hall, row: null })}>
          ＋ 新增窗口
        </Button>
      )}
    </View>
  )
}

function Halls({ region, units, editing, setEditing, onSaved, version }: {
  region: string
  units: UnitRow[]
  editing: Editing
  setEditing: (e: Editing) => void
  onSaved: (notice: string) => void
  version: number
}) {
  const { state, reload } = useAsync(async () => {
    const [halls, windows] = await Promise.all([adminHalls(region), adminWindows(region)])
    return { halls, windows }
  })
  return (
    <View className='section' data-testid='halls' data-version={version}>
      <Text className='section__title'>大厅与窗口</Text>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' ? (
        <View>
          {editing?.kind === 'hall' && editing.row === null ? (
            <HallForm region={region} row={null} onDone={() => onSaved('大厅已新增')} onCancel={() => setEditing(null)} />
          ) : (
            <Button className='btn btn--secondary org-add' data-testid='add-hall' onClick={() => setEditing({ kind: 'hall', row: null })}>
              ＋ 新增大厅
            </Button>
          )}
          {state.data.halls.length === 0 ? <Empty label='本地区还没有大厅' /> : null}
          {state.data.halls.map((h) => (
            <Hall
              key={h.id}
              hall={h}
              windows={state.data.windows.filter((w) => w.hall_id === h.id)}
              units={units}
              editing={editing}
              setEditing={setEditing}
              onSaved={onSaved}
            />
          ))}
        </View>
      ) : null}
    </View>
  )
}

function RegionAdmin({ region }: { region: string }) {
  const [editing, setEditingState] = useState<Editing>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [version, setVersion] = useState(0)
  const units = useAsync(() => unitsOfRegion(region))
  const setEditing = (e: Editing) => {
    setNotice(null)
    setEditingState(e)
  }
  const onSaved = (text: string) => {
    setEditingState(null)
    setNotice(text)
    units.reload()
    setVersion((v) => v + 1)
  }
  if (units.state.status === 'loading') return <Loading />
  if (units.state.status === 'error') return <ErrorBlock message={units.state.error.message} onRetry={units.reload} />
  const list = units.state.data
  return (
    <View>
      <Notice text={notice} testid='saved' />
      <Units region={region} units={list} editing={editing} setEditing={setEditing} onSaved={onSaved} />
      <Halls key={version} version={version} region={region} units={list} editing={editing} setEditing={setEditing} onSaved={onSaved} />
    </View>
  )
}

function Org({ asked }: { asked: string | undefined }) {
  const { state, reload } = useAsync(() => loadRegionOptions(asked))
  const [region, setRegion] = useState<string | null>(null)
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const options: RegionOption[] = state.data
  if (options.length === 0) return <Empty label='只有监督员可以管理单位、大厅和窗口' />
  const current = region ?? (options.some((o) => o.code === asked) ? asked! : options[0]!.code)
  return (
    <View data-testid='org' data-region={current}>
      <RegionPicker options={options} value={current} onChange={setRegion} />
      <RegionAdmin key={current} region={current} />
    </View>
  )
}

export default function AdminOrgPage() {
  const { params } = useRouter()
  return (
    <Shell title='单位 · 大厅 · 窗口'>
      <LoginGate reason='监督员登录后管理单位、大厅和窗口'>{() => <Org asked={params.region} />}</LoginGate>
    </Shell>
  )
}
