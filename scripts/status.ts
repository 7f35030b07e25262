/** `npm run status`: the running local stack's settings, as `supabase status -o env` prints them. */
import { readRunningState } from './stack/state.ts';

/** One line per setting: multi-line values (PEM keys) in bash's $'…' quoting, for `eval`. */
function shellValue(v: string): string {
  if (!/[\s'\\]/.test(v)) return v;
  return `$'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

const state = await readRunningState();
if (!state) {
  console.error('The local stack is not running (start it with `npm start`).');
  process.exit(1);
}
console.log(
  [
    `API_URL=${state.apiUrl}`,
    `DB_URL=${state.dbUrl}`,
    `ANON_KEY=${state.anonKey}`,
    `SERVICE_ROLE_KEY=${state.serviceRoleKey}`,
    `JWT_SECRET=${state.jwtSecret}`,
    `H5_URL=${state.h5Url ?? ''}`,
    ...Object.entries(state.identityEnv ?? {}).map(([k, v]) => `${k}=${shellValue(v)}`),
  ].join('\n'),
);
