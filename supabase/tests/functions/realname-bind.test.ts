/**
 * realname-bind in the real Deno runtime with tickets from the identity-platform stand-in:
 * a good ticket binds an encrypted identity with masked display values; replayed, tampered,
 * foreign, expired and malformed tickets are refused with their own codes and nothing is
 * written; a second account of the same person (same ID number) is merged into the first.
 */
import { SessionResponse } from '../../../shared/auth.ts';
import { RealnameBindResponse } from '../../../shared/identity.ts';
import { handler as alipayLogin } from '../../functions/auth-alipay/handler.ts';
import { handler as refresh } from '../../functions/auth-refresh/handler.ts';
import { handler as wechatLogin } from '../../functions/auth-wechat/handler.ts';
import { handler } from '../../functions/realname-bind/handler.ts';
import { mintAccessToken } from '../../functions/_shared/tokens.ts';
import { assertEquals } from './assert.ts';
import { alipayBase, assertRefusal, call, control, env, idpBase, post, sql, unique, wechatBase, whoami } from './identity-support.ts';

const url = 'http://functions.local/realname-bind';

function idNumber(): string {
  const birth = `19${String(50 + Math.floor(Math.random() * 50))}0${1 + Math.floor(Math.random() * 9)}1${Math.floor(Math.random() * 9)}`;
  const id17 = `530902${birth}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = w.reduce((s, x, i) => s + x * Number(id17[i]), 0);
  return id17 + '10X98765432'[sum % 11];
}

async function wechatUser(): Promise<SessionResponse> {
  const code = unique('code');
  await control(wechatBase(), 'codes', { code, openid: unique('o') });
  return SessionResponse.parse((await call(wechatLogin, post('http://functions.local/auth-wechat', { code }))).body);
}

async function alipayUser(userId = '2088' + String(Math.floor(Math.random() * 1e12)).padStart(12, '0')): Promise<SessionResponse> {
  const code = unique('auth');
  await control(alipayBase(), 'codes', { code, user_id: userId });
  return SessionResponse.parse((await call(alipayLogin, post('http://functions.local/auth-alipay', { code }))).body);
}

/** What the platform hands the app after a face check (its public endpoint). */
async function verifiedTicket(person: { name: string; id_number: string; phone?: string }): Promise<string> {
  const res = await fetch(`${idpBase()}/api/v1/realname/verify`, { method: 'POST', body: JSON.stringify(person) });
  return ((await res.json()) as { ticket: string }).ticket;
}
const ticketAs = async (setup: Record<string, unknown>) => (await control(idpBase(), 'tickets', setup)).ticket as string;

const b64url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

const bind = (token: string, ticket: unknown) => call(handler, post(url, { ticket }, { authorization: `Bearer ${token}` }));
const identityRows = async () => (await sql<{ n: number }>('select count(*)::int as n from app.user_identities'))[0]!.n;

Deno.test('a verified ticket makes the caller real-name: masked name and phone, identity encrypted', async () => {
  const me = await wechatUser();
  const id = idNumber();
  const res = await bind(me.access_token, await verifiedTicket({ name: '张三丰', id_number: id, phone: '13912345678' }));
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
  const ticket = await verifiedTicket({ name: '李四', id_number: idNumber() });
  assertEquals((await bind(me.access_token, ticket)).status, 200);
  assertRefusal(await bind(me.access_token, ticket), 409, 'ticket_replayed');
  const before = await identityRows();
  assertRefusal(await bind(other.access_token, ticket), 409, 'ticket_replayed');
  assertEquals(await identityRows(), before);
  assertEquals((await sql('select realname_verified_at from app.users where id = $1', [other.user.id])), [{ realname_verified_at: null }]);
});

Deno.test('a tampered ticket (claims changed after signing) → 400 ticket_invalid, nothing written', async () => {
  const me = await wechatUser();
  const [h, p, s] = (await verifiedTicket({ name: '王五', id_number: idNumber() })).split('.');
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
  assertEquals((await bind(me.access_token, await verifiedTicket({ name: '孙八', id_number: id, phone: '13800000001' }))).status, 200);
  assertEquals((await bind(me.access_token, await verifiedTicket({ name: '孙八', id_number: id, phone: '13900000002' }))).status, 200);
  assertEquals((await sql('select masked_phone from app.users where id = $1', [me.user.id])), [{ masked_phone: '139****0002' }]);
  assertRefusal(await bind(me.access_token, await verifiedTicket({ name: '周九', id_number: idNumber() })), 409, 'realname_mismatch');
  assertEquals((await sql('select masked_name from app.users where id = $1', [me.user.id])), [{ masked_name: '孙*' }]);
});

Deno.test('the same person on a second platform is merged into their first row, with a session for it', async () => {
  const id = idNumber();
  const wechat = await wechatUser();
  assertEquals((await bind(wechat.access_token, await verifiedTicket({ name: '吴十', id_number: id }))).status, 200);
  const alipayId = '2088' + String(Math.floor(Math.random() * 1e12)).padStart(12, '0');
  const alipay = await alipayUser(alipayId);
  assertEquals(alipay.user.id === wechat.user.id, false);

  const res = await bind(alipay.access_token, await verifiedTicket({ name: '吴十', id_number: id }));
  assertEquals(res.status, 200);
  const body = RealnameBindResponse.parse(res.body);
  assertEquals([body.merged, body.user.id, body.session?.user.id], [true, wechat.user.id, wechat.user.id]);
  // The Alipay account now reaches the first row; its old refresh token is revoked.
  assertEquals(await sql('select user_id::text from app.user_platform_links where subject = $1', [alipayId]), [{ user_id: wechat.user.id }]);
  assertRefusal(await call(refresh, post('http://functions.local/auth-refresh', { refresh_token: alipay.refresh_token })), 401, 'refresh_token_invalid');
  assertEquals((await call(refresh, post('http://functions.local/auth-refresh', { refresh_token: body.session!.refresh_token }))).status, 200);
  assertEquals((await alipayUser(alipayId)).user.id, wechat.user.id);
  assertEquals(await sql('select merged_into::text from app.users where id = $1', [alipay.user.id]), [{ merged_into: wechat.user.id }]);
});

Deno.test('only a signed-in user: no token, the anon key, or an expired token → 401 unauthorized', async () => {
  const ticket = await verifiedTicket({ name: '郑一', id_number: idNumber() });
  assertRefusal(await call(handler, post(url, { ticket })), 401, 'unauthorized');
  assertRefusal(await bind(env('SUPABASE_SERVICE_ROLE_KEY'), ticket), 401, 'unauthorized');
  const { SignJWT } = await import('jose');
  const expired = await new SignJWT({ role: 'authenticated' }).setProtectedHeader({ alg: 'HS256' }).setSubject(crypto.randomUUID())
    .setIssuedAt(1_700_000_000).setExpirationTime(1_700_003_600).sign(new TextEncoder().encode(env('HCP_JWT_SECRET')));
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
