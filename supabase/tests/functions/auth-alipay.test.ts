/**
 * auth-alipay in the real Deno runtime against the Alipay gateway stand-in: requests signed
 * RSA2 (the stand-in verifies them with the app's public key), answers verified with Alipay's
 * public key (a tampered answer is refused), the person found again on the next login, and
 * every gateway error mapped to its own code with nothing written.
 */
import { SessionResponse } from '../../../shared/auth.ts';
import { rawNode, signContent } from '../../functions/_shared/alipay.ts';
import { alipayConfig } from '../../functions/auth-alipay/alipay.ts';
import { authAlipay, handler } from '../../functions/auth-alipay/handler.ts';
import { assertEquals, assertMatch } from './assert.ts';
import { alipayBase, assertRefusal, call, control, env, post, received, sql, unique } from './identity-support.ts';

const url = 'http://functions.local/auth-alipay';
const login = (code: string, h = handler) => call(h, post(url, { code }));
const register = (setup: Record<string, unknown>) => control(alipayBase(), 'codes', setup);
const linkCount = async () => (await sql<{ n: number }>('select count(*)::int as n from app.user_platform_links'))[0]!.n;
const uid = () => '2088' + String(Math.floor(Math.random() * 1e12)).padStart(12, '0');

Deno.test('a first login creates the person from the Alipay user_id; the next finds them again', async () => {
  const userId = uid();
  const [c1, c2] = [unique('auth'), unique('auth')];
  await register({ code: c1, user_id: userId });
  await register({ code: c2, user_id: userId });
  const first = await login(c1);
  assertEquals(first.status, 200);
  const a = SessionResponse.parse(first.body);
  assertEquals([a.user.masked_name, a.user.realname_verified], ['支付宝用户', false]);
  const b = SessionResponse.parse((await login(c2)).body);
  assertEquals(b.user.id, a.user.id);
  assertEquals(await sql('select platform, app_id, user_id::text from app.user_platform_links where subject = $1', [userId]),
    [{ platform: 'alipay', app_id: env('ALIPAY_APP_ID'), user_id: a.user.id }]);
});

Deno.test('locally, auth code dev-<persona> logs in as that demo persona', async () => {
  const res = await login('dev-citizen-b');
  assertEquals(res.status, 200);
  assertEquals(SessionResponse.parse(res.body).user, { id: '00000000-0000-4000-8000-000000000a02', masked_name: '王*', realname_verified: true });
});

Deno.test('a newer app gets an open_id: that is the subject', async () => {
  const openId = unique('074a');
  const c = unique('auth');
  await register({ code: c, open_id: openId });
  const s = SessionResponse.parse((await login(c)).body);
  assertEquals(await sql('select user_id::text from app.user_platform_links where subject = $1', [openId]), [{ user_id: s.user.id }]);
});

Deno.test('the gateway receives a well-formed RSA2-signed alipay.system.oauth.token request', async () => {
  const c = unique('auth');
  await register({ code: c, user_id: uid() });
  assertEquals((await login(c)).status, 200);
  const req = (await received(alipayBase())).find((r) => new URLSearchParams(r.body).get('code') === c)!;
  assertEquals([req.method, req.path], ['POST', '/gateway.do']);
  assertMatch(req.headers['content-type'] ?? '', /^application\/x-www-form-urlencoded/);
  const p = Object.fromEntries(new URLSearchParams(req.body));
  assertEquals([p.app_id, p.method, p.format, p.charset, p.sign_type, p.version, p.grant_type],
    [env('ALIPAY_APP_ID'), 'alipay.system.oauth.token', 'JSON', 'utf-8', 'RSA2', '1.0', 'authorization_code']);
  assertMatch(p.timestamp!, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  assertMatch(p.sign!, /^[A-Za-z0-9+/]{342}==$/); // 2048-bit RSA signature, base64
});

Deno.test('a request signed with another key is refused by the gateway (isv.invalid-signature) → 503 login_unavailable', async () => {
  const c = unique('auth');
  await register({ code: c, user_id: uid() });
  const { privateKey } = await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
  const res = await login(c, authAlipay({ ...alipayConfig, privateKey }));
  assertRefusal(res, 503, 'login_unavailable');
  assertEquals(res.body.details, { platform_code: '40002', platform_sub_code: 'isv.invalid-signature' });
});

Deno.test('an answer whose signature does not verify is not believed: 503 login_unavailable, nothing written', async () => {
  const userId = uid();
  const c = unique('auth');
  await register({ code: c, user_id: userId });
  await control(alipayBase(), 'fault', { bad_sign: true });
  const before = await linkCount();
  const res = await login(c);
  assertRefusal(res, 503, 'login_unavailable');
  assertEquals(res.body.details, { platform: 'bad signature' });
  assertEquals(await linkCount(), before);
  assertEquals(await sql('select 1 from app.user_platform_links where subject = $1', [userId]), []);
});

const REFUSALS: Array<[Record<string, string>, number, string]> = [
  [{ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.code-invalid', sub_msg: '授权码code无效' }, 400, 'login_code_invalid'],
  [{ code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error', sub_msg: '系统繁忙' }, 503, 'login_platform_busy'],
  [{ code: '40006', msg: 'Insufficient Permissions', sub_code: 'isv.insufficient-isv-permissions', sub_msg: 'ISV权限不足' }, 503, 'login_unavailable'],
];
for (const [error, status, code] of REFUSALS) {
  Deno.test(`gateway error ${error.code} ${error.sub_code} → ${status} ${code}, nothing written`, async () => {
    const c = unique('auth');
    await register({ code: c, error });
    const before = await linkCount();
    const res = await login(c);
    assertRefusal(res, status, code);
    assertEquals(res.body.details, { platform_code: error.code, platform_sub_code: error.sub_code });
    assertEquals(await linkCount(), before);
  });
}

Deno.test('an unknown or used auth code → 400 login_code_invalid', async () => {
  assertRefusal(await login(unique('never-issued')), 400, 'login_code_invalid');
  const c = unique('auth');
  await register({ code: c, user_id: uid() });
  assertEquals((await login(c)).status, 200);
  assertRefusal(await login(c), 400, 'login_code_invalid');
});

Deno.test('a wrong app_id (unsigned isv.invalid-app-id) is our configuration → 503 login_unavailable', async () => {
  const c = unique('auth');
  await register({ code: c, user_id: uid() });
  const res = await login(c, authAlipay({ ...alipayConfig, appId: '2021009999999999' }));
  assertRefusal(res, 503, 'login_unavailable');
  assertEquals(res.body.details, { platform_code: '40002', platform_sub_code: 'isv.invalid-app-id' });
});

Deno.test('the gateway answering HTTP 503, or too slowly → 503 login_platform_busy', async () => {
  const c = unique('auth');
  await register({ code: c, user_id: uid() });
  await control(alipayBase(), 'fault', { status: 503 });
  assertRefusal(await login(c), 503, 'login_platform_busy');
  await control(alipayBase(), 'fault', { delay_ms: 1500 });
  assertRefusal(await login(c, authAlipay({ ...alipayConfig, timeoutMs: 200 })), 503, 'login_platform_busy');
  await new Promise((r) => setTimeout(r, 1500));
});

Deno.test('bad input never reaches the gateway', async () => {
  const before = (await received(alipayBase())).length;
  assertRefusal(await call(handler, post(url, 'code=abc')), 400, 'invalid_json');
  assertRefusal(await call(handler, post(url, { code: '  ' })), 400, 'invalid_input');
  assertRefusal(await call(handler, post(url, { code: 'abc', user_id: '2088' })), 400, 'invalid_input');
  assertRefusal(await call(handler, new Request(url, { method: 'PUT' })), 405, 'method_not_allowed');
  assertEquals((await received(alipayBase())).length, before);
});

Deno.test('the signed string and the signed node are exactly what Alipay specifies', () => {
  assertEquals(signContent({ b: '2', a: '1', sign: 'x', empty: '', c: 'a b' }), 'a=1&b=2&c=a b');
  const text = '{"alipay_system_oauth_token_response":{"user_id":"2088","note":"a } \\" {"},"sign":"abc"}';
  assertEquals(rawNode(text, 'alipay_system_oauth_token_response'), '{"user_id":"2088","note":"a } \\" {"}');
  assertEquals(rawNode(text, 'error_response'), undefined);
});
