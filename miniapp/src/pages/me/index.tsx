import { Button, Switch, Text, View } from '@tarojs/components'
import { Shell } from '../../components/Shell.tsx'
import { LoginPanel } from '../../components/LoginPanel.tsx'
import { ErrorBlock, Loading } from '../../components/StatusBlock.tsx'
import { whoami } from '../../lib/api.ts'
import { PRIVACY_NOTICE } from '../../lib/privacy.ts'
import { summarizeWhoami } from '../../lib/roles.ts'
import { clearSession, type Session } from '../../lib/session.ts'
import { saveSettings, useSettings } from '../../lib/settings.ts'
import { progressSubscription } from '../../lib/subscribe/progress'
import { useAsync } from '../../lib/useAsync.ts'
import { useSession } from '../../lib/useSession.ts'

const LOGIN_NAMES = { dev: '演示账号', wechat: '微信', alipay: '支付宝' } as const

function Account({ session }: { session: Session }) {
  const { state, reload } = useAsync(async () => summarizeWhoami(await whoami()))
  return (
    <View className='card' data-testid='account'>
      <Text className='card__title'>账号</Text>
      <Text className='card__line'>已登录：{session.user.label}</Text>
      <Text className='card__line'>登录方式：{LOGIN_NAMES[session.provider]}</Text>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' && state.data ? (
        <View data-testid='realname-status'>
          {state.data.realnameVerified ? (
            <Text className='card__line'>
              <Text className='badge badge--good'>✓ 已实名认证</Text>
              差评会有工作人员回访，您可以对处理结果申请复核。
            </Text>
          ) : (
            <Text className='card__line'>
              <Text className='badge badge--warn'>未实名认证</Text>
              仍可评价；实名认证请在“一部手机办事通”中完成，认证后差评可获得回访。
            </Text>
          )}
        </View>
      ) : null}
      <Button className='btn btn--secondary card__actions' data-testid='logout' onClick={clearSession}>
        退出登录
      </Button>
    </View>
  )
}

export default function MePage() {
  const session = useSession()
  const { largeText } = useSettings()
  return (
    <Shell title='我的'>
      {session ? <Account session={session} /> : <LoginPanel />}

      <View className='card' data-testid='settings'>
        <Text className='card__title'>显示</Text>
        <View
          className='setting'
          data-testid='large-text'
          data-on={largeText ? 'yes' : 'no'}
          onClick={() => saveSettings({ largeText: !largeText })}
        >
          <View className='setting__text'>
            <Text className='setting__name'>大字模式</Text>
            <Text className='setting__state'>{largeText ? '已开启：所有页面文字放大' : '已关闭：点此放大所有页面的文字'}</Text>
          </View>
          <Switch checked={largeText} color='#0b3d91' />
        </View>
      </View>

      <View className='card' data-testid='subscription'>
        <Text className='card__title'>消息提醒</Text>
        {progressSubscription.available ? (
          <Text className='card__line'>提交差评后，可以选择接收整改进度提醒（每次提醒需要您同意一次）。</Text>
        ) : (
          <Text className='card__line'>整改进度请在“我的评价”中查看；在微信小程序中可以开启提醒。</Text>
        )}
      </View>

      <View className='card' data-testid='privacy'>
        <Text className='card__title'>隐私说明</Text>
        {PRIVACY_NOTICE.map((s) => (
          <View key={s.question} className='privacy__section'>
            <Text className='card__strong'>{s.question}</Text>
            {s.answer.map((a) => (
              <Text key={a} className='card__line'>
                · {a}
              </Text>
            ))}
          </View>
        ))}
      </View>
    </Shell>
  )
}
