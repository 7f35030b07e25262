/**
 * A window 评价器 tablet as the tests play it (issue 18): an ECDSA P-256 key pair made with
 * WebCrypto (the private key non-extractable, as the tablet keeps it), pairing through the real
 * kiosk-pair function, and signed requests to kiosk-feed and ratings-ingest; plus the business
 * system pushing a finished 办件 through the real transactions function.
 */
import { createHmac, randomUUID, webcrypto } from 'node:crypto';
import { functionUrl } from './api.ts';
import { stackEnv } from './env.ts';

const subtle = webcrypto.subtle;

export interface Tablet {
  keyId: string;
  privateKey: webcrypto.CryptoKey;
  publicJwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string };
}

export interface Answer { status: number; body: any; text: string }

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown = null;
  try { body = JSON.parse(text); } catch { /* judged as text */ }
  return { status: res.status, body, text };
}

/** A fresh key pair: the private half cannot be exported. */
export async function newKeyPair(): Promise<Omit<Tablet, 'keyId'>> {
  const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const jwk = await subtle.exportKey('jwk', pair.publicKey);
  return { privateKey: pair.privateKey, publicJwk: { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! } };
}

/** POST kiosk-pair; `source` goes in X-Forwarded-For, as a proxy in front of the function would put it. */
export async function pair(code: string, publicJwk: Tablet['publicJwk'], source?: string): Promise<Answer> {
  return answer(await fetch(functionUrl('kiosk-pair'), {
    method: 'POST',
    headers: { apikey: stackEnv.anonKey, 'content-type': 'application/json', ...(source ? { 'x-forwarded-for': source } : {}) },
    body: JSON.stringify({ code, public_key: publicJwk }),
  }));
}

/** Pairs a new tablet with a live code; throws unless paired. */
export async function pairedTablet(code: string): Promise<Tablet & { window: { id: string; name: string } }> {
  const keys = await newKeyPair();
  const a = await pair(code, keys.publicJwk, `pair-${randomUUID()}`);
  if (a.status !== 200) throw new Error(`kiosk-pair answered ${a.status}: ${a.text}`);
  return { ...keys, keyId: a.body.key_id, window: a.body.window };
}

const toHex = (buf: ArrayBuffer) => Buffer.from(buf).toString('hex');

/** Hex r‖s of the tablet's ECDSA-SHA256 signature of "<ts>\n<raw>". */
export async function ecdsaSign(privateKey: webcrypto.CryptoKey, ts: string, raw: string): Promise<string> {
  return toHex(await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, new TextEncoder().encode(`${ts}\n${raw}`)));
}

export interface SignedCall { raw: string; ts: string; signature: string }

/** Builds a signed call of `body` (a fresh timestamp unless given). */
export async function signCall(tablet: Pick<Tablet, 'privateKey'>, body: unknown, ts = String(Math.floor(Date.now() / 1000))): Promise<SignedCall> {
  const raw = JSON.stringify(body);
  return { raw, ts, signature: await ecdsaSign(tablet.privateKey, ts, raw) };
}

/** Sends a signed call to a device endpoint as key `keyId`. */
export async function sendSigned(endpoint: 'kiosk-feed' | 'ratings-ingest', keyId: string, call: SignedCall): Promise<Answer> {
  return answer(await fetch(functionUrl(endpoint), {
    method: 'POST',
    headers: {
      apikey: stackEnv.anonKey, 'content-type': 'application/json',
      'x-hcp-key-id': keyId, 'x-hcp-timestamp': call.ts, 'x-hcp-signature': call.signature,
    },
    body: call.raw,
  }));
}

export const feed = async (t: Tablet) => sendSigned('kiosk-feed', t.keyId, await signCall(t, {}));
export const rate = async (t: Tablet, items: unknown[]) => sendSigned('ratings-ingest', t.keyId, await signCall(t, { items }));

/** The seeded business system of 临翔区 (supabase/seed/30_ingest.sql). */
const BS = { keyId: 'bs_demo_530902', secret: 'demo-bs-530902-secret-not-for-production' };

/** The business system reports a 办件 of `windowId` finished `minutesAgo` ago (accepted and finished in one push). */
export async function pushFinished(w: { windowId: string; matterCode: string; staffId: string | null }, minutesAgo = 0): Promise<string> {
  const projectNo = `KIOSK-${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
  const finished = new Date(Date.now() - minutesAgo * 60_000 - 1000).toISOString();
  const accepted = new Date(Date.now() - minutesAgo * 60_000 - 3_600_000).toISOString();
  const raw = JSON.stringify({ items: [{
    project_no: projectNo, matter_code: w.matterCode, status: 'finished', accepted_at: accepted, occurred_at: finished, channel: 'pc',
    window_id: w.windowId, ...(w.staffId ? { staff_id: w.staffId } : {}),
  }] });
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', BS.secret).update(`${ts}\n${raw}`).digest('hex');
  const res = await fetch(functionUrl('transactions'), {
    method: 'POST',
    headers: { apikey: stackEnv.anonKey, 'content-type': 'application/json', 'x-hcp-key-id': BS.keyId, 'x-hcp-timestamp': ts, 'x-hcp-signature': signature },
    body: raw,
  });
  const body = (await res.json()) as { results: Array<{ status: string }> };
  if (res.status !== 200 || body.results[0]?.status !== 'created') throw new Error(`transactions answered ${res.status}: ${JSON.stringify(body)}`);
  return projectNo;
}

/** 临翔区 自然资源局's window, 事项 and officer (supabase/seed.sql): a unit no demo persona works for. */
export const ZR_WINDOW_SQL = `with u as (select md5('unit:530902:自然资源局')::uuid as unit_id)
  select md5('window:' || u.unit_id)::uuid::text as "windowId", '530902-ZR-001' as "matterCode",
         md5('officer:' || md5('window:' || u.unit_id)::uuid || ':1')::uuid::text as "staffId" from u`;
