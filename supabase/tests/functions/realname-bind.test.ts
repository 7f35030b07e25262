/**
 * realname-bind in the real Deno runtime with tickets from the identity-platform stand-in:
 * a good ticket binds an encrypted identity with masked display values; replayed, tampered,
 * foreign, expired and malformed tickets are refused with their own codes and nothing is
 * written; a second platform account of the same person (same ID number) is refused (the
 * first row has its own login). Binding bound to a session's nonce, strong methods, and merges
 * into rows nobody logs into: realname-takeover.test.ts.
 */
import { RealnameBindResponse } from '../../../shared/identity.ts';
import { handler as refresh } from '../../functions/auth-refresh/handler.ts';
import { handler } from '../../functions/realname-bind/handler.ts';
import { mintAccessToken } from '../../functions/_shared/tokens.ts';
import { assertEquals } from './assert.ts';
import { signTestToken } from './jwt-support.ts';
import { assertRefusal, call, env, post, sql, whoami } from './identity-support.ts';
import { alipayUser, bind, identityChecksum, identityCounts, newIdNumber as idNumber, ticketAs, verifiedTicket as ticketFor, wechatUser } from './realname-support.ts';

const url = 'http://functions.local/realname-bind';

const b64url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

const identityRows = async () => (await sql<{ n: number }>('select count(*)::int as n from app.user_identities'))[0]!.n;

Deno.test('a verified ticket makes the caller real-name: masked name and phone, identity encrypted', async () => {
  const me = await wechatUser();
  const id = idNumber();
  const res = await bind(me.access_token, await ticketFor({ name: '张三丰', id_number: id, phone: '13912345678' }, me.access_token));
  assertEquals(res.status, 200);
  const body = RealnameBindResponse.parse(res.body);
  assertEquals(body, { user: { id: me.user.id, masked_name: '张*丰', realname_verified: true }, merged: false });
  const [u] = await sql('select masked_name, masked_phone, realname_verified_at is not null as verified from app.users where id = $1', [me.user.id]);
  assertEquals(u, { masked_name: '张*丰', masked_phone: '139****5678', verified: true });
  assertEquals((await whoami(me.access_token)).rows.map((r) => [r.masked_name, r.realname_verified]), [['张*丰', true]]);
  const [raw] = await sql<Record<string, Uint8Array>>('select name_enc, id_number_enc, phone_enc from app.user_identities where user_id = $1', [me.user.id]);
  const text = Object.values(raw!).map((b) => new TextDecoder('latin1').decode(b)).join('');
  for (const plain of ['张三丰', id, '13912345678', id.slice(6, 14)]) assertEquals(text.includes(plain), false);
  assertEquals(await sql('select name, id_number, phone from app.user_identity_plain($1)', [me.user.id]), [{ name: '张三丰', id_number: id, phone: '13912345678' }]);
});

Deno.test('a ticket works once: replayed by the same or another account → 409 ticket_replayed', async () => {
  const me = await wechatUser();
  const other = await wechatUser();
  const ticket = await ticketFor({ name: '李四', id_number: idNumber() }, me.access_token);
  assertEquals((await bind(me.access_token, ticket)).status, 200);
  assertRefusal(await bind(me.access_token, ticket), 409, 'ticket_replayed');
  const before = await identityRows();
  assertRefusal(await bind(other.access_token, ticket), 409, 'ticket_replayed');
  assertEquals(await identityRows(), before);
  assertEquals((await sql('select realname_verified_at from app.users where id = $1', [other.user.id])), [{ realname_verified_at: null }]);
});

Deno.test('a tampered ticket (claims changed after signing) → 400 ticket_invalid, nothing written', async () => {
  const me = await wechatUser();
  const [h, p, s] = (await ticketFor({ name: '王五', id_number: idNumber() }, me.access_token)).split('.');
  const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(p!.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))));
  claims.id_number = idNumber();
  const forged = b64url(JSON.stringify(claims));
  const before = await identityRows();
  const res = await bind(me.access_token, `${h}.${forged}.${s}`);
  assertRefusal(res, 400, 'ticket_invalid');
  assertEquals(await identityRows(), before);
  assertEquals(await sql('select ticket_id from app.realname_tickets where ticket_id = $1', [claims.jti]), []);
});

Deno.test('tickets that are not the platform’s, or not for us → 400 ticket_invalid', async () => {
  const me = await wechatUser();
  const person = { name: '赵六', id_number: idNumber() };
  for (const setup of [{ stranger_key: true }, { aud: 'another-app' }, { iss: 'https://evil.example' }]) {
    assertRefusal(await bind(me.access_token, await ticketAs({ ...person, ...setup })), 400, 'ticket_invalid');
  }
  const unsigned = `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url(JSON.stringify({ ...person, jti: 'x', iss: env('IDP_ISSUER'), aud: env('IDP_AUDIENCE'), exp: 4102444800 }))}.`;
  assertRefusal(await bind(me.access_token, unsigned), 400, 'ticket_invalid');
  assertRefusal(await bind(me.access_token, 'not-a-ticket-at-all-really'), 400, 'ticket_invalid');
  // Signed by the platform but carrying an ID number that cannot exist.
  assertRefusal(await bind(me.access_token, await ticketAs({ name: '赵六', id_number: '530902199001011230' })), 400, 'ticket_invalid');
  assertEquals((await sql('select realname_verified_at from app.users where id = $1', [me.user.id])), [{ realname_verified_at: null }]);
});

Deno.test('an expired ticket → 400 ticket_expired', async () => {
  const me = await wechatUser();
  assertRefusal(await bind(me.access_token, await ticketAs({ name: '钱七', id_number: idNumber(), ttl_s: -30 })), 400, 'ticket_expired');
});

Deno.test('binding again with the same ID updates the phone; another ID → 409 realname_mismatch', async () => {
  const me = await wechatUser();
  const id = idNumber();
  assertEquals((await bind(me.access_token, await ticketFor({ name: '孙八', id_number: id, phone: '13800000001' }, me.access_token))).status, 200);
  assertEquals((await bind(me.access_token, await ticketFor({ name: '孙八', id_number: id, phone: '13900000002' }, me.access_token))).status, 200);
  assertEquals((await sql('select masked_phone from app.users where id = $1', [me.user.id])), [{ masked_phone: '139****0002' }]);
  assertRefusal(await bind(me.access_token, await ticketFor({ name: '周九', id_number: idNumber() }, me.access_token)), 409, 'realname_mismatch');
  assertEquals((await sql('select masked_name from app.users where id = $1', [me.user.id])), [{ masked_name: '孙*' }]);
});

Deno.test('the same person on a second platform is not merged into their first row (it has its own login): 403, audited', async () => {
  const id = idNumber();
  const wechat = await wechatUser();
  assertEquals((await bind(wechat.access_token, await ticketFor({ name: '吴十', id_number: id }, wechat.access_token))).status, 200);
  const alipayId = '2088' + String(Math.floor(Math.random() * 1e12)).padStart(12, '0');
  const alipay = await alipayUser(alipayId);
  assertEquals(alipay.user.id === wechat.user.id, false);

  const ticket = await ticketFor({ name: '吴十', id_number: id }, alipay.access_token);
  const before = await identityChecksum([wechat.user.id, alipay.user.id]);
  const counts = await identityCounts();
  assertRefusal(await bind(alipay.access_token, ticket), 403, 'realname_merge_refused');
  assertEquals(await identityChecksum([wechat.user.id, alipay.user.id]), before);
  assertEquals(await identityCounts(), { ...counts, audit: counts.audit + 1 });
  assertEquals(
    await sql(`select action, detail -> 'reasons' as reasons, detail ->> 'target_user_id' as target from app.audit_log
               where entity = 'identity' and entity_id = $1`, [alipay.user.id]),
    [{ action: 'realname_merge_refused', reasons: ['platform_link'], target: wechat.user.id }],
  );
  // Both logins keep working, each on its own row.
  assertEquals((await call(refresh, post('http://functions.local/auth-refresh', { refresh_token: alipay.refresh_token }))).status, 200);
  assertEquals((await alipayUser(alipayId)).user.id, alipay.user.id);
});

Deno.test('only a signed-in user: no token, the anon key, or an expired token → 401 unauthorized', async () => {
  // A ticket for a real session's nonce: the caller is refused before it is even read.
  const ticket = await ticketFor({ name: '郑一', id_number: idNumber() }, (await wechatUser()).access_token);
  assertRefusal(await call(handler, post(url, { ticket })), 401, 'unauthorized');
  assertRefusal(await bind(env('SUPABASE_SERVICE_ROLE_KEY'), ticket), 401, 'unauthorized');
  const { SignJWT } = await import('jose');
  const expired = await signTestToken(new SignJWT({ role: 'authenticated' }).setSubject(crypto.randomUUID())
    .setIssuedAt(1_700_000_000).setExpirationTime(1_700_003_600));
  assertRefusal(await bind(expired, ticket), 401, 'unauthorized');
  // A well-signed token of a user that does not exist binds nothing.
  assertRefusal(await bind(await mintAccessToken(crypto.randomUUID()), ticket), 401, 'unauthorized');
});

Deno.test('bad input: 400 with a stable code; only POST', async () => {
  const me = await wechatUser();
  const auth = { authorization: `Bearer ${me.access_token}` };
  assertRefusal(await call(handler, post(url, '{"ticket":', auth)), 400, 'invalid_json');
  assertRefusal(await call(handler, post(url, {}, auth)), 400, 'invalid_input');
  assertRefusal(await call(handler, post(url, { ticket: 'short' }, auth)), 400, 'invalid_input');
  assertRefusal(await call(handler, post(url, { ticket: 'x'.repeat(40), name: '冒充' }, auth)), 400, 'invalid_input');
  assertRefusal(await call(handler, new Request(url, { headers: auth })), 405, 'method_not_allowed');
});
