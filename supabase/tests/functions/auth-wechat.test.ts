/**
 * auth-wechat in the real Deno runtime against the WeChat stand-in (its real code2Session
 * format) and the test database: first login creates the person, the next finds them again,
 * the unionid is kept and leads a new openid to the same person, and every WeChat refusal
 * becomes its own 4xx/503 code with nothing written.
 */
import { decodeProtectedHeader } from 'jose';
import { publishedJwks, verifyAccessToken } from './jwt-support.ts';
import { SessionResponse } from '../../../shared/auth.ts';
import { authWechat, handler } from '../../functions/auth-wechat/handler.ts';
import { wechatConfig } from '../../functions/auth-wechat/wechat.ts';
import { assertEquals, assertMatch } from './assert.ts';
import { assertRefusal, call, control, env, post, received, sql, unique, wechatBase, whoami } from './identity-support.ts';

const url = 'http://functions.local/auth-wechat';
const login = (code: string, h = handler) => call(h, post(url, { code }));
const register = (setup: Record<string, unknown>) => control(wechatBase(), 'codes', setup);
const linkCount = async () => (await sql<{ n: number }>('select count(*)::int as n from app.user_platform_links'))[0]!.n;

Deno.test('a first login creates the person; the access token is one PostgREST accepts for them', async () => {
  const code = unique('code');
  const openid = unique('o');
  await register({ code, openid });
  const res = await login(code);
  assertEquals(res.status, 200);
  const session = SessionResponse.parse(res.body);
  assertEquals(session.user.masked_name, '微信用户');
  assertEquals(session.user.realname_verified, false);
  const payload = await verifyAccessToken(session.access_token);
  // Signed with the published key: ES256 with its kid (HS256 without one under the legacy switch).
  const header = decodeProtectedHeader(session.access_token);
  const [published] = (await publishedJwks()).keys;
  assertEquals([header.alg, header.kid], published ? ['ES256', published.kid] : ['HS256', undefined]);
  assertEquals([payload.sub, payload.role], [session.user.id, 'authenticated']);
  assertEquals((payload.exp ?? 0) - (payload.iat ?? 0), session.expires_in);
  assertMatch(session.refresh_token, /^hcp_rt_[A-Za-z0-9_-]{43}$/);
  const links = await sql('select platform, app_id, user_id::text from app.user_platform_links where subject = $1', [openid]);
  assertEquals(links, [{ platform: 'wechat', app_id: env('WECHAT_APPID'), user_id: session.user.id }]);
  const me = await whoami(session.access_token);
  assertEquals([me.status, me.rows.map((r) => [r.user_id, r.masked_name, r.realname_verified])], [200, [[session.user.id, '微信用户', false]]]);
});

Deno.test('locally, code dev-<persona> logs in as that demo persona (seeded link to the stand-in openid)', async () => {
  const res = await login('dev-citizen-a');
  assertEquals(res.status, 200);
  assertEquals(SessionResponse.parse(res.body).user, { id: '00000000-0000-4000-8000-000000000a01', masked_name: '李*梅', realname_verified: true });
});

Deno.test('WeChat receives appid, secret, the code and grant_type=authorization_code', async () => {
  const code = unique('code');
  await register({ code, openid: unique('o') });
  assertEquals((await login(code)).status, 200);
  const req = (await received(wechatBase())).filter((r) => r.query.js_code === code);
  assertEquals(req.length, 1);
  assertEquals([req[0]!.method, req[0]!.path], ['GET', '/sns/jscode2session']);
  assertEquals(req[0]!.query, { appid: env('WECHAT_APPID'), secret: env('WECHAT_SECRET'), js_code: code, grant_type: 'authorization_code' });
});

Deno.test('the second login of the same openid finds the same person, with a new refresh token', async () => {
  const openid = unique('o');
  const first = unique('code');
  const second = unique('code');
  await register({ code: first, openid });
  await register({ code: second, openid });
  const a = SessionResponse.parse((await login(first)).body);
  const b = SessionResponse.parse((await login(second)).body);
  assertEquals(b.user.id, a.user.id);
  assertEquals(b.refresh_token === a.refresh_token, false);
  assertEquals((await sql('select 1 from app.user_platform_links where subject = $1', [openid])).length, 1);
});

Deno.test('the unionid is kept, and a later login without it does not clear it', async () => {
  const openid = unique('o');
  const unionid = unique('u');
  const [c1, c2] = [unique('code'), unique('code')];
  await register({ code: c1, openid, unionid });
  await register({ code: c2, openid });
  const a = SessionResponse.parse((await login(c1)).body);
  SessionResponse.parse((await login(c2)).body);
  const rows = await sql('select unionid, user_id::text from app.user_platform_links where subject = $1', [openid]);
  assertEquals(rows, [{ unionid, user_id: a.user.id }]);
});

Deno.test('a new openid with a known unionid (another app of the same WeChat account) is the same person', async () => {
  const unionid = unique('u');
  const [c1, c2] = [unique('code'), unique('code')];
  await register({ code: c1, openid: unique('o'), unionid });
  const a = SessionResponse.parse((await login(c1)).body);
  const otherOpenid = unique('o');
  await register({ code: c2, openid: otherOpenid, unionid });
  const b = SessionResponse.parse((await login(c2)).body);
  assertEquals(b.user.id, a.user.id);
  assertEquals((await sql('select user_id::text from app.user_platform_links where subject = $1', [otherOpenid])), [{ user_id: a.user.id }]);
});

const REFUSALS: Array<[number, number, string]> = [
  [40029, 400, 'login_code_invalid'],
  [45011, 429, 'login_rate_limited'],
  [40226, 403, 'login_risky_user'],
  [-1, 503, 'login_platform_busy'],
];
for (const [errcode, status, code] of REFUSALS) {
  Deno.test(`WeChat errcode ${errcode} → ${status} ${code}, nothing written`, async () => {
    const c = unique('code');
    await register({ code: c, errcode });
    const before = await linkCount();
    const res = await login(c);
    assertRefusal(res, status, code);
    assertEquals(res.body.details, { platform_errcode: errcode });
    assertEquals(res.body.access_token, undefined);
    assertEquals(await linkCount(), before);
  });
}

Deno.test('an unknown code is WeChat 40029 → 400 login_code_invalid', async () => {
  assertRefusal(await login(unique('never-issued')), 400, 'login_code_invalid');
});

Deno.test('a code used twice: WeChat 40163 → 400 login_code_invalid', async () => {
  const c = unique('code');
  await register({ code: c, openid: unique('o') });
  assertEquals((await login(c)).status, 200);
  const again = await login(c);
  assertRefusal(again, 400, 'login_code_invalid');
  assertEquals(again.body.details, { platform_errcode: 40163 });
});

Deno.test('a wrong appsecret (WeChat 40125) is our configuration: 503 login_unavailable', async () => {
  const c = unique('code');
  await register({ code: c, openid: unique('o') });
  const misconfigured = authWechat({ ...wechatConfig, secret: 'not-the-secret' });
  const res = await login(c, misconfigured);
  assertRefusal(res, 503, 'login_unavailable');
  assertEquals(res.body.details, { platform_errcode: 40125 });
});

Deno.test('WeChat not answering in time → 503 login_platform_busy', async () => {
  const c = unique('code');
  await register({ code: c, openid: unique('o') });
  await control(wechatBase(), 'fault', { delay_ms: 1500 });
  const impatient = authWechat({ ...wechatConfig, timeoutMs: 200 });
  assertRefusal(await login(c, impatient), 503, 'login_platform_busy');
  await new Promise((r) => setTimeout(r, 1500)); // let the stand-in finish its delayed answer
});

Deno.test('WeChat answering HTTP 502 → 503 login_platform_busy', async () => {
  const c = unique('code');
  await register({ code: c, openid: unique('o') });
  await control(wechatBase(), 'fault', { status: 502 });
  assertRefusal(await login(c), 503, 'login_platform_busy');
});

Deno.test('WeChat unreachable → 503 login_platform_busy', async () => {
  const nowhere = authWechat({ ...wechatConfig, apiBase: 'http://127.0.0.1:9' });
  assertRefusal(await login(unique('code'), nowhere), 503, 'login_platform_busy');
});

Deno.test('bad input never reaches WeChat: 400 with a stable code', async () => {
  const before = (await received(wechatBase())).length;
  assertRefusal(await call(handler, post(url, '{"code":')), 400, 'invalid_json');
  assertRefusal(await call(handler, post(url, {})), 400, 'invalid_input');
  assertRefusal(await call(handler, post(url, { code: '' })), 400, 'invalid_input');
  assertRefusal(await call(handler, post(url, { code: 'x'.repeat(129) })), 400, 'invalid_input');
  assertRefusal(await call(handler, post(url, { code: 'abc', openid: 'forged' })), 400, 'invalid_input');
  assertEquals((await received(wechatBase())).length, before);
});

Deno.test('only POST: other methods are 405; a preflight is answered', async () => {
  assertRefusal(await call(handler, new Request(url)), 405, 'method_not_allowed');
  const pre = await handler(new Request(url, { method: 'OPTIONS' }));
  await pre.body?.cancel();
  assertEquals(pre.status, 204);
});
