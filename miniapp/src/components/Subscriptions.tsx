/**
 * 我的 → 消息订阅: how many messages of each kind the server may still send this citizen
 * (my_subscriptions), and on WeChat a button that asks for more (one-time subscriptions, R17).
 */
import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { Empty, ErrorBlock, Loading } from './StatusBlock.tsx'
import { buildValue } from '../lib/build-env.ts'
import { toAppError } from '../lib/errors.ts'
import { mySubscriptions, recordSubscriptions } from '../lib/settings-api.ts'
import { KIND_LABELS, configuredTemplates, requestMoreSubscriptions, subscriptionLines } from '../lib/subscriptions.ts'
import { useAsync } from '../lib/useAsync.ts'
import './Settings.scss'

const TEMPLATES = configuredTemplates({
  invite: buildValue(() => process.env.TARO_APP_TEMPLATE_INVITE),
  reminder: buildValue(() => process.env.TARO_APP_TEMPLATE_REMINDER),
  reply: buildValue(() => process.env.TARO_APP_TEMPLATE_REPLY),
})

const IS_WEAPP = process.env.TARO_ENV === 'weapp'

export function Subscriptions() {
  const { state, reload } = useAsync(mySubscriptions)
  const [busy, setBusy] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  const more = async () => {
    if (busy) return
    setBusy(true)
    setNotice(null)
    setError(null)
    try {
      const accepted = await requestMoreSubscriptions(
        TEMPLATES,
        async (tmplIds) => {
          const res: unknown = await Taro.requestSubscribeMessage({ tmplIds, entityIds: [] } as unknown as Taro.requestSubscribeMessage.Option)
          return typeof res === 'object' && res !== null ? { ...res } : {}
        },
        async (kinds) => {
          await recordSubscriptions('weapp', kinds)
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
      {IS_WEAPP && TEMPLATES.length > 0 ? (
        <View>
          {notice ? <Text className='notice notice--ok' data-testid='subscription-notice'>{notice}</Text> : null}
          {error ? <ErrorBlock message={error} onRetry={() => void more()} /> : null}
          <Button className={`btn btn--secondary card__actions${busy ? ' btn--busy' : ''}`} data-testid='subscribe-more' onClick={() => void more()}>
            {busy ? '正在请求…' : '接收更多消息提醒'}
          </Button>
        </View>
      ) : (
        <Text className='card__line' data-testid='subscription-elsewhere'>
          {IS_WEAPP ? '本版本未配置消息模板，暂不能开启提醒；整改进度请在“我的评价”中查看。' : '消息提醒需要在微信小程序中开启；整改进度请在“我的评价”中查看。'}
        </Text>
      )}
    </View>
  )
}
