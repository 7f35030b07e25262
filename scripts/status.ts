/** `npm run status`: the running local stack's settings, as `supabase status -o env` prints them. */
import { readRunningState } from './stack/state.ts';

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
  ].join('\n'),
);
