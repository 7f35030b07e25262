/**
 * The metric formulas of SPEC §3, computed from counts. The database's stats() computes the
 * same from its rollups; supabase/tests/database/stats.test.ts proves them equal.
 * Rates are fractions rounded half-up to 4 places, or null where the denominator is 0.
 */
export interface MetricCounts {
  /** Valid ratings in the variant asked for (含默认 or 仅主动). */
  ratingCount: number;
  goodCount: number;
  neutralCount: number;
  badCount: number;
  /** 主动评价率's numerator: of the finishedCount 办件, those whose valid first rating is not a default (a cohort). */
  activeCount: number;
  /** 办件 finished in the period. */
  finishedCount: number;
}

export interface MetricRates {
  satisfactionRate: number | null;
  goodRate: number | null;
  badRate: number | null;
  activeRate: number | null;
}

/** part / whole rounded half-up to 4 decimal places, in integer arithmetic (no float drift). */
export function rate(part: number, whole: number): number | null {
  if (whole === 0) return null;
  const scaled = part * 10_000;
  const q = Math.floor(scaled / whole);
  const r = scaled - q * whole;
  return (2 * r >= whole ? q + 1 : q) / 10_000;
}

export function metricRates(c: MetricCounts): MetricRates {
  return {
    satisfactionRate: rate(c.goodCount + c.neutralCount, c.ratingCount),
    goodRate: rate(c.goodCount, c.ratingCount),
    badRate: rate(c.badCount, c.ratingCount),
    activeRate: rate(c.activeCount, c.finishedCount),
  };
}

/** Counts of the 差评 loop (work orders of valid, substantiated 差评). */
export interface LoopCounts {
  /** 查实 orders: verified, or appeal rejected, or a dismissal overturned. */
  substantiatedCount: number;
  rectifiedCount: number;
  /** Substantiated orders already rectified or past their due day. */
  dueCount: number;
  /** Rectified on or before their (possibly extended) due day. */
  onTimeCount: number;
  realnameSubstantiatedCount: number;
  /** Real-name orders both rectified and revisited (回访). */
  realnameRevisitedCount: number;
}

export interface LoopRates {
  rectifyRate: number | null;
  onTimeRate: number | null;
  realnameRevisitRate: number | null;
}

/** SPEC §3: 差评整改率, 按时整改率, 实名差评回访整改率. */
export function loopRates(c: LoopCounts): LoopRates {
  return {
    rectifyRate: rate(c.rectifiedCount, c.substantiatedCount),
    onTimeRate: rate(c.onTimeCount, c.dueCount),
    realnameRevisitRate: rate(c.realnameRevisitedCount, c.realnameSubstantiatedCount),
  };
}

/** A 办件 as the metrics see it: the day it finished (Asia/Shanghai, YYYY-MM-DD) or null while open. */
export interface FactTransaction {
  id: string;
  finishedDay: string | null;
}

/** A rating as the metrics see it. */
export interface FactRating {
  transactionId: string | null;
  assessNumber: 1 | 2;
  level: number;
  isDefault: boolean;
  valid: boolean;
  /** The day it was given (Asia/Shanghai, YYYY-MM-DD). */
  ratedDay: string;
}

/**
 * SPEC §3 counts from the raw facts, for the days from..to (inclusive): the ratings given in the
 * period (first ratings, valid; 含默认 or 仅主动), and 主动评价率 as a cohort: of the 办件 finished in
 * the period, those whose valid first rating is not a default, whenever it came. The twin of the
 * database's rollups (app.rating_daily, app.finished_daily) read by app.metric_rows.
 */
export function metricCountsOf(
  transactions: readonly FactTransaction[],
  ratings: readonly FactRating[],
  from: string,
  to: string,
  includeDefault: boolean,
): MetricCounts {
  const inPeriod = (day: string | null) => day !== null && day >= from && day <= to;
  const counted = ratings.filter((r) => r.assessNumber === 1 && r.valid && inPeriod(r.ratedDay) && (includeDefault || !r.isDefault));
  const activelyRated = new Set(
    ratings.filter((r) => r.assessNumber === 1 && r.valid && !r.isDefault && r.transactionId !== null).map((r) => r.transactionId),
  );
  const cohort = transactions.filter((t) => inPeriod(t.finishedDay));
  return {
    ratingCount: counted.length,
    goodCount: counted.filter((r) => r.level >= 4).length,
    neutralCount: counted.filter((r) => r.level === 3).length,
    badCount: counted.filter((r) => r.level <= 2).length,
    activeCount: cohort.filter((t) => activelyRated.has(t.id)).length,
    finishedCount: cohort.length,
  };
}

/** Below this many ratings a rate says 样本不足 and stays out of rankings (issue 21: one 差评 in 3 is not a 差评率). */
export const MIN_SAMPLE = 10;

/** part / whole as a percentage with one decimal ('92.4%'); '—' when there is nothing to divide by. */
export function percentText(part: number, whole: number): string {
  const r = rate(part, whole);
  if (r === null) return '—';
  return `${(Math.round(r * 1000) / 10).toFixed(1)}%`;
}

/**
 * A rate with its count beside it, as every screen shows one: '80.0%（4/5）'; with fewer than
 * minSample in the denominator '样本不足（4/5）', so a figure from a handful of ratings is never read
 * as a result; '—（0/0）' with nothing to divide by.
 */
export function rateWithCount(part: number, whole: number, minSample = MIN_SAMPLE): string {
  if (whole === 0) return '—（0/0）';
  if (whole < minSample) return `样本不足（${part}/${whole}）`;
  return `${percentText(part, whole)}（${part}/${whole}）`;
}

export interface Ranked<T> {
  item: T;
  /** 1-based place; equal values share one (standard competition ranking: 1, 2, 2, 4). */
  place: number;
  /** Shares its place with another item (shown as 并列). */
  tied: boolean;
}

/**
 * Ranks items by value (best first; lowIsGood for 差评率), leaving out those with fewer than
 * minSample in their denominator and those without a value. Equal values (to the 4 places a rate
 * has) share a place and are marked tied.
 */
export function rankWithTies<T>(
  items: readonly T[],
  value: (t: T) => number | null,
  sample: (t: T) => number,
  opts: { lowIsGood?: boolean; minSample?: number } = {},
): { ranked: Ranked<T>[]; unranked: T[] } {
  const min = opts.minSample ?? MIN_SAMPLE;
  const rankable = items.filter((t) => value(t) !== null && sample(t) >= min);
  const unranked = items.filter((t) => !rankable.includes(t));
  const sorted = [...rankable].sort((a, b) => (opts.lowIsGood ? value(a)! - value(b)! : value(b)! - value(a)!));
  const key = (t: T) => Math.round(value(t)! * 10_000);
  const ranked = sorted.map((item, i) => {
    const first = sorted.findIndex((o) => key(o) === key(item));
    return { item, place: first + 1, tied: sorted.filter((o) => key(o) === key(item)).length > 1 };
  });
  return { ranked, unranked };
}
