/**
 * 管理 → 系统状态 (issue 19.1): what the city's IT team watches — each scheduled job's last run,
 * the upward outbox, today's reminders and the feeds of business systems and devices, each part
 * with the server's own red flag (system_status() decides what is red; the page only shows it).
 */
import { z } from 'zod'
import { rpc } from './api.ts'

const Num = z.coerce.number()
const Instant = z.string().nullable()

export const JobStatus = z.object({
  name: z.string(),
  schedule: z.string(),
  active: z.boolean(),
  interval_seconds: Num,
  last_started_at: Instant,
  last_finished_at: Instant,
  last_outcome: z.enum(['succeeded', 'failed']).nullable(),
  last_duration_ms: Num.nullable(),
  last_rows: Num.nullable(),
  last_error: z.string().nullable(),
  last_success_at: Instant,
  failures_24h: Num,
  overdue: z.boolean(),
  red: z.boolean(),
})
export type JobStatus = z.infer<typeof JobStatus>

export const FeedStatus = z.object({
  kind: z.string(),
  key_id: z.string(),
  name: z.string(),
  region_code: z.string(),
  newest_at: Instant,
  age_seconds: Num.nullable(),
  silent: z.boolean(),
  red: z.boolean(),
})
export type FeedStatus = z.infer<typeof FeedStatus>

export const SystemStatus = z.object({
  generated_at: z.string(),
  red: z.boolean(),
  jobs: z.array(JobStatus),
  outbox: z.object({
    pending: Num, dead: Num, delivered: Num,
    oldest_pending_at: Instant, oldest_dead_at: Instant,
    created_last_hour: Num, delivered_last_hour: Num,
    retention_days: Num, growing: z.boolean(), red: z.boolean(),
  }),
  reminders: z.object({
    day: z.string(), sent_today: Num, failed_today: Num, retrying: Num, red: z.boolean(),
    quota: z.array(z.object({ platform: z.string(), kind: z.string(), remaining: Num, users: Num })),
  }),
  feeds: z.array(FeedStatus),
  retention: z.object({ outbox_delivered_days: Num, job_runs_days: Num, feed_silent_hours: Num }),
})
export type SystemStatus = z.infer<typeof SystemStatus>

export const systemStatus = async () => SystemStatus.parse(await rpc('system_status'))

export const JOB_LABELS: Readonly<Record<string, string>> = {
  'apply-default-ratings': '默认评价（逾期未评自动基本满意）',
  'comment-check': '意见内容检查',
  'escalate-overdue': '超期预警',
  'purge-identity-tokens': '清理过期凭证',
  'purge-retention': '清理已报送数据（保留期满）',
  'record-warning-digests': '差评预警日报',
  'report-upstream': '向省平台报送',
  'send-reminders': '发送提醒消息',
}

export const FEED_KINDS: Readonly<Record<string, string>> = {
  business_system: '业务系统', hall_pad: '评价器', hall_terminal: '自助终端', phone: '12345 热线', sms: '短信',
}

/** "3 分钟前", "2 小时前", "4 天前": how old an instant is, as a person says it. */
export function ageLabel(seconds: number | null): string {
  if (seconds === null) return '从未'
  if (seconds < 60) return '刚刚'
  if (seconds < 3600) return `${Math.floor(seconds / 60)} 分钟前`
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} 小时前`
  return `${Math.floor(seconds / 86400)} 天前`
}

/** A schedule's interval as a person says it: 每分钟, 每 10 分钟, 每小时, 每天. */
export function intervalLabel(seconds: number): string {
  if (seconds <= 60) return '每分钟'
  if (seconds < 3600) return `每 ${Math.round(seconds / 60)} 分钟`
  if (seconds < 86400) return seconds === 3600 ? '每小时' : `每 ${Math.round(seconds / 3600)} 小时`
  return '每天'
}
