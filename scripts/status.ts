/** `npm run status`: the running local stack's settings, as `supabase status -o env` prints them. */
import { schedulerSecret } from './stack/platform.ts';
import { readRunningState } from './stack/state.ts';

/** One line per setting: multi-line values (PEM keys) and JSON (the JWT signing key) in bash's $'…' quoting, for `eval`. */
function shellValue(v: string): string {
  if (!/[\s'"\\]/.test(v)) return v;
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
    // The key that signs the stack's tokens: a private EC JWK with kid (ES256), or the HS256 secret.
    `JWT_SECRET=${shellValue(state.jwtSecret)}`,
    `JWKS_URL=${state.apiUrl}/auth/v1/.well-known/jwks.json`,
    `H5_URL=${state.h5Url ?? ''}`,
    // What the scheduled functions check their caller against (Vault scheduler_secret).
    `HCP_SCHEDULER_SECRET=${schedulerSecret()}`,
    ...Object.entries(state.identityEnv ?? {}).map(([k, v]) => `${k}=${shellValue(v)}`),
  ].join('\n'),
);
