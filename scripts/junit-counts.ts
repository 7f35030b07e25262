/**
 * Pure: pass/fail/skip counts of a JUnit report, one per <testcase>. Deno marks an ignored test
 * only inside its own <testcase> (<skipped/>), not in the <testsuites> totals, which would count
 * it as passed.
 */
export function junitCounts(xml: string): { passed: number; failed: number; skipped: number } {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const m of xml.matchAll(/<testcase\b[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = m[1] ?? '';
    if (/<(failure|error)\b/.test(body)) counts.failed++;
    else if (/<skipped\b/.test(body)) counts.skipped++;
    else counts.passed++;
  }
  return counts;
}
