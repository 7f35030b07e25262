/** The database's error table is the twin of shared/errors.ts, and raise_error speaks PostgREST. */
import { ERRORS } from '../../../shared/errors.ts';
import { anon, as, connect, type Db, failure } from '../../../tests/support/db.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

test('app.error_codes holds exactly the codes, statuses and messages of shared/errors.ts', async () => {
  const { rows } = await db.query<{ code: string; http_status: number; message: string }>(
    'select code, http_status, message from app.error_codes order by code',
  );
  const expected = Object.entries(ERRORS)
    .map(([code, e]) => ({ code, http_status: e.status, message: e.message }))
    .sort((a, b) => (a.code < b.code ? -1 : 1));
  expect(rows).toEqual(expected);
});

test('raise_error raises PostgREST’s custom error with the status and the Chinese message', async () => {
  const err = await as(db, anon, (q) => failure(q(`select app.raise_error('forbidden', 'p_unit_id')`)));
  expect(err.code).toBe('PGRST');
  expect(JSON.parse(err.message)).toEqual({ code: 'forbidden', message: ERRORS.forbidden.message, details: 'p_unit_id', hint: null });
  expect(JSON.parse((err as { detail?: string }).detail ?? '{}')).toEqual({ status: 403, headers: {} });
});

test('an unknown code is a programming error, not a silent success', async () => {
  const err = await failure(db.query(`select app.raise_error('no_such_code')`));
  expect(err.message).toContain('unknown error code no_such_code');
});
