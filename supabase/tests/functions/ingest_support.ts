/**
 * Helpers of the ingestion function tests (transactions, ratings-ingest): signed requests as a
 * business system or device builds them, the seeded demo keys (supabase/seed/30_ingest.sql),
 * and a direct connection to the test database to set up keys and to prove what was (not)
 * written.
 */
import pg from 'npm:pg@^8';
import { signRequest } from '../../functions/_shared/hmac.ts';

export type Db = pg.Client;

/**
 * A connection for a test file's checks. It is not closed by a test of its own (that would be
 * counted as a test): deno test ends when the last test has run, open connections or not.
 */
export async function connectDb(): Promise<Db> {
  const url = Deno.env.get('DB_URL');
  if (!url) throw new Error('DB_URL is not set: run the function tests through `npm test -- functions`');
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  return db;
}

/** Seeded demo keys: key id and secret (demo only). */
export const demoSystem = (region: string) => ({ keyId: `bs_demo_${region}`, secret: `demo-bs-${region}-secret-not-for-production` });
export const demoPad = (region: string) => ({ keyId: `dev_demo_pad_${region}`, secret: `demo-pad-${region}-secret-not-for-production` });
export const demoPhone = { keyId: 'dev_demo_12345_530900', secret: 'demo-12345-530900-secret-not-for-production' };

/**
 * Seeded ids of a region's 自然资源局 (supabase/seed.sql derives them from md5 of stable names):
 * a unit no demo persona works for, so that these tests never change what the personas see.
 */
export async function seededIds(db: Db, region: string): Promise<{ hallId: string; windowId: string; unitId: string; matterCode: string; staffId: string }> {
  const { rows } = await db.query(
    `with u as (select md5('unit:' || $1 || ':自然资源局')::uuid as unit_id)
     select md5('hall:' || $1)::uuid::text as "hallId",
            md5('window:' || u.unit_id)::uuid::text as "windowId",
            u.unit_id::text as "unitId",
            $1 || '-ZR-001' as "matterCode",
            md5('officer:' || md5('window:' || u.unit_id)::uuid || ':1')::uuid::text as "staffId"
     from u`,
    [region],
  );
  return rows[0];
}

/** A fresh 办件编号 per call, so that runs never collide with each other or with the seed. */
let serial = 0;
const run = crypto.randomUUID().slice(0, 8);
export const newProjectNo = (tag = 'T') => `ING-${tag}-${run}-${++serial}`;
export const newExternalId = (tag = 'E') => `ext-${tag}-${run}-${++serial}`;

export interface SignOptions {
  /** Unix seconds; default now. */
  ts?: number;
  contentType?: string | null;
  /** Overrides the computed signature. */
  signature?: string;
  /** Sign with this secret instead of the key's. */
  signWith?: string;
  omit?: Array<'key' | 'timestamp' | 'signature'>;
  method?: string;
}

/** A request signed as the caller would: hex HMAC-SHA256(secret, "<ts>\n<raw body>"). */
export async function signed(
  endpoint: 'transactions' | 'ratings-ingest',
  key: { keyId: string; secret: string },
  body: unknown,
  opts: SignOptions = {},
): Promise<Request> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const ts = String(opts.ts ?? Math.floor(Date.now() / 1000));
  const signature = opts.signature ?? await signRequest(opts.signWith ?? key.secret, ts, raw);
  const headers = new Headers();
  if (opts.contentType !== null) headers.set('content-type', opts.contentType ?? 'application/json');
  if (!opts.omit?.includes('key')) headers.set('x-hcp-key-id', key.keyId);
  if (!opts.omit?.includes('timestamp')) headers.set('x-hcp-timestamp', ts);
  if (!opts.omit?.includes('signature')) headers.set('x-hcp-signature', signature);
  return new Request(`http://functions.local/${endpoint}`, { method: opts.method ?? 'POST', headers, body: raw });
}

export interface ItemResult {
  index: number;
  status: string;
  id?: string;
  code?: string;
  message?: string;
  details?: unknown;
  original_status?: string;
  project_no?: string | null;
  external_id?: string | null;
  is_bad?: boolean;
}

export async function results(res: Response): Promise<ItemResult[]> {
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${await res.text()}`);
  return (await res.json()).results;
}

/** Something unchanged by a refused request: the counts of everything ingestion writes. */
export async function writeCounts(db: Db): Promise<Record<string, number>> {
  const { rows } = await db.query(`
    select (select count(*) from app.transactions)::int as transactions,
           (select count(*) from app.ratings where not is_default)::int as ratings,
           (select count(*) from app.transaction_status_events)::int as events,
           (select count(*) from app.rating_ingest_log)::int as rating_log,
           (select count(*) from app.ingest_signatures)::int as signatures`);
  return rows[0];
}

export const CHINESE = /[\u4e00-\u9fff]/;
