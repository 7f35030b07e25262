/**
 * Helpers of the identity function tests: the stand-ins' control API (set up codes and faults,
 * read what they received), SQL against the test database to see what was (not) written, and
 * calling a handler with a real Request.
 */
import pg from 'npm:pg@^8';

export const env = (name: string): string => {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`${name} is not set: run through \`npm test -- functions\``);
  return value;
};

/** The origin of a stand-in from the setting that points a function at it. */
export const wechatBase = () => env('WECHAT_API_BASE');
export const alipayBase = () => new URL(env('ALIPAY_GATEWAY')).origin;
export const idpBase = () => env('IDP_BASE_URL');

export async function control(base: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/__control/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`control ${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

export interface Received { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body: string }

export async function received(base: string): Promise<Received[]> {
  return (await control(base, 'requests')).requests as Received[];
}

/** Rows of one query, on a connection opened and closed within the call. */
export async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: env('DB_URL') });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export const unique = (prefix: string) => `${prefix}-${crypto.randomUUID()}`;

export function post(url: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export async function call(handler: (req: Request) => Promise<Response>, req: Request): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await handler(req);
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : JSON.parse(text) };
}

/** Asserts a refusal: status, code, and a Chinese message fit to show. */
export function assertRefusal(res: { status: number; body: Record<string, unknown> }, status: number, code: string): void {
  if (res.status !== status || res.body.code !== code || !/[\u4e00-\u9fff]/.test(String(res.body.message))) {
    throw new Error(`expected ${status} ${code} with a Chinese message, got ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** whoami() through the gateway and PostgREST with a user's access token. */
export async function whoami(accessToken: string): Promise<{ status: number; rows: Array<Record<string, unknown>> }> {
  const res = await fetch(`${env('SUPABASE_URL')}/rest/v1/rpc/whoami`, {
    method: 'POST',
    headers: { apikey: env('ANON_KEY'), authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const body = await res.json();
  return { status: res.status, rows: Array.isArray(body) ? body : [] };
}
