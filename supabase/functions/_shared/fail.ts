/** An HttpError whose status is the one shared/errors.ts gives its code. */
import { ERRORS, type ErrorCode } from './contract/errors.ts';
import { HttpError } from './http.ts';

export function fail(code: ErrorCode, details?: unknown): HttpError {
  return new HttpError(ERRORS[code].status, code, details);
}
