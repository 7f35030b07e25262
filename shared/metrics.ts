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

/**
 * The z of every Wilson bound (issue 16.2): 2.5758…, the standard normal quantile of 0.995, i.e. a
 * two-sided 99 % Wilson interval, whose ends are each a one-sided 99.5 % bound. Two-sided because a
 * ranking uses both ends: best-first by the lower bound of the good direction, 最弱-first by the
 * lower bound of the bad direction (= 1 − the upper bound of the good). 99 % and not 95 % because a
 * ranking compares dozens to hundreds of windows at once, and because at 95 % a window with 2 差评
 * in 2 ratings (lower bound 34 %) would still sink below one with 40 in 100 (31 %): at 99 % it does
 * not (23 % against 28 %). Stricter than 预警's p < 0.01 one-sided, which asks about one unit.
 * Twin: the default z of app.wilson_lower_bound in supabase/schemas/14_analytics.sql.
 */
export const WILSON_Z = 2.5758293035489;

/**
 * The Wilson score lower bound of the rate successes / n: the smallest true rate the counts do not
 * rule out at WILSON_Z. With few ratings it stays far below the observed rate (2 of 2 → 23 %), with
 * many it approaches it (95 of 100 → 86 %), so ordering by it lets neither a lucky nor an unlucky
 * handful top or sink a list. null when n = 0 (no rate). Same operations in the same order as its SQL
 * twin app.wilson_lower_bound (parity: supabase/tests/database/wilson_bound.test.ts).
 */
export function wilsonLowerBound(successes: number, n: number, z = WILSON_Z): number | null {
  if (!Number.isInteger(successes) || !Number.isInteger(n) || n < 0 || successes < 0 || successes > n || !(z >= 0)) {
    throw new RangeError(`wilsonLowerBound(${successes}, ${n}, ${z})`);
  }
  if (n === 0) return null;
  if (successes === 0) return 0;
  const p = successes / n;
  const zz = z * z;
  const centre = p + zz / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + zz / (4 * n * n));
  return Math.min(1, Math.max(0, (centre - spread) / (1 + zz / n)));
}

/**
 * The key a ranking orders by (issue 16.2), highest first: the Wilson lower bound of the rate in
 * the direction the list runs. Best-first (a ranking): the lower bound of the good direction, that
 * is of part / whole, or for a rate where low is good (差评率) of (whole − part) / whole, which is
 * 1 − the upper bound of the 差评率. 最弱-first (worstFirst): the lower bound of the bad direction,
 * e.g. of the 差评率 itself, or of 1 − 满意率. So the top of either list holds those whose counts
 * make them confidently good (or confidently weak), never a handful that happened to be all one way.
 */
export function rankingBound(part: number, whole: number, opts: { lowIsGood?: boolean; worstFirst?: boolean } = {}): number | null {
  const good = opts.lowIsGood ? whole - part : part;
  return wilsonLowerBound(opts.worstFirst ? whole - good : good, whole);
}

export interface Ranked<T> {
  item: T;
  /** 1-based place; equal bounds share one (standard competition ranking: 1, 2, 2, 4). */
  place: number;
  /** Shares its place with another item (shown as 并列). */
  tied: boolean;
  /** The Wilson bound it was ordered by (rankingBound). */
  bound: number;
}

/**
 * Ranks items by the Wilson lower bound of their rate (rankingBound; issue 16.2): best first
 * (lowIsGood for 差评率), or weakest first with worstFirst. Leaves out those with fewer than
 * minSample in their denominator (样本不足) and those with nothing to divide. Equal bounds (to the 4
 * places a rate has) share a place and are marked tied; among them the larger sample comes first.
 * Every screen shows the rate with its count beside the place (rateWithCount), never the bound.
 */
export function rankWithTies<T>(
  items: readonly T[],
  counts: (t: T) => { part: number; whole: number },
  opts: { lowIsGood?: boolean; worstFirst?: boolean; minSample?: number } = {},
): { ranked: Ranked<T>[]; unranked: T[] } {
  const min = opts.minSample ?? MIN_SAMPLE;
  const keyed = items.map((item) => {
    const { part, whole } = counts(item);
    return { item, whole, bound: whole >= min && whole > 0 ? rankingBound(part, whole, opts) : null };
  });
  const key = (b: number) => Math.round(b * 10_000);
  const sorted = keyed
    .filter((k): k is { item: T; whole: number; bound: number } => k.bound !== null)
    .sort((a, b) => key(b.bound) - key(a.bound) || b.whole - a.whole);
  const ranked = sorted.map(({ item, bound }) => {
    const first = sorted.findIndex((o) => key(o.bound) === key(bound));
    return { item, place: first + 1, tied: sorted.filter((o) => key(o.bound) === key(bound)).length > 1, bound };
  });
  return { ranked, unranked: keyed.filter((k) => k.bound === null).map((k) => k.item) };
}
