/**
 * 消息订阅 settings (R17): what `my_subscriptions()` holds, in plain words, and asking WeChat
 * for more one-time subscriptions (one per template the build configures:
 * TARO_APP_TEMPLATE_INVITE / _REMINDER / _REPLY). The accepted kinds are recorded with
 * `record_subscriptions`. Pure apart from the injected request and recorder.
 */
import { z } from 'zod'

export const SUBSCRIPTION_KINDS = ['invite', 'reminder', 'reply'] as const
export type SubscriptionKind = (typeof SUBSCRIPTION_KINDS)[number]

export const SubscriptionRow = z.object({
  platform: z.string(),
  kind: z.string(),
  remaining: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
})
export type SubscriptionRow = z.infer<typeof SubscriptionRow>

export const KIND_LABELS: Record<SubscriptionKind, string> = {
  invite: '评价邀请',
  reminder: '办结提醒',
  reply: '差评处理回复',
}

const PLATFORM_LABELS: Record<string, string> = { weapp: '微信', alipay: '支付宝' }

function isKind(kind: string): kind is SubscriptionKind {
  return (SUBSCRIPTION_KINDS as readonly string[]).includes(kind)
}

/** Pure: "办结提醒 剩余 1 次"; rows of unknown kinds are left out, known ones in a fixed order. */
export function subscriptionLines(rows: SubscriptionRow[]): string[] {
  const known = rows.filter((r) => isKind(r.kind))
  const platforms = new Set(known.map((r) => r.platform))
  return known
    .slice()
    .sort((a, b) => a.platform.localeCompare(b.platform) || SUBSCRIPTION_KINDS.indexOf(a.kind as SubscriptionKind) - SUBSCRIPTION_KINDS.indexOf(b.kind as SubscriptionKind))
    .map((r) => {
      const prefix = platforms.size > 1 ? `${PLATFORM_LABELS[r.platform] ?? r.platform} · ` : ''
      const n = Number(r.remaining)
      return `${prefix}${KIND_LABELS[r.kind as SubscriptionKind]} ${n > 0 ? `剩余 ${n} 次` : '已用完'}`
    })
}

/** Pure: the configured templates (kind → template id), skipping empty ones. */
export function configuredTemplates(ids: Partial<Record<SubscriptionKind, string | undefined>>): Array<{ kind: SubscriptionKind; id: string }> {
  return SUBSCRIPTION_KINDS.flatMap((kind) => {
    const id = ids[kind]?.trim() ?? ''
    return id === '' ? [] : [{ kind, id }]
  })
}

export type RequestSubscribe = (tmplIds: string[]) => Promise<Record<string, unknown>>
export type RecordKinds = (kinds: SubscriptionKind[]) => Promise<void>

/**
 * Asks WeChat for every configured template at once (must run inside a tap) and records the
 * kinds the citizen accepted. Answers the accepted kinds; [] when none (a refusal or a
 * failure of the prompt). A failure to record is thrown: the page shows it with a retry.
 */
export async function requestMoreSubscriptions(
  templates: Array<{ kind: SubscriptionKind; id: string }>,
  requestSubscribe: RequestSubscribe,
  record: RecordKinds,
): Promise<SubscriptionKind[]> {
  if (templates.length === 0) return []
  let res: Record<string, unknown>
  try {
    res = await requestSubscribe(templates.map((t) => t.id))
  } catch {
    return []
  }
  const accepted = templates.filter((t) => res[t.id] === 'accept').map((t) => t.kind)
  if (accepted.length > 0) await record(accepted)
  return accepted
}
