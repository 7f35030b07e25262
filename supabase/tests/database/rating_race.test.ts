/**
 * R3 × R5: a citizen rates a 办件 at the very moment the default job reaches it, many times
 * over, each side on its own connection. Exactly one rating may exist afterwards, and a
 * citizen told "success" must own it (no lost rating); one told already_rated finds the default.
 */
import pg from 'pg';
import { stackEnv } from '../../../tests/support/env.ts';
import { PERSONA_IDS } from '../../../tests/support/db.ts';

jest.setTimeout(120_000);

const ROUNDS = 60;
let owner: pg.Client;
let citizen: pg.Client;
let job: pg.Client;

beforeAll(async () => {
  [owner, citizen, job] = [new pg.Client(stackEnv.dbUrl), new pg.Client(stackEnv.dbUrl), new pg.Client(stackEnv.dbUrl)];
  await Promise.all([owner.connect(), citizen.connect(), job.connect()]);
  await citizen.query(`select set_config('request.jwt.claims', $1, false)`, [JSON.stringify({ role: 'authenticated', sub: PERSONA_IDS['citizen-a'] })]);
  await citizen.query('set role authenticated');
  await job.query('set role service_role');
});

afterAll(async () => {
  try {
    await owner.query(`update app.transactions set first_rating_id = null where project_no like 'RACE-%'`);
    await owner.query(`delete from app.work_orders where transaction_id in (select id from app.transactions where project_no like 'RACE-%')`);
    await owner.query(`delete from app.ratings where transaction_id in (select id from app.transactions where project_no like 'RACE-%')`);
    await owner.query(`delete from app.transactions where project_no like 'RACE-%'`);
  } finally {
    await Promise.all([owner.end(), citizen.end(), job.end()]);
  }
});

test(`citizen and default job racing on the same 办件, ${ROUNDS} rounds: one rating each time, none lost`, async () => {
  const outcomes = { citizen: 0, job: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    // A 办件 whose window closes in 3 s: the citizen is still in time, the job runs "after".
    const { rows } = await owner.query(
      `insert into app.transactions (project_no, matter_id, unit_id, region_code, applicant_user_id, channel, status, accepted_at, finished_at)
       select 'RACE-' || $1 || '-' || gen_random_uuid(), m.id, m.unit_id, '530902', $2, 'mobile', 'finished', now() - interval '1 day', now() - interval '1 hour'
       from app.matters m where m.unit_id = (select id from app.units where name = '临翔区市场监督管理局') limit 1
       returning id`,
      [round, PERSONA_IDS['citizen-a']],
    );
    await owner.query(`update app.transactions set rating_due_at = now() + interval '3 seconds' where id = $1`, [rows[0].id]);
    const tx = rows[0].id as string;
    const [rated, defaulted] = await Promise.allSettled([
      citizen.query(`select * from public.submit_rating($1, 2, '{213}', null, false, 'mobile', $2)`, [tx, `race-key-${round}-${tx}`]),
      job.query(`select public.apply_default_ratings(now() + interval '4 seconds') as n`),
    ]);
    expect(defaulted.status).toBe('fulfilled');
    const ratings = (await owner.query('select is_default, rater_user_id from app.ratings where transaction_id = $1', [tx])).rows;
    expect(ratings).toHaveLength(1);
    // The citizen's 差评 opens one work order (R8); a default never does (R5).
    const orders = (await owner.query('select count(*)::int as n from app.work_orders where transaction_id = $1', [tx])).rows[0].n;
    expect(orders).toBe(rated.status === 'fulfilled' ? 1 : 0);
    if (rated.status === 'fulfilled') {
      expect(ratings[0]).toEqual({ is_default: false, rater_user_id: PERSONA_IDS['citizen-a'] });
      outcomes.citizen++;
    } else {
      expect(JSON.parse((rated.reason as Error).message).code).toBe('already_rated');
      expect(ratings[0]).toEqual({ is_default: true, rater_user_id: null });
      outcomes.job++;
    }
    const marked = (await owner.query('select first_rating_id is not null as marked from app.transactions where id = $1', [tx])).rows[0];
    expect(marked).toEqual({ marked: true });
  }
  console.log(`race outcomes over ${ROUNDS} rounds: citizen first ${outcomes.citizen}, job first ${outcomes.job}`);
  expect(outcomes.citizen + outcomes.job).toBe(ROUNDS);
});
