/**
 * export (SPEC §5) in the real Deno runtime against the test stack: CSV (UTF-8 BOM) and XLSX
 * (read back with exceljs) of ratings, work orders and metrics for a supervisor's region and
 * period, with the same rows the database holds and no rater identity; the GB/T 39046 A.8
 * numbering on request; refusals for citizens, staff, anon and other regions; bad parameters
 * as 400 with a stable code; and a large export that streams (the first bytes leave after the
 * first database page, not after the last).
 */
// @ts-types="./exceljs-workbook.d.ts"
import Workbook from 'exceljs/lib/doc/workbook.js';
import { assertEquals, assertMatch } from './assert.ts';
import { createExportHandler } from '../../functions/export/handler.ts';
import { shanghaiTime } from '../../functions/export/columns.ts';
import { connectDb, type Db } from './ingest_support.ts';
import { parseCsv } from '../../../tests/support/csv.ts';

const db: Db = await connectDb();
const apiUrl = Deno.env.get('API_URL')!;
const anonKey = Deno.env.get('ANON_KEY')!;
const CHINESE = /[\u4e00-\u9fff]/;
const test = (name: string, fn: () => Promise<void>) => Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });

async function login(persona: string): Promise<string> {
  const res = await fetch(`${apiUrl}/functions/v1/auth-dev`, {
    method: 'POST', headers: { apikey: anonKey, 'content-type': 'application/json' }, body: JSON.stringify({ persona }),
  });
  return (await res.json()).access_token;
}
const tokens = {
  city: await login('supervisor-city'),
  fengqing: await login('supervisor-fengqing'),
  staff: await login('staff-linxiang'),
  citizen: await login('citizen-a'),
};

/** Counts the database pages the handler asks for. */
let rpcCalls: string[] = [];
const countingFetch: typeof fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  const m = /\/rest\/v1\/rpc\/(\w+)/.exec(url);
  if (m) rpcCalls.push(m[1]!);
  return fetch(input, init);
};
const handler = createExportHandler({ pageSize: 500, fetch: countingFetch });

const get = (query: string, token: string | null = tokens.city, method = 'GET') =>
  handler(new Request(`http://local/export?${query}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} }));

async function csv(query: string, token = tokens.city) {
  const res = await get(query, token);
  assertEquals(res.status, 200);
  assertMatch(res.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
  assertMatch(res.headers.get('content-disposition') ?? '', /^attachment; filename="haochaping-.*\.csv"$/);
  const bytes = new Uint8Array(await res.arrayBuffer());
  assertEquals([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
  const [header, ...rows] = parseCsv(new TextDecoder().decode(bytes.slice(3)));
  return { header: header!, rows };
}

async function xlsx(query: string, token = tokens.city) {
  const res = await get(query, token);
  assertEquals(res.status, 200);
  assertEquals(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const wb = await new Workbook().xlsx.load(new Uint8Array(await res.arrayBuffer()));
  const sheet = wb.worksheets[0]!;
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  const [header, ...data] = rows;
  return { name: sheet.name, header: header as string[], rows: data };
}

const dbRatings = async (regions: string, from: string, to: string) => (await db.query(
  `select r.id::text, r.level, t.project_no, r.rated_at from app.ratings r left join app.transactions t on t.id = r.transaction_id
   where r.region_code in (select app.region_and_below($1))
     and r.rated_at >= ($2::date)::timestamp at time zone 'Asia/Shanghai' and r.rated_at < ($3::date + 1)::timestamp at time zone 'Asia/Shanghai'
   order by r.rated_at, r.id`, [regions, from, to])).rows as Array<{ id: string; level: number; project_no: string | null; rated_at: Date }>;

const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const yearAgo = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() - 300 * 86_400_000));
const RATER = /评价人|姓名|手机|电话号码|身份证|联系方式|rater|openid/i;

test('CSV of ratings: BOM, Chinese headers, exactly the region\'s rows of the period, no rater identity', async () => {
  const { header, rows } = await csv(`kind=ratings&format=csv&from=${yearAgo}&to=${today}&region=530921`, tokens.fengqing);
  assertEquals(header.slice(0, 3), ['评价编号', '办件编号', '评价次数']);
  assertEquals(header.filter((h) => RATER.test(h)), []);
  const expected = await dbRatings('530921', yearAgo, today);
  assertEquals(rows.length > 0, true);
  assertEquals(rows.map((r) => r[0]), expected.map((r) => r.id));
  const col = (name: string) => header.indexOf(name);
  const first = rows[0]!;
  assertEquals(first[col('区划代码')], '530921');
  assertEquals(first[col('满意度（5 非常满意…1 非常不满意）')], String(expected[0]!.level));
  assertEquals(first[col('评价时间')], shanghaiTime(expected[0]!.rated_at.toISOString()));
  // The whole city, asked by its supervisor, includes 凤庆's rows: thousands over many pages,
  // with runs of equal rated_at that a page boundary must neither repeat nor skip.
  const city = await csv(`kind=ratings&format=csv&from=${yearAgo}&to=${today}`, tokens.city);
  const cityRows = await dbRatings('530900', yearAgo, today);
  assertEquals(cityRows.length > 1000, true);
  assertEquals(city.rows.map((r) => r[0]), cityRows.map((r) => r.id));
});

test('standard=gbt39046 numbers satisfaction as GB/T 39046 A.8 (1 非常满意 … 5 非常不满意)', async () => {
  const { header, rows } = await csv(`kind=ratings&format=csv&from=${yearAgo}&to=${today}&region=530921&standard=gbt39046`, tokens.fengqing);
  const sat = header.findIndex((h) => h.startsWith('满意度（GB/T 39046'));
  const name = header.indexOf('满意度名称');
  const levels = new Map((await dbRatings('530921', yearAgo, today)).map((r) => [r.id, r.level]));
  const seen = new Set<string>();
  for (const r of rows) {
    assertEquals([r[name], Number(r[sat])], [r[name], 6 - levels.get(r[0]!)!]);
    seen.add(`${r[sat]}=${r[name]}`);
  }
  assertEquals(seen.size > 1, true);
  for (const pair of seen) assertEquals(['1=非常满意', '2=满意', '3=基本满意', '4=不满意', '5=非常不满意'].includes(pair), true);
});

test('XLSX of ratings (exceljs): one sheet, header row, the same rows as the database', async () => {
  const { name, header, rows } = await xlsx(`kind=ratings&format=xlsx&from=${yearAgo}&to=${today}&region=530902`);
  assertEquals(name, '评价明细');
  assertEquals(header.filter((h) => RATER.test(h)), []);
  const expected = await dbRatings('530902', yearAgo, today);
  assertEquals(rows.map((r) => r[0]), expected.map((r) => r.id));
  const level = header.indexOf('满意度（5 非常满意…1 非常不满意）');
  assertEquals(rows.map((r) => r[level]), expected.map((r) => r.level));
});

test('work orders (CSV and XLSX) and metrics (both variants) of the supervisor\'s region', async () => {
  const { rows: orders } = await db.query(
    `select id::text from app.work_orders where region_code = '530921'
       and opened_at >= ($1::date)::timestamp at time zone 'Asia/Shanghai' order by opened_at, id`, [yearAgo]);
  const c = await csv(`kind=work_orders&format=csv&from=${yearAgo}&to=${today}`, tokens.fengqing);
  assertEquals(c.header[0], '工单编号');
  assertEquals(c.rows.map((r) => r[0]), orders.map((o) => o.id));
  const x = await xlsx(`kind=work_orders&format=xlsx&from=${yearAgo}&to=${today}`, tokens.fengqing);
  assertEquals(x.name, '差评工单');
  assertEquals(x.rows.map((r) => r[0]), orders.map((o) => o.id));

  const m = await xlsx(`kind=metrics&format=xlsx&from=${yearAgo}&to=${today}&group_by=unit&region=530921`, tokens.fengqing);
  assertEquals(m.name, '统计指标');
  assertEquals(m.header.slice(0, 4), ['口径', '分组', '名称', '评价数']);
  const variants = m.rows.map((r) => r[0]);
  assertEquals(variants.includes('含默认') && variants.includes('仅主动'), true);
  const withDefault = m.rows.filter((r) => r[0] === '含默认').reduce((n, r) => n + Number(r[3]), 0);
  // The same numbers stats() gives the supervisor.
  await db.query('begin');
  await db.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: 'authenticated', sub: '00000000-0000-4000-8000-000000000c02' })]);
  await db.query('set local role authenticated');
  const { rows: [direct] } = await db.query(`select sum(rating_count)::int as n from public.stats($1, $2, 'unit', '530921', null, true)`, [yearAgo, today]);
  await db.query('rollback');
  assertEquals(withDefault, direct.n);
  assertEquals(withDefault > 0, true);
});

test('refused: anon and no token 401; citizens and staff 403; another region 403 — nothing streamed', async () => {
  const q = `kind=ratings&format=csv&from=${yearAgo}&to=${today}`;
  const refusal = async (res: Response) => {
    const body = await res.json();
    assertMatch(body.message, CHINESE);
    return [res.status, body.code];
  };
  assertEquals(await refusal(await get(q, null)), [401, 'unauthorized']);
  assertEquals(await refusal(await get(q, anonKey)), [401, 'unauthorized']);
  assertEquals(await refusal(await get(q, tokens.citizen)), [403, 'forbidden']);
  assertEquals(await refusal(await get(q, tokens.staff)), [403, 'forbidden']);
  assertEquals(await refusal(await get(`${q}&region=530902`, tokens.fengqing)), [403, 'forbidden']);
  assertEquals(await refusal(await get('kind=work_orders&format=xlsx&from=2026-01-01&to=2026-01-31', tokens.staff)), [403, 'forbidden']);
  assertEquals(await refusal(await get('kind=metrics&format=csv&from=2026-01-01&to=2026-01-31', tokens.citizen)), [403, 'forbidden']);
});

test('bad parameters: 400 with a stable code and a Chinese message', async () => {
  const bad = async (query: string, method = 'GET') => {
    const res = await get(query, tokens.city, method);
    const body = await res.json();
    assertMatch(body.message, CHINESE);
    return [res.status, body.code];
  };
  assertEquals(await bad('kind=people&format=csv&from=2026-01-01&to=2026-01-31'), [400, 'invalid_input']);
  assertEquals(await bad('kind=ratings&format=pdf&from=2026-01-01&to=2026-01-31'), [400, 'invalid_input']);
  assertEquals(await bad('kind=ratings&format=csv&from=2026-01-01'), [400, 'invalid_input']);
  assertEquals(await bad('kind=ratings&format=csv&from=2026-02-30&to=2026-03-01'), [400, 'invalid_input']);
  assertEquals(await bad('kind=ratings&format=csv&from=2026-03-01&to=2026-02-01'), [400, 'invalid_input']);
  assertEquals(await bad('kind=ratings&format=csv&from=2026-01-01&to=2026-01-31&region=5309'), [400, 'invalid_input']);
  assertEquals(await bad('kind=ratings&format=csv&from=2026-01-01&to=2026-01-31&surprise=1'), [400, 'invalid_input']);
  assertEquals(await bad('kind=ratings&format=csv&from=2026-01-01&to=2026-01-31&group_by=unit'), [400, 'invalid_input']);
  assertEquals(await bad('kind=ratings&format=csv&from=2025-01-01&to=2026-01-31'), [400, 'export_range_too_long']);
  assertEquals(await bad('kind=ratings&format=csv&from=2026-01-01&to=2026-01-31', 'POST'), [405, 'method_not_allowed']);
});

test('a large export streams: the first bytes leave after the first page; every row arrives once (CSV and XLSX)', async () => {
  // 12,000 ratings of 永德县 in March 2025, away from the demo data every other test reads.
  const n = 12_000;
  await db.query('begin');
  const { rows: made } = await db.query(
    `insert into app.ratings (level, tags, comment, channel, unit_id, region_code, hall_id, window_id, visit_day, rated_at)
     select 1 + i % 5, case when i % 5 = 0 then '{115}'::text[] when i % 5 = 1 then '{214}'::text[] else '{}' end,
            case when i % 7 = 0 then '=HYPERLINK("x"),"带逗号和引号"' end, 'hall_pad', w.unit_id, '530923', w.hall_id, w.id,
            date '2025-03-01' + (i % 31), timestamptz '2025-03-01 08:00+08' + make_interval(mins => i * 3)
     from generate_series(0, $1 - 1) i,
          (select w.* from app.windows w join app.halls h on h.id = w.hall_id where h.region_code = '530923' order by w.id limit 1) w
     returning id`, [n]);
  // Synthetic rows for this test only: not for the provincial platform.
  await db.query('delete from app.upstream_outbox where rating_id = any($1)', [made.map((r) => r.id)]);
  await db.query('commit');
  const expected = (await dbRatings('530923', '2025-03-01', '2025-03-31')).length;
  assertEquals(expected >= n, true);

  rpcCalls = [];
  const res = await get('kind=ratings&format=csv&from=2025-03-01&to=2025-03-31&region=530923');
  assertEquals(res.status, 200);
  const reader = res.body!.getReader();
  const first = await reader.read();
  assertEquals(first.done, false);
  const pagesBeforeFirstBytes = rpcCalls.length;
  let text = new TextDecoder().decode(first.value);
  let chunks = 1;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks++;
    text += new TextDecoder().decode(value, { stream: true });
  }
  const pages = rpcCalls.length;
  assertEquals(pagesBeforeFirstBytes <= 2, true);
  assertEquals(pages >= Math.ceil(expected / 500), true);
  assertEquals(chunks >= pages - 1, true);
  const [header, ...rows] = parseCsv(text.slice(1));
  assertEquals(rows.length, expected);
  assertEquals(new Set(rows.map((r) => r[0])).size, expected);
  // CSV injection: a comment that starts with = is written as text, quotes and commas intact.
  const comment = header!.indexOf('评价内容');
  assertEquals(rows.some((r) => r[comment] === `'=HYPERLINK("x"),"带逗号和引号"`), true);

  rpcCalls = [];
  const x = await xlsx('kind=ratings&format=xlsx&from=2025-03-01&to=2025-03-31&region=530923');
  assertEquals(x.rows.length, expected);
  assertEquals(rpcCalls.length >= Math.ceil(expected / 500), true);
});

test('close', async () => {
  await db.end();
});
