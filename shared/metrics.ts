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
  /** Non-default ratings of 办件 (the numerator of 主动评价率). */
  activeCount: number;
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
