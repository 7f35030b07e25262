import { binomialUpperTail, earlyWarningDecision, EARLY_WARNING_RULES, logFactorial } from './early-warning.ts';

/** P(X ≥ k) the slow way: every term from the pmf recurrence, no early stop (n ≤ 300). */
function bruteTail(k: number, n: number, p: number): number {
  let pmf = Math.pow(1 - p, n);
  let tail = 0;
  for (let i = 0; i <= n; i++) {
    if (i >= k) tail += pmf;
    pmf = (pmf * (n - i) * p) / ((i + 1) * (1 - p));
  }
  return Math.min(1, tail);
}

test('logFactorial is ln(n!) both sides of the exact/Stirling switch', () => {
  let exact = 0;
  for (let n = 1; n <= 60; n++) {
    exact += Math.log(n);
    expect(Math.abs(logFactorial(n) - exact)).toBeLessThan(1e-12 * Math.max(1, exact));
  }
  expect(logFactorial(0)).toBe(0);
});

test('binomialUpperTail equals the full sum on a grid of k, n, p', () => {
  for (const n of [1, 2, 5, 20, 57, 150, 300]) {
    for (const p of [0.001, 0.02, 0.1, 0.33, 0.5, 0.9]) {
      for (let k = 0; k <= n; k += Math.max(1, Math.floor(n / 17))) {
        const a = binomialUpperTail(k, n, p);
        const b = bruteTail(k, n, p);
        expect({ k, n, p, diff: Math.abs(a - b) <= 1e-10 + 1e-9 * b }).toEqual({ k, n, p, diff: true });
      }
    }
  }
  expect(binomialUpperTail(0, 10, 0.2)).toBe(1);
  expect(binomialUpperTail(11, 10, 0.2)).toBe(0);
  expect(binomialUpperTail(1, 10, 0)).toBe(0);
  expect(binomialUpperTail(10, 10, 1)).toBe(1);
  // Far out in the tail it stays finite and tiny, never NaN.
  const far = binomialUpperTail(9000, 10000, 0.05);
  expect(far).toBeGreaterThanOrEqual(0);
  expect(far).toBeLessThan(1e-300);
});

test('a real spike alerts; a handful of ratings never does', () => {
  const base = { baselineCount: 2000, baselineBad: 100 }; // 5 %
  expect(earlyWarningDecision({ recentCount: 60, recentBad: 15, ...base }).alert).toBe(true); // 25 %
  expect(earlyWarningDecision({ recentCount: 60, recentBad: 5, ...base }).alert).toBe(false); // 8 %: within chance
  // 4 of 4 差评: 100 %, p tiny, but too few ratings and 差评 to mean anything.
  const few = earlyWarningDecision({ recentCount: 4, recentBad: 4, ...base });
  expect(few.pValue).toBeLessThan(EARLY_WARNING_RULES.alpha);
  expect(few.alert).toBe(false);
  // No baseline to compare with: no alert.
  expect(earlyWarningDecision({ recentCount: 60, recentBad: 30, baselineCount: 10, baselineBad: 0 }).alert).toBe(false);
});
