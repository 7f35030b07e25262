/**
 * What the scheduled functions (report-upstream, send-reminders) share: pg_cron + pg_net in
 * production, or the local scheduler, calls them with the service role; nobody else may. Their
 * body is optional JSON options, checked against the function's own schema.
 */
import { jwtVerify } from 'jose';
import type { z } from 'zod';
import { jwtSecret, serviceRoleKey } from './env.ts';
import { HttpError, parseJson } from './http.ts';

const secretKey = new TextEncoder().encode(jwtSecret);

/** The caller must be the scheduler: the service role key, or a JWT with role service_role. */
export async function requireServiceRole(req: Request, fn: string): Promise<void> {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '');
  if (!m) throw new HttpError(401, 'unauthorized');
  const token = m[1]!;
  if (token === serviceRoleKey) return;
  let role: unknown;
  try {
    ({ payload: { role } } = await jwtVerify(token, secretKey, { algorithms: ['HS256'] }));
  } catch {
    throw new HttpError(401, 'unauthorized');
  }
  if (role !== 'service_role') throw new HttpError(403, 'forbidden', `${fn} runs as the service role (the scheduler) only`);
}

/** The run's options: an empty body means the defaults. */
export async function readOptions<T extends z.ZodType>(req: Request, schema: T): Promise<z.infer<T>> {
  const text = await req.text();
  return text.trim() === '' ? schema.parse({}) : parseJson(text, schema);
}
