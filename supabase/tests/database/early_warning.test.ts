/**
 * Issue 16.3 and 16.4 in the database: 预警 fires for a real spike of 差评 against a unit's own
 * baseline and not for a handful of ratings; the SQL rule and its twin in shared/early-warning.ts
 * give the same p-values and decisions on seeded random counts; the daily digest is recorded once
 * a day per supervisor whose region alerts; 差评热点 hands over tag counts and grouped comment texts
 * of the scope and the period before it, with no rater. Constructed data in units of their own,
 * every change rolled back; days are counted from today (Asia/Shanghai), never literal dates.
 */
import { EARLY_WARNING_RULES, binomialUpperTail, earlyWarningDecision } from '../../../shared/early-warning.ts';
import { codeOf, connect, type Db, failureWithin, PERSONA_IDS, rolledBack } from '../../../tests/support/db.ts';
import { seededRandom } from '../../../tests/support/random.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

type Q = Db['query'];

async function actAs(q: Q, userId: string): Promise<void> {
  await q('reset role');
  await q(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: 'authenticated', sub: userId })]);
  await q('set local role authenticated');
}

const SEEDS = (process.env.HCP_PROPERTY_SEEDS ?? '11,23,37').split(',').map(Number);

test('the rule constants are the same on both sides', async () => {
  const { rows } = await db.query('select * from app.early_warning_rules()');
  expect(rows[0]).toEqual({
    alpha: EARLY_WARNING_RULES.alpha, min_recent_count: EARLY_WARNING_RULES.minRecentCount, min_recent_bad: EARLY_WARNING_RULES.minRecentBad,
    min_baseline_count: EARLY_WARNING_RULES.minBaselineCount, baseline_days: EARLY_WARNING_RULES.baselineDays, window_days: [...EARLY_WARNING_RULES.windowDays],
  });
});

test.each(SEEDS)('seed %i: SQL and shared/early-warning.ts give the same p-values and decisions', async (seed) => {
  const rnd = seededRandom(seed);
  const cases: Array<[number, number, number, number]> = [];
  for (let i = 0; i < 400; i++) {
    const baselineCount = Math.floor(rnd() ** 2 * 20_000);
    const baselineBad = Math.floor(baselineCount * rnd() ** 3);
    const recentCount = Math.floor(rnd() ** 2 * 3_000);
    // Around the baseline rate, sometimes well above it: both sides of the threshold.
    const rate = Math.min(1, ((baselineBad + 1) / (baselineCount + 2)) * (0.5 + rnd() * 3));
    const recentBad = Math.min(recentCount, Math.round(recentCount * rate + (rnd() - 0.5) * 6));
    cases.push([recentCount, Math.max(0, recentBad), baselineCount, baselineBad]);
  }
  // Edges: nothing, everything, a clean baseline, a handful.
  cases.push([0, 0, 0, 0], [20, 20, 50, 0], [5, 5, 1000, 10], [20, 5, 50, 0], [3000, 3000, 20000, 20000]);
  const { rows } = await db.query(
    `select c.ord, d.baseline_rate, d.p_value, d.alert
     from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) with ordinality c (rn, rb, bn, bb, ord)
     cross join lateral app.early_warning_decision(c.rn, c.rb, c.bn, c.bb) d order by c.ord`,
    [cases.map((c) => c[0]), cases.map((c) => c[1]), cases.map((c) => c[2]), cases.map((c) => c[3])]);
  let alerts = 0;
  for (const [i, [recentCount, recentBad, baselineCount, baselineBad]] of cases.entries()) {
    const ts = earlyWarningDecision({ recentCount, recentBad, baselineCount, baselineBad });
    const sql = rows[i]!;
    const close = Math.abs(sql.p_value - ts.pValue) <= 1e-12 + 1e-9 * ts.pValue;
    expect({ seed, i, recentCount, recentBad, baselineCount, baselineBad, close, alert: sql.alert })
      .toEqual({ seed, i, recentCount, recentBad, baselineCount, baselineBad, close: true, alert: ts.alert });
    expect(sql.baseline_rate).toBeCloseTo(ts.baselineRate, 15);
    if (ts.alert) alerts += 1;
  }
  // The cases reach both decisions.
  expect(alerts).toBeGreaterThan(10);
  expect(alerts).toBeLessThan(cases.length - 10);
  // The tail alone, p from 0 to 1 and n up to 100,000 (the SQL loop stops early: no timeout).
  const tails: Array<[number, number, number]> = [];
  for (let i = 0; i < 200; i++) {
    const n = Math.floor(rnd() ** 3 * 100_000);
    tails.push([Math.floor(rnd() * (n + 2)), n, rnd()]);
  }
  const t = await db.query(
    `select app.binomial_upper_tail(k::int, n::int, p) as v from unnest($1::int[], $2::int[], $3::float8[]) with ordinality x (k, n, p, ord) order by ord`,
    [tails.map((x) => x[0]), tails.map((x) => x[1]), tails.map((x) => x[2])]);
  for (const [i, [k, n, p]] of tails.entries()) {
    const want = binomialUpperTail(k, n, p);
    expect({ k, n, p, ok: Math.abs(t.rows[i].v - want) <= 1e-12 + 1e-9 * want }).toEqual({ k, n, p, ok: true });
  }
});

/** A unit of 临翔区 of its own with a hall and a window (no seed data in it). */
async function newUnit(q: Q, name: string): Promise<{ unit: string; hall: string; window: string }> {
  const unit = (await q(`insert into app.units (region_code, name) values ('530902', $1) returning id`, [name])).rows[0].id;
  const hall = (await q(`insert into app.halls (region_code, name, kind) values ('530902', $1, 'hall') returning id`, [`${name}大厅`])).rows[0].id;
  const window = (await q(`insert into app.windows (hall_id, unit_id, name) values ($1, $2, '1号窗口') returning id`, [hall, unit])).rows[0].id;
  return { unit, hall, window };
}

/**
 * `count` window-visit ratings of the unit, the first `bad` of them 差评 (level 1 with a tag and
 * `comment`), spread over the days `fromDaysAgo` … `toDaysAgo` before today (Asia/Shanghai).
 */
async function visits(q: Q, u: { unit: string; hall: string; window: string }, count: number, bad: number, fromDaysAgo: number, toDaysAgo: number, comment: string | null = null, tags: string[] = []) {
  await q(
    `with today as (select (now() at time zone 'Asia/Shanghai')::date as d)
     insert into app.ratings (level, tags, comment, channel, unit_id, region_code, hall_id, window_id, visit_day, rated_at)
     select case when g <= $2 then 1 else 5 end,
            case when g <= $2 then $8::text[] else '{}' end,
            case when g <= $2 then $7 end,
            'qrcode', $3, '530902', $4, $5, x.day, (x.day + time '10:00') at time zone 'Asia/Shanghai'
     from generate_series(1, $1::int) g, today,
     lateral (select today.d - ($6::int + ((g * 7919) % ($9::int - $6::int + 1))) as day) x`,
    [count, bad, u.unit, u.hall, u.window, toDaysAgo, comment, tags.length > 0 ? tags : ['0101'], fromDaysAgo]);
}

async function warningsOf(q: Q, who: string, region: string | null): Promise<Array<Record<string, any>>> {
  await actAs(q, who);
  const { rows } = await q('select * from public.early_warnings($1)', [region]);
  await q('reset role');
  return rows;
}

test('a real spike raises 预警 with the numbers that made it; a handful of ratings and noise do not; the digest records it once a day', async () => {
  await rolledBack(db, async (q) => {
    const tag = (await q(`select code from app.eval_tags where version = 2 and level = 1 order by code limit 1`)).rows[0].code;
    const spike = await newUnit(q, '预警测试-突增单位');
    const few = await newUnit(q, '预警测试-少量单位');
    const noise = await newUnit(q, '预警测试-平稳单位');
    for (const u of [spike, few, noise]) await visits(q, u, 400, 20, 339, 40, null, [tag]); // baseline 5 %
    await visits(q, spike, 40, 16, 5, 0, null, [tag]); // 40 % in the last days
    await visits(q, few, 4, 4, 3, 0, null, [tag]); // 4 of 4 差评: 100 %, but a handful
    await visits(q, noise, 40, 3, 5, 0, null, [tag]); // 7.5 %: chance

    const rows = await warningsOf(q, PERSONA_IDS['supervisor-city'], '530902');
    const mine = (id: string) => rows.filter((r) => r.object_id === id).map((r) => `${r.object_type}:${r.window_days}`).sort();
    expect(mine(spike.unit)).toEqual(['unit:30', 'unit:7']);
    expect(mine(spike.window)).toEqual(['window:30', 'window:7']);
    expect(mine(few.unit)).toEqual([]);
    expect(mine(few.window)).toEqual([]);
    expect(mine(noise.unit)).toEqual([]);

    // The numbers that made it, and the twin's decision on them.
    const r7 = rows.find((r) => r.object_id === spike.unit && r.window_days === 7)!;
    expect({ n: Number(r7.recent_count), bad: Number(r7.recent_bad), bn: Number(r7.baseline_count), bb: Number(r7.baseline_bad) })
      .toEqual({ n: 40, bad: 16, bn: 400, bb: 20 });
    expect(r7.object_name).toBe('预警测试-突增单位');
    const twin = earlyWarningDecision({ recentCount: 40, recentBad: 16, baselineCount: 400, baselineBad: 20 });
    expect(twin.alert).toBe(true);
    expect(Math.abs(r7.p_value - twin.pValue)).toBeLessThanOrEqual(1e-9 * twin.pValue);
    expect(r7.p_value).toBeLessThan(0.01);
    const wRow = rows.find((r) => r.object_id === spike.window && r.window_days === 7)!;
    expect([wRow.object_name, wRow.unit_name]).toEqual(['预警测试-突增单位大厅 1号窗口', '预警测试-突增单位']);
    // The few are not even tested on a small sample: the same 4 of 4 would be "significant" alone.
    expect(earlyWarningDecision({ recentCount: 4, recentBad: 4, baselineCount: 400, baselineBad: 20 }).pValue).toBeLessThan(0.01);

    // Region scope: the city supervisor's default region holds it; 凤庆's supervisor neither sees it
    // nor may ask for 临翔区.
    expect((await warningsOf(q, PERSONA_IDS['supervisor-city'], null)).some((r) => r.object_id === spike.unit)).toBe(true);
    expect((await warningsOf(q, PERSONA_IDS['supervisor-fengqing'], null)).some((r) => r.object_id === spike.unit)).toBe(false);
    const err = await failureWithin(q, () => warningsOf(q, PERSONA_IDS['supervisor-fengqing'], '530902'));
    expect(codeOf(err)).toBe('forbidden');
    await q('reset role');

    // The digest: once a day for every supervisor whose region alerts (the city's covers 临翔区).
    const first = (await q('select public.record_warning_digests(now()) as n')).rows[0].n;
    expect(first).toBeGreaterThanOrEqual(1);
    const digest = (await q(`select * from app.warning_digests where user_id = $1 and shanghai_day = (now() at time zone 'Asia/Shanghai')::date`,
      [PERSONA_IDS['supervisor-city']])).rows;
    expect(digest).toHaveLength(1);
    expect(digest[0].alerts.filter((a: { object_id: string }) => a.object_id === spike.unit).map((a: { window_days: number }) => a.window_days).sort()).toEqual([30, 7]);
    expect((await q(`select count(*)::int as n from app.warning_digests where user_id = $1`, [PERSONA_IDS['supervisor-fengqing']])).rows[0].n).toBe(0);
    expect((await q('select public.record_warning_digests(now()) as n')).rows[0].n).toBe(0);
  });
});

test('预警 counts each window\'s recent days and the baseline year before them to the day (read from the month and day rollups)', async () => {
  await rolledBack(db, async (q) => {
    const tag = (await q(`select code from app.eval_tags where version = 2 and level = 1 order by code limit 1`)).rows[0].code;
    const u = await newUnit(q, '预警测试-边界单位');
    await visits(q, u, 400, 20, 339, 40, null, [tag]); // inside both baselines
    await visits(q, u, 40, 16, 6, 6, null, [tag]); // the 7-day window's first day
    await visits(q, u, 10, 0, 7, 7); // the day before it: the 7-day baseline's last day, inside the 30-day window
    await visits(q, u, 10, 0, 371, 371); // the 7-day baseline's first day (7 + 365 - 1 days ago)
    await visits(q, u, 5, 0, 372, 372); // one day before it: only in the 30-day baseline (30 … 394 days ago)
    const { rows } = await q(
      `select window_days, recent_from, recent_count, recent_bad, baseline_from, baseline_to, baseline_count, baseline_bad,
              recent_from = (now() at time zone 'Asia/Shanghai')::date - window_days + 1 as recent_from_ok
       from app.early_warning_rows('530902', (now() at time zone 'Asia/Shanghai')::date) where object_id = $1 order by window_days`, [u.unit]);
    expect(rows.map((r) => ({ days: r.window_days, n: Number(r.recent_count), bad: Number(r.recent_bad), bn: Number(r.baseline_count), bb: Number(r.baseline_bad), ok: r.recent_from_ok })))
      .toEqual([
        { days: 7, n: 40, bad: 16, bn: 420, bb: 20, ok: true },
        { days: 30, n: 50, bad: 16, bn: 415, bb: 20, ok: true },
      ]);
  });
});

test('差评热点: tags and grouped comment texts of the scope, this period and the one before, no rater', async () => {
  await rolledBack(db, async (q) => {
    const tags = (await q(`select code, name from app.eval_tags where version = 2 and level = 1 order by code limit 2`)).rows;
    const u = await newUnit(q, '热点测试单位');
    const other = await newUnit(q, '热点测试-别的单位');
    // This period: the last 10 days (0 … 9 days ago); the previous: 10 … 19 days ago.
    await visits(q, u, 6, 6, 9, 0, '排队太久，打电话13800001111也没人接', [tags[0].code]);
    await visits(q, u, 2, 2, 9, 0, '材料反复提交', [tags[0].code, tags[1].code]);
    await visits(q, u, 3, 3, 19, 10, '排队太久，打电话13800001111也没人接', [tags[1].code]);
    await visits(q, u, 5, 0, 9, 0); // good ratings: never topics
    await visits(q, other, 4, 4, 9, 0, '别的单位的意见', [tags[0].code]);
    const today = (await q(`select (now() at time zone 'Asia/Shanghai')::date::text as d`)).rows[0].d;
    const from = (await q(`select ((now() at time zone 'Asia/Shanghai')::date - 9)::text as d`)).rows[0].d;

    await actAs(q, PERSONA_IDS['supervisor-city']);
    const { rows, fields } = await q('select * from public.bad_review_topics($1, $2, $3, $4, null)', [from, today, '530902', u.unit]);
    await q('reset role');
    // Counts and texts only: no rater, id or time column.
    expect(fields.map((f) => f.name)).toEqual(['period', 'kind', 'tag_code', 'tag_name', 'body', 'n']);
    const get = (period: string, kind: string, key?: string) =>
      rows.filter((r) => r.period === period && r.kind === kind && (key === undefined || r.tag_code === key || r.body === key)).map((r) => Number(r.n));
    expect(get('current', 'total')).toEqual([8]);
    expect(get('previous', 'total')).toEqual([3]);
    expect(get('current', 'commented')).toEqual([8]);
    expect(get('current', 'tag', tags[0].code)).toEqual([8]);
    expect(get('current', 'tag', tags[1].code)).toEqual([2]);
    expect(get('previous', 'tag', tags[1].code)).toEqual([3]);
    expect(rows.find((r) => r.kind === 'tag' && r.tag_code === tags[0].code).tag_name).toBe(tags[0].name);
    // Grouped, with the phone number masked; the other unit's comment is not in this scope.
    expect(get('current', 'comment', '排队太久，打电话＊＊＊也没人接')).toEqual([6]);
    expect(get('previous', 'comment', '排队太久，打电话＊＊＊也没人接')).toEqual([3]);
    expect(rows.some((r) => (r.body ?? '').includes('13800001111') || (r.body ?? '').includes('别的单位'))).toBe(false);

    // 凤庆's supervisor may not ask about a 临翔区 unit; a citizen or staff not at all.
    for (const [who, args, code] of [
      [PERSONA_IDS['supervisor-fengqing'], [from, today, null, u.unit], 'not_found'],
      [PERSONA_IDS['supervisor-fengqing'], [from, today, '530902', null], 'forbidden'],
      [PERSONA_IDS['staff-linxiang'], [from, today, null, null], 'forbidden'],
      [PERSONA_IDS['citizen-a'], [from, today, null, null], 'forbidden'],
      [PERSONA_IDS['supervisor-city'], [today, from, null, null], 'invalid_input'],
    ] as const) {
      const err = await failureWithin(q, async () => {
        await actAs(q, who);
        return q('select * from public.bad_review_topics($1, $2, $3, $4, null)', [...args]);
      });
      expect({ who, code: codeOf(err) }).toEqual({ who, code });
    }
    await q('reset role');
  });
});
