import { loopRates, metricRates, rate } from './metrics.ts';

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
