import { seededRandom } from '../tests/support/random.ts';
import { loopRates, metricCountsOf, metricRates, rankingBound, rankWithTies, rate, rateWithCount, WILSON_Z, wilsonLowerBound, type FactRating, type FactTransaction } from './metrics.ts';

test.each([
  [1, 8, 0.125],
  [1, 3, 0.3333],
  [2, 3, 0.6667],
  [1, 20000, 0.0001], // exactly half of the last place rounds up
  [1, 20001, 0],
  [5, 5, 1],
  [0, 7, 0],
])('rate(%i, %i) = %d', (part, whole, expected) => {
  expect(rate(part, whole)).toBe(expected);
});

test('nothing to divide by gives null, not 0 or NaN', () => {
  expect(rate(0, 0)).toBeNull();
});

test('SPEC §3: 满意率 counts levels 3–5, 好评率 4–5, 差评率 1–2, 主动评价率 over finished 办件', () => {
  expect(metricRates({ ratingCount: 100, goodCount: 80, neutralCount: 15, badCount: 5, activeCount: 60, finishedCount: 90 })).toEqual({
    satisfactionRate: 0.95,
    goodRate: 0.8,
    badRate: 0.05,
    activeRate: 0.6667,
  });
});

test('SPEC §3 loop rates: 整改率 over substantiated, 按时 over due, 回访整改率 over real-name substantiated', () => {
  expect(loopRates({
    substantiatedCount: 8, rectifiedCount: 6, dueCount: 7, onTimeCount: 5, realnameSubstantiatedCount: 4, realnameRevisitedCount: 3,
  })).toEqual({ rectifyRate: 0.75, onTimeRate: 0.7143, realnameRevisitRate: 0.75 });
  expect(loopRates({
    substantiatedCount: 0, rectifiedCount: 0, dueCount: 0, onTimeCount: 0, realnameSubstantiatedCount: 0, realnameRevisitedCount: 0,
  })).toEqual({ rectifyRate: null, onTimeRate: null, realnameRevisitRate: null });
});

describe('主动评价率 is a cohort (issue 21.1)', () => {
  const t = (id: string, finishedDay: string | null): FactTransaction => ({ id, finishedDay });
  const r = (transactionId: string | null, ratedDay: string, extra: Partial<FactRating> = {}): FactRating =>
    ({ transactionId, assessNumber: 1, level: 5, isDefault: false, valid: true, ratedDay, ...extra });

  test('ratings given in the month of 办件 finished before it do not count; a late rating counts in the 办件\'s month', () => {
    const txs = [t('a', '2026-11-30'), t('b', '2026-12-01'), t('c', '2026-12-02'), t('d', null)];
    const ratings = [r('a', '2026-12-01'), r('b', '2026-12-03'), r(null, '2026-12-05'), r('c', '2026-12-04', { isDefault: true, level: 3 })];
    const dec = metricCountsOf(txs, ratings, '2026-12-01', '2026-12-31', true);
    expect([dec.activeCount, dec.finishedCount, dec.ratingCount]).toEqual([1, 2, 4]);
    expect(metricRates(dec).activeRate).toBe(0.5);
    const nov = metricCountsOf(txs, ratings, '2026-11-01', '2026-11-30', true);
    expect([nov.activeCount, nov.finishedCount]).toEqual([1, 1]);
  });

  test('an invalid or a follow-up rating does not make a 办件 actively rated', () => {
    const txs = [t('a', '2026-12-01'), t('b', '2026-12-01')];
    const c = metricCountsOf(txs, [r('a', '2026-12-01', { valid: false }), r('b', '2026-12-02', { assessNumber: 2 })], '2026-12-01', '2026-12-31', false);
    expect([c.activeCount, c.finishedCount]).toEqual([0, 2]);
  });

  test('property: over seeded random facts every rate lies in [0, 1]', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rnd = seededRandom(seed);
      const day = () => `2026-${String(10 + Math.floor(rnd() * 3)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`;
      const txs = Array.from({ length: Math.floor(rnd() * 30) }, (_, i) => t(`t${i}`, rnd() < 0.9 ? day() : null));
      const ratings = [
        ...txs.filter(() => rnd() < 0.8).map((x) => {
          // A default is always 基本满意 (R5; the database's ratings_check1).
          const isDefault = rnd() < 0.2;
          return r(x.id, day(), { level: isDefault ? 3 : 1 + Math.floor(rnd() * 5), isDefault, valid: rnd() < 0.9 });
        }),
        ...Array.from({ length: Math.floor(rnd() * 20) }, () => r(null, day(), { level: 1 + Math.floor(rnd() * 5) })),
      ];
      for (const [from, to] of [['2026-10-01', '2026-10-31'], ['2026-11-01', '2026-11-30'], ['2026-12-05', '2026-12-05']] as const) {
        for (const v of Object.values(metricRates(metricCountsOf(txs, ratings, from, to, rnd() < 0.5)))) {
          if (v !== null) expect(v >= 0 && v <= 1).toBe(true);
        }
      }
    }
  });
});

test('a rate is shown with its count; below 10 it is 样本不足', () => {
  expect(rateWithCount(8, 10)).toBe('80.0%（8/10）');
  expect(rateWithCount(4, 5)).toBe('样本不足（4/5）');
  expect(rateWithCount(4, 5, 1)).toBe('80.0%（4/5）');
  expect(rateWithCount(0, 0)).toBe('—（0/0）');
});

test('rankings: equal bounds share a place and say so; small samples and empty rates stay out', () => {
  const items = [
    { k: 'a', part: 18, n: 20 }, { k: 'b', part: 38, n: 40 }, { k: 'c', part: 18, n: 20 }, { k: 'd', part: 3, n: 3 }, { k: 'e', part: 0, n: 0 }, { k: 'f', part: 6, n: 12 },
  ];
  const counts = (i: (typeof items)[number]) => ({ part: i.part, whole: i.n });
  const { ranked, unranked } = rankWithTies(items, counts);
  expect(ranked.map((x) => [x.item.k, x.place, x.tied])).toEqual([['b', 1, false], ['a', 2, true], ['c', 2, true], ['f', 4, false]]);
  expect(ranked[0]!.bound).toBe(wilsonLowerBound(38, 40));
  expect(unranked.map((i) => i.k)).toEqual(['d', 'e']);
  // lowIsGood: the part is the bad count; the fewest bad, confidently, first.
  expect(rankWithTies(items, counts, { lowIsGood: true }).ranked.map((x) => x.item.k)).toEqual(['f', 'a', 'c', 'b']);
});

describe('Wilson lower bound (issue 16.2)', () => {
  test('z is the 0.995 normal quantile (two-sided 99 %): the normal tail above it is 0.005', () => {
    // Simpson's rule on the standard normal density from z to z + 12 (the rest is below 1e-40).
    const steps = 20_000;
    const h = 12 / steps;
    const phi = (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    let sum = phi(WILSON_Z) + phi(WILSON_Z + 12);
    for (let i = 1; i < steps; i++) sum += (i % 2 === 1 ? 4 : 2) * phi(WILSON_Z + i * h);
    expect(Math.abs((sum * h) / 3 - 0.005)).toBeLessThan(1e-12);
  });

  test.each([
    [0, 10, 0],
    [10, 10, 10 / (10 + WILSON_Z ** 2)], // all successes: n / (n + z²)
    [1, 1, 1 / (1 + WILSON_Z ** 2)],
    [2, 2, 2 / (2 + WILSON_Z ** 2)],
  ])('wilsonLowerBound(%i, %i) = %d', (s, n, want) => {
    expect(wilsonLowerBound(s, n)).toBeCloseTo(want, 14);
  });

  test('known values: below the rate, closer to it with more ratings, never outside [0, 1]', () => {
    expect(wilsonLowerBound(95, 100)).toBeCloseTo(0.86085, 5);
    expect(wilsonLowerBound(40, 100)).toBeCloseTo(0.28386, 5);
    expect(wilsonLowerBound(0, 0)).toBeNull();
    let prev = 0;
    for (const n of [10, 100, 1_000, 10_000, 1_000_000]) {
      const b = wilsonLowerBound(n * 0.9, n)!;
      expect(b).toBeLessThan(0.9);
      expect(b).toBeGreaterThan(prev);
      prev = b;
    }
    expect(0.9 - prev).toBeLessThan(0.001);
    for (let n = 1; n <= 60; n++) for (let s = 0; s <= n; s++) {
      const b = wilsonLowerBound(s, n)!;
      expect(b >= 0 && b <= s / n).toBe(true);
    }
  });

  test('bad counts are refused', () => {
    expect(() => wilsonLowerBound(3, 2)).toThrow(RangeError);
    expect(() => wilsonLowerBound(-1, 2)).toThrow(RangeError);
    expect(() => wilsonLowerBound(1.5, 2)).toThrow(RangeError);
  });

  test('rankingBound: the good direction best-first, the bad direction worst-first', () => {
    expect(rankingBound(9, 10)).toBe(wilsonLowerBound(9, 10));
    expect(rankingBound(9, 10, { worstFirst: true })).toBe(wilsonLowerBound(1, 10));
    expect(rankingBound(9, 10, { lowIsGood: true })).toBe(wilsonLowerBound(1, 10));
    expect(rankingBound(9, 10, { lowIsGood: true, worstFirst: true })).toBe(wilsonLowerBound(9, 10));
  });

  // With the 10-rating floor lifted, to show what the bound alone does.
  const any = { minSample: 1 };
  const byCount = (x: { part: number; n: number }) => ({ part: x.part, whole: x.n });

  test('2 good of 2 does not top 95 of 100; 0 of 2 does not sink below 40 of 100 bad', () => {
    const lucky = { k: 'lucky', part: 2, n: 2 };
    const steady = { k: 'steady', part: 95, n: 100 };
    expect(rankWithTies([lucky, steady], byCount, any).ranked.map((x) => x.item.k)).toEqual(['steady', 'lucky']);
    // 好评率: the weakest first by the lower bound of the bad direction.
    const unlucky = { k: 'unlucky', part: 0, n: 2 };
    const poor = { k: 'poor', part: 60, n: 100 }; // 40 of 100 not good
    expect(rankWithTies([unlucky, poor], byCount, { ...any, worstFirst: true }).ranked.map((x) => x.item.k)).toEqual(['poor', 'unlucky']);
    // The same for 差评率 (low is good), counted as 差评.
    const bad2 = { k: 'bad2', part: 2, n: 2 };
    const bad40 = { k: 'bad40', part: 40, n: 100 };
    expect(rankWithTies([bad2, bad40], byCount, { ...any, lowIsGood: true, worstFirst: true }).ranked.map((x) => x.item.k)).toEqual(['bad40', 'bad2']);
    // …and 0 差评 of 2 does not top a clean 0 of 100.
    expect(rankWithTies([{ k: 'few', part: 0, n: 2 }, { k: 'many', part: 1, n: 100 }], byCount, { ...any, lowIsGood: true }).ranked.map((x) => x.item.k))
      .toEqual(['many', 'few']);
  });

  test('the raw rate would have put the handful first; the bound puts it in its place', () => {
    const rows = [{ k: 'a', part: 10, n: 10 }, { k: 'b', part: 480, n: 500 }, { k: 'c', part: 85, n: 100 }];
    expect(rankWithTies(rows, byCount).ranked.map((x) => x.item.k)).toEqual(['b', 'c', 'a']);
    expect(rankWithTies(rows, byCount, { worstFirst: true }).ranked.map((x) => x.item.k)).toEqual(['c', 'b', 'a']);
  });

  test('property: with equal rates the larger sample ranks first both ways', () => {
    const rnd = seededRandom(7);
    for (let i = 0; i < 200; i++) {
      const num = 1 + Math.floor(rnd() * 9);
      const den = num + Math.floor(rnd() * 10);
      const k = 2 + Math.floor(rnd() * 50);
      const small = { k: 'small', part: num, n: den };
      const big = { k: 'big', part: num * k, n: den * k };
      for (const worstFirst of [false, true]) {
        const order = rankWithTies([small, big], byCount, { ...any, worstFirst }).ranked.map((x) => x.item.k);
        expect({ num, den, k, worstFirst, order }).toEqual({ num, den, k, worstFirst, order: ['big', 'small'] });
      }
    }
  });
});
