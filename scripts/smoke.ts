/**
 * `npm run smoke -- --url <API URL> --key <anon/publishable key> [--service-key <service/secret key>]`:
 * the smoke check of a deployed system (scripts/smoke/checks.ts). Prints one line per check and
 * `N passed, N failed`; exits non-zero when any failed.
 */
import { parseArgs } from 'node:util';
import { smoke } from './smoke/checks.ts';

const { values } = parseArgs({ options: { url: { type: 'string' }, key: { type: 'string' }, 'service-key': { type: 'string' } } });
if (!values.url || !values.key) {
  console.error('usage: npm run smoke -- --url <API URL> --key <anon key> [--service-key <service role key>]');
  process.exit(2);
}
const results = await smoke({ url: values.url, key: values.key, serviceKey: values['service-key'] });
for (const r of results) console.log(`${r.ok ? '✓' : '✗'} ${r.name}: ${r.detail}`);
const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
