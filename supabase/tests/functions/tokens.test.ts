/**
 * Access tokens (issue 14 part 5): ES256 with a kid, the public JWK set published, and every
 * verifier — PostgREST, the gateway's verify_jwt, the functions' own caller check — refusing a
 * token our key did not sign: another EC key copying our kid, an HS256 token forged with the old
 * well-known local secret, an HS256 token keyed with our public key (alg confusion). Also the
 * documented switch to HS256 for a self-hosted stack still on a shared secret.
 */
import { decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { parseSigningJwk, readJwtSetting } from '../../functions/_shared/env.ts';
import { accessTokenKeys, keys } from '../../functions/_shared/jwt.ts';
import { assertEquals, assertMatch } from './assert.ts';
import { assertRefusal, env, whoami } from './identity-support.ts';
import { publishedJwks } from './jwt-support.ts';
import { bind, identityChecksum, identityCounts, newIdNumber, verifiedTicket, wechatUser } from './realname-support.ts';

const es256 = Boolean(Deno.env.get('HCP_JWT_SIGNING_KEY'));
/** Supabase CLI's well-known local HS256 secret: what the stack signed with before ES256. */
const OLD_LOCAL_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

const userClaims = (sub: string) => new SignJWT({ role: 'authenticated', aud: 'authenticated' }).setSubject(sub).setIssuedAt().setExpirationTime('1h');

/** A function through the gateway, as the mini-program calls it. */
async function viaGateway(name: string, token: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${env('SUPABASE_URL')}/functions/v1/${name}`, {
    ...init,
    headers: { apikey: env('ANON_KEY'), authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : JSON.parse(text) };
}

/** Tokens that claim to be `sub` but were not signed by this project's key. */
async function forgeries(sub: string): Promise<Array<[string, string]>> {
  const [ours] = (await publishedJwks()).keys;
  const kid = ours?.kid ?? 'no-kid';
  const other = await generateKeyPair('ES256');
  const out: Array<[string, string]> = [
    ['another ES256 key with our kid', await userClaims(sub).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid }).sign(other.privateKey)],
  ];
  if (es256) {
    const hs = (key: string, withKid: boolean) =>
      userClaims(sub).setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...(withKid ? { kid } : {}) }).sign(new TextEncoder().encode(key));
    out.push(['HS256 with the old local secret', await hs(OLD_LOCAL_SECRET, false)]);
    out.push(['HS256 with the old local secret and our kid', await hs(OLD_LOCAL_SECRET, true)]);
    out.push(['HS256 keyed with our public JWK (alg confusion)', await hs(JSON.stringify(ours), true)]);
  }
  return out;
}

Deno.test('the JWK set holds the public key only (no "d"), at auth-jwks and at Supabase Auth’s path', async () => {
  const jwks = await publishedJwks();
  if (!es256) {
    assertEquals(jwks, { keys: [] }); // under the HS256 switch nothing is published, least of all the secret
    return;
  }
  const signing = parseSigningJwk(env('HCP_JWT_SIGNING_KEY'));
  assertEquals(jwks, { keys: [{ kty: 'EC', crv: 'P-256', x: signing.x, y: signing.y, kid: signing.kid, alg: 'ES256', use: 'sig' }] });
  const viaFunction = await fetch(`${env('SUPABASE_URL')}/functions/v1/auth-jwks`, { headers: { apikey: env('ANON_KEY') } });
  const viaAuthPath = await fetch(`${env('SUPABASE_URL')}/auth/v1/.well-known/jwks.json`); // public: no apikey
  for (const res of [viaFunction, viaAuthPath]) {
    assertEquals(res.status, 200);
    const text = await res.text();
    assertEquals(JSON.parse(text), jwks);
    assertEquals(/"d"\s*:/.test(text) || text.includes(signing.d), false);
  }
  const post = await viaGateway('auth-jwks', env('ANON_KEY'), { method: 'POST', body: '{}' });
  assertRefusal(post, 405, 'method_not_allowed');
});

Deno.test('a login’s token is ES256 with the published kid, and PostgREST accepts it', async () => {
  const session = await wechatUser();
  const header = decodeProtectedHeader(session.access_token);
  const [published] = (await publishedJwks()).keys;
  assertEquals([header.alg, header.kid], es256 ? ['ES256', published!.kid] : ['HS256', undefined]);
  const me = await whoami(session.access_token);
  assertEquals([me.status, me.rows.map((r) => r.user_id)], [200, [session.user.id]]);
});

Deno.test('forged tokens are refused by PostgREST, the gateway’s verify_jwt and the functions’ own check; nothing is bound', async () => {
  const victim = await wechatUser();
  // A valid ticket for the victim's session: only the token decides whether the bind happens.
  const ticket = await verifiedTicket({ name: '周令', id_number: newIdNumber() }, victim.access_token);
  const counts = await identityCounts();
  const checksum = await identityChecksum([victim.user.id]);
  const forged = await forgeries(victim.user.id);
  assertEquals(forged.length, es256 ? 4 : 1);
  for (const [label, token] of forged) {
    const rest = await fetch(`${env('SUPABASE_URL')}/rest/v1/rpc/whoami`, {
      method: 'POST',
      headers: { apikey: env('ANON_KEY'), authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assertEquals([label, rest.status, (await rest.json()).code], [label, 401, 'PGRST301']);
    // realname-bind and export check their callers themselves (verify_jwt = false).
    assertRefusal(await viaGateway('realname-bind', token, { method: 'POST', body: JSON.stringify({ ticket }) }), 401, 'unauthorized');
    assertRefusal(await bind(token, ticket), 401, 'unauthorized');
    assertRefusal(await viaGateway('export?kind=ratings&from=2026-01-01&to=2026-01-31', token), 401, 'unauthorized');
    // auth-dev keeps verify_jwt = true: the gateway refuses before the function runs.
    const dev = await viaGateway('auth-dev', token);
    assertEquals([label, dev.status, dev.body.message], [label, 401, 'Invalid JWT']);
  }
  assertEquals(await identityCounts(), counts);
  assertEquals(await identityChecksum([victim.user.id]), checksum);
  // Control: the same claims signed with the project's key are accepted.
  const genuine = await keys.sign(userClaims(victim.user.id));
  assertEquals((await whoami(genuine)).status, 200);
});

Deno.test('the HS256 switch: no signing key and HCP_JWT_SECRET set → HS256 tokens, verified with that secret only', async () => {
  const secret = 'a-self-hosted-legacy-secret-of-at-least-32-chars';
  const setting = readJwtSetting((n) => ({ HCP_JWT_SECRET: secret } as Record<string, string>)[n]);
  assertEquals(setting, { alg: 'HS256', secret });
  const legacy = await accessTokenKeys(setting);
  assertEquals(legacy.publicJwks, { keys: [] });
  const token = await legacy.sign(userClaims('00000000-0000-4000-8000-000000000a01'));
  assertEquals(decodeProtectedHeader(token), { alg: 'HS256', typ: 'JWT' });
  assertEquals((await legacy.verify(token)).sub, '00000000-0000-4000-8000-000000000a01');
  // An ES256 token (the default scheme's) is not accepted by an HS256 deployment, nor the reverse.
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'k-test' };
  const modern = await accessTokenKeys(readJwtSetting((n) => ({ HCP_JWT_SIGNING_KEY: JSON.stringify(jwk), HCP_JWT_SECRET: secret } as Record<string, string>)[n]));
  assertEquals(modern.alg, 'ES256'); // with both set, the signing key wins and the secret is ignored
  assertEquals(modern.publicJwks.keys[0]!.x, (await exportJWK(publicKey)).x);
  assertEquals('d' in modern.publicJwks.keys[0]!, false);
  const es256Token = await modern.sign(userClaims('00000000-0000-4000-8000-000000000a01'));
  await rejects(() => legacy.verify(es256Token));
  await rejects(() => modern.verify(token));
});

Deno.test('a missing or malformed key stops a function at load, with a message that says what to set', () => {
  const read = (vars: Record<string, string>) => () => readJwtSetting((n) => vars[n]);
  throwsMatching(read({}), /HCP_JWT_SIGNING_KEY .* HCP_JWT_SECRET/);
  throwsMatching(read({ HCP_JWT_SECRET: 'short' }), /at least 32 characters/);
  throwsMatching(read({ HCP_JWT_SIGNING_KEY: 'not json' }), /JSON Web Key/);
  throwsMatching(read({ HCP_JWT_SIGNING_KEY: '{"kty":"EC","crv":"P-256","x":"a","y":"b","kid":"k"}' }), /"d"/); // a public key cannot sign
  throwsMatching(read({ HCP_JWT_SIGNING_KEY: '{"kty":"EC","crv":"P-256","x":"a","y":"b","d":"c"}' }), /"kid"/);
  throwsMatching(read({ HCP_JWT_SIGNING_KEY: '{"kty":"EC","crv":"P-256","x":"a","y":"b","d":"c","kid":"k","alg":"ES384"}' }), /ES256 is required/);
});

async function rejects(f: () => Promise<unknown>): Promise<void> {
  try {
    await f();
  } catch {
    return;
  }
  throw new Error('expected a rejection');
}

function throwsMatching(f: () => unknown, re: RegExp): void {
  try {
    f();
  } catch (err) {
    assertMatch((err as Error).message, re);
    return;
  }
  throw new Error(`expected an error matching ${re}`);
}
