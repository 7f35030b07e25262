/** `npm run db:reset`: the running stack's database back to migrations + seed. */
import { resetDatabase } from './stack/database.ts';
import { readRunningState } from './stack/state.ts';

const state = await readRunningState();
if (!state) {
  console.error('The local stack is not running (start it with `npm start`); a new HCP_DATA_DIR starts fresh anyway.');
  process.exit(1);
}
const result = await resetDatabase(state.dbUrl, state.apiUrl);
console.log(`Database reset: ${result.applied.length} migrations applied, demo data seeded.`);
