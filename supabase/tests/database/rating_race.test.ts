/**
 * R3 × R5: a citizen rates a 办件 at the very moment the default job reaches it, each side on its
 * own connection. Exactly one rating may exist afterwards, and a citizen told "success" must own
 * it (no lost rating); one told already_rated finds the default. Both orders are forced (the
 * second side provably waiting on the first's uncommitted rating), then many free rounds.
 */
import pg from 'pg';
import { stackEnv } from '../../../tests/support/env.ts';
import { blockedOnLock, PERSONA_IDS } from '../../../tests/support/db.ts';

jest.setTimeout(120_000);

const ROUNDS = 60;
let owner: pg.Client;
let citizen: pg.Client;
let job: pg.Client;
const pids = { citizen: 0, job: 0 };

beforeAll(async () => {
  [owner, citizen, job] = [new pg.Client(stackEnv.dbUrl), new pg.Client(stackEnv.dbUrl), new pg.Client(stackEnv.dbUrl)];
  await Promise.all([owner.connect(), citizen.connect(), job.connect()]);
  await citizen.query(`select set_config('request.jwt.claims', $1, false)`, [JSON.stringify({ role: 'authenticated', sub: PERSONA_IDS['citizen-a'] })]);
  await citizen.query('set role authenticated');
  await job.query('set role service_role');
  pids.citizen = (await citizen.query('select pg_backend_pid() as pid')).rows[0].pid;
  pids.job = (await job.query('select pg_backend_pid() as pid')).rows[0].pid;
});

afterAll(async () => {
  try {
    await owner.query(`delete from app.work_orders where transaction_id in (select id from app.transactions where project_no like 'RACE-%')`);
    await owner.query(`delete from app.ratings where transaction_id in (select id from app.transactions where project_no like 'RACE-%')`);
    await owner.query(`delete from app.transactions where project_no like 'RACE-%'`);
  } finally {
    await Promise.all([owner.end(), citizen.end(), job.end()]);
  }
});

/** A 办件 of citizen-a whose rating window closes in 3 s: the citizen is still in time, the job runs "after". */
async function racingTransaction(round: string): Promise<string> {
  const { rows } = await owner.query(
    `insert into app.transactions (project_no, matter_id, unit_id, region_code, applicant_user_id, channel, status, accepted_at, finished_at)
     select 'RACE-' || $1 || '-' || gen_random_uuid(), m.id, m.unit_id, '530902', $2, 'mobile', 'finished', now() - interval '1 day', now() - interval '1 hour'
     from app.matters m where m.unit_id = (select id from app.units where name = '临翔区市场监督管理局') limit 1
     returning id`,
    [round, PERSONA_IDS['citizen-a']],
  );
  await owner.query(`update app.transactions set rating_due_at = now() + interval '3 seconds' where id = $1`, [rows[0].id]);
  return rows[0].id as string;
}

const rate = (tx: string, round: string) =>
  citizen.query(`select * from public.submit_rating($1, 2, '{213}', null, false, 'mobile', $2)`, [tx, `race-key-${round}-${tx}`]);
const runJob = () => job.query(`select public.apply_default_ratings(now() + interval '4 seconds') as n`);

/** The invariants of one round, whoever won; answers who did. */
async function winnerOf(tx: string, rated: PromiseSettledResult<unknown>): Promise<'citizen' | 'job'> {
  const ratings = (await owner.query('select is_default, rater_user_id from app.ratings where transaction_id = $1', [tx])).rows;
  expect(ratings).toHaveLength(1);
  // The citizen's 差评 opens one work order (R8); a default never does (R5).
  const orders = (await owner.query('select count(*)::int as n from app.work_orders where transaction_id = $1', [tx])).rows[0].n;
  expect(orders).toBe(rated.status === 'fulfilled' ? 1 : 0);
  // Whoever won, the 办件 left the queue of 办件 awaiting a rating.
  const marked = (await owner.query('select app.is_rated($1) as rated, exists (select 1 from app.rating_pending where transaction_id = $1) as pending', [tx])).rows[0];
  expect(marked).toEqual({ rated: true, pending: false });
  if (rated.status === 'fulfilled') {
    expect(ratings[0]).toEqual({ is_default: false, rater_user_id: PERSONA_IDS['citizen-a'] });
    return 'citizen';
  }
  expect(JSON.parse((rated.reason as Error).message).code).toBe('already_rated');
  expect(ratings[0]).toEqual({ is_default: true, rater_user_id: null });
  return 'job';
}

test.each([['citizen', 'job'], ['job', 'citizen']] as const)('forced order: %s first, the other blocked on its uncommitted rating, then it commits: %s loses', async (first, _loser) => {
  for (let round = 0; round < 5; round++) {
    const tx = await racingTransaction(`${first}-${round}`);
    const firstConn = first === 'citizen' ? citizen : job;
    await firstConn.query('begin');
    let firstCommitted = false;
    try {
      const firstAnswer = await Promise.allSettled([first === 'citizen' ? rate(tx, `forced-${round}`) : runJob()]);
      expect(firstAnswer[0].status).toBe('fulfilled');
      const second = first === 'citizen' ? runJob() : rate(tx, `forced-${round}`);
      await blockedOnLock(owner, first === 'citizen' ? pids.job : pids.citizen, second);
      await firstConn.query('commit');
      firstCommitted = true;
      const [secondAnswer] = await Promise.allSettled([second]);
      const rated = first === 'citizen' ? firstAnswer[0] : secondAnswer;
      expect(await winnerOf(tx, rated)).toBe(first);
    } finally {
      if (!firstCommitted) await firstConn.query('rollback');
    }
  }
});

test(`citizen and default job racing freely on the same 办件, ${ROUNDS} rounds: one rating each time, none lost`, async () => {
  const outcomes = { citizen: 0, job: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    const tx = await racingTransaction(String(round));
    const [rated, defaulted] = await Promise.allSettled([rate(tx, String(round)), runJob()]);
    expect(defaulted.status).toBe('fulfilled');
    outcomes[await winnerOf(tx, rated)]++;
  }
  // Which side wins a free race is up to the scheduler: both orders are proven by the forced rounds above.
  console.log(`race outcomes over ${ROUNDS} rounds: citizen first ${outcomes.citizen}, job first ${outcomes.job}`);
});
