import { seededRandom } from '../tests/support/random.ts';
import { loopRates, metricCountsOf, metricRates, rankWithTies, rate, rateWithCount, type FactRating, type FactTransaction } from './metrics.ts';

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

test('rankings: ties share a place and say so; small samples and empty rates stay out', () => {
  const items = [
    { k: 'a', v: 0.9, n: 20 }, { k: 'b', v: 0.95, n: 40 }, { k: 'c', v: 0.9, n: 10 }, { k: 'd', v: 1, n: 3 }, { k: 'e', v: null, n: 0 }, { k: 'f', v: 0.5, n: 12 },
  ];
  const { ranked, unranked } = rankWithTies(items, (i) => i.v, (i) => i.n);
  expect(ranked.map((x) => [x.item.k, x.place, x.tied])).toEqual([['b', 1, false], ['a', 2, true], ['c', 2, true], ['f', 4, false]]);
  expect(unranked.map((i) => i.k)).toEqual(['d', 'e']);
  expect(rankWithTies(items, (i) => i.v, (i) => i.n, { lowIsGood: true }).ranked.map((x) => x.item.k)).toEqual(['f', 'a', 'c', 'b']);
});
