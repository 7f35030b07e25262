import { useState } from 'react'
import { Button, Input, Picker, Text, View } from '@tarojs/components'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading, Notice } from '../../../../components/StatusBlock.tsx'
import {
  grantableRoles,
  identifierKind,
  validityProblem,
  type FoundUserRow,
} from '../../../../../../shared/admin-people.ts'
import { shanghaiDate } from '../../../../../../shared/calendar/shanghai.ts'
import { REGIONS } from '../../../../../../shared/regions.ts'
import type { StaffRole, UnitRow } from '../../../../../../shared/schemas.ts'
import {
  adminStaff,
  assignWindow,
  findUser,
  grantRole,
  revokeRole,
  unitStaff,
  unitWindows,
  type GrantScope,
} from '../../../../lib/admin-people-api.ts'
import { unitsOfRegion, whoami } from '../../../../lib/api.ts'
import { AppError } from '../../../../lib/errors.ts'
import { roleLabel, summarizeWhoami, supervisedRegions, type Identity } from '../../../../lib/roles.ts'
import { useAction } from '../../../../lib/useAction.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import { ConfirmPanel } from '../org/OrgBits.tsx'
import '../../admin.scss'
import './index.scss'
import { PLACEHOLDER_STYLE } from '../../../../lib/tokens.ts'

/** One person's role as the list shows it (admin_staff or admin_unit_staff). */
interface PersonRole {
  roleId: string
  userId: string
  maskedName: string
  realnameVerified: boolean
  role: StaffRole
  unitId: string | null
  where: string
  windows: string[] | null
}

const today = () => shanghaiDate(new Date().toISOString())

function Verified({ on }: { on: boolean }) {
  return <Text className={`badge ${on ? 'badge--good' : 'badge--warn'}`}>{on ? '已实名' : '未实名'}</Text>
}

/** Revoke with an inline confirmation (the person and the role are named again before it goes). */
function Revoke({ r, onDone }: { r: PersonRole; onDone: (notice: string) => void }) {
  const [asking, setAsking] = useState(false)
  if (!asking) {
    return (
      <Button className='btn btn--destructive' data-testid='revoke' onClick={() => setAsking(true)}>
        撤销角色
      </Button>
    )
  }
  return (
    <ConfirmPanel
      testid='revoke'
      text={`确定撤销 ${r.maskedName} 在 ${r.where} 的“${roleLabel(r.role)}”角色吗？撤销后对方立即失去相应权限。`}
      yes='确认撤销'
      onYes={async () => {
        await revokeRole(r.roleId)
        onDone(`已撤销 ${r.maskedName} 的“${roleLabel(r.role)}”角色`)
      }}
      onNo={() => setAsking(false)}
    />
  )
}

function DateField({ label, testid, value, onChange, start }: { label: string; testid: string; value: string; onChange: (v: string) => void; start?: string }) {
  return (
    <View>
      <Text className='field-label'>{label}</Text>
      <Picker mode='date' value={value} start={start} onChange={(e) => onChange(String(e.detail.value))}>
        <View className='choice choice--on' data-testid={testid}>
          {value}（点此修改）
        </View>
      </Picker>
    </View>
  )
}

/** 安排窗口: one of the unit's windows, from a day, optionally until a day. */
function Assign({ r, onDone }: { r: PersonRole; onDone: (notice: string) => void }) {
  const unitId = r.unitId ?? ''
  const windows = useAsync(() => unitWindows(unitId))
  const [windowId, setWindowId] = useState<string | null>(null)
  const [from, setFrom] = useState(today())
  const [to, setTo] = useState<string | null>(null)
  const { busy, error, run } = useAction()
  const submit = () =>
    run(async () => {
      if (!windowId) throw new AppError('invalid_input', '请选择窗口')
      const p = validityProblem(from, to)
      if (p) throw new AppError('invalid_input', p)
      await assignWindow(r.userId, windowId, from, to)
      const name = windows.state.status === 'done' ? windows.state.data.find((w) => w.window_id === windowId)?.window_name : ''
      onDone(`已安排 ${r.maskedName} 到${name ?? '所选窗口'}，自 ${from} 起${to ? `至 ${to}` : ''}`)
    })
  return (
    <View className='subform' data-testid='assign-form'>
      <Text className='field-label'>窗口</Text>
      {windows.state.status === 'loading' ? <Loading /> : null}
      {windows.state.status === 'error' ? <ErrorBlock message={windows.state.error.message} onRetry={windows.reload} /> : null}
      {windows.state.status === 'done' && windows.state.data.length === 0 ? <Empty label='本单位还没有窗口' /> : null}
      <View className='choices'>
        {windows.state.status === 'done'
          ? windows.state.data.map((w) => (
              <View key={w.window_id} className={`choice${windowId === w.window_id ? ' choice--on' : ''}`} data-testid='assign-window' onClick={() => setWindowId(w.window_id)}>
                {windowId === w.window_id ? '◉ ' : '○ '}
                {w.hall_name} · {w.window_name}
              </View>
            ))
          : null}
      </View>
      <DateField label='开始日期' testid='assign-from' value={from} onChange={setFrom} />
      <Text className='field-label'>结束日期</Text>
      <View className='choices'>
        <View className={`choice${to === null ? ' choice--on' : ''}`} data-testid='assign-open' onClick={() => setTo(null)}>
          {to === null ? '◉ ' : '○ '}长期（不设结束日期）
        </View>
        <Picker mode='date' value={to ?? from} start={from} onChange={(e) => setTo(String(e.detail.value))}>
          <View className={`choice${to !== null ? ' choice--on' : ''}`} data-testid='assign-to'>
            {to !== null ? `◉ 至 ${to}（点此修改）` : '○ 选择结束日期'}
          </View>
        </Picker>
      </View>
      {error ? <ErrorBlock message={error} /> : null}
      <Button className={`btn btn--primary${busy ? ' btn--busy' : ''}`} data-testid='assign-submit' onClick={submit}>
        确认安排
      </Button>
    </View>
  )
}

function PersonCard({ r, canRevoke, onDone }: { r: PersonRole; canRevoke: boolean; onDone: (n: string) => void }) {
  const [assigning, setAssigning] = useState(false)
  return (
    <View className='card' data-testid='person' data-user={r.userId} data-role={r.role} data-role-id={r.roleId}>
      <View className='wo__head'>
        <Text className='badge badge--info'>{roleLabel(r.role)}</Text>
        <Verified on={r.realnameVerified} />
      </View>
      <Text className='wo__title' data-testid='person-name'>
        {r.maskedName}
      </Text>
      <Text className='card__line'>{r.where}</Text>
      {r.windows !== null ? (
        <Text className='card__line' data-testid='person-windows'>
          当前窗口：{r.windows.length > 0 ? r.windows.join('、') : '未安排'}
        </Text>
      ) : null}
      {r.role !== 'supervisor' && r.unitId ? (
        assigning ? (
          <Assign r={r} onDone={onDone} />
        ) : (
          <Button className='btn btn--secondary' data-testid='assign' onClick={() => setAssigning(true)}>
            安排窗口
          </Button>
        )
      ) : null}
      {canRevoke ? <Revoke r={r} onDone={onDone} /> : null}
    </View>
  )
}

/** 授予角色: where (unit or region), who (looked up by mobile or ID number), which role. */
function Grant({ targets, asSupervisor, onDone }: { targets: GrantTarget[]; asSupervisor: boolean; onDone: (n: string) => void }) {
  const [target, setTarget] = useState<GrantTarget | null>(targets.length === 1 ? (targets[0] ?? null) : null)
  const [identifier, setIdentifier] = useState('')
  // A unit admin finds people by ID number (a phone alone is for supervisors: a masked phone
  // must not be completable by trying numbers); the phone, if given, must be the same person's.
  const [idNumber, setIdNumber] = useState('')
  const [found, setFound] = useState<FoundUserRow[] | null>(null)
  const [person, setPerson] = useState<FoundUserRow | null>(null)
  const [role, setRole] = useState<StaffRole | null>(null)
  const { busy, error, setError, run } = useAction()
  const roles = target ? grantableRoles(target.scope.kind, asSupervisor) : []
  const chosen = role !== null && roles.includes(role) ? role : initialRole(roles)
  const pickTarget = (t: GrantTarget) => {
    setTarget(t)
    setFound(null)
    setPerson(null)
    setRole(null)
    setError(null)
  }
  const lookup = () =>
    run(async () => {
      setFound(null)
      setPerson(null)
      if (!target) throw new AppError('invalid_input', '请先选择授予角色的单位或地区')
      let rows: FoundUserRow[]
      if (asSupervisor) {
        if (!identifierKind(identifier)) throw new AppError('invalid_input', '请输入 11 位手机号码或 18 位身份证号码')
        rows = await findUser(identifier, target.scope)
      } else {
        if (identifierKind(idNumber) !== 'id_number') throw new AppError('invalid_input', '请输入该人员的 18 位身份证号码')
        const phone = identifier.trim()
        if (phone !== '' && identifierKind(phone) !== 'phone') throw new AppError('invalid_input', '手机号码应为 11 位，可不填')
        rows = phone !== '' ? await findUser(phone, target.scope, idNumber) : await findUser(idNumber, target.scope)
      }
      setFound(rows)
      if (rows.length === 1) setPerson(rows[0] ?? null)
    })
  const grant = () =>
    run(async () => {
      if (!target) throw new AppError('invalid_input', '请选择单位或地区')
      if (!person) throw new AppError('invalid_input', '请先查找并选择人员')
      if (!chosen) throw new AppError('invalid_input', '请选择角色')
      await grantRole(person.user_id, chosen, target.scope)
      setIdentifier('')
      setIdNumber('')
      setFound(null)
      setPerson(null)
      onDone(`已授予 ${person.masked_name} ${target.label}的“${roleLabel(chosen)}”角色`)
    })
  return (
    <View className='card' data-testid='grant'>
      <Text className='card__title'>授予角色</Text>
      {targets.length > 1 ? (
        <View>
          <Text className='field-label'>单位或地区</Text>
          <View className='choices'>
            {targets.map((t) => (
              <View
                key={t.key}
                className={`choice${target?.key === t.key ? ' choice--on' : ''}`}
                data-testid='grant-target'
                data-target={t.key}
                onClick={() => pickTarget(t)}
              >
                {target?.key === t.key ? '◉ ' : '○ '}
                {t.label}
              </View>
            ))}
          </View>
        </View>
      ) : (
        <Text className='card__line'>单位：{target?.label}</Text>
      )}
      {asSupervisor ? null : (
        <View>
          <Text className='field-label'>人员的身份证号码</Text>
          <Input
            className='input'
            data-testid='lookup-id-number'
            value={idNumber}
            maxlength={24}
            placeholderStyle={PLACEHOLDER_STYLE}
            placeholder='18 位居民身份证号码（必填）'
            onInput={(e) => {
              setIdNumber(e.detail.value)
              setError(null)
            }}
          />
        </View>
      )}
      <Text className='field-label'>{asSupervisor ? '人员的手机号码或身份证号码' : '人员的手机号码（选填，须与身份证号码属于同一人）'}</Text>
      <Input
        className='input'
        data-testid='lookup-identifier'
        value={identifier}
        maxlength={24}
        placeholderStyle={PLACEHOLDER_STYLE}
        placeholder='该人员须已登录过本系统'
        onInput={(e) => {
          setIdentifier(e.detail.value)
          setError(null)
        }}
      />
      <Text className='hint'>
        号码只用于查找，不会显示或保存；每次查找都会记录，查找不到的次数过多会暂停查找并通知监督员。
      </Text>
      <Button className={`btn btn--secondary${busy ? ' btn--busy' : ''}`} data-testid='lookup' onClick={lookup}>
        查找人员
      </Button>
      {found !== null && found.length === 0 ? <Empty label='没有找到该人员：请确认号码，或请其先登录小程序并完成实名认证' /> : null}
      {found !== null && found.length > 0 ? (
        <View className='choices' data-testid='lookup-results'>
          {found.map((f) => (
            <View key={f.user_id} className={`choice${person?.user_id === f.user_id ? ' choice--on' : ''}`} data-testid='found-user' data-user={f.user_id} onClick={() => setPerson(f)}>
              {person?.user_id === f.user_id ? '◉ ' : '○ '}
              {f.masked_name}（{f.realname_verified ? '已实名' : '未实名'}）
            </View>
          ))}
        </View>
      ) : null}
      {roles.length > 1 ? (
        <View>
          <Text className='field-label'>角色</Text>
          <View className='choices'>
            {roles.map((r) => (
              <View key={r} className={`choice${chosen === r ? ' choice--on' : ''}`} data-testid={`grant-role-${r}`} onClick={() => setRole(r)}>
                {chosen === r ? '◉ ' : '○ '}
                {roleLabel(r)}
              </View>
            ))}
          </View>
        </View>
      ) : chosen ? (
        <Text className='card__line'>角色：{roleLabel(chosen)}</Text>
      ) : null}
      {error ? <ErrorBlock message={error} /> : null}
      <Button className={`btn btn--primary${busy ? ' btn--busy' : ''}`} data-testid='grant-submit' onClick={grant}>
        授予角色
      </Button>
    </View>
  )
}

function initialRole(roles: StaffRole[]): StaffRole | null {
  return roles.length === 1 ? (roles[0] ?? null) : null
}

interface GrantTarget {
  key: string
  label: string
  scope: GrantScope
}

function List({ rows, canRevoke, onDone }: { rows: PersonRole[]; canRevoke: (r: PersonRole) => boolean; onDone: (n: string) => void }) {
  if (rows.length === 0) return <Empty label='还没有人员' />
  return (
    <View data-testid='people'>
      {rows.map((r) => (
        <PersonCard key={r.roleId} r={r} canRevoke={canRevoke(r)} onDone={onDone} />
      ))}
    </View>
  )
}

/** A supervisor: everyone of a region they oversee; grants in its units or of the region itself. */
function RegionPeople({ identity, regionCode }: { identity: Identity; regionCode: string }) {
  const [notice, setNotice] = useState<string | null>(null)
  const data = useAsync(async () => {
    const [rows, units] = await Promise.all([adminStaff(regionCode), unitsOfRegion(regionCode)])
    return { rows, units }
  })
  const onDone = (n: string) => {
    setNotice(n)
    data.reload()
  }
  if (data.state.status === 'loading') return <Loading />
  if (data.state.status === 'error') return <ErrorBlock message={data.state.error.message} onRetry={data.reload} />
  const regionName = REGIONS.find((r) => r.code === regionCode)?.name ?? regionCode
  const units: UnitRow[] = data.state.data.units
  const targets: GrantTarget[] = [
    ...units.map((u) => ({ key: u.id, label: u.name, scope: { kind: 'unit', unitId: u.id } as GrantScope })),
    { key: `region:${regionCode}`, label: `${regionName}（监督员）`, scope: { kind: 'region', regionCode } },
  ]
  const unitIds = new Set(units.map((u) => u.id))
  // admin_staff answers the region and every region below it; the picker shows one region at a time.
  const rows: PersonRole[] = data.state.data.rows
    .filter((r) => (r.unit_id !== null ? unitIds.has(r.unit_id) : r.scope_region_code === regionCode))
    .map((r) => ({
    roleId: r.role_id,
    userId: r.user_id,
    maskedName: r.masked_name,
    realnameVerified: r.realname_verified,
    role: r.role,
    unitId: r.unit_id,
    where: r.unit_name ?? `${REGIONS.find((x) => x.code === r.scope_region_code)?.name ?? r.scope_region_code ?? ''}`,
    windows: null,
  }))
  return (
    <View>
      <Notice text={notice} testid='people-done' />
      <Grant key={regionCode} targets={targets} asSupervisor onDone={onDone} />
      <Text className='section__title'>{regionName}的人员（{rows.length}）</Text>
      <List rows={rows} canRevoke={(r) => !(r.role === 'supervisor' && r.userId === identity.userId)} onDone={onDone} />
    </View>
  )
}

/** A unit admin: the staff of their own unit; grants and revokes the staff role only. */
function UnitPeople({ unitId, unitName }: { unitId: string; unitName: string }) {
  const [notice, setNotice] = useState<string | null>(null)
  const data = useAsync(() => unitStaff(unitId))
  const onDone = (n: string) => {
    setNotice(n)
    data.reload()
  }
  const targets: GrantTarget[] = [{ key: unitId, label: unitName, scope: { kind: 'unit', unitId } }]
  return (
    <View>
      <Notice text={notice} testid='people-done' />
      <Grant key={unitId} targets={targets} asSupervisor={false} onDone={onDone} />
      <Text className='section__title'>{unitName}的人员</Text>
      {data.state.status === 'loading' ? <Loading /> : null}
      {data.state.status === 'error' ? <ErrorBlock message={data.state.error.message} onRetry={data.reload} /> : null}
      {data.state.status === 'done' ? (
        <List
          rows={data.state.data.map((r) => ({
            roleId: r.role_id,
            userId: r.user_id,
            maskedName: r.masked_name,
            realnameVerified: r.realname_verified,
            role: r.role,
            unitId,
            where: unitName,
            windows: r.current_windows,
          }))}
          canRevoke={(r) => r.role === 'staff'}
          onDone={onDone}
        />
      ) : null}
    </View>
  )
}

function People() {
  const { state, reload } = useAsync(async () => summarizeWhoami(await whoami()))
  const [scope, setScope] = useState<string | null>(null)
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const identity = state.data
  if (!identity) return <Empty label='只有监督员和单位管理员可以管理人员' />
  const regions = supervisedRegions(identity)
  const adminUnits = identity.roles.filter((g) => g.role === 'unit_admin' && g.unitId).map((g) => ({ id: g.unitId ?? '', name: g.unitName ?? '' }))
  const choices = [
    ...regions.map((r) => ({ key: `region:${r.code}`, label: r.name })),
    ...(regions.length === 0 ? adminUnits.map((u) => ({ key: `unit:${u.id}`, label: u.name })) : []),
  ]
  if (choices.length === 0) return <Empty label='只有监督员和单位管理员可以管理人员' />
  const current = scope ?? choices[0]?.key ?? ''
  return (
    <View>
      {choices.length > 1 ? (
        <View>
          <Text className='field-label'>{regions.length > 0 ? '地区' : '单位'}</Text>
          <View className='choices'>
            {choices.map((c) => (
              <View key={c.key} className={`choice${c.key === current ? ' choice--on' : ''}`} data-testid='people-scope' data-scope={c.key} onClick={() => setScope(c.key)}>
                {c.label}
              </View>
            ))}
          </View>
        </View>
      ) : null}
      {current.startsWith('region:') ? (
        <RegionPeople key={current} identity={identity} regionCode={current.slice('region:'.length)} />
      ) : (
        <UnitPeople key={current} unitId={current.slice('unit:'.length)} unitName={adminUnits.find((u) => `unit:${u.id}` === current)?.name ?? ''} />
      )}
    </View>
  )
}

export default function PeoplePage() {
  return (
    <Shell title='人员与角色'>
      <LoginGate reason='监督员或单位管理员登录后管理人员和角色'>{() => <People />}</LoginGate>
    </Shell>
  )
}
