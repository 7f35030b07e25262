/**
 * Pure helpers of the benchmark suite: percentiles, summaries of timed samples, ratios, and a
 * closed-loop load runner (N clients, each starting its next call when the last one returns).
 */

/** The p-th percentile (0–100) of `samples` by the nearest-rank method; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside 0–100`);
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export interface Summary {
  /** Calls that succeeded. */
  n: number;
  errors: number;
  /** Wall time of the whole run, ms. */
  wallMs: number;
  /** Successful calls per second over the wall time. */
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(latenciesMs: readonly number[], wallMs: number, errors = 0): Summary {
  return {
    n: latenciesMs.length,
    errors,
    wallMs,
    perSecond: wallMs > 0 ? (latenciesMs.length * 1000) / wallMs : Number.NaN,
    p50: percentile(latenciesMs, 50),
    p99: percentile(latenciesMs, 99),
    max: latenciesMs.length ? Math.max(...latenciesMs) : Number.NaN,
  };
}

/** figure / baseline, NaN when the baseline is 0 or missing. */
export function ratio(figure: number, baseline: number): number {
  return baseline > 0 && Number.isFinite(figure) ? figure / baseline : Number.NaN;
}

export interface LoadResult {
  latencies: number[];
  errors: number;
  firstError?: string;
  wallMs: number;
}

/**
 * Runs `call(i)` for i = 0 … total-1 with `concurrency` closed-loop clients (each pausing
 * `pauseMs` between calls, if given). Each call's latency
 * is measured around the promise; a rejected call counts as an error and is not timed.
 * `stop()` (optional) ends the run early, e.g. when a background job finishes.
 */
export async function runLoad(opts: {
  total: number;
  concurrency: number;
  /** The i-th call, made by client `worker` (0 … concurrency-1). */
  call: (i: number, worker: number) => Promise<void>;
  stop?: () => boolean;
  /** A client's pause after each call (think time), ms; 0 = closed loop at full speed. */
  pauseMs?: number;
  now?: () => number;
}): Promise<LoadResult> {
  const now = opts.now ?? (() => performance.now());
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const t0 = now();
  const worker = async (w: number) => {
    while (next < opts.total && !(opts.stop?.() ?? false)) {
      const i = next++;
      const started = now();
      try {
        await opts.call(i, w);
        latencies.push(now() - started);
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
      if (opts.pauseMs) await new Promise((res) => setTimeout(res, opts.pauseMs));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, (_, w) => worker(w)));
  return { latencies, errors, firstError, wallMs: now() - t0 };
}

/** `n` calls of `fn` one after another, summarized; any failure fails the benchmark (a fast error is no result). */
export async function timeSerial(fn: () => Promise<void>, n: number): Promise<Summary> {
  const r = await runLoad({ total: n, concurrency: 1, call: fn });
  if (r.errors) throw new Error(r.firstError);
  return summarize(r.latencies, r.wallMs);
}

/** Number formatting for the tables: 3 significant digits, thousands separated. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '–';
  if (Math.abs(x) >= 10 ** digits) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(digits)).toLocaleString('en-US', { maximumSignificantDigits: digits });
}

/** A GitHub markdown table. */
export function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
