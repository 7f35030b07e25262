/**
 * auth-refresh in the real Deno runtime: refresh tokens rotate (each works once), a spent one
 * presented again revokes its whole login (family) and nothing else, expired and unknown tokens
 * are refused with their own codes, logout revokes, and only hashes are stored.
 */
import { verifyAccessToken } from './jwt-support.ts';
import { SessionResponse } from '../../../shared/auth.ts';
import { handler as refresh } from '../../functions/auth-refresh/handler.ts';
import { handler as wechatLogin } from '../../functions/auth-wechat/handler.ts';
import { assertEquals, assertMatch } from './assert.ts';
import { assertRefusal, call, control, post, sql, unique, wechatBase } from './identity-support.ts';

const url = 'http://functions.local/auth-refresh';
const rotate = (token: string) => call(refresh, post(url, { refresh_token: token }));

async function newLogin(openid = unique('o')): Promise<SessionResponse> {
  const code = unique('code');
  await control(wechatBase(), 'codes', { code, openid });
  const res = await call(wechatLogin, post('http://functions.local/auth-wechat', { code }));
  return SessionResponse.parse(res.body);
}

const tokenRow = async (token: string) =>
  (await sql<{ family_id: string; used_at: Date | null; revoked_at: Date | null; revoke_reason: string | null }>(
    `select family_id::text, used_at, revoked_at, revoke_reason from app.refresh_tokens where token_hash = extensions.digest($1, 'sha256')`, [token]))[0];
const tokenCount = async () => (await sql<{ n: number }>('select count(*)::int as n from app.refresh_tokens'))[0]!.n;

Deno.test('a refresh token is traded for a new session of the same person; the new token differs', async () => {
  const login = await newLogin();
  const res = await rotate(login.refresh_token);
  assertEquals(res.status, 200);
  const next = SessionResponse.parse(res.body);
  assertEquals(next.user, login.user);
  assertEquals(next.refresh_token === login.refresh_token, false);
  assertMatch(next.refresh_token, /^hcp_rt_[A-Za-z0-9_-]{43}$/);
  const payload = await verifyAccessToken(next.access_token);
  assertEquals([payload.sub, payload.role], [login.user.id, 'authenticated']);
  // 30 days, give or take the seconds this test took.
  assertEquals(Math.abs((next.refresh_expires_in ?? 0) - 30 * 86400) < 60, true);
  const [spent, fresh] = [await tokenRow(login.refresh_token), await tokenRow(next.refresh_token)];
  assertEquals(spent!.used_at !== null && fresh!.used_at === null, true);
  assertEquals(spent!.family_id, fresh!.family_id);
});

Deno.test('rotation chains: each new token works once in turn', async () => {
  let token = (await newLogin()).refresh_token;
  for (let i = 0; i < 3; i++) {
    const res = await rotate(token);
    assertEquals(res.status, 200);
    token = SessionResponse.parse(res.body).refresh_token;
  }
});

Deno.test('a spent token presented again → 401 refresh_token_reused, and the whole family is revoked', async () => {
  const login = await newLogin();
  const next = SessionResponse.parse((await rotate(login.refresh_token)).body);
  assertRefusal(await rotate(login.refresh_token), 401, 'refresh_token_reused');
  // The thief's (or the owner's) newer token is dead too: everyone logs in again.
  assertRefusal(await rotate(next.refresh_token), 401, 'refresh_token_invalid');
  const family = (await tokenRow(login.refresh_token))!.family_id;
  const rows = await sql<{ revoke_reason: string | null }>('select revoke_reason from app.refresh_tokens where family_id = $1', [family]);
  assertEquals(rows.map((r) => r.revoke_reason), ['reuse', 'reuse']);
});

Deno.test('reuse on one login leaves the same person’s other login (another phone) alone', async () => {
  const openid = unique('o');
  const phone1 = await newLogin(openid);
  const phone2 = await newLogin(openid);
  assertEquals(phone1.user.id, phone2.user.id);
  await rotate(phone1.refresh_token);
  assertRefusal(await rotate(phone1.refresh_token), 401, 'refresh_token_reused');
  assertEquals((await rotate(phone2.refresh_token)).status, 200);
});

Deno.test('two refreshes racing with one token: exactly one wins, the other is a reuse', async () => {
  const login = await newLogin();
  const results = await Promise.all([rotate(login.refresh_token), rotate(login.refresh_token)]);
  assertEquals(results.map((r) => r.status).sort(), [200, 401]);
  assertEquals(results.find((r) => r.status === 401)!.body.code, 'refresh_token_reused');
});

Deno.test('a token past its 30 days → 401 refresh_token_expired, and it stays unspent', async () => {
  const login = await newLogin();
  await sql(`update app.refresh_tokens set issued_at = now() - interval '31 days', expires_at = now() - interval '1 day'
             where token_hash = extensions.digest($1, 'sha256')`, [login.refresh_token]);
  assertRefusal(await rotate(login.refresh_token), 401, 'refresh_token_expired');
  assertEquals((await tokenRow(login.refresh_token))!.used_at, null);
});

Deno.test('an unknown token → 401 refresh_token_invalid, nothing written', async () => {
  const before = await tokenCount();
  assertRefusal(await rotate('hcp_rt_' + 'A'.repeat(43)), 401, 'refresh_token_invalid');
  assertEquals(await tokenCount(), before);
});

Deno.test('logout (DELETE) revokes the login: its token no longer refreshes', async () => {
  const login = await newLogin();
  const res = await refresh(new Request(url, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: login.refresh_token }) }));
  await res.body?.cancel();
  assertEquals(res.status, 204);
  assertRefusal(await rotate(login.refresh_token), 401, 'refresh_token_invalid');
  assertEquals((await tokenRow(login.refresh_token))!.revoke_reason, 'logout');
});

Deno.test('only the SHA-256 of a token is stored, never the token', async () => {
  const login = await newLogin();
  const rows = await sql('select * from app.refresh_tokens where family_id = (select family_id from app.refresh_tokens where token_hash = extensions.digest($1, \'sha256\'))', [login.refresh_token]);
  assertEquals(rows.length, 1);
  const stored = JSON.stringify(rows, (_k, v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : v));
  assertEquals(stored.includes(login.refresh_token.slice(7)), false);
});

Deno.test('bad input: 400 with a stable code, nothing written', async () => {
  const before = await tokenCount();
  assertRefusal(await call(refresh, post(url, 'refresh_token=x')), 400, 'invalid_json');
  assertRefusal(await call(refresh, post(url, {})), 400, 'invalid_input');
  assertRefusal(await call(refresh, post(url, { refresh_token: 'short' })), 400, 'invalid_input');
  assertRefusal(await call(refresh, post(url, { refresh_token: 'x'.repeat(201) })), 400, 'invalid_input');
  assertRefusal(await call(refresh, post(url, { refresh_token: 'hcp_rt_' + 'A'.repeat(43), user_id: 'x' })), 400, 'invalid_input');
  assertRefusal(await call(refresh, new Request(url)), 405, 'method_not_allowed');
  assertEquals(await tokenCount(), before);
});
