/**
 * 预警 (issue 16.4): a unit or window whose 差评 rate over the last 7 or 30 days is significantly
 * above its own 12-month baseline. The rule lives once, in SQL (`app.early_warning_rules`,
 * `app.binomial_upper_tail`, `app.early_warning_decision` in supabase/schemas/14_analytics.sql),
 * which decides what a supervisor is shown; this file is its twin, step for step, so the desk can
 * explain an alert and the tests can prove both give the same p-values and decisions
 * (supabase/tests/database/early_warning.test.ts, seeded random counts).
 */
import { z } from 'zod';
import { Num } from './staff.ts';

/** The rule's constants (equal to app.early_warning_rules(), tested). */
export const EARLY_WARNING_RULES = {
  /** One-sided significance level. */
  alpha: 0.01,
  /** At least this many active ratings in the window: a handful never raises an alert. */
  minRecentCount: 20,
  /** At least this many 差评 in the window. */
  minRecentBad: 5,
  /** At least this many active ratings in the baseline (the 365 days before the window). */
  minBaselineCount: 50,
  baselineDays: 365,
  windowDays: [7, 30] as readonly number[],
} as const;

/** ln(n!): exact to 20!, Stirling's series beyond (PostgreSQL has no lgamma; the SQL twin does the same). */
export function logFactorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`logFactorial(${n})`);
  if (n <= 20) {
    let v = 0;
    for (let i = 2; i <= n; i++) v += Math.log(i);
    return v;
  }
  const x = n;
  return x * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI * x) + 1 / (12 * x) - 1 / (360 * x * x * x) + 1 / (1260 * x * x * x * x * x);
}

/**
 * P(X ≥ k) for X ~ Binomial(n, p): the one-sided p-value of k 差评 in n ratings at rate p. Exact
 * sum in log space from the side where the terms fall, stopping when they drop below e^-40 of the
 * first (as app.binomial_upper_tail).
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n < 0 || !(p >= 0 && p <= 1)) throw new RangeError(`binomialUpperTail(${k}, ${n}, ${p})`);
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p === 0) return 0;
  if (p === 1) return 1;
  const logOdds = Math.log(p) - Math.log(1 - p);
  let sum = 0;
  if (k > Math.floor((n + 1) * p)) {
    const lt0 = logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log(1 - p);
    let lt = lt0;
    for (let i = k; ; i++) {
      if (lt > -700) sum += Math.exp(lt);
      if (i >= n || lt < lt0 - 40) break;
      lt += Math.log((n - i) / (i + 1)) + logOdds;
    }
    return Math.min(1, sum);
  }
  const lt0 = logFactorial(n) - logFactorial(k - 1) - logFactorial(n - k + 1) + (k - 1) * Math.log(p) + (n - k + 1) * Math.log(1 - p);
  let lt = lt0;
  for (let i = k - 1; ; i--) {
    if (lt > -700) sum += Math.exp(lt);
    if (i <= 0 || lt < lt0 - 40) break;
    lt += Math.log(i / (n - i + 1)) - logOdds;
  }
  return Math.max(0, 1 - sum);
}

export interface WarningCounts {
  recentCount: number;
  recentBad: number;
  baselineCount: number;
  baselineBad: number;
}

export interface WarningDecision {
  /** The baseline 差评 rate with one 差评 and one other rating added (a clean year is not a rate of 0). */
  baselineRate: number;
  pValue: number;
  alert: boolean;
}

/** The rule (as app.early_warning_decision): is the window's 差评 count significantly above the baseline? */
export function earlyWarningDecision(c: WarningCounts, rules = EARLY_WARNING_RULES): WarningDecision {
  const baselineRate = (c.baselineBad + 1) / (c.baselineCount + 2);
  const pValue = binomialUpperTail(c.recentBad, c.recentCount, baselineRate);
  const alert =
    c.recentCount >= rules.minRecentCount &&
    c.recentBad >= rules.minRecentBad &&
    c.baselineCount >= rules.minBaselineCount &&
    c.recentBad / c.recentCount > baselineRate &&
    pValue < rules.alpha;
  return { baselineRate, pValue, alert };
}

/** One row of early_warnings(). */
export const EarlyWarningRow = z.object({
  object_type: z.enum(['unit', 'window']),
  object_id: z.guid(),
  object_name: z.string().nullable(),
  unit_name: z.string().nullable(),
  region_code: z.string(),
  window_days: Num,
  recent_from: z.string(),
  recent_count: Num,
  recent_bad: Num,
  recent_rate: Num.nullable(),
  baseline_from: z.string(),
  baseline_to: z.string(),
  baseline_count: Num,
  baseline_bad: Num,
  baseline_rate: Num,
  p_value: Num,
});
export type EarlyWarningRow = z.infer<typeof EarlyWarningRow>;

/** p-value for people: "< 0.0001" rather than 1.2e-9. */
export function pValueText(p: number): string {
  if (p < 0.0001) return 'p < 0.0001';
  return `p = ${p.toFixed(4)}`;
}

/** One alert inside a daily digest (app.warning_digests.alerts): the object and its numbers, no rater. */
export const DigestAlert = z.object({
  object_type: z.enum(['unit', 'window']),
  object_id: z.guid(),
  object_name: z.string().nullable(),
  unit_name: z.string().nullable(),
  window_days: Num,
  recent_count: Num,
  recent_bad: Num,
  p_value: Num,
});
export type DigestAlert = z.infer<typeof DigestAlert>;

/** Where a digest's subscription message stands (app.reminder_log.status; null: none was sent). */
export const DIGEST_MESSAGE_STATUSES = ['sending', 'retry', 'sent', 'failed'] as const;

/** One row of my_warning_digests() (issue 16.4: a supervisor's daily 预警 digests). */
export const WarningDigestRow = z.object({
  id: Num,
  region_code: z.string(),
  region_name: z.string(),
  shanghai_day: z.string(),
  alert_count: Num,
  alerts: z.array(DigestAlert),
  message_status: z.enum(DIGEST_MESSAGE_STATUSES).nullable(),
  sent_at: z.string().nullable(),
});
export type WarningDigestRow = z.infer<typeof WarningDigestRow>;

/** The digest's message as a supervisor reads it on the dashboard. */
export function digestMessageText(status: WarningDigestRow['message_status']): string {
  switch (status) {
    case 'sent': return '已推送订阅消息';
    case 'sending':
    case 'retry': return '订阅消息发送中';
    case 'failed': return '订阅消息未送达';
    default: return '未推送（没有可用的订阅或未绑定微信）';
  }
}
