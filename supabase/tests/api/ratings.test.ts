/** The rating RPCs through supabase-js and PostgREST: contract names, row shapes, error bodies. */
import { ERRORS } from '../../../shared/errors.ts';
import { client, login } from '../../../tests/support/api.ts';

const rate = (token: string, args: Record<string, unknown>) =>
  client(token).rpc('submit_rating', { p_tags: [], p_comment: null, p_anonymous: false, p_channel: 'mobile', ...args });

test('citizen-b lists pending 办件 with the contract columns, rates one with a 差评, sees it in my_ratings', async () => {
  const { access_token } = await login('citizen-b');
  const pending = await client(access_token).rpc('my_pending_ratings');
  expect(pending.error).toBeNull();
  expect(pending.data.length).toBeGreaterThanOrEqual(5);
  const first = pending.data[0];
  for (const col of ['transaction_id', 'project_no', 'matter_name', 'unit_name', 'window_name', 'staff_name', 'finished_at', 'rating_due_at', 'due_is_provisional']) {
    expect(first).toHaveProperty(col);
  }
  const key = `api-${first.transaction_id}`;
  const rated = await rate(access_token, { p_transaction_id: first.transaction_id, p_level: 1, p_tags: ['115'], p_comment: '排队两个小时', p_idempotency_key: key });
  expect(rated.error).toBeNull();
  // R8: the 差评 opened its work order in the same call.
  expect(rated.data).toEqual([{ id: expect.any(String), level: 1, is_bad: true, work_order_id: expect.any(String) }]);

  const replay = await rate(access_token, { p_transaction_id: first.transaction_id, p_level: 1, p_tags: ['115'], p_idempotency_key: key });
  expect(replay.data).toEqual(rated.data);

  const again = await rate(access_token, { p_transaction_id: first.transaction_id, p_level: 5, p_idempotency_key: `${key}-2` });
  expect(again.error).toMatchObject({ code: 'already_rated', message: ERRORS.already_rated.message });
  expect(again.status).toBe(409);

  const mine = await client(access_token).rpc('my_ratings');
  expect(mine.data).toContainEqual(expect.objectContaining({ transaction_id: first.transaction_id, level: 1, is_default: false, assess_number: 1, work_order_id: rated.data[0].work_order_id, work_order_status: 'pending_verification' }));
});

test('a 差评 without tags is a 400 tag_required with the Chinese message', async () => {
  const { access_token } = await login('citizen-b');
  const [tx] = (await client(access_token).rpc('my_pending_ratings')).data;
  const res = await rate(access_token, { p_transaction_id: tx.transaction_id, p_level: 2, p_idempotency_key: `api-notag-${tx.transaction_id}` });
  expect(res.status).toBe(400);
  expect(res.error).toMatchObject({ code: 'tag_required', message: ERRORS.tag_required.message });
});

test('another citizen gets a 403 not_applicant', async () => {
  const b = await login('citizen-b');
  const [tx] = (await client(b.access_token).rpc('my_pending_ratings')).data;
  const a = await login('citizen-a');
  const res = await rate(a.access_token, { p_transaction_id: tx.transaction_id, p_level: 5, p_idempotency_key: `api-other-${tx.transaction_id}` });
  expect(res.status).toBe(403);
  expect(res.error?.code).toBe('not_applicant');
});

test('anon gets a 401 for pending ratings, but may open a window’s landing page', async () => {
  const res = await client().rpc('my_pending_ratings');
  expect(res.status).toBe(401);
  const unknown = await client().rpc('window_info', { p_window_id: '11111111-1111-4111-8111-111111111111' });
  expect(unknown.error).toBeNull();
  expect(unknown.data).toEqual([]);
});
