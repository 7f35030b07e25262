/**
 * What makes a benchmark run wrong rather than slow: stats() and the direct aggregate of the same
 * rows giving different numbers (issue 20.7), or 差评预警's counts differing from the same counts taken
 * from the daily rollup (issue 16.4). A fast answer that is not the count is no result, so
 * `npm run bench` exits non-zero on any of these and prints them.
 */
export interface StatsComparison { name: string; same: boolean }

export interface Verdictable {
  stats?: { rows: ReadonlyArray<{ query: { name: string }; same: boolean }>; afterJob?: readonly StatsComparison[]; warnings?: { same: boolean } };
}

export function disagreements(r: Verdictable): string[] {
  const out: string[] = [];
  for (const row of r.stats?.rows ?? []) if (!row.same) out.push(`stats ${row.query.name}: stats() and the direct aggregate disagree`);
  for (const row of r.stats?.afterJob ?? []) if (!row.same) out.push(`stats ${row.name} after the default job: stats() and the direct aggregate disagree`);
  if (r.stats?.warnings && !r.stats.warnings.same) out.push('early_warnings: its counts and those from rating_daily disagree');
  return out;
}
