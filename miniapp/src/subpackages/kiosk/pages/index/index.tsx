/**
 * 窗口评价器 (issue 18, H5 only, `/#/kiosk`): a tablet on the counter. Paired once with a code from
 * 管理 → 评价器 (QR opens this page with ?pair=, or the 6 digits are typed); then it shows the
 * window's 办件 just finished (polled each second from kiosk-feed, newest first), takes the rating
 * on one screen (five levels, the national tags of the level — a 差评 needs one), signs it with the
 * tablet's own key and sends it through ratings-ingest via the outbox (never lost, never twice,
 * original times). Idle: the window's QR for a visit rating from a phone. 30 s without a touch,
 * or after thanks, it returns to idle. Nothing about the applicant is ever on screen.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Button, Image, Input, Text, View } from '@tarojs/components'
import { IngestResponse } from '../../../../../../shared/ingest.ts'
import { FEED_INTERVAL_MS, KIOSK_IDLE_MS, KioskFeed, KioskPairResponse, PAIRING_CODE, type KioskItem } from '../../../../../../shared/kiosk.ts'
import { tagsForLevel, type Level } from '../../../../../../shared/tags.ts'
import { buildValue } from '../../../../lib/build-env.ts'
import { forgetDevice, loadDevice, newKeyPair, outboxStorage, pairRequest, saveDevice, signedPost, type KioskDevice } from '../../../../lib/kiosk-device.h5.ts'
import { KioskOutbox, STOPPING, type KioskOutboxEntry } from '../../../../lib/kiosk-outbox.ts'
import { LEVEL_CHOICES } from '../../../../lib/levels.ts'
import { draftProblem, EMPTY_DRAFT, toggleTag, withLevel, type RatingDraft } from '../../../../lib/rating-form.ts'
import { qrBase, qrImage, windowQrUrl } from '../../../../lib/window-qr.ts'
import './index.scss'

type Screen =
  | { kind: 'loading' }
  | { kind: 'unpaired' }
  | { kind: 'revoked' }
  | { kind: 'home' }
  | { kind: 'rate'; item: KioskItem }
  | { kind: 'thanks'; bad: boolean }

const timeLabel = (iso: string) =>
  new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso))

/** The code a scanned pairing QR carries (`#/kiosk?pair=123456`), once; then it leaves the address bar. */
function codeFromUrl(): string | null {
  const m = /[?&]pair=([0-9]{6})(?:&|$)/.exec(window.location.hash)
  if (!m) return null
  window.history.replaceState(null, '', window.location.href.replace(/([?&])pair=[0-9]{6}&?/, '$1').replace(/[?&]$/, ''))
  return m[1] ?? null
}

function Pairing({ onPaired }: { onPaired: (d: KioskDevice) => void }) {
  const [code, setCode] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const submit = useCallback(async (value: string) => {
    if (!PAIRING_CODE.test(value)) {
      setError('请输入 6 位数字配对码')
      return
    }
    setBusy(true)
    setError(null)
    try {
      const { privateKey, publicJwk } = await newKeyPair()
      const paired = KioskPairResponse.parse(await pairRequest(value, publicJwk))
      const device: KioskDevice = { keyId: paired.key_id, privateKey, window: paired.window, pairedAt: new Date().toISOString() }
      await saveDevice(device)
      onPaired(device)
    } catch (err) {
      setError((err as Error).message)
    } finally {
      setBusy(false)
    }
  }, [onPaired])
  useEffect(() => {
    const fromQr = codeFromUrl()
    if (fromQr) {
      setCode(fromQr)
      void submit(fromQr)
    }
  }, [submit])
  return (
    <View className='kiosk-pair' data-testid='kiosk-pairing'>
      <Text className='kiosk-title'>窗口评价器配对</Text>
      <Text className='kiosk-hint'>请管理员在「管理 → 评价器」中为本窗口生成配对码，用本机扫描二维码，或在下方输入 6 位数字。</Text>
      <Input
        className='kiosk-code'
        data-testid='kiosk-code'
        type='number'
        maxlength={6}
        value={code}
        placeholder='6 位配对码'
        onInput={(e) => {
          setCode(e.detail.value.replace(/\D/g, '').slice(0, 6))
          setError(null)
        }}
      />
      {error ? <Text className='kiosk-error' data-testid='kiosk-pair-error'>{error}</Text> : null}
      <Button className='kiosk-btn kiosk-btn--primary' data-testid='kiosk-pair-submit' disabled={busy} onClick={() => void submit(code)}>
        {busy ? '正在配对…' : '配对'}
      </Button>
      <Text className='kiosk-note'>配对后本机生成自己的签名密钥，保存在本机浏览器中，任何人都无法查看或复制。</Text>
    </View>
  )
}

function Idle({ device }: { device: KioskDevice }) {
  const qr = useMemo(() => {
    const id = device.window.id
    const base = qrBase(buildValue(() => process.env.TARO_APP_QR_BASE_URL), window.location)
    return qrImage(windowQrUrl({ page: 'pages/scan/index', scene: `w=${id}`, h5_path: `/pages/scan/index?w=${id}` }, base))
  }, [device.window.id])
  return (
    <View className='kiosk-idle' data-testid='kiosk-idle'>
      <View className='kiosk-idle__text'>
        <Text className='kiosk-welcome'>欢迎您对本窗口的服务进行评价</Text>
        <Text className='kiosk-hint'>办件办结后，请在本屏幕上评价。</Text>
        <Text className='kiosk-hint'>也可以用微信或支付宝扫右侧二维码评价本窗口服务。</Text>
      </View>
      <View className='kiosk-qr'>
        <Image className='kiosk-qr__img' data-testid='kiosk-window-qr' data-url={qr.text} src={qr.dataUrl} mode='widthFix' />
        <Text className='kiosk-qr__caption'>扫码评价本窗口</Text>
      </View>
    </View>
  )
}

function Items({ items, onPick }: { items: KioskItem[]; onPick: (i: KioskItem) => void }) {
  return (
    <View className='kiosk-list' data-testid='kiosk-items'>
      <Text className='kiosk-title'>{items.length > 1 ? `刚刚办结 ${items.length} 件，请选择您的办件评价` : '您的办件已办结，请评价'}</Text>
      {items.map((i) => (
        <View key={i.project_no} className='kiosk-item' data-testid='kiosk-item' data-project={i.project_no} onClick={() => onPick(i)}>
          <View className='kiosk-item__main'>
            <Text className='kiosk-item__matter'>{i.matter_name}</Text>
            <Text className='kiosk-item__line'>
              经办人：{i.staff_name ?? '—'} · 办结时间：{timeLabel(i.finished_at)} · 办件号尾号 {i.project_no.slice(-4)}
            </Text>
          </View>
          <Button className='kiosk-btn kiosk-btn--primary kiosk-item__go' data-testid='kiosk-rate'>
            评价
          </Button>
        </View>
      ))}
    </View>
  )
}

function RateScreen({ item, onDone, onCancel, touch }: { item: KioskItem; onDone: (d: RatingDraft) => Promise<void>; onCancel: () => void; touch: () => void }) {
  const [draft, setDraft] = useState<RatingDraft>(EMPTY_DRAFT)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const tags = draft.level === null ? [] : tagsForLevel(draft.level)
  const submit = async () => {
    touch()
    const problem = draftProblem(draft)
    if (problem) {
      setError(problem)
      return
    }
    setBusy(true)
    await onDone(draft)
  }
  return (
    <View className='kiosk-rate' data-testid='kiosk-rate-screen' onTouchStart={touch} onClick={touch}>
      <View className='kiosk-rate__head'>
        <Text className='kiosk-rate__matter'>{item.matter_name}</Text>
        <Text className='kiosk-item__line'>
          经办人：{item.staff_name ?? '—'} · 办结时间：{timeLabel(item.finished_at)}
        </Text>
      </View>
      <Text className='kiosk-question'>您对本次服务满意吗？</Text>
      <View className='kiosk-levels'>
        {LEVEL_CHOICES.map((c) => (
          <View
            key={c.level}
            className={`kiosk-level kiosk-level--${c.level}${draft.level === c.level ? ' kiosk-level--on' : ''}`}
            data-testid={`kiosk-level-${c.level}`}
            onClick={() => {
              setDraft((d) => withLevel(d, c.level as Level))
              setError(null)
            }}
          >
            <Text className='kiosk-level__face'>{c.face}</Text>
            <Text className='kiosk-level__name'>{c.name}</Text>
            <Text className='kiosk-level__stars'>{c.stars}</Text>
          </View>
        ))}
      </View>
      {draft.level !== null ? (
        <View className='kiosk-tags'>
          <Text className='kiosk-hint'>{draft.level <= 2 ? '请选择不满意的原因（至少一项）' : '可以选择满意的方面（可不选）'}</Text>
          <View className='kiosk-tags__list'>
            {tags.map((t) => (
              <View
                key={t.code}
                className={`kiosk-tag${draft.tags.includes(t.code) ? ' kiosk-tag--on' : ''}`}
                data-testid='kiosk-tag'
                data-code={t.code}
                onClick={() => {
                  setDraft((d) => toggleTag(d, t.code))
                  setError(null)
                }}
              >
                {draft.tags.includes(t.code) ? '✓ ' : ''}
                {t.name}
              </View>
            ))}
          </View>
        </View>
      ) : null}
      {error ? <Text className='kiosk-error' data-testid='kiosk-rate-error'>{error}</Text> : null}
      <View className='kiosk-actions'>
        <Button className='kiosk-btn kiosk-btn--secondary' data-testid='kiosk-cancel' onClick={onCancel}>
          返回
        </Button>
        <Button className='kiosk-btn kiosk-btn--primary' data-testid='kiosk-submit' disabled={busy} onClick={() => void submit()}>
          提交评价
        </Button>
      </View>
    </View>
  )
}

const outboxFor = (device: KioskDevice) =>
  new KioskOutbox(outboxStorage, async (items) => IngestResponse.parse(await signedPost(device, 'ratings-ingest', { items })).results)

export default function KioskPage() {
  const [device, setDevice] = useState<KioskDevice | null>(null)
  const [screen, setScreen] = useState<Screen>({ kind: 'loading' })
  const [items, setItems] = useState<KioskItem[]>([])
  const [online, setOnline] = useState(true)
  const [outboxEntries, setOutboxEntries] = useState<KioskOutboxEntry[]>([])
  const lastTouch = useRef(Date.now())
  const touch = useCallback(() => {
    lastTouch.current = Date.now()
  }, [])
  const outbox = useMemo(() => (device ? outboxFor(device) : null), [device])

  useEffect(() => {
    void loadDevice().then(async (d) => {
      setDevice(d)
      setOutboxEntries(await outboxStorage.all())
      setScreen(d ? { kind: 'home' } : { kind: 'unpaired' })
    }, () => setScreen({ kind: 'unpaired' }))
  }, [])

  const revoked = screen.kind === 'revoked'
  // Poll the feed each second; send the outbox whenever it holds something.
  useEffect(() => {
    if (!device || !outbox || revoked) return undefined
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const tick = async () => {
      try {
        const feed = KioskFeed.parse(await signedPost(device, 'kiosk-feed', {}))
        if (stopped) return
        setOnline(true)
        const waiting = await outbox.entries()
        if (waiting.some((e) => e.failed === null)) await outbox.flush()
        const kept = await outbox.entries()
        setOutboxEntries(kept)
        const held = new Set(kept.map((e) => e.project_no))
        setItems(feed.items.filter((i) => !held.has(i.project_no)))
      } catch (err) {
        if (stopped) return
        const code = (err as { code?: string }).code ?? ''
        if ((STOPPING as readonly string[]).includes(code)) {
          setScreen({ kind: 'revoked' })
          return
        }
        setOnline(false)
      }
      if (!stopped) timer = setTimeout(() => void tick(), FEED_INTERVAL_MS)
    }
    void tick()
    return () => {
      stopped = true
      if (timer) clearTimeout(timer)
    }
  }, [device, outbox, revoked])

  // 30 s without a touch on the rating screen, or 6 s of thanks: back to idle.
  useEffect(() => {
    if (screen.kind !== 'rate' && screen.kind !== 'thanks') return undefined
    const limit = screen.kind === 'rate' ? KIOSK_IDLE_MS : 6000
    const t = setInterval(() => {
      if (Date.now() - lastTouch.current >= limit) setScreen({ kind: 'home' })
    }, 500)
    return () => clearInterval(t)
  }, [screen.kind])

  const submit = async (item: KioskItem, draft: RatingDraft) => {
    if (!outbox || draft.level === null) return
    await outbox.add({ external_id: crypto.randomUUID(), project_no: item.project_no, level: draft.level, tags: draft.tags, rated_at: new Date().toISOString() })
    setItems((xs) => xs.filter((x) => x.project_no !== item.project_no))
    touch()
    setScreen({ kind: 'thanks', bad: draft.level <= 2 })
    const report = await outbox.flush()
    setOnline(report.error === null || !['network_error', 'internal_error'].includes(report.error.code))
    setOutboxEntries(await outbox.entries())
  }

  const unsent = outboxEntries.filter((e) => e.failed === null).length
  const refusedEntries = outboxEntries.filter((e) => e.failed !== null)

  return (
    <View className='kiosk' data-testid='kiosk' data-screen={screen.kind} data-online={online ? 'yes' : 'no'} data-outbox={unsent} onTouchStart={touch} onClick={touch}>
      <View className='kiosk-bar'>
        <Text className='kiosk-bar__name' data-testid='kiosk-window'>{device ? `${device.window.name}` : '窗口评价器'}</Text>
        <Text className='kiosk-bar__place'>{device ? `${device.window.unit_name} · ${device.window.hall_name}` : '政务服务“好差评”'}</Text>
        <Text className={`kiosk-bar__status${online ? '' : ' kiosk-bar__status--off'}`} data-testid='kiosk-status'>
          {screen.kind === 'revoked' ? '● 已停用' : online ? '● 在线' : unsent > 0 ? '● 网络中断，评价已保存在本机' : '● 网络中断'}
          {unsent > 0 ? ` · 待上传 ${unsent} 条` : ''}
        </Text>
      </View>
      <View className='kiosk-body'>
        {screen.kind === 'loading' ? <Text className='kiosk-hint'>正在启动…</Text> : null}
        {screen.kind === 'unpaired' ? (
          <Pairing
            onPaired={(d) => {
              setDevice(d)
              setScreen({ kind: 'home' })
            }}
          />
        ) : null}
        {screen.kind === 'revoked' ? (
          <View className='kiosk-pair' data-testid='kiosk-revoked'>
            <Text className='kiosk-title'>本评价器已停用</Text>
            <Text className='kiosk-hint'>管理员已在「管理 → 评价器」中停用了这台设备。如需继续使用，请重新配对。</Text>
            {unsent > 0 ? <Text className='kiosk-error'>本机还有 {unsent} 条评价未能上传，已保留在本机。</Text> : null}
            <Button
              className='kiosk-btn kiosk-btn--primary'
              data-testid='kiosk-repair'
              onClick={() =>
                void forgetDevice().then(() => {
                  setDevice(null)
                  setScreen({ kind: 'unpaired' })
                })
              }
            >
              重新配对
            </Button>
          </View>
        ) : null}
        {screen.kind === 'home' && device ? (
          items.length > 0 ? (
            <Items
              items={items}
              onPick={(item) => {
                touch()
                setScreen({ kind: 'rate', item })
              }}
            />
          ) : (
            <Idle device={device} />
          )
        ) : null}
        {screen.kind === 'rate' ? (
          <RateScreen item={screen.item} touch={touch} onCancel={() => setScreen({ kind: 'home' })} onDone={(d) => submit(screen.item, d)} />
        ) : null}
        {screen.kind === 'thanks' ? (
          <View className='kiosk-thanks' data-testid='kiosk-thanks' onClick={() => setScreen({ kind: 'home' })}>
            <Text className='kiosk-thanks__big'>感谢您的评价！</Text>
            <Text className='kiosk-hint'>
              {screen.bad ? '我们会尽快核实并整改，处理结果将按规定公开。' : '您的评价将帮助我们把服务做得更好。'}
            </Text>
          </View>
        ) : null}
        {refusedEntries.length > 0 && screen.kind === 'home' ? (
          <Text className='kiosk-note' data-testid='kiosk-refused'>有 {refusedEntries.length} 条评价未被平台接受（{refusedEntries[0]!.failed!.message}），已保留在本机备查。</Text>
        ) : null}
      </View>
    </View>
  )
}
