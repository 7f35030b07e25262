import { fmt, percentile, ratio, runLoad, summarize, table, timeSerial } from './measure.ts';
import { parseOptions, recordName } from './options.ts';
import { countsKey } from './rollups.ts';
import { countsKey as warningCountsKey, warningsAsOf } from './warnings.ts';
import { md5Uuid, OpenPool, ratingOf } from './submit.ts';
import { weappSize } from './package-size.ts';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

describe('percentile (nearest rank)', () => {
  test.each([
    [[5], 50, 5],
    [[5], 99, 5],
    [[1, 2, 3, 4], 50, 2],
    [[4, 3, 2, 1], 50, 2], // order of the samples does not matter
    [[1, 2, 3, 4], 75, 3],
    [[1, 2, 3, 4], 76, 4],
    [[1, 2, 3, 4], 100, 4],
    [[1, 2, 3, 4], 0, 1],
  ])('%j p%d = %d', (samples, p, expected) => {
    expect(percentile(samples, p)).toBe(expected);
  });

  test('p99 of 1..1000 is 990 and p50 is 500', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    expect(percentile(xs, 99)).toBe(990);
    expect(percentile(xs, 50)).toBe(500);
  });

  test('p99 of 100 samples is the 99th, not the maximum', () => {
    const xs = [...Array.from({ length: 99 }, () => 1), 1000];
    expect(percentile(xs, 99)).toBe(1);
    expect(percentile(xs, 100)).toBe(1000);
  });

  test('no samples: NaN; a percentile outside 0–100 is refused; the input is not reordered', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
    const xs = [3, 1, 2];
    percentile(xs, 50);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('summarize, ratio', () => {
  test('throughput is successful calls over wall time', () => {
    const s = summarize([10, 20, 30, 40], 2000, 1);
    expect(s).toEqual({ n: 4, errors: 1, wallMs: 2000, perSecond: 2, p50: 20, p99: 40, max: 40 });
  });
  test('ratio is NaN without a baseline', () => {
    expect(ratio(10, 4)).toBe(2.5);
    expect(ratio(10, 0)).toBeNaN();
    expect(ratio(Number.NaN, 4)).toBeNaN();
  });
});

describe('runLoad', () => {
  test('runs every call once with at most `concurrency` in flight, timing each', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    const workers = new Set<number>();
    const r = await runLoad({
      total: 20,
      concurrency: 4,
      call: async (i, w) => {
        inFlight++;
        most = Math.max(most, inFlight);
        seen.push(i);
        workers.add(w);
        await new Promise((res) => setTimeout(res, 2));
        inFlight--;
      },
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBe(4);
    expect([...workers].sort()).toEqual([0, 1, 2, 3]);
    expect(r.latencies).toHaveLength(20);
    expect(r.errors).toBe(0);
  });

  test('failed calls are counted, not timed, and the first message is kept', async () => {
    const r = await runLoad({ total: 5, concurrency: 2, call: async (i) => { if (i % 2) throw new Error(`no ${i}`); } });
    expect(r.errors).toBe(2);
    expect(r.latencies).toHaveLength(3);
    expect(r.firstError).toBe('no 1');
  });

  test('stop() ends the run early', async () => {
    let calls = 0;
    const r = await runLoad({ total: 1000, concurrency: 1, call: async () => { calls++; }, stop: () => calls >= 7 });
    expect(calls).toBe(7);
    expect(r.latencies).toHaveLength(7);
  });

  test('pauseMs spaces a client\'s calls without counting the pause as latency', async () => {
    const starts: number[] = [];
    const r = await runLoad({ total: 3, concurrency: 1, pauseMs: 30, call: async () => { starts.push(performance.now()); } });
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(25);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(25);
    expect(Math.max(...r.latencies)).toBeLessThan(25);
  });

  test('uses the given clock', async () => {
    let t = 0;
    const r = await runLoad({ total: 3, concurrency: 1, call: async () => { t += 5; }, now: () => t });
    expect(r.latencies).toEqual([5, 5, 5]);
    expect(r.wallMs).toBe(15);
  });
});

describe('formatting', () => {
  test('fmt keeps 3 significant digits and separates thousands', () => {
    expect(fmt(1234.5)).toBe('1,235');
    expect(fmt(12.345)).toBe('12.3');
    expect(fmt(0.012345)).toBe('0.0123');
    expect(fmt(Number.NaN)).toBe('–');
  });
  test('table is GitHub markdown', () => {
    expect(table(['a', 'b'], [['1', '2']])).toBe('| a | b |\n| --- | --- |\n| 1 | 2 |');
  });
});

describe('options', () => {
  test('defaults: full scale, every benchmark', () => {
    const o = parseOptions([]);
    expect(o.scale).toBe(1);
    expect(o.only).toEqual(['submit', 'ingest', 'stats', 'job', 'start']);
    expect(o.submitCalls).toBe(2000);
    expect(o.allowH5Build).toBe(false);
  });
  test('--quick is 1% of the data with fewer calls; --only keeps the canonical order', () => {
    const o = parseOptions(['--quick', '--only=start,submit']);
    expect(o.scale).toBe(0.01);
    expect(o.only).toEqual(['submit', 'start']);
    expect(o.submitCalls).toBe(200);
    expect(o.statsCalls).toBe(20);
    expect(parseOptions(['--allow-h5-build']).allowH5Build).toBe(true);
    expect(parseOptions([]).record).toBe(false);
    expect(parseOptions(['--record']).record).toBe(true);
  });
  test.each([['--scale=2'], ['--scale=0'], ['--scale=x'], ['--only=nope'], ['--fast'], ['--quick=1']])('refuses %s', (arg) => {
    expect(() => parseOptions([arg])).toThrow();
  });
});

test('--record names a run by its UTC start, scale and benchmarks', () => {
  expect(recordName(new Date('2026-12-04T20:05:31Z'), { scale: 0.1, only: ['stats', 'job'] })).toBe('20261204T2005Z_scale-0.1_stats-job');
});

describe('data helpers', () => {
  test("md5Uuid spells md5(text)::uuid as PostgreSQL does", () => {
    // select md5('abc')::uuid → 90015098-3cd2-4fb0-d696-3f7d28e17f72
    expect(md5Uuid('abc')).toBe('90015098-3cd2-4fb0-d696-3f7d28e17f72');
  });
  test('OpenPool hands out each 办件 once and refuses past its size', () => {
    const pool = new OpenPool(5);
    expect(pool.take(2)).toEqual([1, 2]);
    expect(pool.take(3)).toEqual([3, 4, 5]);
    expect(pool.left).toBe(0);
    expect(() => pool.take(1)).toThrow(/used up/);
  });
  test('every tenth rating is a 差评 with a tag of its level', () => {
    expect(ratingOf(10)).toEqual({ level: 2, tags: ['213'] });
    expect(ratingOf(11)).toEqual({ level: 5, tags: [] });
  });
  test('countsKey compares counts whatever their JSON type', () => {
    const api = [{ group_key: '530902', rating_count: 3, default_count: 1, good_count: 2, neutral_count: 1, bad_count: 0, finished_count: 4, active_count: 2, group_name: '临翔区' }];
    const sql = [{ group_key: '530902', rating_count: '3', default_count: '1', good_count: '2', neutral_count: '1', bad_count: '0', finished_count: '4', active_count: '2' }];
    expect(countsKey(api)).toBe(countsKey(sql));
    expect(countsKey(api)).not.toBe(countsKey([{ ...sql[0]!, bad_count: '1' }]));
  });
});

describe('weappSize', () => {
  test('the main package is everything outside the subpackage roots', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'weapp-size-'));
    try {
      const write = (f: string, bytes: number) => {
        mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        writeFileSync(path.join(dir, f), 'x'.repeat(bytes));
      };
      const appJson = JSON.stringify({ pages: ['pages/index/index'], subPackages: [{ root: 'staff', pages: ['a/index'] }] });
      write('app.json', 0);
      writeFileSync(path.join(dir, 'app.json'), appJson);
      write('app.js', 100);
      write('pages/index/index.js', 50);
      write('staff/a/index.js', 70);
      write('staffing.js', 5); // not under the root "staff/"
      const s = weappSize(dir);
      expect(s.mainBytes).toBe(appJson.length + 155);
      expect(s.totalBytes).toBe(appJson.length + 225);
      expect(s.subpackages).toEqual([{ root: 'staff/', bytes: 70 }]);
      expect(s.largest[0]).toEqual({ file: 'app.js', bytes: 100 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('timeSerial makes its calls one at a time and fails the benchmark on any failed call', async () => {
  let running = 0;
  let most = 0;
  const s = await timeSerial(async () => {
    most = Math.max(most, ++running);
    await new Promise((r) => setTimeout(r, 1));
    running--;
  }, 5);
  expect([s.n, most]).toEqual([5, 1]);
  let k = 0;
  await expect(timeSerial(async () => { if (++k === 3) throw new Error('third call failed'); }, 5)).rejects.toThrow('third call failed');
});

test('差评预警 bench: as of the history\'s last day; rows compared as a set of their counted columns', () => {
  expect(warningsAsOf()).toBe('2026-10-31');
  const a = { object_type: 'unit', object_id: 'u1', window_days: 7, recent_count: '40', recent_bad: 16, baseline_count: 400, baseline_bad: 20, p_value: 0.001 };
  const b = { ...a, object_id: 'w1', object_type: 'window' };
  expect(warningCountsKey([a, b])).toBe(warningCountsKey([{ ...b, p_value: 0.5 }, { ...a, recent_count: 40 }]));
  expect(warningCountsKey([a])).not.toBe(warningCountsKey([{ ...a, baseline_bad: 21 }]));
});
