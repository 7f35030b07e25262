/**
 * Helpers of the 实名认证 tests, each step as the mini-program takes it: a fresh WeChat or Alipay
 * login (auth-wechat / auth-alipay with a new code from the stand-in), this session's nonce
 * from realname_nonce() through the gateway and PostgREST, a ticket from the identity
 * platform's public endpoint with that nonce, and realname-bind with the session's token.
 */
import { SessionResponse } from '../../../shared/auth.ts';
import { idNumberCheckCharacter, RealnameNonce } from '../../../shared/identity.ts';
import { handler as alipayLogin } from '../../functions/auth-alipay/handler.ts';
import { handler as wechatLogin } from '../../functions/auth-wechat/handler.ts';
import { handler } from '../../functions/realname-bind/handler.ts';
import { alipayBase, call, control, env, idpBase, post, sql, unique, wechatBase } from './identity-support.ts';

/** A valid 身份证号码 nobody seeded (random birth date and sequence in 临翔区). */
export function newIdNumber(): string {
  const birth = `19${String(50 + Math.floor(Math.random() * 50))}0${1 + Math.floor(Math.random() * 9)}1${Math.floor(Math.random() * 9)}`;
  const id17 = `530902${birth}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  return id17 + idNumberCheckCharacter(id17);
}

/** A brand-new WeChat login (a new openid); `openid` logs in as an existing one. */
export async function wechatUser(openid = unique('o')): Promise<SessionResponse & { openid: string }> {
  const code = unique('code');
  await control(wechatBase(), 'codes', { code, openid });
  const session = SessionResponse.parse((await call(wechatLogin, post('http://functions.local/auth-wechat', { code }))).body);
  return { ...session, openid };
}

export async function alipayUser(userId = '2088' + String(Math.floor(Math.random() * 1e12)).padStart(12, '0')): Promise<SessionResponse> {
  const code = unique('auth');
  await control(alipayBase(), 'codes', { code, user_id: userId });
  return SessionResponse.parse((await call(alipayLogin, post('http://functions.local/auth-alipay', { code }))).body);
}

/** PostgREST RPC through the gateway with a user's access token: status and body. */
export async function rest(name: string, accessToken: string, args: Record<string, unknown> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${env('SUPABASE_URL')}/rest/v1/rpc/${name}`, {
    method: 'POST',
    headers: { apikey: env('ANON_KEY'), authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });
  return { status: res.status, body: await res.json() };
}

/** 实名认证 step 1: realname_nonce() for this session. */
export async function nonceFor(accessToken: string): Promise<string> {
  const { status, body } = await rest('realname_nonce', accessToken);
  if (status !== 200) throw new Error(`realname_nonce answered ${status}: ${JSON.stringify(body)}`);
  return RealnameNonce.array().length(1).parse(body)[0]!.nonce;
}

export interface Person { name: string; id_number: string; phone?: string }

/** What the platform's public endpoint hands the app after a face check, for this session's nonce. */
export async function verifiedTicket(person: Person, accessToken: string): Promise<string> {
  const nonce = await nonceFor(accessToken);
  const res = await fetch(`${idpBase()}/api/v1/realname/verify`, { method: 'POST', body: JSON.stringify({ ...person, nonce }) });
  return ((await res.json()) as { ticket: string }).ticket;
}

/** A ticket as the test sets it up (stand-in control API): chosen nonce, method, expiry, signer… */
export const ticketAs = async (setup: Record<string, unknown>) => (await control(idpBase(), 'tickets', setup)).ticket as string;

const url = 'http://functions.local/realname-bind';
export const bind = (token: string, ticket: unknown) => call(handler, post(url, { ticket }, { authorization: `Bearer ${token}` }));

/**
 * A checksum of everything 实名认证 could write about these users (rows, identity, links, roles,
 * tokens, nonces, used tickets), to prove a refusal wrote nothing of it.
 */
export async function identityChecksum(userIds: string[]): Promise<string> {
  const [row] = await sql<{ h: string }>(
    `select md5(coalesce(string_agg(t, '|' order by t), '')) as h from (
       select 'u' || to_jsonb(x)::text as t from app.users x where x.id = any($1::uuid[]) or x.merged_into = any($1::uuid[])
       union all select 'i' || to_jsonb(x)::text from app.user_identities x where x.user_id = any($1::uuid[])
       union all select 'l' || to_jsonb(x)::text from app.user_platform_links x where x.user_id = any($1::uuid[])
       union all select 'r' || to_jsonb(x)::text from app.staff_roles x where x.user_id = any($1::uuid[])
       union all select 'k' || to_jsonb(x)::text from app.refresh_tokens x where x.user_id = any($1::uuid[])
       union all select 'n' || to_jsonb(x)::text from app.realname_nonces x where x.user_id = any($1::uuid[])
       union all select 't' || to_jsonb(x)::text from app.realname_tickets x where x.user_id = any($1::uuid[])) s`,
    [userIds],
  );
  return row!.h;
}

/** Row counts of every table 实名认证 writes, the audit log included. */
export async function identityCounts(): Promise<Record<string, number>> {
  const [row] = await sql<Record<string, number>>(
    `select (select count(*)::int from app.users) as users, (select count(*)::int from app.user_identities) as identities,
            (select count(*)::int from app.user_platform_links) as links, (select count(*)::int from app.refresh_tokens) as tokens,
            (select count(*)::int from app.realname_nonces) as nonces, (select count(*)::int from app.realname_tickets) as tickets,
            (select count(*)::int from app.audit_log) as audit`,
  );
  return row!;
}
