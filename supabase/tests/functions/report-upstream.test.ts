/**
 * report-upstream (R16) in the real Deno runtime against the test stack and a stand-in
 * provincial platform of its own (provincial_stand_in.ts, on loopback), which validates every
 * item's format. Proves: the SPEC §6 payload and code mappings (satisfaction keeps the level's
 * direction; pf per channel, default through its setting), idempotency by 办件编号 + 评价次数 with
 * changes in order, exponential backoff, dead letters after N tries, supervisors' status and
 * manual re-push, only-the-scheduler access, and a fault run: the platform down for a while →
 * nothing lost, nothing sent twice, everything delivered once it is back; concurrent runs never
 * send the same message twice.
 *
 * The handler gets a clock: the RPCs take `p_now`, so a test moves time forward past a backoff
 * instead of waiting for it.
 */
import { assertEquals, assertMatch } from './assert.ts';
import { createHandler } from '../../functions/report-upstream/handler.ts';
import type { ReportUpstreamConfig } from '../../functions/report-upstream/config.ts';
import { ReportUpstreamResponse, UpstreamStatus, visitProjectNo } from '../../../shared/upstream.ts';
import { connectDb, type Db, newProjectNo, seededIds } from './ingest_support.ts';
import { startProvincial } from './provincial_stand_in.ts';

const db: Db = await connectDb();
const provincial = startProvincial();
const linxiang = await seededIds(db, '530902');
const serviceKey = Deno.env.get('SUPABASE_SERVICE_ROLE_KEY')!;
const schedulerSecret = Deno.env.get('HCP_SCHEDULER_SECRET')!;
const anonKey = Deno.env.get('ANON_KEY')!;
const SUPERVISOR_CITY = '00000000-0000-4000-8000-000000000c01';
const SUPERVISOR_FENGQING = '00000000-0000-4000-8000-000000000c02';
const STAFF_LINXIANG = '00000000-0000-4000-8000-000000000b01';
const CHINESE = /[\u4e00-\u9fff]/;

/** The handler's clock: real time plus what the tests skipped. */
let skippedMs = 0;
const now = () => new Date(Date.now() + skippedMs);
const skip = (seconds: number) => { skippedMs += seconds * 1000; };

const config = (over: Partial<ReportUpstreamConfig> = {}): ReportUpstreamConfig => ({
  endpoint: { url: provincial.url, appKey: provincial.appKey },
  timeoutMs: 2_000,
  batchSize: 200,
  maxBatches: 100,
  ...over,
});

/** As the scheduler calls it: the scheduler secret in its header (or `secret`, null for none). */
const post = (body?: unknown, secret: string | null = schedulerSecret, headers: Record<string, string> = {}) => new Request('http://local/report-upstream', {
  method: 'POST',
  headers: { ...(secret === null ? {} : { 'x-hcp-scheduler-secret': secret }), 'content-type': 'application/json', ...headers },
  body: body === undefined ? undefined : JSON.stringify(body),
});

async function run(over: Partial<ReportUpstreamConfig> = {}, body?: unknown) {
  const res = await createHandler(config(over), { now })(post(body));
  const json = await res.json();
  if (res.status !== 200) throw new Error(`report-upstream answered ${res.status}: ${JSON.stringify(json)}`);
  return ReportUpstreamResponse.parse(json);
}

/** Runs until nothing due is left (each run stops early when the platform fails). */
async function drain(): Promise<void> {
  for (let i = 0; i < 50; i++) if ((await run()).claimed === 0) return;
  throw new Error('the outbox did not drain');
}

const test = (name: string, fn: () => Promise<void>) => Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });

interface RatingSpec {
  level?: number;
  tags?: string[];
  comment?: string | null;
  channel?: string;
  applicantType?: number;
  visit?: boolean;
  ratedAt?: string;
}

/** A finished 办件 of 临翔区自然资源局 and a rating of it (or a visit rating of its window). */
async function rating(spec: RatingSpec = {}): Promise<{ id: string; projectNo: string; key: string; ratedAt: string }> {
  const channel = spec.channel ?? 'mobile';
  const isDefault = channel === 'default';
  const level = isDefault ? 3 : (spec.level ?? 5);
  const ratedAt = spec.ratedAt ?? new Date(Date.now() - 3600_000).toISOString();
  let transactionId: string | null = null;
  let projectNo = '';
  if (!spec.visit) {
    projectNo = newProjectNo('U');
    const { rows } = await db.query(
      `insert into app.transactions (project_no, matter_id, unit_id, region_code, hall_id, window_id, staff_user_id, applicant_type, channel, status, accepted_at, finished_at)
       select $1, m.id, m.unit_id, '530902', $2, $3, $4, $5, 'mobile', 'finished', now() - interval '3 days', now() - interval '2 days'
       from app.matters m where m.code = $6 returning id`,
      [projectNo, linxiang.hallId, linxiang.windowId, linxiang.staffId, spec.applicantType ?? 1, linxiang.matterCode]);
    transactionId = rows[0].id;
  }
  const { rows } = await db.query(
    `insert into app.ratings (transaction_id, level, tags, comment, channel, is_default, unit_id, region_code, matter_id, hall_id, window_id, staff_user_id, visit_day, rated_at)
     select $1, $2, $3, $4, $5, $6, $7, '530902', case when $1::uuid is null then null else (select id from app.matters where code = $8) end,
            $9, $10, $11, case when $1::uuid is null then (($12::timestamptz) at time zone 'Asia/Shanghai')::date end, $12
     returning id`,
    [transactionId, level, spec.tags ?? (level === 1 ? ['115'] : level === 2 ? ['214'] : []), spec.comment ?? null, channel, isDefault, linxiang.unitId, linxiang.matterCode,
      linxiang.hallId, linxiang.windowId, linxiang.staffId, ratedAt]);
  const id: string = rows[0].id;
  if (spec.visit) projectNo = visitProjectNo(id);
  return { id, projectNo, key: `${projectNo}:1`, ratedAt };
}

async function outbox(ratingId: string) {
  const { rows } = await db.query(
    `select id::int, change_seq, reason, status, attempts, next_attempt_at, last_error, idempotency_key, payload
     from app.upstream_outbox where rating_id = $1 order by change_seq`, [ratingId]);
  return rows as Array<{ id: number; change_seq: number; reason: string; status: string; attempts: number; next_attempt_at: Date; last_error: string | null; idempotency_key: string | null; payload: Record<string, unknown> | null }>;
}

/** A supervisor's (or anyone's) RPC call in its own committed transaction, as PostgREST runs it. */
async function asUser<T>(sub: string, sql: string, params: unknown[]): Promise<{ rows?: T[]; code?: string }> {
  await db.query('begin');
  try {
    await db.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: 'authenticated', sub })]);
    await db.query('set local role authenticated');
    const { rows } = await db.query(sql, params);
    await db.query('commit');
    return { rows };
  } catch (err) {
    await db.query('rollback');
    const e = err as { code?: string; message: string };
    return { code: e.code === 'PGRST' ? JSON.parse(e.message).code : e.code };
  }
}

async function withSettings(set: string, work: () => Promise<void>): Promise<void> {
  const { rows: [before] } = await db.query('select * from app.upstream_settings');
  await db.query(`update app.upstream_settings set ${set}`);
  try {
    await work();
  } finally {
    await db.query(
      `update app.upstream_settings set default_channel_pf = $1, max_attempts = $2, backoff_base_seconds = $3, backoff_max_seconds = $4, backoff_jitter = $5, lease_seconds = $6`,
      [before.default_channel_pf, before.max_attempts, before.backoff_base_seconds, before.backoff_max_seconds, before.backoff_jitter, before.lease_seconds]);
  }
}

const accepted = async (key: string) => (await provincial.state()).accepted.filter((a) => a.key === key);

const dueCount = async () => (await db.query(
  `select count(*)::int as n from app.upstream_outbox where status in ('pending', 'sending') and next_attempt_at <= $1`, [now()])).rows[0].n as number;

test('the backlog (seed and earlier tiers) drains, every item in the provincial format', async () => {
  // On a fresh test stack: the seed's ~4,000 ratings (every level, several channels) and the
  // ratings earlier tiers committed.
  const before = await dueCount();
  await drain();
  const state = await provincial.state();
  assertEquals(state.invalid, []);
  assertEquals(await dueCount(), 0);
  assertEquals(state.accepted.length >= before, true);
});

test('the stand-in platform checks every item: required fields, types, code ranges, the time format', async () => {
  const good = {
    projectNo: 'CHECK-1', taskCode: 'T-1', taskName: '事项', proDepart: '单位', deptCode: null, proManager: null, pf: 2, userProp: 1,
    satisfaction: 5, evalDetail: '517', writingEvaluation: '', assessTime: '2026-11-29 08:00:00', assessNumber: 1, areaCode: '530902',
    version: 2, isValid: 1, isDefault: 0, changeSeq: 1,
  };
  const { projectNo: _dropped, ...noProjectNo } = good;
  const items = [
    good,
    { ...good, projectNo: 'CHECK-2', pf: 8 },
    { ...good, projectNo: 'CHECK-3', satisfaction: 6 },
    { ...good, projectNo: 'CHECK-4', assessTime: '2026-11-29T08:00:00Z' },
    { ...good, projectNo: 'CHECK-5', userProp: 7 },
    { ...good, projectNo: 'CHECK-6', assessNumber: '1' },
    { ...good, projectNo: 'CHECK-7', evalDetail: '517;115' },
    noProjectNo,
  ];
  const res = await fetch(provincial.url, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-app-key': provincial.appKey },
    body: JSON.stringify({ appKey: provincial.appKey, items }),
  });
  const body = await res.json();
  assertEquals(body.results.map((r: { success: boolean; code?: string }) => r.code ?? r.success),
    [true, 'invalid_item', 'invalid_item', 'invalid_item', 'invalid_item', 'invalid_item', 'invalid_item', 'invalid_item']);
  const wrongKey = await fetch(provincial.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-app-key': 'wrong' }, body: '{}' });
  assertEquals([wrongKey.status, (await wrongKey.json()).code], [401, 40101]);
  await provincial.reset();
});

test('payload: SPEC §6 fields; satisfaction = level (5 非常满意); pf per channel; default → its setting; visit ratings keyed by rating id', async () => {
  const bad = await rating({ level: 1, tags: ['115', '113'], comment: '窗口让我跑了三趟', channel: 'mobile', applicantType: 2, ratedAt: '2026-11-28T16:30:05Z' });
  const best = await rating({ level: 5, tags: ['517'], channel: 'hall_pad' });
  const dflt = await rating({ channel: 'default' });
  const visit = await rating({ visit: true, level: 4, channel: 'qrcode' });
  await drain();
  const { stored, invalid } = await provincial.state();
  assertEquals(invalid, []);

  const { rows: [matter] } = await db.query('select name from app.matters where code = $1', [linxiang.matterCode]);
  const { rows: [unit] } = await db.query('select name from app.units where id = $1', [linxiang.unitId]);
  const { rows: [officer] } = await db.query('select masked_name from app.users where id = $1', [linxiang.staffId]);
  assertEquals(stored[bad.key], {
    projectNo: bad.projectNo, taskCode: linxiang.matterCode, taskName: matter.name, proDepart: unit.name, deptCode: null,
    proManager: officer.masked_name, pf: 2, userProp: 2, satisfaction: 1, evalDetail: '115,113', writingEvaluation: '窗口让我跑了三趟',
    // 16:30:05 UTC is 00:30:05 the next day in Asia/Shanghai.
    assessTime: '2026-11-29 00:30:05', assessNumber: 1, areaCode: '530902', version: 2, isValid: 1, isDefault: 0, changeSeq: 1,
  });
  assertEquals({ satisfaction: stored[best.key]!.satisfaction, pf: stored[best.key]!.pf, evalDetail: stored[best.key]!.evalDetail }, { satisfaction: 5, pf: 4, evalDetail: '517' });
  assertEquals({ satisfaction: stored[dflt.key]!.satisfaction, pf: stored[dflt.key]!.pf, isDefault: stored[dflt.key]!.isDefault }, { satisfaction: 3, pf: 7, isDefault: 1 });
  assertEquals({ projectNo: stored[visit.key]!.projectNo, pf: stored[visit.key]!.pf, taskCode: stored[visit.key]!.taskCode, satisfaction: stored[visit.key]!.satisfaction },
    { projectNo: visit.projectNo, pf: 3, taskCode: null, satisfaction: 4 });
  assertMatch(visit.projectNo, /^VISIT-[0-9a-f]{32}$/);
  assertEquals((await outbox(visit.id))[0]!.idempotency_key, visit.key);

  // The default channel's code is a setting (Zhejiang sends 7; another province may differ).
  await withSettings('default_channel_pf = 5', async () => {
    const other = await rating({ channel: 'default' });
    await drain();
    assertEquals((await provincial.state()).stored[other.key]!.pf, 5);
  });
});

test('idempotent by 办件编号 + 评价次数: one message per change, in order; nothing re-sent once delivered', async () => {
  const r = await rating({ level: 2, tags: ['214'] });
  await drain();
  assertEquals((await accepted(r.key)).map((a) => a.changeSeq), [1]);

  // An approved appeal makes the rating invalid: a second message for the same key.
  await db.query(`update app.ratings set validity = 'invalid' where id = $1`, [r.id]);
  // A change that the platform does not care about writes nothing.
  await db.query(`update app.ratings set comment_public = true where id = $1`, [r.id]);
  const rows = await outbox(r.id);
  assertEquals(rows.map((o) => [o.change_seq, o.reason, o.status]), [[1, 'rating_created', 'delivered'], [2, 'rating_changed', 'pending']]);
  await drain();
  assertEquals((await accepted(r.key)).map((a) => a.changeSeq), [1, 2]);
  assertEquals((await provincial.state()).stored[r.key]!.isValid, 0);

  // Later runs send nothing for it again.
  skip(86_400);
  await drain();
  assertEquals((await accepted(r.key)).length, 2);
  assertEquals((await outbox(r.id)).map((o) => o.status), ['delivered', 'delivered']);
});

test('a later change waits for the earlier message of the same rating (never overtakes it)', async () => {
  const r = await rating({ level: 5, tags: [] });
  await provincial.reject([r.projectNo]);
  await run();
  await db.query(`update app.ratings set validity = 'invalid' where id = $1`, [r.id]);
  skip(86_400);
  await run();
  // seq 1 failed twice; seq 2 was never claimed while seq 1 was open.
  assertEquals((await outbox(r.id)).map((o) => [o.change_seq, o.status, o.attempts]), [[1, 'pending', 2], [2, 'pending', 0]]);
  await provincial.clearRejects();
  skip(86_400);
  await drain();
  assertEquals((await accepted(r.key)).map((a) => a.changeSeq), [1, 2]);
});

test('backoff: a failed send waits base·2^(n-1) seconds (+ up to 20 % jitter), then is tried again', async () => {
  await drain();
  const r = await rating({});
  await provincial.fault({ mode: 'error', status: 503 });
  try {
    const t0 = now().getTime();
    const first = await run();
    assertMatch(first.endpoint_error ?? '', /HTTP 503/);
    let [o] = await outbox(r.id);
    assertEquals({ status: o!.status, attempts: o!.attempts }, { status: 'pending', attempts: 1 });
    assertMatch(o!.last_error ?? '', /HTTP 503/);
    const wait1 = (o!.next_attempt_at.getTime() - t0) / 1000;
    assertEquals(wait1 >= 59 && wait1 <= 73, true);

    // Not due yet: a run right away does not touch it.
    await run();
    [o] = await outbox(r.id);
    assertEquals(o!.attempts, 1);

    skip(75);
    const t1 = now().getTime();
    await run();
    [o] = await outbox(r.id);
    assertEquals(o!.attempts, 2);
    const wait2 = (o!.next_attempt_at.getTime() - t1) / 1000;
    assertEquals(wait2 >= 119 && wait2 <= 145, true);
  } finally {
    await provincial.clearFault();
  }
  skip(150);
  await drain();
  assertEquals((await outbox(r.id))[0]!.status, 'delivered');
  assertEquals((await accepted(r.key)).length, 1);
});

test('a timeout is a failure (AbortSignal); the retry is acknowledged and the platform keeps one item', async () => {
  await drain();
  const r = await rating({ level: 4, tags: ['413'] });
  await provincial.fault({ mode: 'slow', delay_ms: 1_200, times: 1 });
  const res = await run({ timeoutMs: 300 });
  assertMatch(res.endpoint_error ?? '', /timeout after 300 ms/);
  assertEquals((await outbox(r.id))[0]!.status, 'pending');
  // The slow platform did store it after all (the answer was lost): the retry is harmless.
  for (let i = 0; i < 40 && (await accepted(r.key)).length === 0; i++) await new Promise((ok) => setTimeout(ok, 100));
  skip(300);
  await drain();
  assertEquals((await outbox(r.id))[0]!.status, 'delivered');
  assertEquals((await accepted(r.key)).length, 2);
  assertEquals((await provincial.state()).stored[r.key]!.changeSeq, 1);
});

test('an item the platform rejects is retried alone and dead-lettered after max_attempts; the rest of its batch is delivered', async () => {
  await drain();
  await withSettings('max_attempts = 3', async () => {
    const doomed = await rating({ level: 3, tags: [] });
    const fine = await rating({ level: 5, tags: [] });
    await provincial.reject([doomed.projectNo], 'dept_unknown');
    for (let i = 0; i < 3; i++) {
      await run();
      skip(86_400);
    }
    const [o] = await outbox(doomed.id);
    assertEquals({ status: o!.status, attempts: o!.attempts }, { status: 'dead', attempts: 3 });
    assertMatch(o!.last_error ?? '', /rejected: dept_unknown/);
    assertEquals((await outbox(fine.id))[0]!.status, 'delivered');
    await run();
    assertEquals((await outbox(doomed.id))[0]!.attempts, 3);

    // Supervisors see it: the city's supervisor (530900 and below), not 凤庆县's.
    const city = await asUser<{ s: { counts: Record<string, number>; dead_letters: Array<{ id: number; project_no: string; last_error: string }> } }>(
      SUPERVISOR_CITY, 'select public.upstream_status() as s', []);
    UpstreamStatus.parse(city.rows![0]!.s);
    const dead = city.rows![0]!.s.dead_letters.find((d) => d.id === o!.id);
    assertEquals({ project_no: dead?.project_no, error: /dept_unknown/.test(dead?.last_error ?? '') }, { project_no: doomed.projectNo, error: true });
    assertEquals(city.rows![0]!.s.counts.dead >= 1, true);
    const fengqing = await asUser<{ s: { dead_letters: Array<{ id: number }> } }>(SUPERVISOR_FENGQING, 'select public.upstream_status() as s', []);
    assertEquals(fengqing.rows![0]!.s.dead_letters.some((d) => d.id === o!.id), false);
    assertEquals((await asUser(STAFF_LINXIANG, 'select public.upstream_status()', [])).code, 'forbidden');

    // Re-push: not staff, not another region's supervisor; the city's supervisor may.
    assertEquals((await asUser(STAFF_LINXIANG, 'select * from public.repush_upstream($1)', [o!.id])).code, 'forbidden');
    assertEquals((await asUser(SUPERVISOR_FENGQING, 'select * from public.repush_upstream($1)', [o!.id])).code, 'not_found');
    const repushed = await asUser<{ status: string; attempts: number; repush_count: number }>(SUPERVISOR_CITY, 'select * from public.repush_upstream($1)', [o!.id]);
    assertEquals({ status: repushed.rows![0]!.status, attempts: repushed.rows![0]!.attempts, repush_count: repushed.rows![0]!.repush_count },
      { status: 'pending', attempts: 0, repush_count: 1 });
    assertEquals((await asUser(SUPERVISOR_CITY, 'select * from public.repush_upstream($1)', [o!.id])).code, 'invalid_transition');

    await provincial.clearRejects();
    await drain();
    assertEquals((await outbox(doomed.id))[0]!.status, 'delivered');
    assertEquals((await accepted(doomed.key)).length, 1);
  });
});

test('fault run: the platform down for a while → nothing lost, nothing sent twice, all delivered once it is back', async () => {
  await drain();
  const made = [];
  for (let i = 0; i < 30; i++) made.push(await rating({ level: 1 + (i % 5), channel: ['mobile', 'pc', 'hall_pad', 'default', 'sms'][i % 5]! }));
  await provincial.fault({ mode: 'error', status: 502 });
  try {
    for (let round = 0; round < 4; round++) {
      const res = await run({ batchSize: 7 });
      assertMatch(res.endpoint_error ?? '', /HTTP 502/);
      assertEquals(res.delivered, 0);
      skip(60 * 2 ** round * 1.25);
    }
  } finally {
    await provincial.clearFault();
  }
  const { rows: during } = await db.query(
    `select status, count(*)::int as n from app.upstream_outbox where rating_id = any($1) group by status`, [made.map((m) => m.id)]);
  assertEquals(during, [{ status: 'pending', n: 30 }]);

  skip(86_400);
  await drain();
  const { rows: after } = await db.query(
    `select status, count(*)::int as n from app.upstream_outbox where rating_id = any($1) group by status`, [made.map((m) => m.id)]);
  assertEquals(after, [{ status: 'delivered', n: 30 }]);
  const state = await provincial.state();
  for (const m of made) assertEquals([m.key, state.accepted.filter((a) => a.key === m.key).length], [m.key, 1]);
  assertEquals(state.invalid, []);
});

test('concurrent runs never send the same message twice (SKIP LOCKED)', async () => {
  await drain();
  const made = [];
  for (let i = 0; i < 40; i++) made.push(await rating({ level: 5, tags: [] }));
  await provincial.fault({ mode: 'slow', delay_ms: 100 });
  try {
    const runs = await Promise.all([0, 1, 2, 3].map(() => run({ batchSize: 5, maxBatches: 50 })));
    assertEquals(runs.every((r) => r.endpoint_error === null), true);
    assertEquals(runs.filter((r) => r.claimed > 0).length >= 2, true);
  } finally {
    await provincial.clearFault();
  }
  await drain();
  const state = await provincial.state();
  for (const m of made) assertEquals([m.key, state.accepted.filter((a) => a.key === m.key).length], [m.key, 1]);
});

test('only the scheduler (its secret, not a service_role JWT) may run it; nothing is claimed when refused; bad bodies are 400; unconfigured is 503', async () => {
  const handler = createHandler(config(), { now });
  const call = async (req: Request) => {
    const res = await handler(req);
    const body = await res.json();
    return { status: res.status, code: body.code, chinese: CHINESE.test(body.message ?? '') };
  };
  const due = await rating();
  const before = JSON.stringify(await outbox(due.id));
  const { access_token } = await (await fetch(`${Deno.env.get('API_URL')}/functions/v1/auth-dev`, {
    method: 'POST', headers: { apikey: anonKey, 'content-type': 'application/json' }, body: JSON.stringify({ persona: 'supervisor-city' }),
  })).json();
  const refused = { status: 401, code: 'unauthorized', chinese: true };
  assertEquals(await call(new Request('http://local/report-upstream', { method: 'POST' })), refused);
  assertEquals(await call(post(undefined, 'not-the-secret')), refused);
  assertEquals(await call(post(undefined, schedulerSecret.slice(0, -1))), refused);
  assertEquals(await call(post(undefined, schedulerSecret + 'x')), refused);
  assertEquals(await call(post(undefined, schedulerSecret.toUpperCase() === schedulerSecret ? schedulerSecret.toLowerCase() : schedulerSecret.toUpperCase())), refused);
  // What it used to accept: the service role key and a service_role JWT are no longer enough.
  assertEquals(await call(post(undefined, null, { authorization: `Bearer ${serviceKey}` })), refused);
  assertEquals(await call(post(undefined, serviceKey)), refused);
  assertEquals(await call(post(undefined, null, { authorization: `Bearer ${anonKey}` })), refused);
  assertEquals(await call(post(undefined, null, { authorization: `Bearer ${access_token}` })), refused);
  // Through the gateway as deployed (verify_jwt = false): a user's token is refused, the secret
  // is let in (503 here: the test stack configures no provincial endpoint).
  const viaGateway = async (headers: Record<string, string>) => {
    const res = await fetch(`${Deno.env.get('API_URL')}/functions/v1/report-upstream`, {
      method: 'POST', headers: { apikey: anonKey, 'content-type': 'application/json', ...headers }, body: '{}',
    });
    return [res.status, (await res.json()).code];
  };
  assertEquals(await viaGateway({ authorization: `Bearer ${access_token}` }), [401, 'unauthorized']);
  assertEquals(await viaGateway({ authorization: `Bearer ${serviceKey}` }), [401, 'unauthorized']);
  assertEquals(await viaGateway({ 'x-hcp-scheduler-secret': schedulerSecret }), [503, 'upstream_not_configured']);
  assertEquals(JSON.stringify(await outbox(due.id)), before);
  assertEquals(await call(new Request('http://local/report-upstream', { method: 'GET', headers: { authorization: `Bearer ${serviceKey}` } })),
    { status: 405, code: 'method_not_allowed', chinese: true });
  const bad = (text: string) => new Request('http://local/report-upstream', { method: 'POST', headers: { 'x-hcp-scheduler-secret': schedulerSecret }, body: text });
  assertEquals(await call(bad('{')), { status: 400, code: 'invalid_json', chinese: true });
  assertEquals(await call(bad('{"batch_size": 0}')), { status: 400, code: 'invalid_input', chinese: true });
  assertEquals(await call(bad('{"surprise": 1}')), { status: 400, code: 'invalid_input', chinese: true });
  const off = createHandler({ ...config(), endpoint: null }, { now });
  const res = await off(post());
  const body = await res.json();
  assertEquals({ status: res.status, code: body.code, chinese: CHINESE.test(body.message) }, { status: 503, code: 'upstream_not_configured', chinese: true });
});

test('close', async () => {
  await provincial.close();
  await db.end();
});
