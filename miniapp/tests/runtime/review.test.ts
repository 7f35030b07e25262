/**
 * What a platform reviewer and a real phone would catch (issue 15), on the BUILT bundles against
 * the REAL stack, with the stricter harness (an API it does not model throws; the subscription
 * prompt opens only inside a tap; Alipay reports HTTP errors through `fail`; a release-mode run
 * refuses http and unlisted hosts):
 * - the privacy pop-up at first launch, its agree button recorded by the platform, and the
 *   silent login (wx.login / my.getAuthCode auth_base) only after it;
 * - the platform's own privacy check (onNeedPrivacyAuthorization) answered through the pop-up;
 * - 我的 → 消息订阅 on WeChat and Alipay: the prompt from the tap, the accepted kinds recorded
 *   for that platform (record_subscriptions), as send-reminders reads them;
 * - an Alipay refusal (HTTP 4xx through fail) is a refusal: the outbox marks the rating failed
 *   and never sends it again; every request carries the 15 s timeout.
 */
import pg from 'pg';
import { login } from '../../../tests/support/api.ts';
import { stackEnv } from '../../../tests/support/env.ts';
import { MiniProgram, assertBuiltFor, PLATFORMS } from './harness.ts';
import { OUTBOX_KEY, SESSION_KEY, closeAll, expectNoErrors, launch, node, only, storedSession, warmUp } from './helpers.ts';

jest.setTimeout(40_000);

const PRIVACY_KEY = 'hcp.privacy';
const AGREED = { version: '2026-12-1', agreed_at: 1 };
const SIGNED_IN = (mp: MiniProgram) => mp.texts().some((t) => /^\d+ 件$/.test(t));

afterEach(closeAll);

beforeAll(async () => {
  for (const platform of PLATFORMS) assertBuiltFor(platform, stackEnv.anonKey);
  await warmUp();
});

async function query<T>(text: string, params: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: stackEnv.dbUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe.each(PLATFORMS)('the %s bundle: ready for review', (platform) => {
  const provider = platform === 'weapp' ? 'wechat' : 'alipay';
  const loginApi = platform === 'weapp' ? 'login' : 'getAuthCode';

  test('first launch: the privacy pop-up, nothing sent before 同意; after it a silent login', async () => {
    const mp = launch(platform);
    await mp.waitForText('用户隐私保护指引');
    mp.loginAnswer = { code: `dev-privacy-${platform}-${Date.now().toString(36)}` };
    // Before the answer: no platform login, no login request.
    await new Promise((r) => setTimeout(r, 300));
    expect(mp.platformCalls.filter((c) => c.name === loginApi)).toEqual([]);
    expect(mp.requestsTo(`/functions/v1/auth-${provider}`)).toEqual([]);
    expect(mp.stored(PRIVACY_KEY)).toBeUndefined();

    mp.tap(node(mp, '同意'));
    expect(mp.privacyAgreed).toBe(true); // the button is the platform's agreePrivacyAuthorization button
    await mp.waitFor(() => SIGNED_IN(mp), { what: 'the silent login', timeoutMs: 15_000 });
    expect(mp.stored(PRIVACY_KEY)).toMatchObject({ version: AGREED.version });
    const calls = mp.platformCalls.filter((c) => c.name === loginApi);
    expect(calls).toHaveLength(1);
    if (platform === 'alipay') expect(calls[0]?.args).toEqual({ scopes: 'auth_base' });
    expect(only(mp.requestsTo(`/functions/v1/auth-${provider}`), 'login request').status).toBe(200);
    expect(mp.stored(SESSION_KEY)).toMatchObject({ provider });
    expect(mp.texts()).not.toContain('用户隐私保护指引');
    // Issue 15.2: every request carried the 15 s timeout.
    expect(mp.requests.every((r) => r.timeout === 15_000)).toBe(true);
    expectNoErrors(mp);
  });

  test('declining: the pop-up closes, no login; the platform privacy check is answered through the pop-up', async () => {
    const mp = launch(platform);
    await mp.waitForText('用户隐私保护指引');
    mp.tap(node(mp, '不同意'));
    await mp.waitFor(() => !mp.texts().includes('用户隐私保护指引'), { what: 'the pop-up to close' });
    expect(mp.platformCalls.filter((c) => c.name === loginApi)).toEqual([]);
    expect(mp.stored(PRIVACY_KEY)).toBeUndefined();

    // A privacy API (chooseImage) before consent: the platform asks our listener, which opens the pop-up.
    const declined = mp.needPrivacy('chooseImage');
    await mp.waitForText('用户隐私保护指引');
    mp.tap(node(mp, '不同意'));
    await expect(declined).resolves.toEqual({ event: 'disagree' });

    const agreed = mp.needPrivacy('chooseImage');
    await mp.waitForText('用户隐私保护指引');
    mp.tap(node(mp, '同意'));
    await expect(agreed).resolves.toEqual({ event: 'agree', buttonId: 'hcp-privacy-agree' });
    expect(mp.stored(PRIVACY_KEY)).toMatchObject({ version: AGREED.version });
    expectNoErrors(mp);
  });

  test('我的 → 消息订阅: the prompt opens from the tap and the accepted kinds are recorded for this platform', async () => {
    const mp = launch(platform, { [PRIVACY_KEY]: AGREED }, 'pages/me/index');
    mp.loginAnswer = { code: `dev-subscribe-${platform}-${Date.now().toString(36)}` };
    await mp.waitForText('接收更多消息提醒', { timeoutMs: 15_000 });
    const userId = (mp.stored(SESSION_KEY) as { user: { id: string } }).user.id;
    mp.tap(node(mp, '接收更多消息提醒'));
    await mp.waitForText('已开启', { timeoutMs: 10_000 });
    const prompt = only(mp.platformCalls.filter((c) => c.name === 'requestSubscribeMessage'), 'prompt');
    const ids = ['local-tmpl-invite', 'local-tmpl-reminder', 'local-tmpl-reply'];
    expect(prompt.args).toEqual(platform === 'alipay' ? { entityIds: ids, inTap: true } : { tmplIds: ids, inTap: true });
    const recorded = only(mp.requestsTo('/rest/v1/rpc/record_subscriptions'), 'record request');
    expect(JSON.parse(recorded.body ?? '{}')).toEqual({ p_platform: platform, p_kinds: ['invite', 'reminder', 'reply'] });
    const rows = await query<{ platform: string; kind: string; remaining: number }>(
      'select platform, kind, remaining from app.message_subscriptions where user_id = $1 order by kind', [userId]);
    expect(rows).toEqual(['invite', 'reminder', 'reply'].map((kind) => ({ platform, kind, remaining: 1 })));
    expectNoErrors(mp);
  });

  test('a refusal of a waiting rating is final: marked failed, never sent again (Alipay: HTTP 4xx through fail)', async () => {
    const session = await login('citizen-b');
    const entry = {
      key: `hcp-review-${platform}-${Date.now().toString(36)}`,
      user_id: session.user.user_id,
      kind: 'transaction',
      target_id: '00000000-0000-4000-8000-00000000dead',
      staff_id: null,
      level: 5,
      tags: [],
      comment: null,
      anonymous: false,
      title: '不存在的办件',
      created_at: Date.now() - 60_000,
      attempts: 0,
      failed: null,
    };
    const before = await query<{ n: string }>('select count(*) as n from app.ratings where idempotency_key = $1', [entry.key]);
    const mp = launch(platform, { [PRIVACY_KEY]: AGREED, [SESSION_KEY]: storedSession(session), [OUTBOX_KEY]: [entry] });
    await mp.waitFor(() => mp.requestsTo('/rest/v1/rpc/submit_rating').some((r) => r.status !== undefined), { what: 'the send' });
    const sent = only(mp.requestsTo('/rest/v1/rpc/submit_rating'), 'submit');
    expect(sent.status).toBeGreaterThanOrEqual(400);
    expect(sent.status).toBeLessThan(500);
    await mp.waitFor(() => ((mp.stored(OUTBOX_KEY) as Array<{ failed: unknown }>)[0]?.failed ?? null) !== null, { what: 'the entry marked failed' });
    const failed = (mp.stored(OUTBOX_KEY) as Array<{ failed: { code: string } }>)[0]!.failed;
    expect(failed.code).not.toBe('network_error');
    mp.show();
    mp.setOnline(false);
    mp.setOnline(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(mp.requestsTo('/rest/v1/rpc/submit_rating')).toHaveLength(1);
    expect(await query('select count(*) as n from app.ratings where idempotency_key = $1', [entry.key])).toEqual(before);
  });

  test('a release-mode run refuses http:// and hosts outside the domain list', async () => {
    // This bundle was built for http://127.0.0.1: a client running it as a release refuses every call.
    const mp = new MiniProgram({ platform, apiUrl: stackEnv.apiUrl, release: { domains: ['hcp-api.example.cn'] } }).launch();
    try {
      await mp.waitFor(() => mp.requests.length > 0 && mp.requests.every((r) => r.status === null), { what: 'the refused requests' });
      expect(mp.errors.some((e) => e.includes('url not in domain list'))).toBe(true);
      expect(mp.requests.every((r) => r.status === null)).toBe(true);
    } finally {
      mp.close();
    }
  });

  test('关怀模式 follows the phone: a system text size of 1.3× starts in large text, the standard size does not', async () => {
    // WeChat reports getAppBaseInfo().fontSizeScaleFactor; Alipay the chosen size in px (16 standard).
    const large = platform === 'weapp' ? { fontSizeScaleFactor: 1.3 } : { fontSizeSetting: 21 };
    const shellOf = (mp: MiniProgram) => mp.findByClass('shell')[0]?.cl;
    const scaled = launch(platform, { [PRIVACY_KEY]: AGREED }, undefined, {}, large);
    await scaled.waitFor(() => shellOf(scaled) !== undefined, { what: 'the home page' });
    expect(shellOf(scaled)!.split(/\s+/)).toContain('shell--large');
    const standard = launch(platform, { [PRIVACY_KEY]: AGREED }, undefined, {}, platform === 'weapp' ? { fontSizeScaleFactor: 1 } : { fontSizeSetting: 16 });
    await standard.waitFor(() => shellOf(standard) !== undefined, { what: 'the home page' });
    expect(shellOf(standard)!.split(/\s+/)).not.toContain('shell--large');
  });
});
