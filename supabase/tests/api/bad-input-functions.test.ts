/**
 * Bad input against every edge function (issue 8), through the gateway: malformed and invalid
 * UTF-8 bodies, wrong content types, huge bodies, injection strings, wrong types, forged and
 * expired tokens. Every answer is a 4xx with a stable code and a message — never a 5xx (a
 * function whose platform is not configured on the test stack may answer 503
 * `*_not_configured`, which is its documented answer) — and nothing is written. The functions
 * are read from supabase/functions/, so a new one is covered without touching this file.
 *
 * Then bad values that reach the code past the caller check (issue 20.3): each function has a
 * valid base call by its real kind of caller (a signed batch, the scheduler secret, a
 * supervisor, a fresh user with a real ticket, a login code…), proven accepted, and each field
 * of it is varied alone through a corpus (wrong types, huge, NUL, lone surrogate, injection, out
 * of range, unknown enum values, an extra field). Each variant must be refused — a 4xx with a
 * known code and a Chinese message, or the documented in-band refusal (ingest: 200 with every
 * item rejected, each with its code and message) — and no row of any app table may change
 * (appFingerprint; the scheduler held off as in bad-input.test.ts). A function without a base
 * call here fails the first test of that part.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { isErrorCode } from '../../../shared/errors.ts';
import { idNumberCheckCharacter } from '../../../shared/identity.ts';
import { client, functionUrl, login, newWechatAccount } from '../../../tests/support/api.ts';
import { appFingerprint, connect, holdScheduler, type Db } from '../../../tests/support/db.ts';
import { stackEnv } from '../../../tests/support/env.ts';
import { newKeyPair, pairedTablet, sendSigned, signCall, type Tablet } from '../../../tests/support/kiosk.ts';

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


// ── Issue 20.3: a valid base call per function, one field varied at a time ──────────────────

type Fields = Record<string, unknown>;
interface Answer { status: number; body: unknown; text: string }

interface FnBase {
  /** The valid call's fields: the JSON body (POST), the query parameters (GET), one ingest item. */
  fields: () => Promise<Fields> | Fields;
  /** Sends these fields as the function's real caller (a fresh signature, a fresh login… per call). */
  send: (fields: Fields) => Promise<Answer>;
  /** The base call's answer is accepted (2xx, or the function's documented in-band answer). */
  accepted: (a: Answer) => boolean;
  /** Free text: any string is a valid value; only wrong types, huge, NUL and lone surrogates are bad. */
  free?: string[];
  /** May be absent or null: null is a valid value. */
  optional?: string[];
  /** The huge value (a query string is capped by the gateway: 431 with no body, before the function). */
  huge?: string;
  /** More bad values of a field (out of range, unknown enum values, padded past a length check). */
  extra?: Record<string, unknown[]>;
  /** A refusal in the answer, not as a 4xx. */
  refusedInBand?: (a: Answer) => boolean;
  /** Tables every authenticated call writes by design, and why. */
  inBandWrites?: { tables: string[]; why: string };
  /** Fields set afresh for each variant (ids a wrongly accepted variant would create anew). */
  perCall?: () => Fields;
}

/** Functions with nothing to vary, and why. */
const NO_FIELDS: Record<string, string> = {
  'auth-jwks': 'GET without input: it serves the public keys to anyone',
};

const CHINESE = /[\u4e00-\u9fff]/;
const F_HUGE = '好'.repeat(20_000);
const F_NUL = 'a\u0000b';
const F_SURROGATE = '\ud800x';
const F_SQLI = "'; drop table app.users; --";
const F_XSS = '<script>alert(1)</script>';
const pad = (s: string, n = 40) => s + 'x'.repeat(Math.max(0, n - s.length));

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown = null;
  try { body = JSON.parse(text); } catch { /* not JSON: judged as is */ }
  return { status: res.status, body, text };
}

const postJson = async (name: string, body: unknown, headers: Record<string, string> = {}) =>
  answer(await fetch(functionUrl(name), { method: 'POST', headers: { apikey: stackEnv.anonKey, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }));

const ok = (a: Answer) => a.status === 200;
/** A proper refusal: 4xx, a registered code, a Chinese message. */
const refusal = (a: Answer) => {
  const b = a.body as { code?: unknown; message?: unknown } | null;
  return a.status >= 400 && a.status < 500 && isErrorCode(b?.code) && typeof b?.message === 'string' && CHINESE.test(b.message);
};
const notConfigured = (code: string) => (a: Answer) => a.status === 503 && (a.body as { code?: unknown } | null)?.code === code;

/** A signed ingest request, as a business system or device sends it: a fresh signature per call. */
async function signedIngest(name: 'transactions' | 'ratings-ingest', key: { id: string; secret: string }, item: Fields): Promise<Answer> {
  const raw = JSON.stringify({ items: [item] });
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', key.secret).update(`${ts}\n${raw}`).digest('hex');
  // The replay guard keys on the signature: two identical bodies in one second would collide.
  return answer(await fetch(functionUrl(name), {
    method: 'POST',
    headers: { apikey: stackEnv.anonKey, 'content-type': 'application/json', 'x-hcp-key-id': key.id, 'x-hcp-timestamp': ts, 'x-hcp-signature': signature },
    body: raw,
  }));
}
const BS = { id: 'bs_demo_530902', secret: 'demo-bs-530902-secret-not-for-production' };
const PAD = { id: 'dev_demo_pad_530902', secret: 'demo-pad-530902-secret-not-for-production' };
const ingestResults = (a: Answer) => (a.body as { results?: Array<{ status?: string; code?: unknown; message?: unknown }> } | null)?.results;
const itemsApplied = (a: Answer) => a.status === 200 && (ingestResults(a) ?? []).length === 1 && ingestResults(a)!.every((r) => r.status === 'created');
const itemsRejected = (a: Answer) => a.status === 200 && (ingestResults(a) ?? []).length > 0
  && ingestResults(a)!.every((r) => r.status === 'rejected' && isErrorCode(r.code) && typeof r.message === 'string' && CHINESE.test(r.message));
const INGESTED = { tables: ['ingest_signatures', 'business_systems', 'rating_devices'], why: 'the replay guard spends the signature and the key records last_used_at for every authenticated batch, items rejected or not' };
const SCHEDULER = () => ({ 'x-hcp-scheduler-secret': process.env.HCP_SCHEDULER_SECRET ?? '' });

/** A valid 身份证号码 nobody seeded (random birth date and sequence in 临翔区). */
function newIdNumber(): string {
  const birth = `19${50 + Math.floor(Math.random() * 50)}0${1 + Math.floor(Math.random() * 9)}1${Math.floor(Math.random() * 9)}`;
  const id17 = `530902${birth}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  return id17 + idNumberCheckCharacter(id17);
}

/** A shifted Asia/Shanghai calendar day (YYYY-MM-DD), relative to today. */
const day = (offset: number) => new Date(Date.now() + 8 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);

let seeded: { windowId: string; matterCode: string };
let supervisorToken: string;
let binder: { token: string } | undefined;
let kioskTablet: Tablet | undefined;

/** A live pairing code of the seeded 自然资源局 window, issued by supervisor-city. */
async function kioskCode(): Promise<string> {
  const { data, error } = await client(supervisorToken).rpc('create_kiosk_pairing', { p_window_id: seeded.windowId });
  if (error) throw new Error(`create_kiosk_pairing: ${error.message}`);
  return (data as Array<{ code: string }>)[0]!.code;
}

const FN_BASES: Record<string, FnBase> = {
  'auth-dev': {
    fields: () => ({ persona: 'citizen-a' }),
    send: (f) => postJson('auth-dev', f),
    accepted: ok,
    extra: { persona: ['citizen-z', 'CITIZEN-A', 'service_role'] },
  },
  'auth-wechat': {
    fields: () => ({ code: `dev-bi-${randomUUID()}` }),
    send: (f) => postJson('auth-wechat', f),
    accepted: ok,
    extra: { code: ['x'.repeat(129), '   '] },
  },
  'auth-alipay': {
    fields: () => ({ code: `dev-bi-${randomUUID()}` }),
    send: (f) => postJson('auth-alipay', f),
    accepted: ok,
    extra: { code: ['x'.repeat(129), '   '] },
  },
  'auth-refresh': {
    fields: async () => ({ refresh_token: (await newWechatAccount()).refresh_token }),
    send: (f) => postJson('auth-refresh', f),
    accepted: ok,
    // Past the length check, so the value reaches rotate_refresh_token.
    extra: { refresh_token: [pad(F_SQLI), pad('hcp_rt_\u0000'), pad('hcp_rt_\ud800'), pad(F_XSS), 'x'.repeat(201)] },
  },
  'realname-bind': {
    fields: async () => {
      const { access_token } = await newWechatAccount();
      binder = { token: access_token };
      const { data, error } = await client(access_token).rpc('realname_nonce');
      if (error) throw new Error(`realname_nonce: ${error.message}`);
      const nonce = (data as Array<{ nonce: string }>)[0]!.nonce;
      const res = await fetch(`${stackEnv.idpUrl}/api/v1/realname/verify`, { method: 'POST', body: JSON.stringify({ name: '边界测', id_number: newIdNumber(), nonce }) });
      return { ticket: ((await res.json()) as { ticket: string }).ticket };
    },
    send: (f) => postJson('realname-bind', f, { authorization: `Bearer ${binder!.token}` }),
    accepted: ok,
    extra: { ticket: [pad(F_SQLI), pad('eyJ\u0000'), pad('eyJ\ud800'), 'a.b.' + 'c'.repeat(40), 'x'.repeat(8193)] },
  },
  export: {
    fields: () => ({ kind: 'metrics', format: 'csv', from: day(-30), to: day(0), group_by: 'region' }),
    send: async (f) => {
      // Query values as a browser sends them; a lone surrogate as the invalid UTF-8 it becomes.
      const q = Object.entries(f).map(([k, v]) => `${k}=${String(v) === F_SURROGATE ? '%ED%A0%80x' : encodeURIComponent(String(v))}`).join('&');
      return answer(await fetch(`${functionUrl('export')}?${q}`, { headers: { apikey: stackEnv.anonKey, authorization: `Bearer ${supervisorToken}` } }));
    },
    accepted: (a) => a.status === 200,
    optional: ['group_by'],
    huge: '好'.repeat(1000),
    extra: {
      kind: ['rating', 'METRICS'], format: ['pdf', 'xls'], group_by: ['unit;drop', 'year'],
      from: ['2026-02-30', day(1), day(-400), '0000-01-01', '99999-01-01'], to: ['2026-13-01', day(-31), day(400)],
    },
  },
  transactions: {
    fields: () => ({ project_no: `BIF-${randomUUID().slice(0, 13)}`, matter_code: seeded.matterCode, status: 'accepted', accepted_at: new Date().toISOString(), channel: 'pc' }),
    send: (f) => signedIngest('transactions', BS, f),
    perCall: () => ({ project_no: `BIF-${randomUUID().slice(0, 13)}` }),
    accepted: itemsApplied,
    refusedInBand: itemsRejected,
    inBandWrites: INGESTED,
    extra: {
      status: ['finished!', 'ACCEPTED', 'deleted'], channel: ['fax', 'PC'], accepted_at: ['2026-02-30T00:00:00Z', 'yesterday', '2026-01-01'],
      matter_code: ['530902-NO-SUCH', 'x'.repeat(65)], project_no: ['-leading', 'x'.repeat(65), '办件1'],
    },
  },
  'ratings-ingest': {
    fields: () => ({ external_id: `bif-${randomUUID()}`, window_id: seeded.windowId, level: 5, tags: [], rated_at: new Date().toISOString() }),
    send: (f) => signedIngest('ratings-ingest', PAD, f),
    perCall: () => ({ external_id: `bif-${randomUUID()}` }),
    accepted: itemsApplied,
    refusedInBand: itemsRejected,
    inBandWrites: INGESTED,
    // The device's own id: any text of 1–100 characters (injection strings included) is one.
    free: ['external_id'],
    extra: {
      level: [0, 6, -1, 2.5, 1e21, '5'], window_id: ['not-a-uuid', '00000000-0000-4000-8000-000000000000'],
      tags: ['x', [42], [F_HUGE], Array.from({ length: 21 }, () => 'a'), ['NO_SUCH_TAG']], rated_at: ['2026-02-30T00:00:00Z', 'now'],
      external_id: ['x'.repeat(101)],
    },
  },
  // 窗口评价器 (issue 18): a tablet's pairing (a fresh code; its key is checked by zod and as a P-256 point before the database).
  'kiosk-pair': {
    fields: async () => ({ code: await kioskCode(), public_key: (await newKeyPair()).publicJwk }),
    send: (f) => postJson('kiosk-pair', f),
    accepted: ok,
    extra: { code: ['12345', '1234567', '12345a', ' 123456'], public_key: [{ kty: 'EC', crv: 'P-384', x: 'x', y: 'y' }, { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'A'.repeat(43) }] },
  },
  // A paired tablet's poll: an empty signed object (only an extra field to vary).
  'kiosk-feed': {
    fields: async () => {
      kioskTablet = await pairedTablet(await kioskCode());
      return {};
    },
    send: async (f) => {
      const a = await sendSigned('kiosk-feed', kioskTablet!.keyId, await signCall(kioskTablet!, f));
      return { status: a.status, body: a.body, text: a.text };
    },
    accepted: ok,
    inBandWrites: { tables: ['rating_devices'], why: 'a poll records the tablet\'s last use (to the minute)' },
  },
  'report-upstream': {
    fields: () => ({ batch_size: 1, max_batches: 1 }),
    send: (f) => postJson('report-upstream', f, SCHEDULER()),
    accepted: (a) => ok(a) || notConfigured('upstream_not_configured')(a),
    extra: { batch_size: [0, -1, 1e9, 1.5, '1'], max_batches: [0, 101, -1, 1.5, '1'] },
  },
  'send-reminders': {
    fields: () => ({ limit: 1 }),
    send: (f) => postJson('send-reminders', f, SCHEDULER()),
    accepted: (a) => ok(a) || notConfigured('reminders_not_configured')(a),
    extra: { limit: [0, -1, 5001, 1.5, '1', 1e21] },
  },
  'comment-check': {
    fields: () => ({ limit: 1 }),
    send: (f) => postJson('comment-check', f, SCHEDULER()),
    accepted: (a) => ok(a) || notConfigured('content_check_not_configured')(a),
    extra: { limit: [0, -1, 201, 1.5, '1', 1e21] },
  },
};

/** The corpus of one field: its kind's bad values, then the field's own. */
function fieldCorpus(base: FnBase, name: string, valid: unknown): unknown[] {
  const free = base.free?.includes(name);
  const values: unknown[] = [42, true, { nested: [1] }, [], base.huge ?? F_HUGE, F_NUL, F_SURROGATE];
  if (!free && typeof valid === 'string') values.push('', F_SQLI, F_XSS);
  if (typeof valid === 'number') values.push(-1, 1e21, 'abc');
  if (!base.optional?.includes(name)) values.push(null);
  values.push(...(base.extra?.[name] ?? []));
  return values.filter((v) => JSON.stringify(v) !== JSON.stringify(valid) && !(typeof valid === 'number' && v === 42 && valid <= 42));
}

describe('each function: a valid base call is accepted; each field varied alone is refused (4xx, code, Chinese message) and nothing changes', () => {
  let fdb: Db;
  let hold: Db | undefined;
  beforeAll(async () => {
    fdb = await connect();
    const { rows } = await fdb.query<{ windowId: string; matterCode: string }>(
      // 临翔区's 自然资源局 (supabase/seed.sql): a unit no demo persona works for, so the personas see nothing new.
      `select md5('window:' || md5('unit:530902:自然资源局')::uuid)::uuid::text as "windowId", '530902-ZR-001' as "matterCode"`);
    seeded = rows[0]!;
    supervisorToken = (await login('supervisor-city')).access_token;
    hold = await holdScheduler();
  });
  afterAll(async () => {
    await hold?.query('rollback').catch(() => undefined);
    await hold?.end();
    await fdb?.end();
  });

  test('every function folder has a base call here (or is listed with nothing to vary)', () => {
    const missing = FUNCTIONS.filter((n) => !FN_BASES[n] && !NO_FIELDS[n]);
    const stale = [...Object.keys(FN_BASES), ...Object.keys(NO_FIELDS)].filter((n) => !FUNCTIONS.includes(n));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  test('auth-jwks (nothing to vary): GET answers the public keys', async () => {
    const res = await fetch(functionUrl('auth-jwks'), { headers: { apikey: stackEnv.anonKey } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
  });

  test.each(Object.keys(FN_BASES).sort())('%s', async (name) => {
    const base = FN_BASES[name]!;
    const fields = await base.fields();
    const first = await base.send({ ...fields, ...base.perCall?.() });
    const accepted = base.accepted(first);
    expect({ name, accepted, status: first.status, body: accepted ? '' : first.text.slice(0, 300) }).toMatchObject({ name, accepted: true });

    const before = await appFingerprint(fdb);
    const failures: string[] = [];
    const variants: Array<[string, unknown]> = [];
    for (const [field, valid] of Object.entries(fields)) {
      for (const v of fieldCorpus(base, field, valid)) variants.push([field, v]);
    }
    variants.push(['(extra field)', 'x']);
    for (const [field, value] of variants) {
      const call = field === '(extra field)' ? { ...fields, ...base.perCall?.(), unexpected_field: value } : { ...fields, ...base.perCall?.(), [field]: value };
      const a = await base.send(call);
      if (!refusal(a) && !base.refusedInBand?.(a)) {
        const shown = (JSON.stringify(value) ?? String(value));
        failures.push(`${field}: ${shown.length > 40 ? shown.slice(0, 37) + '…' : shown} → ${a.status} ${a.text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    const after = await appFingerprint(fdb);
    const changed = Object.keys(before).filter((t) => before[t] !== after[t] && !base.inBandWrites?.tables.includes(t));
    expect({ name, changed }).toEqual({ name, changed: [] });
  });
});
