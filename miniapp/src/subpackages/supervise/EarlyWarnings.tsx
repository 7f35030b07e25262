/**
 * 预警 on the dashboard (issue 16.4): the units and windows of the chosen region whose 差评 rate
 * over the last 7 or 30 days is significantly above their own 12-month baseline, each with the
 * numbers that made it. The database decides (early_warnings(): one-sided binomial test, p < 0.01,
 * at least 20 ratings and 5 差评 in the window); shared/early-warning.ts is its twin.
 *
 * 每日预警摘要: the job record-warning-digests records each morning (08:00) the supervisor's
 * digest of a region with alerts (my_warning_digests); send-reminders pushes it as a subscription
 * message to a supervisor who subscribed here (WeChat / Alipay mini-program with the warning
 * template of the build, TARO_APP_TEMPLATE_WARNING). On H5 there is no subscription to give:
 * the page says so, and the digests are read here.
 */
import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { EARLY_WARNING_RULES, digestMessageText, pValueText, type EarlyWarningRow } from '../../../../shared/early-warning.ts'
import { earlyWarnings, myWarningDigests, recordWarningSubscription, warningSubscriptionsLeft } from '../../lib/analytics-api.ts'
import { buildValue } from '../../lib/build-env.ts'
import { toAppError } from '../../lib/errors.ts'
import { SUBSCRIBE_PLATFORM, requestSubscribe } from '../../lib/subscribe/request.ts'
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

/** The warning template of this build ('' = none: no offer). */
const WARNING_TEMPLATE = buildValue(() => process.env.TARO_APP_TEMPLATE_WARNING)?.trim() ?? ''
/** The platform whose prompt can subscribe to the digest here, or null (H5, or no template). */
const DIGEST_PLATFORM = WARNING_TEMPLATE !== '' ? SUBSCRIBE_PLATFORM : null

function Digests() {
  const { state, reload } = useAsync(async () => ({ digests: await myWarningDigests(), left: await warningSubscriptionsLeft() }))
  const [busy, setBusy] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  const subscribe = async () => {
    // The prompt must open synchronously inside this tap: nothing is awaited before it.
    if (busy || DIGEST_PLATFORM === null) return
    const platform = DIGEST_PLATFORM
    setBusy(true)
    setNotice(null)
    setError(null)
    try {
      let answer: Record<string, string>
      try {
        answer = await requestSubscribe([WARNING_TEMPLATE])
      } catch {
        answer = {}
      }
      if (answer[WARNING_TEMPLATE] === 'accept') {
        await recordWarningSubscription(platform)
        setNotice('已订阅：下一份每日预警摘要将推送给您（每同意一次推送一次）')
        reload()
      } else {
        setNotice('您没有同意接收消息，订阅未改变')
      }
    } catch (err) {
      setError(toAppError(err).message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='digests' data-testid='warning-digests'>
      <Text className='digests__title'>每日预警摘要</Text>
      <Text className='hint'>每天 8:00 汇总您所监督地区的预警（地区、预警数量），有预警时记录在此。</Text>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' ? (
        <View data-testid='digest-list' data-count={state.data.digests.length}>
          {state.data.digests.length === 0 ? <Text className='hint' data-testid='digest-none'>近30天没有预警摘要。</Text> : null}
          {state.data.digests.slice(0, 7).map((d) => (
            <Text key={String(d.id)} className='card__line' data-testid='digest-item' data-status={d.message_status ?? 'none'}>
              · {d.shanghai_day} {d.region_name}：{Number(d.alert_count)} 项预警（{digestMessageText(d.message_status)}）
            </Text>
          ))}
          {DIGEST_PLATFORM !== null ? (
            <View>
              <Text className='card__line' data-testid='digest-left'>
                {state.data.left > 0 ? `可推送 ${state.data.left} 次` : '尚未订阅推送：有预警时只记录在此'}
              </Text>
              {notice ? <Text className='notice notice--ok' data-testid='digest-notice'>{notice}</Text> : null}
              {error ? <ErrorBlock message={error} onRetry={() => void subscribe()} /> : null}
              <Button className={`btn btn--secondary${busy ? ' btn--busy' : ''}`} data-testid='digest-subscribe' onClick={() => void subscribe()}>
                {busy ? '正在请求…' : '订阅每日预警摘要推送'}
              </Button>
            </View>
          ) : (
            <Text className='card__line' data-testid='digest-elsewhere'>
              {SUBSCRIBE_PLATFORM === null
                ? '网页版无法接收微信订阅消息：摘要只记录在此页，请在这里查看；在微信小程序的监督台可订阅推送。'
                : '本版本未配置预警摘要的消息模板：摘要只记录在此页。'}
            </Text>
          )}
        </View>
      ) : null}
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
      <Digests />
    </View>
  )
}
