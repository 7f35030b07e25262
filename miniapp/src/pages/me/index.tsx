import { useState } from 'react'
import { Button, Switch, Text, View } from '@tarojs/components'
import { Shell } from '../../components/Shell.tsx'
import { LoginPanel } from '../../components/LoginPanel.tsx'
import { ErrorBlock, Loading } from '../../components/StatusBlock.tsx'
import { RealnameBind } from '../../components/RealnameBind.tsx'
import { Subscriptions } from '../../components/Subscriptions.tsx'
import { whoami } from '../../lib/api.ts'
import { PRIVACY_NOTICE } from '../../lib/privacy.ts'
import { summarizeWhoami } from '../../lib/roles.ts'
import { clearSession, loadSession, saveSession, type Session } from '../../lib/session.ts'
import { saveSettings, useSettings } from '../../lib/settings.ts'
import { useAsync } from '../../lib/useAsync.ts'
import { useSession } from '../../lib/useSession.ts'
import { COLORS } from '../../lib/tokens.ts'

const LOGIN_NAMES = { dev: '演示账号', wechat: '微信', alipay: '支付宝' } as const

function Account({ session }: { session: Session }) {
  const { state, reload } = useAsync(async () => summarizeWhoami(await whoami()))
  /** The masked name right after a successful binding (before whoami is asked again). */
  const [bound, setBound] = useState<string | null>(null)
  return (
    <View className='card' data-testid='account'>
      <Text className='card__title'>账号</Text>
      <Text className='card__line'>已登录：{session.user.label}</Text>
      <Text className='card__line'>登录方式：{LOGIN_NAMES[session.provider]}</Text>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' && state.data ? (
        <View data-testid='realname-status'>
          {state.data.realnameVerified || bound !== null ? (
            <Text className='card__line'>
              <Text className='badge badge--good' data-testid='realname-verified'>
                ✓ 已实名
              </Text>
              <Text data-testid='realname-masked'>{bound ?? state.data.maskedName}</Text>
              {'  '}差评会有工作人员回访，您可以对处理结果申请复核。
            </Text>
          ) : (
            <View>
              <Text className='card__line'>
                <Text className='badge badge--warn'>未实名认证</Text>
                仍可评价；实名后差评可获得回访。
              </Text>
              <Text className='card__strong'>实名认证</Text>
              <RealnameBind
                onBound={(masked) => {
                  setBound(masked)
                  // One name everywhere after binding (issue 21.4): the stored session's label and
                  // 实名 flag follow, so no header keeps saying 未实名.
                  const now = loadSession()
                  if (now) saveSession({ ...now, user: { ...now.user, label: masked || now.user.label, realname_verified: true } })
                }}
              />
            </View>
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
          <Switch checked={largeText} color={COLORS.navy} />
        </View>
      </View>

      {session ? <Subscriptions /> : null}

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
