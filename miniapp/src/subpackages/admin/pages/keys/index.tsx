import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import { SupervisorGate } from '../../../../components/DeskFields.tsx'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading, Notice } from '../../../../components/StatusBlock.tsx'
import {
  HALL_DEVICE_KINDS,
  KEY_KIND_LABELS,
  type CreatedKey,
  type IngestKeyKind,
  type IngestKeyRow,
  type KeyHallRow,
} from '../../../../../../shared/admin-people.ts'
import type { DeviceKind } from '../../../../../../shared/ingest.ts'
import { REGIONS } from '../../../../../../shared/regions.ts'
import { AppError } from '../../../../lib/errors.ts'
import { instantLabel } from '../../../../lib/format.ts'
import { createBusinessSystem, createRatingDevice, ingestKeys, keyHalls, revokeKey } from '../../../../lib/ingest-keys-api.ts'
import { useAction } from '../../../../lib/useAction.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import { ConfirmPanel } from '../org/OrgBits.tsx'
import '../../admin.scss'
import './index.scss'
import { PLACEHOLDER_STYLE } from '../../../../lib/tokens.ts'

/** Where @tarojs/taro-h5's setClipboardData stores a copy of the text (its getClipboardData reads it back). */
const H5_CLIPBOARD_KEY = 'taro_clipboard'
const KINDS: IngestKeyKind[] = ['business_system', 'hall_pad', 'hall_terminal', 'phone', 'sms']
const regionName = (code: string) => REGIONS.find((r) => r.code === code)?.name ?? code
const isHallKind = (k: IngestKeyKind): k is DeviceKind => (HALL_DEVICE_KINDS as readonly string[]).includes(k)

/** The new key's secret: in this component's memory only, never stored; gone on leaving the page. */
function SecretOnce({ created, onClose }: { created: CreatedKey & { name: string; kind: IngestKeyKind }; onClose: () => void }) {
  const [copied, setCopied] = useState<string | null>(null)
  const copy = (what: string, data: string) => {
    const forget = () => {
      // Taro's H5 setClipboardData also keeps what it copied in localStorage ('taro_clipboard'):
      // a secret must not outlive this page there.
      if (process.env.TARO_ENV === 'h5') Taro.removeStorageSync(H5_CLIPBOARD_KEY)
    }
    Taro.setClipboardData({ data }).then(
      () => {
        forget()
        setCopied(what)
      },
      () => {
        forget()
        setCopied(null)
      },
    )
  }
  return (
    <View className='card secret' data-testid='new-key' data-key-id={created.key_id}>
      <Text className='secret__warn' data-testid='secret-once'>
        ⚠ 密钥只显示一次，请立即保存。离开本页后无法再次查看，遗失只能停用后重新创建。
      </Text>
      <Text className='card__line'>
        {KEY_KIND_LABELS[created.kind]} · {created.name} · {regionName(created.region_code)}
      </Text>
      <Text className='field-label'>接入编号（X-HCP-Key-Id）</Text>
      <Text className='secret__value' data-testid='new-key-id' selectable>
        {created.key_id}
      </Text>
      <Text className='field-label'>密钥（HMAC-SHA256）</Text>
      <Text className='secret__value' data-testid='new-secret' selectable>
        {created.secret}
      </Text>
      <Button className='btn btn--primary' data-testid='copy-secret' onClick={() => copy('secret', created.secret)}>
        复制密钥
      </Button>
      <Button className='btn btn--secondary' data-testid='copy-key-id' onClick={() => copy('key', created.key_id)}>
        复制接入编号
      </Button>
      {copied ? (
        <Text className='notice notice--ok' data-testid='copied'>
          ✓ 已复制{copied === 'secret' ? '密钥' : '接入编号'}到剪贴板
        </Text>
      ) : null}
      <Button className='btn btn--secondary' data-testid='secret-saved' onClick={onClose}>
        我已保存，关闭
      </Button>
    </View>
  )
}

function CreateKey({ regions, onCreated }: { regions: string[]; onCreated: (c: CreatedKey & { name: string; kind: IngestKeyKind }) => void }) {
  const [kind, setKind] = useState<IngestKeyKind | null>(null)
  const [name, setName] = useState('')
  const [hall, setHall] = useState<string | null>(null)
  const [region, setRegion] = useState<string | null>(regions.length === 1 ? (regions[0] ?? null) : null)
  const { busy, error, setError, run } = useAction()
  const halls = useAsync<KeyHallRow[]>(() => keyHalls())
  const submit = () =>
    run(async () => {
      if (!kind) throw new AppError('invalid_input', '请选择类型')
      const n = name.trim()
      if (n.length < 1 || n.length > 100) throw new AppError('invalid_input', '请填写名称（1–100 个字）')
      if (isHallKind(kind) && !hall) throw new AppError('invalid_input', '请选择设备所在的大厅')
      if (!isHallKind(kind) && !region) throw new AppError('invalid_input', '请选择地区')
      const created =
        kind === 'business_system'
          ? await createBusinessSystem(n, region ?? '')
          : await createRatingDevice(kind, n, isHallKind(kind) ? hall : null, isHallKind(kind) ? null : region)
      setName('')
      onCreated({ ...created, name: n, kind })
    })
  return (
    <View className='card' data-testid='create-key'>
      <Text className='card__title'>新建接入密钥</Text>
      <Text className='field-label'>类型</Text>
      <View className='choices'>
        {KINDS.map((k) => (
          <View key={k} className={`choice${kind === k ? ' choice--on' : ''}`} data-testid={`key-kind-${k}`} onClick={() => setKind(k)}>
            {kind === k ? '◉ ' : '○ '}
            {KEY_KIND_LABELS[k]}
          </View>
        ))}
      </View>
      <Text className='field-label'>名称</Text>
      <Input
        className='input'
        data-testid='key-name'
        value={name}
        maxlength={100}
        placeholderStyle={PLACEHOLDER_STYLE}
        placeholder={kind === 'business_system' ? '如：临翔区政务服务业务系统' : '如：3号窗口评价器'}
        onInput={(e) => {
          setName(e.detail.value)
          setError(null)
        }}
      />
      {kind && isHallKind(kind) ? (
        <View>
          <Text className='field-label'>所在大厅（只能评价本大厅的办件和窗口）</Text>
          {halls.state.status === 'loading' ? <Loading /> : null}
          {halls.state.status === 'error' ? <ErrorBlock message={halls.state.error.message} onRetry={halls.reload} /> : null}
          <View className='choices'>
            {halls.state.status === 'done'
              ? halls.state.data.map((h) => (
                  <View key={h.hall_id} className={`choice${hall === h.hall_id ? ' choice--on' : ''}`} data-testid='key-hall' data-hall={h.hall_id} onClick={() => setHall(h.hall_id)}>
                    {hall === h.hall_id ? '◉ ' : '○ '}
                    {h.hall_name}
                  </View>
                ))
              : null}
          </View>
        </View>
      ) : kind ? (
        <View>
          <Text className='field-label'>地区（可推送本地区及下辖地区的数据）</Text>
          <View className='choices'>
            {regions.map((code) => (
              <View key={code} className={`choice${region === code ? ' choice--on' : ''}`} data-testid='key-region' data-region={code} onClick={() => setRegion(code)}>
                {region === code ? '◉ ' : '○ '}
                {regionName(code)}
              </View>
            ))}
          </View>
        </View>
      ) : null}
      {error ? <ErrorBlock message={error} /> : null}
      <Button className={`btn btn--primary${busy ? ' btn--busy' : ''}`} data-testid='create-key-submit' onClick={submit}>
        创建并生成密钥
      </Button>
    </View>
  )
}

function KeyCard({ k, onRevoked }: { k: IngestKeyRow; onRevoked: (n: string) => void }) {
  const [asking, setAsking] = useState(false)
  const revoke = async () => {
    await revokeKey(k.key_id)
    onRevoked(`已停用“${k.name}”的密钥，其后用它签名的请求都会被拒绝`)
  }
  const active = k.status === 'active'
  return (
    <View className='card' data-testid='key' data-key-id={k.key_id} data-status={k.status}>
      <View className='wo__head'>
        <Text className='badge badge--info'>{KEY_KIND_LABELS[k.kind]}</Text>
        <Text className={`badge ${active ? 'badge--good' : 'badge--bad'}`} data-testid='key-status'>
          {active ? '使用中' : '已停用'}
        </Text>
      </View>
      <Text className='wo__title'>{k.name}</Text>
      <Text className='card__line'>
        {regionName(k.region_code)}
        {k.hall_name ? ` · ${k.hall_name}` : ''}
      </Text>
      <Text className='card__line secret__id'>接入编号：{k.key_id}</Text>
      <Text className='card__line'>
        创建于 {instantLabel(k.created_at)} · {k.last_used_at ? `最近使用 ${instantLabel(k.last_used_at)}` : '尚未使用'}
      </Text>
      {k.revoked_at ? <Text className='card__line'>停用于 {instantLabel(k.revoked_at)}</Text> : null}
      {active && !asking ? (
        <Button className='btn btn--destructive' data-testid='revoke-key' onClick={() => setAsking(true)}>
          停用密钥
        </Button>
      ) : null}
      {active && asking ? (
        <ConfirmPanel
          testid='revoke-key'
          text={`确定停用“${k.name}”的密钥吗？停用后不能恢复，该设备或系统推送的数据将全部被拒绝。`}
          yes='确认停用'
          onYes={revoke}
          onNo={() => setAsking(false)}
        />
      ) : null}
    </View>
  )
}

type StatusFilter = 'active' | 'revoked' | 'all'
const FILTERS: Record<StatusFilter, string> = { active: '使用中', revoked: '已停用', all: '全部' }

function Keys({ regions }: { regions: string[] }) {
  const list = useAsync(() => ingestKeys())
  const [created, setCreated] = useState<(CreatedKey & { name: string; kind: IngestKeyKind }) | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [filter, setFilter] = useState<StatusFilter>('active')
  const [region, setRegion] = useState<string | null>(null)
  return (
    <View>
      {created ? (
        <SecretOnce created={created} onClose={() => setCreated(null)} />
      ) : (
        <CreateKey
          regions={regions}
          onCreated={(c) => {
            setCreated(c)
            setNotice(null)
            list.reload()
          }}
        />
      )}
      <Notice text={notice} testid='keys-done' />
      <Text className='section__title'>已有的接入密钥</Text>
      <View className='choices'>
        {(Object.keys(FILTERS) as StatusFilter[]).map((f) => (
          <View key={f} className={`choice${f === filter ? ' choice--on' : ''}`} data-testid={`keys-${f}`} onClick={() => setFilter(f)}>
            {FILTERS[f]}
          </View>
        ))}
      </View>
      {regions.length > 1 ? (
        <View className='choices'>
          {[null, ...regions].map((code) => (
            <View key={code ?? 'all'} className={`choice${code === region ? ' choice--on' : ''}`} data-testid='keys-region' data-region={code ?? 'all'} onClick={() => setRegion(code)}>
              {code === null ? '全部地区' : regionName(code)}
            </View>
          ))}
        </View>
      ) : null}
      {list.state.status === 'loading' ? <Loading /> : null}
      {list.state.status === 'error' ? <ErrorBlock message={list.state.error.message} onRetry={list.reload} /> : null}
      {list.state.status === 'done' ? (
        (() => {
          const rows = list.state.data.filter((k) => (filter === 'all' || k.status === filter) && (region === null || k.region_code === region))
          if (rows.length === 0) return <Empty label='没有这类密钥' />
          return rows.map((k) => (
            <KeyCard
              key={k.key_id}
              k={k}
              onRevoked={(n) => {
                setNotice(n)
                list.reload()
              }}
            />
          ))
        })()
      ) : null}
    </View>
  )
}

export default function KeysPage() {
  return (
    <Shell title='设备与业务系统密钥'>
      <LoginGate reason='监督员登录后管理接入密钥'>
        {() => <SupervisorGate denied='只有监督员可以管理设备和业务系统的接入密钥'>{(regions) => <Keys regions={regions.map((r) => r.code)} />}</SupervisorGate>}
      </LoginGate>
    </Shell>
  )
}
