import { fromPostgrestError } from './errors.ts';
import { isRetryable } from './outbox-core.ts';

test('a business error keeps its code and Chinese message, and is not retried', () => {
  const e = fromPostgrestError({ code: 'already_rated', message: '您已经评价过了，感谢您的参与' }, 409);
  expect([e.code, e.message, isRetryable(e)]).toEqual(['already_rated', '您已经评价过了，感谢您的参与', false]);
});

test('permission denied is forbidden, not retried', () => {
  const e = fromPostgrestError({ code: '42501', message: 'permission denied for function submit_rating' }, 403);
  expect([e.code, isRetryable(e)]).toEqual(['forbidden', false]);
});

test('PostgREST’s empty 400 (a query cut off by a database restart) is an unknown outcome: retried, never dropped', () => {
  const e = fromPostgrestError({ code: '', message: '', details: null, hint: null }, 400);
  expect([e.code, isRetryable(e)]).toEqual(['internal_error', true]);
  // A real 400 with a code stays a refusal.
  expect(isRetryable(fromPostgrestError({ code: 'tag_required', message: '请至少选择一项不满意的原因' }, 400))).toBe(false);
});
