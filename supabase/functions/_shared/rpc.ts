/**
 * Service-role RPCs whose business errors (app.raise_error → PostgREST `{ code, message }`)
 * reach the caller as the same 4xx code; anything else is a fault (500, logged by `handle`).
 */
import type { z } from 'zod';
import { isErrorCode } from './contract/errors.ts';
import { serviceClient } from './clients.ts';
import { fail } from './fail.ts';

export async function serviceRpc<T extends z.ZodType>(name: string, args: Record<string, unknown>, schema: T): Promise<z.infer<T>> {
  const { data, error } = await serviceClient().rpc(name, args);
  if (error) {
    if (isErrorCode(error.code)) throw fail(error.code, error.details ?? undefined);
    throw new Error(`${name} failed: ${error.code ?? ''} ${error.message}`);
  }
  return schema.parse(data);
}
