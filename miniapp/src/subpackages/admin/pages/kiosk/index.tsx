/**
 * 管理 → 评价器 (issue 18): for each window the caller manages (unit admins: their units';
 * supervisors: their regions'), a one-time pairing code — QR (the kiosk address with ?pair=) plus
 * 6 digits, valid 10 minutes, shown only here — and the tablets paired with it, each revocable.
 */
import { useEffect, useMemo, useState } from 'react'
import { Button, Image, Text, View } from '@tarojs/components'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading, Notice } from '../../../../components/StatusBlock.tsx'
import { buildValue } from '../../../../lib/build-env.ts'
import { instantLabel } from '../../../../lib/format.ts'
import { createPairing, kioskDevices, kioskWindows, revokeKioskDevice, type KioskDeviceRow, type KioskWindowRow, type PairingCode } from '../../../../lib/kiosk-admin-api.ts'
import { useAction } from '../../../../lib/useAction.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import { qrBase, qrImage } from '../../../../lib/window-qr.ts'
import { ConfirmPanel } from '../org/OrgBits.tsx'
import '../../admin.scss'

/** The kiosk address a pairing QR carries: a tablet's camera opens it and pairs at once. */
function pairingUrl(code: string): string {
  const onH5 = process.env.TARO_ENV === 'h5' && typeof window !== 'undefined'
  const base = qrBase(buildValue(() => process.env.TARO_APP_QR_BASE_URL), onH5 ? window.location : null)
  return `${base ?? ''}/#/kiosk?pair=${code}`
}

function Countdown({ until }: { until: string }) {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(t)
  }, [])
  const left = Math.max(0, Math.floor((new Date(until).getTime() - now) / 1000))
  return (
    <Text className='card__line' data-testid='pairing-left'>
      {left > 0 ? `有效期还剩 ${Math.floor(left / 60)} 分 ${String(left % 60).padStart(2, '0')} 秒，只能使用一次` : '配对码已过期，请重新生成'}
    </Text>
  )
}

function CodeCard({ code, onClose }: { code: PairingCode; onClose: () => void }) {
  const img = useMemo(() => qrImage(pairingUrl(code.code)), [code.code])
  return (
    <View className='card' data-testid='pairing-code' data-code={code.code} data-url={img.text}>
      <Text className='card__title'>{code.window_name} · 评价器配对码</Text>
      <Image className='qr-card__img' data-testid='pairing-qr' src={img.dataUrl} mode='widthFix' style={{ width: '240px' }} />
      <Text className='secret__value' data-testid='pairing-digits' style={{ fontSize: '2em', letterSpacing: '0.3em' }}>
        {code.code}
      </Text>
      <Countdown until={code.expires_at} />
      <Text className='card__line'>在窗口的平板上打开 “H5 地址/#/kiosk”，扫描二维码或输入 6 位数字。配对码只在此处显示，离开本页后无法再查看。</Text>
      <Button className='btn btn--secondary' data-testid='pairing-close' onClick={onClose}>
        完成
      </Button>
    </View>
  )
}

function Device({ d, onRevoked }: { d: KioskDeviceRow; onRevoked: () => void }) {
  const [asking, setAsking] = useState(false)
  const active = d.status === 'active'
  return (
    <View className='card' data-testid='kiosk-device' data-key-id={d.key_id} data-status={d.status}>
      <View className='wo__head'>
        <Text className={`badge ${active ? 'badge--good' : 'badge--bad'}`}>{active ? '使用中' : '已停用'}</Text>
      </View>
      <Text className='card__line'>{d.name}</Text>
      <Text className='card__line'>
        配对于 {instantLabel(d.created_at)} · {d.last_used_at ? `最近联网 ${instantLabel(d.last_used_at)}` : '尚未联网'}
      </Text>
      {d.revoked_at ? <Text className='card__line'>停用于 {instantLabel(d.revoked_at)}</Text> : null}
      {active && !asking ? (
        <Button className='btn btn--secondary' data-testid='revoke-kiosk' onClick={() => setAsking(true)}>
          停用这台平板
        </Button>
      ) : null}
      {active && asking ? (
        <ConfirmPanel
          testid='revoke-kiosk'
          text='确定停用这台平板吗？停用后不能恢复，它的下一次请求即被拒绝；如需继续使用须重新配对。'
          yes='确认停用'
          onYes={async () => {
            await revokeKioskDevice(d.id)
            onRevoked()
          }}
          onNo={() => setAsking(false)}
        />
      ) : null}
    </View>
  )
}

function WindowPanel({ w }: { w: KioskWindowRow }) {
  const devices = useAsync(() => kioskDevices(w.window_id))
  const [code, setCode] = useState<PairingCode | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const { busy, error, run } = useAction()
  return (
    <View data-testid='kiosk-window' data-window={w.window_id}>
      <Text className='section__title'>
        {w.window_name} · {w.unit_name} · {w.hall_name}
      </Text>
      {code ? (
        <CodeCard code={code} onClose={() => { setCode(null); devices.reload() }} />
      ) : (
        <Button
          className={`btn btn--primary${busy ? ' btn--busy' : ''}`}
          data-testid='create-pairing'
          onClick={() =>
            run(async () => {
              setNotice(null)
              setCode(await createPairing(w.window_id))
            })
          }
        >
          生成配对码
        </Button>
      )}
      {error ? <ErrorBlock message={error} /> : null}
      <Notice text={notice} testid='kiosk-done' />
      {devices.state.status === 'loading' ? <Loading /> : null}
      {devices.state.status === 'error' ? <ErrorBlock message={devices.state.error.message} onRetry={devices.reload} /> : null}
      {devices.state.status === 'done'
        ? devices.state.data.length === 0
          ? <Empty label='这个窗口还没有配对的平板' />
          : devices.state.data.map((d) => (
              <Device key={d.id} d={d} onRevoked={() => { setNotice('已停用，这台平板的下一次请求将被拒绝'); devices.reload() }} />
            ))
        : null}
    </View>
  )
}

function Windows() {
  const list = useAsync(() => kioskWindows())
  const [hall, setHall] = useState<string | null>(null)
  const [picked, setPicked] = useState<string | null>(null)
  if (list.state.status === 'loading') return <Loading />
  if (list.state.status === 'error') return <ErrorBlock message={list.state.error.message} onRetry={list.reload} />
  const rows = list.state.data
  if (rows.length === 0) return <Empty label='没有可以配置评价器的窗口' />
  // A supervisor of the city sees every hall's windows: first the hall, then its windows.
  const halls = [...new Map(rows.map((r) => [r.hall_id, r.hall_name])).entries()]
  const currentHall = hall ?? (halls.length === 1 ? halls[0]![0] : null)
  const windows = rows.filter((r) => r.hall_id === currentHall)
  const current = windows.find((r) => r.window_id === picked)
  return (
    <View>
      <Text className='hint'>选择大厅和窗口，为放在该窗口的平板生成一次性配对码（10 分钟内有效）。平板只能评价本窗口的办件。</Text>
      {halls.length > 1 ? <Text className='field-label'>大厅</Text> : null}
      {halls.length > 1 ? (
        <View className='choices'>
          {halls.map(([id, name]) => (
            <View key={id} className={`choice${id === currentHall ? ' choice--on' : ''}`} data-testid='kiosk-hall-choice' data-hall={id} onClick={() => { setHall(id); setPicked(null) }}>
              {id === currentHall ? '◉ ' : '○ '}
              {name}
            </View>
          ))}
        </View>
      ) : null}
      {currentHall ? <Text className='field-label'>窗口</Text> : null}
      {currentHall ? (
        <View className='choices'>
          {windows.map((r) => (
            <View key={r.window_id} className={`choice${r.window_id === picked ? ' choice--on' : ''}`} data-testid='kiosk-window-choice' data-window={r.window_id} onClick={() => setPicked(r.window_id)}>
              {r.window_id === picked ? '◉ ' : '○ '}
              {r.window_name}{r.active_devices > 0 ? ` · ${r.active_devices} 台平板` : ''}
            </View>
          ))}
        </View>
      ) : null}
      {current ? <WindowPanel key={current.window_id} w={current} /> : null}
    </View>
  )
}

export default function KioskAdminPage() {
  return (
    <Shell title='评价器'>
      <LoginGate reason='单位管理员或监督员登录后配置窗口评价器'>{() => <Windows />}</LoginGate>
    </Shell>
  )
}
