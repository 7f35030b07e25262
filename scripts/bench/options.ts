/** Command line of `npm run bench`: which benchmarks, at what scale. */

export const BENCHES = ['submit', 'ingest', 'stats', 'job', 'start'] as const;
export type Bench = (typeof BENCHES)[number];

export interface BenchOptions {
  /** 1 = the sizes of the issue (1,000,000 due 办件, 10,000,000 ratings); --quick = 0.01. */
  scale: number;
  only: Bench[];
  /** Timed calls per concurrency level in the submission benchmark. */
  submitCalls: number;
  /** Timed stats() calls per query (the direct aggregate gets a tenth, at least 3). */
  statsCalls: number;
  /** Let `npm start` build a stale H5 app inside the timed start. */
  allowH5Build: boolean;
  /** Keep this run's raw results in benchmarks/ (committed), where BENCHMARKS.md quotes them from. */
  record: boolean;
}

export const USAGE = `npm run bench [-- --quick | --scale=<0.001–1>] [--only=${BENCHES.join(',')}]
  --quick        a smoke run: 1% of the data, few calls (about two minutes)
  --scale=<x>    data and call counts times x (1 = 1,000,000 due 办件 and 10,000,000 ratings)
  --only=<list>  run only these benchmarks (default: all, in the order ${BENCHES.join(', ')})
  --allow-h5-build  time npm start even when it must build the H5 app first
  --record       also keep results.{json,md} as benchmarks/<UTC time>_scale-<x>_<benchmarks>.{json,md}`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  let scale = 1;
  let only: Bench[] = [...BENCHES];
  let allowH5Build = false;
  let record = false;
  for (const arg of argv) {
    const [key, value] = arg.split('=', 2) as [string, string | undefined];
    if (key === '--quick' && value === undefined) scale = 0.01;
    else if (key === '--allow-h5-build' && value === undefined) allowH5Build = true;
    else if (key === '--record' && value === undefined) record = true;
    else if (key === '--scale' && value !== undefined) {
      scale = Number(value);
      if (!(scale >= 0.001 && scale <= 1)) throw new Error(`--scale=${value}: expected a number from 0.001 to 1\n${USAGE}`);
    } else if (key === '--only' && value) {
      const names = value.split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = names.filter((n) => !(BENCHES as readonly string[]).includes(n));
      if (unknown.length) throw new Error(`--only: unknown benchmark ${unknown.join(', ')}\n${USAGE}`);
      only = BENCHES.filter((b) => names.includes(b));
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return {
    scale,
    only,
    submitCalls: Math.max(100, Math.round(2000 * Math.sqrt(scale))),
    statsCalls: Math.max(20, Math.round(100 * Math.sqrt(scale))),
    allowH5Build,
    record,
  };
}

/** Where --record keeps a run: the start time (UTC, to the minute), the scale and the benchmarks run. */
export function recordName(startedAt: Date, options: Pick<BenchOptions, 'scale' | 'only'>): string {
  const at = startedAt.toISOString().slice(0, 16).replace(/[-:]/g, '');
  return `${at}Z_scale-${options.scale}_${options.only.join('-')}`;
}
