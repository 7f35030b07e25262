/**
 * One way to answer: JSON with CORS, user errors as 4xx `{ code, message }` (codes and Chinese
 * messages from shared/errors.ts), anything unexpected logged with context and answered 500.
 */
import type { z } from 'zod';
import { errorBody, type ErrorCode } from './contract/errors.ts';

export const corsHeaders: Record<string, string> = {
  'access-control-allow-origin': '*',
  // x-hcp-*: a window tablet's browser signs its device requests (issue 18); preflight must allow them.
  'access-control-allow-headers': 'authorization, x-client-info, apikey, content-type, x-hcp-key-id, x-hcp-timestamp, x-hcp-signature',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
};

/** An error the caller caused: answered with its status and code, never logged as a fault. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly code: ErrorCode, readonly details?: unknown) {
    super(code);
  }
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, 'content-type': 'application/json; charset=utf-8' },
  });
}

/**
 * The largest JSON body readJson takes (413 body_too_large beyond): the requests it reads — a
 * login code, a refresh token, a real-name ticket — are a few KB at most.
 */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

/**
 * Reads a request body of at most `maxBytes`, refusing more with 413 `code` (details
 * `{ max_bytes }`). A declared Content-Length over the cap is refused before anything is read;
 * a body without one (chunked) is read chunk by chunk and the stream is cancelled as soon as the
 * cap is passed, so an unauthenticated caller can never make the function hold more than
 * `maxBytes` (plus one chunk) in memory, however much it sends.
 */
export async function readBodyCapped(req: Request, maxBytes: number, code: ErrorCode): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = () => new HttpError(413, code, { max_bytes: maxBytes });
  const declared = req.headers.get('content-length');
  if (declared !== null && !(Number(declared) <= maxBytes)) throw tooLarge();
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Stop reading: the rest of the body is never pulled off the connection.
      await reader.cancel('body over the size cap').catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    body.set(c, offset);
    offset += c.byteLength;
  }
  return body;
}

/** Reads (≤ MAX_JSON_BODY_BYTES, else 413 body_too_large) and validates a JSON body; bad JSON and schema failures are the caller's 400. */
export async function readJson<T extends z.ZodType>(req: Request, schema: T): Promise<z.infer<T>> {
  const bytes = await readBodyCapped(req, MAX_JSON_BODY_BYTES, 'body_too_large');
  // Decoded as req.text() would (invalid UTF-8 becomes U+FFFD, then fails as JSON or schema).
  return parseJson(new TextDecoder().decode(bytes), schema);
}

/**
 * Where a parsed JSON value holds text Postgres cannot store — a NUL (`\u0000`) or a lone UTF-16
 * surrogate, both valid JSON — as the path of the first such string or key; null when none. The
 * database refuses such text with a raw error (22P05 / 22021) that would surface as a 500.
 */
export function unstorableText(value: unknown, path: Array<string | number> = []): string | null {
  const bad = (s: string) => s.includes('\u0000') || !s.isWellFormed();
  if (typeof value === 'string') return bad(value) ? path.join('.') : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = unstorableText(value[i], [...path, i]);
      if (at !== null) return at;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (bad(k)) return [...path, k].join('.');
      const at = unstorableText(v, [...path, k]);
      if (at !== null) return at;
    }
  }
  return null;
}

/** The invalid_input detail of unstorableText's finding. */
export const unstorableIssue = (path: string) => ({ path, message: 'contains a NUL character or an unpaired surrogate' });

/** Parses and validates JSON text: invalid_json or invalid_input (with the fields) as a 400. */
export function parseJson<T extends z.ZodType>(text: string, schema: T): z.infer<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json');
  }
  const unstorable = unstorableText(raw);
  if (unstorable !== null) throw new HttpError(400, 'invalid_input', [unstorableIssue(unstorable)]);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new HttpError(400, 'invalid_input', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return parsed.data;
}

/** Wraps a handler: answers CORS preflight, maps errors to responses. */
export function handle(name: string, work: (req: Request) => Promise<Response>): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers: corsHeaders });
    try {
      return await work(req);
    } catch (err) {
      if (err instanceof HttpError) return json(errorBody(err.code, err.details), err.status);
      console.error(`[${name}] ${req.method} ${new URL(req.url).pathname} failed:`, err);
      return json(errorBody('internal_error'), 500);
    }
  };
}
