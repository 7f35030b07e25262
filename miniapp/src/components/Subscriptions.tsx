/**
 * 我的 → 消息订阅: how many messages of each kind the server may still send this citizen
 * (my_subscriptions), and on WeChat and Alipay a button that asks for more (one-time
 * subscriptions, R17; Alipay since issue 15.3). A build without templates shows no button and
 * no apology for it (issue 15.2): only where progress can be read instead.
 */
import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { Empty, ErrorBlock, Loading } from './StatusBlock.tsx'
import { buildValue } from '../lib/build-env.ts'
import { toAppError } from '../lib/errors.ts'
import { mySubscriptions, recordSubscriptions } from '../lib/settings-api.ts'
import { KIND_LABELS, configuredTemplates, requestMoreSubscriptions, subscriptionLines } from '../lib/subscriptions.ts'
import { SUBSCRIBE_PLATFORM, requestSubscribe } from '../lib/subscribe/request.ts'
import { useAsync } from '../lib/useAsync.ts'
import './Settings.scss'

const TEMPLATES = configuredTemplates({
  invite: buildValue(() => process.env.TARO_APP_TEMPLATE_INVITE),
  reminder: buildValue(() => process.env.TARO_APP_TEMPLATE_REMINDER),
  reply: buildValue(() => process.env.TARO_APP_TEMPLATE_REPLY),
})

/** The platform whose prompt this build can open, when templates are configured. */
const PLATFORM = TEMPLATES.length > 0 ? SUBSCRIBE_PLATFORM : null

export function Subscriptions() {
  const { state, reload } = useAsync(mySubscriptions)
  const [busy, setBusy] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  const more = async () => {
    // The prompt must open synchronously inside this tap: nothing is awaited before it.
    if (busy || PLATFORM === null) return
    const platform = PLATFORM
    setBusy(true)
    setNotice(null)
    setError(null)
    try {
      const accepted = await requestMoreSubscriptions(
        TEMPLATES,
        requestSubscribe,
        async (kinds) => {
          await recordSubscriptions(platform, kinds)
        },
      )
      setNotice(accepted.length > 0 ? `已开启：${accepted.map((k) => KIND_LABELS[k]).join('、')}各增加 1 次` : '您没有同意接收消息，设置未改变')
      reload()
    } catch (err) {
      setError(toAppError(err).message)
    } finally {
      setBusy(false)
    }
  }

  const lines = state.status === 'done' ? subscriptionLines(state.data) : []
  return (
    <View className='card' data-testid='subscription'>
      <Text className='card__title'>消息订阅</Text>
      <Text className='card__line'>每同意一次，我们最多给您发一条对应的消息（评价邀请、办结提醒、差评处理回复）。</Text>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' && lines.length === 0 ? <Empty label='暂无可用的消息提醒' /> : null}
      {lines.length > 0 ? (
        <View className='sub-list' data-testid='subscription-list'>
          {lines.map((l) => (
            <Text key={l} className='card__line' data-testid='subscription-item'>
              · {l}
            </Text>
          ))}
        </View>
      ) : null}
      {PLATFORM !== null ? (
        <View>
          {notice ? <Text className='notice notice--ok' data-testid='subscription-notice'>{notice}</Text> : null}
          {error ? <ErrorBlock message={error} onRetry={() => void more()} /> : null}
          <Button className={`btn btn--secondary card__actions${busy ? ' btn--busy' : ''}`} data-testid='subscribe-more' onClick={() => void more()}>
            {busy ? '正在请求…' : '接收更多消息提醒'}
          </Button>
        </View>
      ) : (
        <Text className='card__line' data-testid='subscription-elsewhere'>
          {SUBSCRIBE_PLATFORM === null ? '消息提醒可在微信或支付宝小程序中开启；整改进度请在“我的评价”中查看。' : '整改进度请在“我的评价”中查看。'}
        </Text>
      )}
    </View>
  )
}
