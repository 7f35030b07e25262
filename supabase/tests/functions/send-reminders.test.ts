/**
 * send-reminders (R17) in the real Deno runtime against the test stack and the WeChat and Alipay
 * stand-ins (scripts/stand-ins/wechat.ts, alipay.ts, on loopback). Each test makes its own people
 * (a platform link, subscriptions) and real finished 办件, runs the handler with template settings
 * of its own (so it does not depend on the stack's environment), and reads what the stand-ins
 * accepted and what the database booked. Proves: one message with the right template fields and
 * page, never twice; 43101 zeroes the subscription; busy / 5xx retried with backoff and sent once;
 * an expired access token refreshed once; nothing without a subscription; no link → no_recipient;
 * the Alipay path (RSA2-signed both ways); only the scheduler may call; 503 when not configured;
 * a supervisor's daily 预警 digest (issue 16.4) sent once to the subscribed supervisor alone.
 *
 * The handler gets a clock: the RPCs take `p_now`, so a test moves time forward past a backoff
 * instead of waiting for it.
 */
import { assertEquals, assertMatch } from './assert.ts';
import { createHandler, type SendRemindersDeps } from '../../functions/send-reminders/handler.ts';
import type { AlipaySender, SendRemindersConfig, WechatSender } from '../../functions/send-reminders/config.ts';
import { ALIPAY_METHOD, WechatClient } from '../../functions/send-reminders/platforms.ts';
import { importAlipayPrivateKey, importAlipayPublicKey } from '../../functions/_shared/alipay.ts';
import {
  chineseDate, DEFAULT_ALIPAY_KEYS, DEFAULT_WECHAT_KEYS, type ReminderKind, SendRemindersResponse, shanghaiTime,
} from '../../../shared/reminders.ts';
import { connectDb, type Db } from './ingest_support.ts';
import { alipayBase, control, env, received, wechatBase } from './identity-support.ts';

const db: Db = await connectDb();
const serviceKey = env('SUPABASE_SERVICE_ROLE_KEY');
const schedulerSecret = env('HCP_SCHEDULER_SECRET');
const anonKey = env('ANON_KEY');
const CHINESE = /[\u4e00-\u9fff]/;
const run = crypto.randomUUID().slice(0, 8);
const test = (name: string, fn: () => Promise<void>) => Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });

/** The handler's clock: real time plus what the tests skipped. */
let skippedMs = 0;
const now = () => new Date(Date.now() + skippedMs);
const skip = (seconds: number) => { skippedMs += seconds * 1000; };

const templateIds = (platform: string): Record<ReminderKind, string> =>
  ({ invite: `${platform}-invite-${run}`, reminder: `${platform}-reminder-${run}`, reply: `${platform}-reply-${run}`, warning: `${platform}-warning-${run}` });

const wechat: WechatSender = {
  apiBase: wechatBase(),
  appid: env('WECHAT_APPID'),
  secret: env('WECHAT_SECRET'),
  miniprogramState: 'developer',
  templates: { ids: templateIds('wx'), keys: DEFAULT_WECHAT_KEYS },
};
const pem = (name: string) => env(name).replace(/\\n/g, '\n');
const alipay: AlipaySender = {
  gateway: env('ALIPAY_GATEWAY'),
  appId: env('ALIPAY_APP_ID'),
  privateKey: await importAlipayPrivateKey(pem('ALIPAY_PRIVATE_KEY')),
  publicKey: await importAlipayPublicKey(pem('ALIPAY_PUBLIC_KEY')),
  templates: { ids: templateIds('ali'), keys: DEFAULT_ALIPAY_KEYS },
};
const config: SendRemindersConfig = { wechat, alipay, timeoutMs: 1500, batchLimit: 500 };
/** One WeChat client for the file, as one function instance keeps it between scheduled runs. */
const wechatClient = new WechatClient(wechat, config.timeoutMs);

/** As the scheduler calls it: the scheduler secret in its header (or `secret`, null for none). */
const post = (body?: unknown, secret: string | null = schedulerSecret, headers: Record<string, string> = {}) => new Request('http://local/send-reminders', {
  method: 'POST',
  headers: { ...(secret === null ? {} : { 'x-hcp-scheduler-secret': secret }), 'content-type': 'application/json', ...headers },
  body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
});

async function sendRun(deps: SendRemindersDeps = {}, cfg: SendRemindersConfig = config): Promise<SendRemindersResponse> {
  const res = await createHandler(cfg, { now, wechat: wechatClient, ...deps })(post());
  const body = await res.json();
  if (res.status !== 200) throw new Error(`send-reminders answered ${res.status}: ${JSON.stringify(body)}`);
  return SendRemindersResponse.parse(body);
}

// ── people, links, subscriptions, 办件 ──────────────────────────────────────────────────────────

let serial = 0;
const openid = () => 'o' + crypto.randomUUID().replace(/-/g, '').slice(0, 27);
const alipayUserId = () => '2088' + String(Math.floor(Math.random() * 1e12)).padStart(12, '0');

interface Person { id: string; subject: string | null }

/** A citizen, linked to the mini-program of `platform` (or to none). */
async function citizen(platform: 'weapp' | 'alipay' | null = 'weapp'): Promise<Person> {
  const { rows } = await db.query(`insert into app.users (masked_name) values ('测*') returning id::text`);
  const id: string = rows[0].id;
  if (platform === null) return { id, subject: null };
  const subject = platform === 'weapp' ? openid() : alipayUserId();
  await db.query(
    `insert into app.user_platform_links (user_id, platform, app_id, subject) values ($1, $2, $3, $4)`,
    [id, platform === 'weapp' ? 'wechat' : 'alipay', platform === 'weapp' ? wechat.appid : alipay.appId, subject],
  );
  return { id, subject };
}

async function subscribe(user: string, kinds: ReminderKind[], platform: 'weapp' | 'alipay' = 'weapp', times = 1): Promise<void> {
  await db.query(
    `insert into app.message_subscriptions (user_id, platform, kind, remaining) select $1, $2, k, $3 from unnest($4::text[]) k
     on conflict (user_id, platform, kind) do update set remaining = excluded.remaining`,
    [user, platform, times, kinds],
  );
}

interface Banjian { id: string; projectNo: string; matter: string; unit: string; finishedAt: string; dueOn: string; dueAt: string }

/** A 办件 of the citizen finished an hour before the handler's clock (or `finishedAt`). */
async function finished(user: string, finishedAt = new Date(now().getTime() - 3600_000)): Promise<Banjian> {
  const { rows } = await db.query(
    `insert into app.transactions (project_no, matter_id, unit_id, region_code, hall_id, window_id, staff_user_id,
                                   applicant_user_id, channel, status, accepted_at, finished_at)
     select $1, m.id, u.id, u.region_code, w.hall_id, w.id, '00000000-0000-4000-8000-000000000b01',
            $2, 'pc', 'finished', $3::timestamptz - interval '1 day', $3::timestamptz
     from app.units u join app.matters m on m.unit_id = u.id join app.windows w on w.unit_id = u.id
     where u.name = '临翔区市场监督管理局'
     order by m.code, w.id limit 1
     returning id::text, project_no, finished_at, rating_due_at,
               (select name from app.matters where id = matter_id) as matter,
               (select name from app.units where id = unit_id) as unit,
               ((rating_due_at at time zone 'Asia/Shanghai')::date - 1)::text as due_on`,
    [`SR-${run}-${++serial}`, user, finishedAt.toISOString()],
  );
  const r = rows[0];
  return { id: r.id, projectNo: r.project_no, matter: r.matter, unit: r.unit, finishedAt: r.finished_at.toISOString(), dueOn: r.due_on, dueAt: r.rating_due_at.toISOString() };
}

async function logOf(user: string) {
  const { rows } = await db.query(
    `select kind, platform, status, attempts, last_error, next_attempt_at, claimed_at from app.reminder_log where user_id = $1 order by claimed_at`, [user]);
  return rows as Array<{ kind: string; platform: string; status: string; attempts: number; last_error: string | null; next_attempt_at: Date | null; claimed_at: Date }>;
}

async function remaining(user: string, kind: ReminderKind, platform = 'weapp'): Promise<number | null> {
  const { rows } = await db.query(`select remaining from app.message_subscriptions where user_id = $1 and kind = $2 and platform = $3`, [user, kind, platform]);
  return rows[0]?.remaining ?? null;
}

/** next_attempt_at = the booking time (just after the claim) + `minutes`. */
function assertBackoff(log: { next_attempt_at: Date | null; claimed_at: Date }, minutes: number): void {
  const gap = log.next_attempt_at!.getTime() - log.claimed_at.getTime() - minutes * 60_000;
  if (gap < 0 || gap > 10_000) throw new Error(`expected a backoff of ${minutes} minutes, got ${gap} ms more`);
}

interface WxMessage { touser: string; template_id: string; page: string; data: Record<string, { value: string }>; miniprogram_state: string; lang: string }
const wxMessages = async (to: string | null) =>
  ((await control(wechatBase(), 'messages')).messages as WxMessage[]).filter((m) => m.touser === to);
interface AliMessage { to_user_id?: string; to_open_id?: string; user_template_id: string; page: string; data: Record<string, { value: string }> }
const aliMessages = async (to: string | null) =>
  ((await control(alipayBase(), 'messages')).messages as AliMessage[]).filter((m) => m.to_user_id === to || m.to_open_id === to);

/** Runs until nothing is claimed (leaves nothing 'sending' behind for the next test). */
async function drain(): Promise<void> {
  for (let i = 0; i < 10; i++) if ((await sendRun()).claimed === 0) return;
  throw new Error('due reminders did not drain');
}

// ── the tests ───────────────────────────────────────────────────────────────────────────────────

test('a finished 办件 of a subscribed citizen: one WeChat message with the template fields and page; the next run sends nothing', async () => {
  await drain();
  const p = await citizen('weapp');
  await subscribe(p.id, ['invite', 'reminder']);
  const b = await finished(p.id);
  const first = await sendRun();
  assertEquals(first.claimed >= 1 && first.sent >= 1 && first.unrecorded === 0, true);
  const sent = await wxMessages(p.subject);
  assertEquals(sent.map(({ touser, template_id, page, data, miniprogram_state, lang }) => ({ touser, template_id, page, data, miniprogram_state, lang })), [{
    touser: p.subject,
    template_id: wechat.templates.ids.invite,
    page: `pages/rate/index?tx=${b.id}`,
    data: {
      thing1: { value: [...b.matter].slice(0, 20).join('') },
      thing2: { value: [...b.unit].slice(0, 20).join('') },
      time3: { value: shanghaiTime(b.finishedAt) },
      phrase4: { value: '已办结' },
      thing5: { value: '办结后5个工作日内可评价' },
    },
    miniprogram_state: 'developer',
    lang: 'zh_CN',
  }]);
  assertMatch(sent[0]!.data.time3!.value, /^\d{4}年\d{2}月\d{2}日 \d{2}:\d{2}$/);
  assertEquals((await logOf(p.id)).map((l) => [l.kind, l.platform, l.status, l.attempts]), [['invite', 'weapp', 'sent', 1]]);
  assertEquals(await remaining(p.id, 'invite'), 0);
  assertEquals(await remaining(p.id, 'reminder'), 1);

  // Again, now and later the same day (and with a new subscription): never the same invitation twice.
  await subscribe(p.id, ['invite']);
  await sendRun();
  skip(600);
  await sendRun();
  assertEquals((await wxMessages(p.subject)).length, 1);
  assertEquals((await logOf(p.id)).length, 1);
});

test('43101 (the user refused / quota used) fails the message and zeroes the subscription', async () => {
  await drain();
  const p = await citizen('weapp');
  await subscribe(p.id, ['invite'], 'weapp', 3);
  await finished(p.id);
  await control(wechatBase(), 'send-faults', { errcode: 43101, times: 1 });
  await sendRun();
  assertEquals((await logOf(p.id)).map((l) => [l.status, l.last_error]), [['failed', '43101']]);
  assertEquals(await remaining(p.id, 'invite'), 0);
  assertEquals(await wxMessages(p.subject), []);
  // A permanent error (40003 invalid openid, 47003 bad data) fails without touching the quota.
  const q = await citizen('weapp');
  await subscribe(q.id, ['invite'], 'weapp', 2);
  await finished(q.id);
  await control(wechatBase(), 'send-faults', { errcode: 40003, times: 1 });
  await sendRun();
  assertEquals((await logOf(q.id)).map((l) => [l.status, l.last_error]), [['failed', '40003']]);
  assertEquals(await remaining(q.id, 'invite'), 2);
});

test('busy (-1), then HTTP 502: retried with backoff (2, then 4 minutes) and sent once', async () => {
  await drain();
  const p = await citizen('weapp');
  await subscribe(p.id, ['invite']);
  await finished(p.id);
  await control(wechatBase(), 'send-faults', { errcode: -1, times: 1 });
  await sendRun();
  let [log] = await logOf(p.id);
  assertEquals([log!.status, log!.attempts, log!.last_error], ['retry', 1, '-1']);
  assertBackoff(log!, 2);
  await sendRun(); // not yet due
  assertEquals((await logOf(p.id))[0]!.attempts, 1);
  assertEquals(await wxMessages(p.subject), []);

  skip(121);
  await control(wechatBase(), 'send-faults', { status: 502, times: 1 });
  await sendRun();
  [log] = await logOf(p.id);
  assertEquals([log!.status, log!.attempts, log!.last_error], ['retry', 2, 'http_5xx']);
  assertBackoff(log!, 4);

  skip(241);
  await sendRun();
  await sendRun();
  [log] = await logOf(p.id);
  assertEquals([log!.status, log!.attempts, log!.last_error], ['sent', 3, null]);
  assertEquals((await wxMessages(p.subject)).length, 1);
  assertEquals(await remaining(p.id, 'invite'), 0);
});

test('a timeout is booked as timeout and retried; three failed tries in all and it is failed', async () => {
  await drain();
  const p = await citizen('weapp');
  await subscribe(p.id, ['invite']);
  await finished(p.id);
  await control(wechatBase(), 'send-faults', { delay_ms: 2500, times: 1 });
  await sendRun();
  assertEquals((await logOf(p.id)).map((l) => [l.status, l.last_error]), [['retry', 'timeout']]);
  await control(wechatBase(), 'send-faults', { errcode: 45009, times: 2 });
  skip(121);
  await sendRun();
  skip(241);
  await sendRun();
  assertEquals((await logOf(p.id)).map((l) => [l.status, l.attempts, l.last_error]), [['failed', 3, '45009']]);
  skip(600);
  await sendRun();
  // The timed-out request may have gone through late: the stand-in accepted it, and nothing was resent.
  assertEquals((await wxMessages(p.subject)).length <= 1, true);
  assertEquals((await logOf(p.id)).length, 1);
});

test('an access token expired mid-run is fetched again once; a valid one is reused between runs', async () => {
  await drain();
  const client = new WechatClient(wechat, config.timeoutMs);
  const a = await citizen('weapp');
  await subscribe(a.id, ['invite']);
  await finished(a.id);
  await sendRun({ wechat: client });
  assertEquals(client.tokensFetched, 1);
  const b = await citizen('weapp');
  await subscribe(b.id, ['invite']);
  await finished(b.id);
  await sendRun({ wechat: client });
  assertEquals(client.tokensFetched, 1); // cached

  await control(wechatBase(), 'expire-tokens', {});
  const people = [await citizen('weapp'), await citizen('weapp'), await citizen('weapp')];
  for (const p of people) {
    await subscribe(p.id, ['invite']);
    await finished(p.id);
  }
  const before = (await received(wechatBase())).length;
  const result = await sendRun({ wechat: client });
  assertEquals(result.sent >= 3, true);
  assertEquals(client.tokensFetched, 2);
  const calls = (await received(wechatBase())).slice(before);
  // Issue 15.5: the stable token, refreshed by force only after WeChat called ours expired; never the legacy /cgi-bin/token.
  const tokenCalls = calls.filter((c) => c.path.startsWith('/cgi-bin/') && c.path.includes('token'));
  assertEquals(tokenCalls.map((c) => c.path), ['/cgi-bin/stable_token']);
  assertEquals(JSON.parse(tokenCalls[0]!.body ?? '{}'), { grant_type: 'client_credential', appid: wechat.appid, secret: wechat.secret, force_refresh: true });
  for (const p of [a, b, ...people]) {
    assertEquals((await wxMessages(p.subject)).length, 1);
    assertEquals((await logOf(p.id)).map((l) => l.status), ['sent']);
  }
});

test('no subscription: nothing claimed, nothing sent; a subscription but no WeChat link: failed as no_recipient', async () => {
  await drain();
  const p = await citizen('weapp');
  await finished(p.id);
  await sendRun();
  assertEquals(await logOf(p.id), []);
  assertEquals(await wxMessages(p.subject), []);

  const q = await citizen(null);
  await subscribe(q.id, ['invite']);
  await finished(q.id);
  const before = (await received(wechatBase())).length;
  const result = await sendRun();
  assertEquals(result.no_recipient >= 1, true);
  assertEquals((await logOf(q.id)).map((l) => [l.status, l.last_error]), [['failed', 'no_recipient']]);
  assertEquals(await remaining(q.id, 'invite'), 1);
  assertEquals((await received(wechatBase())).slice(before).filter((c) => c.path.startsWith('/cgi-bin/message')).length, 0);
});

test('the last-day reminder: project number as character_string, the last day as a date; a value breaking its type is not sent', async () => {
  await drain();
  const p = await citizen('weapp');
  await subscribe(p.id, ['reminder']);
  const b = await finished(p.id);
  const atDue = () => new Date(new Date(b.dueAt).getTime() - 10 * 3600_000);
  await sendRun({ now: atDue });
  const [m] = await wxMessages(p.subject);
  assertEquals([m?.template_id, m?.page, m?.data], [wechat.templates.ids.reminder, `pages/rate/index?tx=${b.id}`, {
    thing1: { value: [...b.matter].slice(0, 20).join('') },
    character_string2: { value: b.projectNo },
    date3: { value: chineseDate(b.dueOn) },
    phrase4: { value: '待评价' },
    thing5: { value: '今天是最后一天，逾期默认基本满意' },
  }]);
  assertEquals((await logOf(p.id)).map((l) => [l.kind, l.status]), [['reminder', 'sent']]);

  // A 办件编号 in Chinese cannot be a character_string: checked before sending, failed, quota kept.
  const q = await citizen('weapp');
  await subscribe(q.id, ['reminder']);
  const c = await finished(q.id);
  await db.query(`update app.transactions set project_no = $2 where id = $1`, [c.id, `临翔-${run}-${++serial}`]);
  await sendRun({ now: () => new Date(new Date(c.dueAt).getTime() - 10 * 3600_000) });
  assertEquals((await logOf(q.id)).map((l) => [l.status, l.last_error]), [['failed', 'invalid_fields']]);
  assertEquals(await wxMessages(q.subject), []);
  assertEquals(await remaining(q.id, 'reminder'), 1);
});

test('Alipay: an RSA2-signed alipay.open.app.mini.templatemessage.send with the keyword fields; errors booked', async () => {
  await drain();
  const p = await citizen('alipay');
  await subscribe(p.id, ['invite'], 'alipay');
  const b = await finished(p.id);
  const before = (await received(alipayBase())).length;
  await sendRun();
  const [m] = await aliMessages(p.subject);
  assertEquals(m, {
    to_user_id: p.subject,
    user_template_id: alipay.templates.ids.invite,
    page: `pages/rate/index?tx=${b.id}`,
    data: {
      keyword1: { value: [...b.matter].slice(0, 20).join('') },
      keyword2: { value: [...b.unit].slice(0, 20).join('') },
      keyword3: { value: shanghaiTime(b.finishedAt) },
      keyword4: { value: '已办结' },
      keyword5: { value: '办结后5个工作日内可评价' },
    },
  });
  const req = (await received(alipayBase())).slice(before).find((r) => new URLSearchParams(r.body).get('method') === ALIPAY_METHOD)!;
  const params = Object.fromEntries(new URLSearchParams(req.body));
  assertEquals([params.app_id, params.sign_type, params.charset, params.version], [alipay.appId, 'RSA2', 'utf-8', '1.0']);
  assertMatch(params.sign!, /^[A-Za-z0-9+/]{342}==$/);
  assertEquals((await logOf(p.id)).map((l) => [l.platform, l.status]), [['alipay', 'sent']]);
  assertEquals(await remaining(p.id, 'invite', 'alipay'), 0);

  // 20000 (service unavailable) is retried; a business refusal fails with its sub_code.
  const q = await citizen('alipay');
  await subscribe(q.id, ['invite'], 'alipay');
  await finished(q.id);
  await control(alipayBase(), 'message-faults', { error: { code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error', sub_msg: '系统繁忙' } });
  await sendRun();
  assertEquals((await logOf(q.id)).map((l) => [l.status, l.last_error]), [['retry', '-1']]);
  await control(alipayBase(), 'message-faults', { error: { code: '40004', msg: 'Business Failed', sub_code: 'USER_TEMPLATE_ILLEGAL', sub_msg: '模板不合法' } });
  skip(121);
  await sendRun();
  assertEquals((await logOf(q.id)).map((l) => [l.status, l.last_error]), [['failed', 'alipay_USER_TEMPLATE_ILLEGAL']]);
  assertEquals(await aliMessages(q.subject), []);

  // An answer whose signature does not verify is not believed.
  const r = await citizen('alipay');
  await subscribe(r.id, ['invite'], 'alipay');
  await finished(r.id);
  await control(alipayBase(), 'fault', { bad_sign: true, times: 1 });
  await sendRun();
  assertEquals((await logOf(r.id)).map((l) => [l.status, l.last_error]), [['failed', 'alipay_bad_signature']]);
});

test('the stand-ins refuse what WeChat refuses: bad token 40001, bad openid 40003, a thing over 20 characters 47003', async () => {
  const { access_token } = await (await fetch(`${wechatBase()}/cgi-bin/token?grant_type=client_credential&appid=${wechat.appid}&secret=${wechat.secret}`)).json();
  const send = async (token: string, body: unknown) =>
    (await (await fetch(`${wechatBase()}/cgi-bin/message/subscribe/send?access_token=${token}`, { method: 'POST', body: JSON.stringify(body) })).json()).errcode;
  const ok = { touser: openid(), template_id: 't', page: 'pages/index/index', data: { thing1: { value: '二十个字以内' } } };
  assertEquals(await send('nope', ok), 40001);
  assertEquals(await send(access_token, { ...ok, touser: 'not-an-openid' }), 40003);
  assertEquals(await send(access_token, { ...ok, data: { thing1: { value: '一'.repeat(21) } } }), 47003);
  assertEquals(await send(access_token, { ...ok, data: { phrase1: { value: '已经办结了呀' } } }), 47003);
  assertEquals(await send(access_token, { ...ok, data: { character_string1: { value: 'A'.repeat(33) } } }), 47003);
  assertEquals(await send(access_token, ok), 0);
  const bad = await (await fetch(`${wechatBase()}/cgi-bin/token?grant_type=client_credential&appid=${wechat.appid}&secret=wrong`)).json();
  assertEquals(bad.errcode, 40125);
});

test('only the scheduler (its secret, not a service_role JWT) may run it; bad bodies are 400; nothing claimed when refused; 503 when not configured', async () => {
  await drain();
  const p = await citizen('weapp');
  await subscribe(p.id, ['invite']);
  await finished(p.id);
  const handler = createHandler(config, { now, wechat: wechatClient });
  const call = async (req: Request, h = handler) => {
    const res = await h(req);
    const body = await res.json();
    return { status: res.status, code: body.code, chinese: CHINESE.test(body.message ?? '') };
  };
  const refused = { status: 401, code: 'unauthorized', chinese: true };
  assertEquals(await call(post(undefined, null)), refused);
  assertEquals(await call(post(undefined, 'not-the-secret')), refused);
  assertEquals(await call(post(undefined, schedulerSecret.slice(1))), refused);
  assertEquals(await call(post(undefined, schedulerSecret.slice(0, -1) + (schedulerSecret.endsWith('0') ? '1' : '0'))), refused);
  const { access_token } = await (await fetch(`${env('API_URL')}/functions/v1/auth-dev`, {
    method: 'POST', headers: { apikey: anonKey, 'content-type': 'application/json' }, body: JSON.stringify({ persona: 'citizen-b' }),
  })).json();
  // What it used to accept (the service role key, a service_role JWT) is no longer enough.
  for (const token of [serviceKey, anonKey, access_token]) {
    assertEquals(await call(post(undefined, null, { authorization: `Bearer ${token}` })), refused);
  }
  assertEquals(await call(new Request('http://local/send-reminders', { method: 'GET', headers: { 'x-hcp-scheduler-secret': schedulerSecret } })),
    { status: 405, code: 'method_not_allowed', chinese: true });
  assertEquals(await call(post('{')), { status: 400, code: 'invalid_json', chinese: true });
  assertEquals(await call(post({ limit: 0 })), { status: 400, code: 'invalid_input', chinese: true });
  assertEquals(await call(post({ surprise: 1 })), { status: 400, code: 'invalid_input', chinese: true });
  const off = createHandler({ ...config, wechat: null, alipay: null }, { now });
  assertEquals(await call(post(), off), { status: 503, code: 'reminders_not_configured', chinese: true });
  assertEquals(await logOf(p.id), []);
  assertEquals(await wxMessages(p.subject), []);

  // Through the gateway as deployed (verify_jwt = false): a citizen's token never reaches the
  // job; the secret does (503 here: the test stack configures no templates).
  const viaGateway = async (headers: Record<string, string>) => {
    const res = await fetch(`${env('API_URL')}/functions/v1/send-reminders`, {
      method: 'POST', headers: { apikey: anonKey, 'content-type': 'application/json', ...headers }, body: '{}',
    });
    return [res.status, (await res.json()).code];
  };
  assertEquals(await viaGateway({ authorization: `Bearer ${access_token}` }), [401, 'unauthorized']);
  assertEquals(await viaGateway({ authorization: `Bearer ${serviceKey}` }), [401, 'unauthorized']);
  assertEquals(await viaGateway({ 'x-hcp-scheduler-secret': schedulerSecret }), [503, 'reminders_not_configured']);
  assertEquals(await logOf(p.id), []);
  assertEquals(await wxMessages(p.subject), []);

  // With WeChat only, an Alipay message cannot go out: failed as not_configured.
  const q = await citizen('alipay');
  await subscribe(q.id, ['invite'], 'alipay');
  await finished(q.id);
  await sendRun({}, { ...config, alipay: null });
  assertEquals((await logOf(q.id)).map((l) => [l.status, l.last_error]), [['failed', 'not_configured']]);
  await drain();
  assertEquals((await wxMessages(p.subject)).length, 1);
});

test('reminder_recipients is the job\'s alone: anon and users cannot call it; it only answers for claimed rows', async () => {
  for (const role of ['anon', 'authenticated']) {
    await db.query('begin');
    try {
      await db.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role, sub: '00000000-0000-4000-8000-000000000a02' })]);
      await db.query(`set local role ${role}`);
      let code: string | undefined;
      try {
        await db.query(`select * from public.reminder_recipients('{}'::uuid[], 'x', 'y')`);
      } catch (err) {
        code = (err as { code?: string }).code;
      }
      assertEquals([role, code], [role, '42501']);
    } finally {
      await db.query('rollback');
    }
  }
  // A row already booked (sent) gives no recipient and is left alone.
  const p = await citizen('weapp');
  await subscribe(p.id, ['invite']);
  await finished(p.id);
  await sendRun();
  const { rows } = await db.query(`select id from app.reminder_log where user_id = $1`, [p.id]);
  await db.query('begin');
  try {
    await db.query('set local role service_role');
    const got = await db.query(`select * from public.reminder_recipients($1::uuid[], $2, $3)`, [[rows[0].id], wechat.appid, alipay.appId]);
    assertEquals(got.rows, []);
  } finally {
    await db.query('rollback');
  }
  assertEquals((await logOf(p.id)).map((l) => l.status), ['sent']);
});

// ── 预警 digests (issue 16.4) ──────────────────────────────────────────────────────────────────

/** The supervisors this file made (their roles are taken back at the end of the test). */
const madeSupervisors: string[] = [];

/** A supervisor of `region` (a staff role of their own), linked to the WeChat mini-program. */
async function supervisor(region: string): Promise<Person> {
  const p = await citizen('weapp');
  madeSupervisors.push(p.id);
  await db.query(`insert into app.staff_roles (user_id, role, scope_region_code) values ($1, 'supervisor', $2)`, [p.id, region]);
  return p;
}

/** Today's digest (Asia/Shanghai) of `user` for `region` with `count` alerts, as record_warning_digests writes it. */
async function digestFor(user: string, region: string, count: number): Promise<string> {
  const { rows } = await db.query(
    `insert into app.warning_digests (user_id, region_code, shanghai_day, alert_count, alerts)
     values ($1, $2, (now() at time zone 'Asia/Shanghai')::date, $3, '[]') returning shanghai_day::text as day`, [user, region, count]);
  return rows[0].day;
}

const subscribeSends = async (since: number, to: string | null) =>
  (await received(wechatBase())).slice(since)
    .filter((c) => c.path.startsWith('/cgi-bin/message/subscribe/send') && JSON.parse(c.body ?? '{}').touser === to);

test('预警 digest: exactly one subscribeMessage.send to a subscribed supervisor (region, count, day; no rater); none to an unsubscribed one or a non-supervisor', async () => {
  await drain();
  const sup = await supervisor('530900');
  const unsubscribed = await supervisor('530900');
  const notSupervisor = await citizen('weapp');
  try {
    await subscribe(sup.id, ['warning'], 'weapp', 2);
    // Straight into the table: the API refuses a warning subscription to a non-supervisor
    // (api/warning-digests.test.ts); a digest of someone no longer a supervisor stays unsent.
    await subscribe(notSupervisor.id, ['warning']);
    const day = await digestFor(sup.id, '530900', 3);
    await digestFor(unsubscribed.id, '530900', 3);
    await digestFor(notSupervisor.id, '530902', 3);
    const before = (await received(wechatBase())).length;

    await sendRun();
    await sendRun();
    skip(600);
    await sendRun();

    assertEquals((await subscribeSends(before, sup.subject)).length, 1);
    assertEquals((await subscribeSends(before, unsubscribed.subject)).length, 0);
    assertEquals((await subscribeSends(before, notSupervisor.subject)).length, 0);
    const [m] = await wxMessages(sup.subject);
    assertEquals([m?.template_id, m?.page, m?.data], [wechat.templates.ids.warning, 'subpackages/supervise/pages/dashboard/index', {
      thing1: { value: '临沧市' },
      number2: { value: '3' },
      date3: { value: chineseDate(day) },
      phrase4: { value: '差评预警' },
      thing5: { value: '请到监督台查看预警名单' },
    }]);
    assertEquals((await logOf(sup.id)).map((l) => [l.kind, l.status, l.attempts]), [['warning', 'sent', 1]]);
    assertEquals(await remaining(sup.id, 'warning'), 1);
    assertEquals(await logOf(unsubscribed.id), []);
    assertEquals(await logOf(notSupervisor.id), []);
    assertEquals(await remaining(notSupervisor.id, 'warning'), 1);

    // Busy on a second region's digest: retried with backoff and sent once, like a reminder.
    await db.query(`insert into app.staff_roles (user_id, role, scope_region_code) values ($1, 'supervisor', '530902')`, [sup.id]);
    await digestFor(sup.id, '530902', 1);
    await control(wechatBase(), 'send-faults', { errcode: -1, times: 1 });
    await sendRun();
    assertEquals((await logOf(sup.id)).map((l) => [l.kind, l.status, l.last_error]), [['warning', 'sent', null], ['warning', 'retry', '-1']]);
    skip(121);
    await sendRun();
    await sendRun();
    assertEquals((await logOf(sup.id)).map((l) => [l.status, l.attempts]), [['sent', 1], ['sent', 2]]);
    // Three requests (the busy one refused), two messages accepted: one per digest.
    assertEquals((await subscribeSends(before, sup.subject)).length, 3);
    assertEquals((await wxMessages(sup.subject)).length, 2);
    assertEquals(await remaining(sup.id, 'warning'), 0);

    // A deployment without the warning template: a claimed digest is failed as not_configured, never sent.
    const other = await supervisor('530900');
    await subscribe(other.id, ['warning']);
    await digestFor(other.id, '530900', 2);
    const noWarning = { ...config, wechat: { ...wechat, templates: { ids: { ...wechat.templates.ids, warning: undefined }, keys: DEFAULT_WECHAT_KEYS } } };
    await sendRun({}, noWarning);
    assertEquals((await logOf(other.id)).map((l) => [l.kind, l.status, l.last_error]), [['warning', 'failed', 'not_configured']]);
    await sendRun();
    assertEquals(await wxMessages(other.subject), []);
    assertEquals(await remaining(other.id, 'warning'), 1);
  } finally {
    await db.query(`delete from app.staff_roles where role = 'supervisor' and user_id = any($1::uuid[])`, [madeSupervisors]);
  }
});

test('close the database connection', async () => {
  await db.end();
});
