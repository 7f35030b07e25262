/**
 * Stable machine codes of every error a client can be shown: HTTP status and the Chinese
 * message fit for a citizen or an officer. The database raises the same codes from its own
 * table `app.error_codes` (a test proves the two equal); each domain keeps its codes in
 * `shared/error-codes/<domain>.ts`; PostgREST and the edge functions both
 * answer `{ code, message, details }`, and the mini-program shows `message`.
 */
import { ADMIN_ERRORS } from './error-codes/admin.ts';
import { COMMENT_ERRORS } from './error-codes/comments.ts';
import { CORE_ERRORS } from './error-codes/core.ts';
import { IDENTITY_ERRORS } from './error-codes/identity.ts';
import { INGEST_ERRORS } from './error-codes/ingest.ts';
import { RATING_ERRORS } from './error-codes/rating.ts';
import { REMINDER_ERRORS } from './error-codes/reminders.ts';
import { UPSTREAM_ERRORS } from './error-codes/upstream.ts';
import type { ErrorTable } from './error-codes/table.ts';
import { WORK_ORDER_ERRORS } from './error-codes/work-orders.ts';

export const ERRORS = {
  ...CORE_ERRORS,
  ...RATING_ERRORS,
  ...WORK_ORDER_ERRORS,
  ...IDENTITY_ERRORS,
  ...INGEST_ERRORS,
  ...COMMENT_ERRORS,
  ...UPSTREAM_ERRORS,
  ...REMINDER_ERRORS,
  ...ADMIN_ERRORS,
} as const satisfies ErrorTable;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Which input was wrong, for forms (never shown raw to citizens). */
  details?: unknown;
}

export function errorBody(code: ErrorCode, details?: unknown): ErrorBody {
  const { message } = ERRORS[code];
  return details === undefined ? { code, message } : { code, message, details };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERRORS, value);
}
