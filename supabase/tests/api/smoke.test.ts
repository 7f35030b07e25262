/**
 * `npm run smoke` against the local stack (issue 14): the checks an operator runs on a deployed
 * system pass here, where the same migrations declared the same jobs and Vault entries; and the
 * check says what is wrong where something is.
 */
import { smoke } from '../../../scripts/smoke/checks.ts';
import { stackEnv } from '../../../tests/support/env.ts';

test('every smoke check passes on the local stack', async () => {
  const results = await smoke({ url: stackEnv.apiUrl, key: stackEnv.anonKey, serviceKey: stackEnv.serviceRoleKey });
  expect(results.map((r) => [r.name, r.ok, r.ok ? '' : r.detail])).toEqual(results.map((r) => [r.name, true, '']));
  expect(results).toHaveLength(4);
});

test('without the service key, or with the anon key in its place, the job and Vault checks fail and say why', async () => {
  const without = await smoke({ url: stackEnv.apiUrl, key: stackEnv.anonKey });
  expect(without.filter((r) => !r.ok).map((r) => r.detail)).toEqual(['needs --service-key (the service role / secret key)']);
  const wrong = await smoke({ url: stackEnv.apiUrl, key: stackEnv.anonKey, serviceKey: stackEnv.anonKey });
  expect(wrong.filter((r) => !r.ok).map((r) => r.name)).toEqual([
    'every scheduled job is in cron.job, active, and its last run did not fail',
    'the Vault entries exist (names only)',
  ]);
});
