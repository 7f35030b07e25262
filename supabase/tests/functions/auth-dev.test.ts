/**
 * auth-dev in the real Deno runtime: the handler each deployment serves, called with real
 * Requests, reading personas from the running stack through the gateway.
 */
import { assertEquals, assertMatch } from './assert.ts';
import { verifyAccessToken } from './jwt-support.ts';
import { authDev, handler } from '../../functions/auth-dev/handler.ts';

const url = 'http://functions.local/auth-dev';
const post = (body: string) => new Request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

Deno.test('GET lists every demo persona of SPEC §4', async () => {
  const res = await handler(new Request(url));
  assertEquals(res.status, 200);
  const { personas } = await res.json();
  assertEquals(personas.map((p: { key: string }) => p.key).sort(), [
    'citizen-a', 'citizen-anon', 'citizen-b', 'staff-fengqing', 'staff-linxiang',
    'supervisor-city', 'supervisor-fengqing', 'unit-admin-linxiang',
  ]);
});

Deno.test('POST a persona mints a token PostgREST accepts for that user', async () => {
  const res = await handler(post('{"persona":"citizen-a"}'));
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(body.token_type, 'bearer');
  assertEquals(body.user.key, 'citizen-a');
  const payload = await verifyAccessToken(body.access_token);
  assertEquals(payload.sub, body.user.user_id);
  assertEquals(payload.role, 'authenticated');
  assertEquals((payload.exp ?? 0) - (payload.iat ?? 0), body.expires_in);
});

Deno.test('an unknown persona is a 400 invalid_input with a Chinese message', async () => {
  const res = await handler(post('{"persona":"mayor"}'));
  assertEquals(res.status, 400);
  const body = await res.json();
  assertEquals(body.code, 'invalid_input');
  assertMatch(body.message, /[\u4e00-\u9fff]/);
});

Deno.test('a body that is not JSON is a 400 invalid_json', async () => {
  const res = await handler(post('persona=citizen-a'));
  assertEquals(res.status, 400);
  assertEquals((await res.json()).code, 'invalid_json');
});

Deno.test('extra fields are refused, not ignored', async () => {
  const res = await handler(post('{"persona":"citizen-a","role":"service_role"}'));
  assertEquals(res.status, 400);
  assertEquals((await res.json()).code, 'invalid_input');
});

Deno.test('other methods are a 405', async () => {
  const res = await handler(new Request(url, { method: 'DELETE' }));
  assertEquals(res.status, 405);
  assertEquals((await res.json()).code, 'method_not_allowed');
});

Deno.test('a CORS preflight is answered', async () => {
  const res = await handler(new Request(url, { method: 'OPTIONS' }));
  assertEquals(res.status, 204);
  assertEquals(res.headers.get('access-control-allow-origin'), '*');
});

Deno.test('without ALLOW_DEV_LOGIN=true every request is a 404 and no token is minted', async () => {
  const disabled = authDev(false);
  for (const req of [new Request(url), post('{"persona":"citizen-a"}')]) {
    const res = await disabled(req);
    assertEquals(res.status, 404);
    const body = await res.json();
    assertEquals(body.code, 'dev_login_disabled');
    assertEquals(body.access_token, undefined);
  }
});
