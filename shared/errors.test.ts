import { ADMIN_ERRORS } from './error-codes/admin.ts';
import { COMMENT_ERRORS } from './error-codes/comments.ts';
import { CORE_ERRORS } from './error-codes/core.ts';
import { IDENTITY_ERRORS } from './error-codes/identity.ts';
import { INGEST_ERRORS } from './error-codes/ingest.ts';
import { RATING_ERRORS } from './error-codes/rating.ts';
import { REMINDER_ERRORS } from './error-codes/reminders.ts';
import { UPSTREAM_ERRORS } from './error-codes/upstream.ts';
import { WORK_ORDER_ERRORS } from './error-codes/work-orders.ts';
import { ERRORS } from './errors.ts';

test('no code is defined by two domains (a later spread would silently win)', () => {
  const domains = [CORE_ERRORS, RATING_ERRORS, WORK_ORDER_ERRORS, IDENTITY_ERRORS, INGEST_ERRORS, COMMENT_ERRORS, UPSTREAM_ERRORS, REMINDER_ERRORS, ADMIN_ERRORS];
  const all = domains.flatMap((d) => Object.keys(d));
  expect(new Set(all).size).toBe(all.length);
  expect(Object.keys(ERRORS).sort()).toEqual([...all].sort());
});
