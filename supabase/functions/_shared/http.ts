/**
 * One way to answer: JSON with CORS, user errors as 4xx `{ code, message }` (codes and Chinese
 * messages from shared/errors.ts), anything unexpected logged with context and answered 500.
 */
import type { z } from 'zod';
import { errorBody, type ErrorCode } from '../../../shared/errors.ts';

export const corsHeaders: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, x-client-info, apikey, content-type',
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

/** Reads and validates a JSON body; bad JSON and schema failures are the caller's 400. */
export async function readJson<T extends z.ZodType>(req: Request, schema: T): Promise<z.infer<T>> {
  return parseJson(await req.text(), schema);
}

/** Parses and validates JSON text: invalid_json or invalid_input (with the fields) as a 400. */
export function parseJson<T extends z.ZodType>(text: string, schema: T): z.infer<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json');
  }
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
