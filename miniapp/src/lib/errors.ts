/**
 * Every failure the UI shows is an `AppError` whose `message` is Chinese and fit for the user.
 * Server bodies `{ code, message }` (edge functions, and PostgREST for business errors raised
 * with `app.raise_error`) keep their message; anything else maps to a code and its message.
 */
import { z } from 'zod'
import { ERRORS, isErrorCode, type ErrorCode } from '../../../shared/errors.ts'

/** Failures that never come from the server, so they are not in shared/errors.ts. */
export const CLIENT_ERRORS = {
  network_error: '网络不给力，请稍后重试',
  config_error: '应用配置有误，请联系管理员',
  login_cancelled: '您取消了登录，需要登录后才能评价',
  login_failed: '登录没有成功，请稍后重试',
} as const

export type AppErrorCode = ErrorCode | keyof typeof CLIENT_ERRORS

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** For logs only; never shown. */
    readonly detail?: unknown,
  ) {
    super(message)
    this.name = 'AppError'
  }

  static of(code: AppErrorCode, detail?: unknown): AppError {
    const message = isErrorCode(code) ? ERRORS[code].message : CLIENT_ERRORS[code]
    return new AppError(code, message, detail)
  }
}

const ServerErrorBody = z.object({ code: z.string(), message: z.string().min(1) })

export function codeForStatus(status: number): AppErrorCode {
  if (status === 0) return 'network_error'
  if (status === 401) return 'unauthorized'
  if (status === 403) return 'forbidden'
  if (status === 404) return 'not_found'
  if (status === 405) return 'method_not_allowed'
  if (status === 400 || status === 422) return 'invalid_input'
  return 'internal_error'
}

/** An edge function's non-2xx answer. */
export function fromErrorResponse(status: number, bodyText: string): AppError {
  let body: unknown = null
  try {
    body = JSON.parse(bodyText)
  } catch {
    // not JSON: fall through to the status
  }
  const parsed = ServerErrorBody.safeParse(body)
  if (parsed.success && isErrorCode(parsed.data.code)) {
    return new AppError(parsed.data.code, parsed.data.message, { status, body })
  }
  return AppError.of(codeForStatus(status), { status, body: bodyText.slice(0, 200) })
}

/** The `error` of a supabase-js (PostgREST) answer. */
export interface PostgrestErrorLike {
  message: string
  code?: string
  hint?: string | null
  details?: string | null
}

export function fromPostgrestError(error: PostgrestErrorLike, status: number): AppError {
  // A business error (app.raise_error): our code, the Chinese message.
  if (isErrorCode(error.code) && error.message) return new AppError(error.code, error.message, error)
  // PGRST301/302/303: missing, invalid or expired JWT.
  if (status === 401 || (error.code ?? '').startsWith('PGRST30')) return AppError.of('unauthorized', error)
  // Insufficient privilege / RLS `with check`.
  if (error.code === '42501') return AppError.of('forbidden', error)
  // PostgREST 12 answers a query cut off by a database restart with 400 and an empty error: not
  // a refusal but an unknown outcome, so it is retried (same idempotency key), never dropped.
  if (!error.code && !error.message) return AppError.of('internal_error', error)
  return AppError.of(codeForStatus(status), error)
}

/** Whatever was thrown, as something the UI can show. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err
  if (err instanceof z.ZodError) return AppError.of('internal_error', err.issues)
  if (err instanceof Error && err.name === 'ConfigError') return AppError.of('config_error', err)
  return AppError.of('internal_error', err)
}
