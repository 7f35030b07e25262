/**
 * Bad input against every edge function (issue 8), through the gateway: malformed and invalid
 * UTF-8 bodies, wrong content types, huge bodies, injection strings, wrong types, forged and
 * expired tokens. Every answer is a 4xx with a stable code and a message — never a 5xx (a
 * function whose platform is not configured on the test stack may answer 503
 * `*_not_configured`, which is its documented answer) — and nothing is written. The functions
 * are read from supabase/functions/, so a new one is covered without touching this file.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { isErrorCode } from '../../../shared/errors.ts';
import { functionUrl, login } from '../../../tests/support/api.ts';
import { connect, type Db } from '../../../tests/support/db.ts';
import { stackEnv } from '../../../tests/support/env.ts';

jest.setTimeout(300_000);

const functionsDir = path.join(__dirname, '..', '..', 'functions');
const FUNCTIONS = readdirSync(functionsDir, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !e.name.startsWith('_'))
  .map((e) => e.name)
  .sort();

const WATCHED = ['ratings', 'transactions', 'work_orders', 'users', 'user_platform_links', 'refresh_tokens', 'audit_log', 'comments', 'ingest_rating_log'];

let db: Db;
let citizenToken: string;
beforeAll(async () => {
  db = await connect();
  citizenToken = (await login('citizen-b')).access_token;
});
afterAll(() => db.end());

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of WATCHED) {
    if ((await db.query('select to_regclass($1) is not null as e', [`app.${t}`])).rows[0].e) {
      out[t] = (await db.query(`select count(*)::int as n from app.${t}`)).rows[0].n;
    }
  }
  return out;
}

const HUGE = JSON.stringify({ code: 'x'.repeat(3_000_000) });
/** Bodies no function should accept: [label, content-type, body]. */
const BODIES: Array<[string, string, BodyInit]> = [
  ['empty', 'application/json', ''],
  ['truncated JSON', 'application/json', '{"code": '],
  ['invalid UTF-8', 'application/json', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
  ['array', 'application/json', '[]'],
  ['null', 'application/json', 'null'],
  ['wrong types', 'application/json', JSON.stringify({ code: 123, refresh_token: [], ticket: { a: 1 }, persona: 7, items: 'x' })],
  ['SQL injection', 'application/json', JSON.stringify({ code: "'; drop table app.users; --", refresh_token: "' or 1=1 --", ticket: "x'--", persona: "citizen-a' --", items: [{ project_no: "1' or '1'='1" }] })],
  ['script injection', 'application/json', JSON.stringify({ code: '<script>alert(1)</script>', ticket: '<img src=x onerror=alert(1)>' })],
  ['NUL', 'application/json', JSON.stringify({ code: 'a\u0000b', refresh_token: 'hcp_rt_\u0000' })],
  ['form body', 'application/x-www-form-urlencoded', 'code=abc&persona=citizen-a'],
  ['huge', 'application/json', HUGE],
];

const AUTHS: Array<[string, () => Record<string, string>]> = [
  ['no token', () => ({ apikey: stackEnv.anonKey })],
  ['a citizen', () => ({ apikey: stackEnv.anonKey, authorization: `Bearer ${citizenToken}` })],
  ['a forged token', () => ({ apikey: stackEnv.anonKey, authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.Zm9yZ2Vk' })],
];

test('the corpus reaches every function folder', () => {
  expect(FUNCTIONS).toEqual(expect.arrayContaining(['auth-dev', 'auth-wechat', 'transactions', 'ratings-ingest', 'export']));
});

test('every function × bad body × caller: 4xx with a code and a message, never a 5xx, nothing written', async () => {
  const before = await counts();
  const failures: string[] = [];
  for (const name of FUNCTIONS) {
    for (const [label, type, body] of BODIES) {
      for (const [who, headers] of AUTHS) {
        for (const method of ['POST', 'PUT']) {
          const res = await fetch(functionUrl(name), { method, headers: { ...headers(), 'content-type': type }, body });
          const text = await res.text();
          let parsed: { code?: unknown; message?: unknown; msg?: unknown } = {};
          try { parsed = JSON.parse(text); } catch { /* checked below */ }
          const notConfigured = res.status === 503 && typeof parsed.code === 'string' && parsed.code.endsWith('_not_configured');
          // The gateway refuses a bad token before the function runs, with Supabase's own 401 body.
          const gatewayRefusal = res.status === 401 && (typeof parsed.msg === 'string' || typeof parsed.message === 'string');
          const fine = (res.status >= 400 && res.status < 500 && isErrorCode(parsed.code) && typeof parsed.message === 'string') || gatewayRefusal || notConfigured;
          if (!fine) failures.push(`${method} ${name} ${label} as ${who} → ${res.status} ${text.slice(0, 160)}`);
        }
      }
    }
  }
  expect(failures).toEqual([]);
  expect(await counts()).toEqual(before);
});

test('expired and tampered user tokens get 401 from every function that needs a user', async () => {
  const { SignJWT } = await import('jose');
  const { signJwt } = await import('../../../scripts/stack/keys.ts');
  const expired = await signJwt(new SignJWT({ role: 'authenticated', aud: 'authenticated' })
    .setSubject('00000000-0000-4000-8000-000000000a01')
    .setIssuedAt(Math.floor(Date.now() / 1000) - 7200).setExpirationTime(Math.floor(Date.now() / 1000) - 3600), stackEnv.jwtSecret);
  const tampered = citizenToken.slice(0, -4) + (citizenToken.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  for (const name of ['realname-bind', 'export']) {
    for (const token of [expired, tampered]) {
      const res = await fetch(functionUrl(name), { method: name === 'export' ? 'GET' : 'POST', headers: { apikey: stackEnv.anonKey, authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: name === 'export' ? undefined : '{}' });
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
    }
  }
});
