/**
 * 管理 → 系统状态 (issue 19.1), for supervisors and unit admins: the scheduled jobs, the upward
 * outbox, today's reminders and the silent feeds, each red where system_status() says someone is
 * needed. The numbers are the server's; the page adds only words.
 */
import { Button, Text, View } from '@tarojs/components'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading } from '../../../../components/StatusBlock.tsx'
import { instantLabel } from '../../../../lib/format.ts'
import {
  ageLabel, FEED_KINDS, intervalLabel, JOB_LABELS, systemStatus, type FeedStatus, type JobStatus, type SystemStatus,
} from '../../../../lib/system-status-api.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import '../../admin.scss'
import './index.scss'

const ageOf = (instant: string | null, now: string) =>
  instant === null ? null : Math.max(0, Math.round((Date.parse(now) - Date.parse(instant)) / 1000))

function Flag({ red, testId }: { red: boolean; testId: string }) {
  return (
    <Text className={`badge ${red ? 'badge--bad' : 'badge--good'}`} data-testid={testId} data-red={red ? 'true' : 'false'}>
      {red ? '需要处理' : '正常'}
    </Text>
  )
}

function Job({ j, now }: { j: JobStatus; now: string }) {
  return (
    <View className='card' data-testid={`job-${j.name}`} data-red={j.red ? 'true' : 'false'}>
      <Text className='card__title'>{JOB_LABELS[j.name] ?? j.name}</Text>
      <Flag red={j.red} testId={`job-flag-${j.name}`} />
      <Text className='card__line'>{j.name} · {intervalLabel(j.interval_seconds)}（{j.schedule}，UTC）{j.active ? '' : ' · 已停用'}</Text>
      {j.last_started_at === null ? (
        <Text className='card__line'>尚无运行记录</Text>
      ) : (
        <Text className='card__line'>
          最近运行：{instantLabel(j.last_started_at)}（{ageLabel(ageOf(j.last_started_at, now))}）·{' '}
          {j.last_outcome === 'succeeded' ? '成功' : '失败'} · 用时 {j.last_duration_ms ?? 0} 毫秒 · 处理 {j.last_rows ?? 0} 条
        </Text>
      )}
      {j.overdue ? <Text className='card__line'>已超过两个周期未运行</Text> : null}
      {j.last_error ? <Text className='card__line'>错误：{j.last_error}</Text> : null}
      {j.failures_24h > 0 ? <Text className='card__line'>近 24 小时失败 {j.failures_24h} 次</Text> : null}
    </View>
  )
}

function Feed({ f }: { f: FeedStatus }) {
  return (
    <View className='card' data-testid={`feed-${f.key_id}`} data-red={f.red ? 'true' : 'false'}>
      <Text className='card__title'>{FEED_KINDS[f.kind] ?? f.kind} · {f.name}</Text>
      <Flag red={f.red} testId={`feed-flag-${f.key_id}`} />
      <Text className='card__line'>
        {f.newest_at === null ? '从未收到数据' : `最新数据：${instantLabel(f.newest_at)}（${ageLabel(f.age_seconds)}）`}
        {f.silent ? ' · 长时间无数据' : ''}
      </Text>
      <Text className='card__line'>{f.key_id} · 地区 {f.region_code}</Text>
    </View>
  )
}

function Status({ s, reload }: { s: SystemStatus; reload: () => void }) {
  const o = s.outbox
  const r = s.reminders
  return (
    <View>
      <View className='card' data-testid='system-overall' data-red={s.red ? 'true' : 'false'}>
        <Text className='card__title'>{s.red ? '有需要处理的项目' : '各项运行正常'}</Text>
        <Text className='card__line'>更新于 {instantLabel(s.generated_at)}</Text>
        <Button className='btn btn--secondary' data-testid='system-reload' onClick={reload}>刷新</Button>
      </View>

      <Text className='sys-section'>定时任务</Text>
      {s.jobs.map((j) => <Job key={j.name} j={j} now={s.generated_at} />)}

      <Text className='sys-section'>省平台报送</Text>
      <View className='card' data-testid='system-outbox' data-red={o.red ? 'true' : 'false'}>
        <Flag red={o.red} testId='outbox-flag' />
        <Text className='card__line'>待报送 {o.pending} 条{o.oldest_pending_at ? `，最早一条 ${ageLabel(ageOf(o.oldest_pending_at, s.generated_at))}产生` : ''}</Text>
        <Text className='card__line'>近 1 小时新增 {o.created_last_hour} 条，报送成功 {o.delivered_last_hour} 条{o.growing ? ' · 积压在增加' : ''}</Text>
        <Text className='card__line'>报送失败待重推 {o.dead} 条（在 监督台 → 报送状态 处理）</Text>
        <Text className='card__line'>已报送记录保留 {o.retention_days} 天后清理；失败记录处理前不清理</Text>
      </View>

      <Text className='sys-section'>提醒消息（今天）</Text>
      <View className='card' data-testid='system-reminders' data-red={r.red ? 'true' : 'false'}>
        <Flag red={r.red} testId='reminders-flag' />
        <Text className='card__line'>已发送 {r.sent_today} 条，失败 {r.failed_today} 条，等待重试 {r.retrying} 条</Text>
        {r.quota.length === 0 ? <Text className='card__line'>暂无用户订阅</Text> : r.quota.map((q) => (
          <Text key={`${q.platform}-${q.kind}`} className='card__line'>
            {q.platform === 'weapp' ? '微信' : '支付宝'} · {q.kind === 'invite' ? '评价邀请' : q.kind === 'reminder' ? '评价提醒' : '差评回复'}：剩余可发 {q.remaining} 次（{q.users} 人）
          </Text>
        ))}
      </View>

      <Text className='sys-section'>数据接入（超过 {s.retention.feed_silent_hours} 小时无数据标红）</Text>
      {s.feeds.length === 0 ? <Empty label='本地区暂无业务系统或设备' /> : s.feeds.map((f) => <Feed key={f.key_id} f={f} />)}
    </View>
  )
}

function SystemStatusView() {
  const { state, reload } = useAsync(systemStatus)
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  return <Status s={state.data} reload={reload} />
}

export default function SystemStatusPage() {
  return (
    <Shell title='系统状态'>
      <LoginGate reason='监督员或单位管理员登录后使用'>{() => <SystemStatusView />}</LoginGate>
    </Shell>
  )
}
