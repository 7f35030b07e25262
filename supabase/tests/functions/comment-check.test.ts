/**
 * comment-check (issue 15.4) in the real Deno runtime against the test stack and the WeChat
 * stand-in (scripts/stand-ins/wechat.ts: msgSecCheck v2 answers risky for 违禁词, review for 待复核,
 * else pass). Each test makes its own raters and public 差评 comments and reads what the stand-in
 * was asked and what the database booked. Proves: v2 body (version 2, scene 2, the rater's
 * openid) with a stable_token access token; pass / review → pending (the supervisors' queue),
 * risky → risky (never queued); no openid → waits (no_openid) unless an operator openid is
 * configured; 61010 → the operator openid; 5xx → retried later with backoff, never queued
 * unchecked; an expired token refreshed once; only the scheduler may call; 503 when WeChat is
 * not configured, nothing claimed. The stack's own scheduler is held off (a lock on cron.job)
 * so that only these runs check these comments.
 */
import pg from 'npm:pg@^8';
import { assertEquals } from './assert.ts';
import { type CommentCheckConfig, CommentCheckResponse, createHandler, SecCheckClient } from '../../functions/comment-check/handler.ts';
import { connectDb, type Db } from './ingest_support.ts';
import { control, env, wechatBase } from './identity-support.ts';

const db: Db = await connectDb();
const schedulerSecret = env('HCP_SCHEDULER_SECRET');
const run = crypto.randomUUID().slice(0, 8);
function assert(ok: boolean, what = 'assertion failed'): asserts ok {
  if (!ok) throw new Error(what);
}
const test = (name: string, fn: () => Promise<void>) => Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });

// The stack's scheduler is held off while this file runs (as tests/support/db.ts holdScheduler):
// its comment-check would race ours. Taken in the first test, not at load, so other files run free.
const hold = new pg.Client({ connectionString: env('DB_URL') });
test('hold the scheduler', async () => {
  await hold.connect();
  await hold.query(`set lock_timeout = '60s'`);
  await hold.query('begin');
  await hold.query('lock table cron.job in access exclusive mode');
  await new Promise((r) => setTimeout(r, 1500));
});

let skippedMs = 0;
const now = () => new Date(Date.now() + skippedMs);

const wechat = { apiBase: wechatBase(), appid: env('WECHAT_APPID'), secret: env('WECHAT_SECRET') };
const operatorOpenid = 'o' + crypto.randomUUID().replace(/-/g, '').slice(0, 27);
const config: CommentCheckConfig = { wechat, fallbackOpenid: null, timeoutMs: 1500 };
const client = new SecCheckClient(wechat, config.timeoutMs);

const post = (secret: string | null = schedulerSecret, body: unknown = { limit: 200 }) => new Request('http://local/comment-check', {
  method: 'POST',
  headers: { ...(secret === null ? {} : { 'x-hcp-scheduler-secret': secret }), 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function checkRun(cfg: CommentCheckConfig = config): Promise<CommentCheckResponse> {
  const res = await createHandler(cfg, { now, client })(post());
  const body = await res.json();
  if (res.status !== 200) throw new Error(`comment-check answered ${res.status}: ${JSON.stringify(body)}`);
  return CommentCheckResponse.parse(body);
}

let serial = 0;
const openid = () => 'o' + crypto.randomUUID().replace(/-/g, '').slice(0, 27);

/** A rater (with a WeChat link unless `linked` is false) and a 差评 with a comment they made public. */
async function publicComment(comment: string, linked = true): Promise<{ moderationId: string; openid: string | null }> {
  const { rows: [u] } = await db.query(`insert into app.users (masked_name) values ('测*') returning id::text`);
  const sub = linked ? openid() : null;
  if (sub) await db.query(`insert into app.user_platform_links (user_id, platform, app_id, subject, last_login_at) values ($1, 'wechat', $2, $3, now())`, [u.id, wechat.appid, sub]);
  const { rows: [t] } = await db.query(
    `insert into app.transactions (project_no, matter_id, unit_id, region_code, hall_id, window_id, staff_user_id, applicant_user_id, channel, status, accepted_at, finished_at)
     select $1, m.id, u.id, u.region_code, w.hall_id, w.id, '00000000-0000-4000-8000-000000000b01', $2, 'pc', 'finished', now() - interval '2 days', now() - interval '1 day'
     from app.units u join app.matters m on m.unit_id = u.id join app.windows w on w.unit_id = u.id
     where u.name = '临翔区市场监督管理局' order by m.code, w.id limit 1
     returning id, matter_id, unit_id, region_code, hall_id, window_id, staff_user_id`, [`CC-${run}-${++serial}`, u.id]);
  const { rows: [r] } = await db.query(
    `insert into app.ratings (transaction_id, level, tags, comment, channel, rater_user_id, unit_id, region_code, matter_id, hall_id, window_id, staff_user_id, comment_public)
     values ($1, 1, '{115}', $2, 'mobile', $3, $4, $5, $6, $7, $8, $9, true) returning id`,
    [t.id, `${comment}（${run}-${serial}）`, u.id, t.unit_id, t.region_code, t.matter_id, t.hall_id, t.window_id, t.staff_user_id]);
  const { rows: [m] } = await db.query(`select id::text from app.comment_moderation where rating_id = $1`, [r.id]);
  return { moderationId: m.id, openid: sub };
}

const state = async (id: string) => (await db.query(
  `select status, check_suggest, check_label, check_error, check_attempts, next_check_at > $2::timestamptz as waiting from app.comment_moderation where id = $1`,
  [id, now().toISOString()])).rows[0];
const secChecks = async () => (await control(wechatBase(), 'sec-checks')).checks as Array<{ content: string; version: number; scene: number; openid: string; suggest: string }>;

test('pass and review go to the supervisors\' queue, risky never; v2 with the rater\'s openid and a stable_token token', async () => {
  const pass = await publicComment('窗口人员解释不清楚');
  const review = await publicComment('这条需要待复核一下');
  const risky = await publicComment('含有违禁词的评论');
  const summary = await checkRun();
  assert(summary.claimed >= 3 && summary.pending >= 2 && summary.risky >= 1, JSON.stringify(summary));
  const passed = await state(pass.moderationId);
  assertEquals({ ...passed, waiting: undefined }, { status: 'pending', check_suggest: 'pass', check_label: 100, check_error: null, check_attempts: 1, waiting: undefined });
  assertEquals((await state(review.moderationId)).status, 'pending');
  assertEquals((await state(review.moderationId)).check_suggest, 'review');
  assertEquals((await state(risky.moderationId)).status, 'risky');
  const asked = (await secChecks()).find((c) => c.openid === pass.openid);
  assertEquals(asked && { version: asked.version, scene: asked.scene, suggest: asked.suggest }, { version: 2, scene: 2, suggest: 'pass' });
  const requests = (await control(wechatBase(), 'requests')).requests as Array<{ path: string }>;
  assert(requests.some((r) => r.path === '/cgi-bin/stable_token'));
  assert(!requests.some((r) => r.path === '/cgi-bin/token'), 'the legacy /cgi-bin/token is never used');
  // Checked once: a second run leaves them alone.
  await checkRun();
  assertEquals((await state(pass.moderationId)).check_attempts, 1);
});

test('a rater without a WeChat link waits (no_openid) unless an operator openid is configured', async () => {
  const c = await publicComment('支付宝用户的评论', false);
  await checkRun();
  assertEquals(await state(c.moderationId), { status: 'unchecked', check_suggest: null, check_label: null, check_error: 'no_openid', check_attempts: 1, waiting: true });
  skippedMs += 3 * 60_000;
  await checkRun({ ...config, fallbackOpenid: operatorOpenid });
  assertEquals((await state(c.moderationId)).status, 'pending');
  assert((await secChecks()).some((x) => x.openid === operatorOpenid && x.content.startsWith('支付宝用户的评论')));
});

test('61010 (the rater has not used the mini-program lately): checked with the operator openid', async () => {
  const c = await publicComment('两小时前的评论');
  await control(wechatBase(), 'stale-openids', { openids: [c.openid] });
  await checkRun({ ...config, fallbackOpenid: operatorOpenid });
  assertEquals((await state(c.moderationId)).status, 'pending');
});

test('WeChat down: booked as an error, retried later with backoff, never queued unchecked', async () => {
  const c = await publicComment('系统繁忙时的评论');
  await control(wechatBase(), 'send-faults', { status: 502, times: 50 });
  try {
    await checkRun();
  } finally {
    await control(wechatBase(), 'send-faults', { times: 0 });
  }
  assertEquals(await state(c.moderationId), { status: 'unchecked', check_suggest: null, check_label: null, check_error: 'http_5xx', check_attempts: 1, waiting: true });
  await checkRun();
  assertEquals((await state(c.moderationId)).check_attempts, 1); // not claimed again before its backoff
  skippedMs += 3 * 60_000;
  await checkRun();
  assertEquals((await state(c.moderationId)).status, 'pending');
});

test('an expired access token is fetched again once and the check goes through', async () => {
  const c = await publicComment('令牌过期后的评论');
  await control(wechatBase(), 'expire-tokens', {});
  const before = client.tokensFetched;
  await checkRun();
  assertEquals((await state(c.moderationId)).status, 'pending');
  assert(client.tokensFetched > before);
});

test('only the scheduler may call it; without WeChat settings 503 and nothing claimed', async () => {
  const c = await publicComment('未授权调用时的评论');
  for (const secret of [null, 'x'.repeat(40)]) {
    const res = await createHandler(config, { now, client })(post(secret));
    assertEquals(res.status, 401);
    await res.body?.cancel();
  }
  const off = await createHandler({ ...config, wechat: null }, { now })(post());
  assertEquals(off.status, 503);
  assertEquals((await off.json()).code, 'content_check_not_configured');
  assertEquals(await state(c.moderationId), { status: 'unchecked', check_suggest: null, check_label: null, check_error: null, check_attempts: 0, waiting: false });
  await checkRun();
  assertEquals((await state(c.moderationId)).status, 'pending');
});

test('release the scheduler', async () => {
  await hold.query('rollback');
  await hold.end();
});
