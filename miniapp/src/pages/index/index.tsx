import Taro, { useDidShow } from '@tarojs/taro'
import { Button, Text, View } from '@tarojs/components'
import { LoginPanel } from '../../components/LoginPanel.tsx'
import { OutboxNotice } from '../../components/OutboxNotice.tsx'
import { Shell } from '../../components/Shell.tsx'
import { ErrorBlock, Loading } from '../../components/StatusBlock.tsx'
import { myPendingRatings, whoami } from '../../lib/api.ts'
import { go, ROUTES } from '../../lib/nav.ts'
import { hasAdminDesk, hasStaffDesk, hasSuperviseDesk, summarizeWhoami, type Identity } from '../../lib/roles.ts'
import { scanQuery, targetFromScan } from '../../lib/scene.ts'
import { clearSession, type Session } from '../../lib/session.ts'
import { staffUrgentCount } from '../../lib/staff-urgent-count'
import { useAsync } from '../../lib/useAsync.ts'
import { saveSettings, useSettings } from '../../lib/settings.ts'
import { useSession } from '../../lib/useSession.ts'
import './index.scss'

/** 扫一扫 on WeChat / Alipay; on H5 the 扫码评价 page explains how to open a window's code. */
function scan(): void {
  if (process.env.TARO_ENV === 'h5') {
    go(ROUTES.scan)
    return
  }
  Taro.scanCode({ onlyFromCamera: false, scanType: ['qrCode', 'wxCode'] as never }).then(
    (res) => {
      // WeChat answers { result, path }; Alipay's my.scan (what Taro calls there) { code }.
      const raw = res as { path?: string; result?: string; code?: string }
      const target = targetFromScan({ path: raw.path, result: raw.result ?? raw.code })
      go(ROUTES.scan, target ? scanQuery(target) : 'invalid=1')
    },
    () => undefined,
  )
}

async function loadHome(): Promise<{ identity: Identity | null; pending: number }> {
  const [rows, pending] = await Promise.all([whoami(), myPendingRatings()])
  return { identity: summarizeWhoami(rows), pending: pending.length }
}

function RealnameLine({ verified }: { verified: boolean }) {
  return verified ? (
    <Text className='card__line' data-testid='realname'>
      <Text className='badge badge--good'>✓ 已实名</Text>
      差评可获得回访和整改答复
    </Text>
  ) : (
    <Text className='card__line' data-testid='realname'>
      <Text className='badge badge--warn'>未实名</Text>
      可以评价；实名后差评可获得回访
    </Text>
  )
}

/** 工作台 with what needs action now (issue 21.2): 已超期 and 今明到期 counted on the tile, on every platform (my_urgent_count). */
function StaffTile() {
  const { state } = useAsync(staffUrgentCount)
  const n = state.status === 'done' ? state.data : null
  return (
    <Button className='btn btn--primary tile' data-testid='tile-staff' onClick={() => go(ROUTES.staff)}>
      <Text className='tile__label'>工作台 · 本单位差评处理</Text>
      {n && n.overdue + n.soon > 0 ? (
        <Text className='tile__count' data-testid='staff-urgent-count'>
          {n.overdue > 0 ? `超期 ${n.overdue}` : ''}
          {n.overdue > 0 && n.soon > 0 ? ' · ' : ''}
          {n.soon > 0 ? `今明到期 ${n.soon}` : ''}
        </Text>
      ) : null}
    </Button>
  )
}

function SignedIn({ session }: { session: Session }) {
  const { state, reload } = useAsync(loadHome)
  // Back from rating: the count changed.
  useDidShow(() => {
    if (state.status !== 'loading') reload()
  })
  const pending = state.status === 'done' ? state.data.pending : null
  const identity = state.status === 'done' ? state.data.identity : null
  return (
    <View>
      <View className='card' data-testid='whoami'>
        <Text className='home__name' data-testid='whoami-name'>{identity?.maskedName ?? session.user.label}</Text>
        {state.status === 'loading' ? <Loading /> : null}
        {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
        {identity ? (
          <View>
            <RealnameLine verified={identity.realnameVerified} />
            <Text className='card__line' data-testid='whoami-region'>所在地区：{identity.regionName ?? '未填写'}</Text>
            {identity.roles.map((g) => (
              <Text key={`${g.role}-${g.unitId ?? g.scopeRegionCode ?? ''}`} className='card__line' data-testid='role-item'>
                {g.label}
                {g.unitName ? `（${g.unitName}）` : g.scopeRegionName ? `（${g.scopeRegionName}）` : ''}
              </Text>
            ))}
          </View>
        ) : null}
      </View>
      <OutboxNotice userId={session.user.id} />
      {identity && hasStaffDesk(identity) ? (
        <StaffTile />
      ) : null}
      {identity && hasSuperviseDesk(identity) ? (
        <Button className='btn btn--primary tile' data-testid='tile-supervise' onClick={() => go(ROUTES.supervise)}>
          <Text className='tile__label'>监督台 · 申诉审核和统计</Text>
        </Button>
      ) : null}
      {identity && hasAdminDesk(identity) ? (
        <Button className='btn btn--secondary tile' data-testid='tile-admin' onClick={() => go(ROUTES.admin)}>
          <Text className='tile__label'>管理 · 单位 窗口 人员</Text>
        </Button>
      ) : null}
      <View className='tiles'>
        <Button className='btn btn--primary tile' data-testid='tile-pending' onClick={() => go(ROUTES.pending)}>
          <Text className='tile__icon' aria-hidden='true'>📝</Text>
          <Text className='tile__label'>待评价</Text>
          <Text className='tile__count' data-testid='pending-count'>{pending === null ? '' : `${pending} 件`}</Text>
        </Button>
        <Button className='btn btn--secondary tile' data-testid='tile-scan' onClick={scan}>
          <Text className='tile__icon' aria-hidden='true'>📷</Text>
          <Text className='tile__label'>扫码评价窗口</Text>
        </Button>
        <Button className='btn btn--secondary tile' data-testid='tile-my-ratings' onClick={() => go(ROUTES.myRatings)}>
          <Text className='tile__icon' aria-hidden='true'>📋</Text>
          <Text className='tile__label'>我的评价和整改进度</Text>
        </Button>
        <Button className='btn btn--secondary tile' data-testid='tile-suggest' onClick={() => go(ROUTES.suggest)}>
          <Text className='tile__icon' aria-hidden='true'>💬</Text>
          <Text className='tile__label'>意见建议</Text>
        </Button>
        <Button className='btn btn--secondary tile' data-testid='tile-public' onClick={() => go(ROUTES.public)}>
          <Text className='tile__icon' aria-hidden='true'>📊</Text>
          <Text className='tile__label'>评价结果公开</Text>
        </Button>
        <Button className='btn btn--secondary tile' data-testid='tile-me' onClick={() => go(ROUTES.me)}>
          <Text className='tile__icon' aria-hidden='true'>👤</Text>
          <Text className='tile__label'>我的 · 大字模式 · 隐私说明</Text>
        </Button>
      </View>
      <Button className='btn btn--secondary home__logout' data-testid='logout' onClick={clearSession}>
        退出登录
      </Button>
    </View>
  )
}

export default function IndexPage() {
  const session = useSession()
  const { largeText } = useSettings()
  return (
    <Shell home>
      <View className='home__header'>
        <Text className='home__brand'>好差评 · 掌上评</Text>
        <Text className='home__sub'>临沧市政务服务评价</Text>
        {session ? <Text className='home__sub' data-testid='signed-in-as'>已登录：{session.user.label}</Text> : null}
        {/* 大字版 where people look first (issue 21.7), not the sixth tile. */}
        <View
          className={`home__large${largeText ? ' home__large--on' : ''}`}
          data-testid='header-large-text'
          data-on={largeText ? 'yes' : 'no'}
          {...(process.env.TARO_ENV === 'h5' ? { role: 'switch' } : { 'aria-role': 'switch' })}
          aria-checked={largeText ? 'true' : 'false'}
          onClick={() => saveSettings({ largeText: !largeText })}
        >
          <Text>{largeText ? '大字版：已开启' : '大字版'}</Text>
        </View>
      </View>
      {session ? (
        <SignedIn key={session.access_token} session={session} />
      ) : (
        <View>
          <LoginPanel />
          <View className='tiles'>
            <Button className='btn btn--secondary tile' data-testid='tile-scan' onClick={scan}>
              <Text className='tile__icon' aria-hidden='true'>📷</Text>
              <Text className='tile__label'>扫码评价窗口</Text>
            </Button>
            <Button className='btn btn--secondary tile' data-testid='tile-public' onClick={() => go(ROUTES.public)}>
              <Text className='tile__icon' aria-hidden='true'>📊</Text>
              <Text className='tile__label'>评价结果公开（无需登录）</Text>
            </Button>
            <Button className='btn btn--secondary tile' data-testid='tile-me' onClick={() => go(ROUTES.me)}>
              <Text className='tile__icon' aria-hidden='true'>👤</Text>
              <Text className='tile__label'>大字模式 · 隐私说明</Text>
            </Button>
          </View>
        </View>
      )}
    </Shell>
  )
}
