/**
 * The citizen's rating RPCs (R1, R3, R4, R5, R7) in the real database: owner → stranger →
 * anon, every allowed call beside its refusals, each refusal by its exact code, nothing written.
 */
import { as, anon, codeOf, connect, type Db, failure, failureWithin, PERSONA_IDS, user } from '../../../tests/support/db.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

const citizenA = user(PERSONA_IDS['citizen-a']);
const citizenB = user(PERSONA_IDS['citizen-b']);
const staff = user(PERSONA_IDS['staff-linxiang']);


async function pendingOf(q: Db['query']): Promise<string[]> {
  return (await q('select transaction_id from public.my_pending_ratings()')).rows.map((r) => r.transaction_id);
}

const submit = (q: Db['query'], tx: string, level: number, tags: string[], key: string, extra: { comment?: string | null; channel?: string } = {}) =>
  q('select * from public.submit_rating($1, $2, $3, $4, false, $5, $6)', [tx, level, tags, extra.comment ?? null, extra.channel ?? 'mobile', key]);

describe('citizen (applicant)', () => {
  test('sees at least five live 办件 to rate, with live deadlines and who handled them', async () => {
    const rows = await as(db, citizenA, async (q) => (await q('select * from public.my_pending_ratings()')).rows);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const r of rows) {
      expect(r.rating_due_at.getTime()).toBeGreaterThan(Date.now());
      expect(r.unit_name).toBe('临翔区市场监督管理局');
      // The officer, masked (R13). Other test files add 办件 served by the window's other officer.
      expect(r.staff_name).toMatch(/^\p{Script=Han}\*+\p{Script=Han}?$/u);
      expect(r.due_is_provisional).toBe(false);
    }
    // The seeded ones were served by staff-linxiang.
    expect(rows.filter((r) => r.staff_name === '杨*').length).toBeGreaterThanOrEqual(5);
  });

  test('rates a 办件: it leaves the pending list and appears in my_ratings', async () => {
    await as(db, citizenA, async (q) => {
      const [tx] = await pendingOf(q);
      const { rows } = await submit(q, tx!, 5, ['517'], 'key-rate-0001', { comment: '  办得很快  ' });
      expect(rows).toEqual([{ id: expect.any(String), level: 5, is_bad: false, work_order_id: null }]);
      expect(await pendingOf(q)).not.toContain(tx);
      const mine = (await q('select transaction_id, level, comment, is_default, assess_number from public.my_ratings()')).rows;
      expect(mine).toContainEqual({ transaction_id: tx, level: 5, comment: '办得很快', is_default: false, assess_number: 1 });
    });
  });

  test('a replay with the same key returns the first result and writes nothing', async () => {
    await as(db, citizenA, async (q) => {
      const [tx] = await pendingOf(q);
      const first = (await submit(q, tx!, 2, ['213'], 'key-replay-01')).rows[0];
      const again = (await submit(q, tx!, 2, ['213'], 'key-replay-01')).rows[0];
      expect(again).toEqual(first);
      const n = (await q('select count(*)::int as n from app.ratings where transaction_id = $1', [tx])).rows[0].n;
      expect(n).toBe(1);
    });
  });

  test('a second rating of the same 办件 with a new key is already_rated', async () => {
    const err = await as(db, citizenA, async (q) => {
      const [tx] = await pendingOf(q);
      await submit(q, tx!, 4, [], 'key-twice-001');
      return failure(submit(q, tx!, 1, ['115'], 'key-twice-002'));
    });
    expect(codeOf(err)).toBe('already_rated');
  });

  test('a key reused for another 办件 is idempotency_conflict', async () => {
    const err = await as(db, citizenA, async (q) => {
      const [a, b] = await pendingOf(q);
      await submit(q, a!, 4, [], 'key-reused-01');
      return failure(submit(q, b!, 4, [], 'key-reused-01'));
    });
    expect(codeOf(err)).toBe('idempotency_conflict');
  });

  test('a 办件 whose window closed is rating_window_closed, and one still in progress is not_finished', async () => {
    await db.query('begin');
    try {
      const closed = await insertTransaction({ finishedDaysAgo: 30 });
      const open = await insertTransaction({ finishedDaysAgo: null });
      await actAs(citizenA);
      expect(codeOf(await failure(submit(q(), closed, 3, [], 'key-closed-01')))).toBe('rating_window_closed');
      await db.query('rollback to savepoint acting');
      await actAs(citizenA);
      expect(codeOf(await failure(submit(q(), open, 3, [], 'key-open-0001')))).toBe('not_finished');
    } finally {
      await db.query('rollback');
    }
  });
});

const q = () => db.query.bind(db) as Db['query'];

/** Inside an open transaction, as the owner: a 办件 of citizen A at 临翔区市场监督管理局. */
async function insertTransaction(opts: { finishedDaysAgo: number | null }): Promise<string> {
  const { rows } = await db.query(
    `insert into app.transactions (project_no, matter_id, unit_id, region_code, window_id, staff_user_id, applicant_user_id, channel, status, accepted_at, finished_at)
     select 'TEST-' || gen_random_uuid(), m.id, m.unit_id, '530902', w.id, $2, $1, 'hall_pad',
            case when $3::int is null then 'processing' else 'finished' end,
            now() - interval '60 days', now() - make_interval(days => $3::int)
     from app.matters m join app.windows w on w.unit_id = m.unit_id
     where m.unit_id = (select id from app.units where name = '临翔区市场监督管理局') limit 1
     returning id`,
    [PERSONA_IDS['citizen-a'], PERSONA_IDS['staff-linxiang'], opts.finishedDaysAgo],
  );
  return rows[0].id;
}

/** Switches the open transaction to an API role, after a savepoint to return to. */
async function actAs(actor: { role: string; sub?: string }): Promise<void> {
  await db.query('savepoint acting');
  await db.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: actor.role, sub: actor.sub })]);
  await db.query(`set local role ${actor.role}`);
}

describe.each([
  ['level 0', 0, [], 'invalid_input'],
  ['level 6', 6, [], 'invalid_input'],
  ['差评 without tags', 1, [], 'tag_required'],
  ['a level-2 tag on level 1', 1, ['213'], 'invalid_tag_for_level'],
  ['a retired v1 tag', 2, ['201'], 'invalid_tag_for_level'],
  ['an unknown tag', 5, ['999'], 'invalid_tag_for_level'],
  ['nine tags', 5, ['510', '511', '512', '513', '514', '515', '516', '517', '510'], 'invalid_tag_for_level'],
])('bad input: %s', (_name, level, tags, code) => {
  test(`is ${code} and writes nothing`, async () => {
    const [err, count] = await as(db, citizenA, async (q) => {
      const [tx] = await pendingOf(q);
      const e = await failureWithin(q, () => submit(q, tx!, level, tags, 'key-bad-input'));
      const n = (await q('select count(*)::int as n from app.ratings where transaction_id = $1', [tx])).rows[0].n;
      return [e, n] as const;
    });
    expect(codeOf(err)).toBe(code);
    expect(count).toBe(0);
  });
});

describe('bad input: the rest', () => {
  const cases: Array<[string, (q: Db['query'], tx: string) => Promise<unknown>, string]> = [
    ['a 501-character comment', (q, tx) => submit(q, tx, 5, [], 'key-long-0001', { comment: '好'.repeat(501) }), 'comment_too_long'],
    ['an unknown channel', (q, tx) => submit(q, tx, 5, [], 'key-chan-0001', { channel: 'default' }), 'invalid_input'],
    ['no idempotency key', (q, tx) => q('select * from public.submit_rating($1, 5, $2, null, false, $3, null)', [tx, [], 'mobile']), 'invalid_input'],
    ['a short idempotency key', (q, tx) => submit(q, tx, 5, [], 'k1'), 'invalid_input'],
    ['a null tag', (q, tx) => q('select * from public.submit_rating($1, 5, array[null]::text[], null, false, $2, $3)', [tx, 'mobile', 'key-null-tag1']), 'invalid_input'],
    ['an unknown 办件', (q) => submit(q, '11111111-1111-4111-8111-111111111111', 5, [], 'key-unknown01'), 'not_found'],
  ];
  test.each(cases)('%s', async (_name, call, code) => {
    const err = await as(db, citizenA, async (q) => failure(call(q, (await pendingOf(q))[0]!)));
    expect(codeOf(err)).toBe(code);
  });

  test('a wrong type for p_level is refused by Postgres before anything runs', async () => {
    const err = await as(db, citizenA, async (q) => failure(q(`select * from public.submit_rating($1, 'five', '{}', null, false, 'mobile', 'key-type-0001')`, [PERSONA_IDS['citizen-a']])));
    expect(err.code).toBe('22P02');
  });
});

describe('stranger', () => {
  test('another citizen cannot rate citizen A’s 办件 (not_applicant) and does not see it pending', async () => {
    const txA = await as(db, citizenA, async (q) => (await pendingOf(q))[0]!);
    const [pendingB, err] = await as(db, citizenB, async (q) => [await pendingOf(q), await failure(submit(q, txA, 1, ['115'], 'key-other-001'))] as const);
    expect(codeOf(err)).toBe('not_applicant');
    expect(pendingB).not.toContain(txA);
  });

  test('the officer who handled it cannot rate it (own_work)', async () => {
    const txA = await as(db, citizenA, async (q) => (await pendingOf(q))[0]!);
    const err = await as(db, staff, (q) => failure(submit(q, txA, 5, [], 'key-own-work1')));
    expect(codeOf(err)).toBe('own_work');
  });

  test('nobody reads another person’s ratings from the table', async () => {
    const windowId = (await db.query(`select id from app.windows order by id limit 1`)).rows[0].id;
    const rows = await as(db, citizenB, async (q) => {
      // One rating of citizen-b's own (rolled back), so that the list cannot pass by being empty.
      await q(`select * from public.submit_visit_rating($1, null, 5, '{}', null, false, 'own-row-visible')`, [windowId]);
      return (await q('select rater_user_id from app.ratings')).rows;
    });
    // Not vacuous: citizen-b's own rating is there (RLS lets it through), and only citizen-b's.
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.rater_user_id !== PERSONA_IDS['citizen-b'])).toEqual([]);
  });
});

describe('anon', () => {
  test('cannot rate or list pending ratings', async () => {
    const e1 = await as(db, anon, (q) => failure(q('select * from public.my_pending_ratings()')));
    const e2 = await as(db, anon, (q) => failure(submit(q, '11111111-1111-4111-8111-111111111111', 5, [], 'key-anon-0001')));
    expect(e1.code).toBe('42501');
    expect(e2.code).toBe('42501');
  });

  test('reads a window’s landing page with the officers on duty (masked)', async () => {
    const row = await as(db, anon, async (q) =>
      (await q(`select * from public.window_info((select id from app.windows where unit_id = (select id from app.units where name = '临翔区市场监督管理局')))`)).rows[0]);
    expect(row.hall_name).toBe('临翔区政务服务中心');
    expect(row.unit_name).toBe('临翔区市场监督管理局');
    expect(row.staff.map((s: { name: string }) => s.name)).toContain('杨*');
    for (const s of row.staff) expect(s.name).toMatch(/^.\*/);
  });
});

describe('visit ratings (一次一评 by QR)', () => {
  const windowOf = `(select id from app.windows where unit_id = (select id from app.units where name = '临翔区市场监督管理局'))`;
  const visit = (q: Db['query'], level: number, tags: string[], key: string, staffId: string | null = null) =>
    q(`select * from public.submit_visit_rating(${windowOf}, $1, $2, $3, null, false, $4)`, [staffId, level, tags, key]);

  test('one per person per window per day: the second is already_rated', async () => {
    const [first, err] = await as(db, citizenB, async (q) => {
      const r = (await visit(q, 4, ['413'], 'key-visit-001', PERSONA_IDS['staff-linxiang'])).rows[0];
      return [r, await failure(visit(q, 5, [], 'key-visit-002'))] as const;
    });
    expect(first).toMatchObject({ level: 4, is_bad: false });
    expect(codeOf(err)).toBe('already_rated');
  });

  test('an officer who does not work at that window is invalid_input', async () => {
    const err = await as(db, citizenB, (q) => failure(visit(q, 5, [], 'key-visit-003', PERSONA_IDS['staff-fengqing'])));
    expect(codeOf(err)).toBe('invalid_input');
  });

  test('an officer cannot rate their own window visit', async () => {
    const err = await as(db, staff, (q) => failure(visit(q, 5, [], 'key-visit-004', PERSONA_IDS['staff-linxiang'])));
    expect(codeOf(err)).toBe('own_work');
  });
});

describe('the default job (R5)', () => {
  test('applies 基本满意 by nobody to every closed, unrated 办件 — once', async () => {
    await db.query('begin');
    try {
      const closed = await insertTransaction({ finishedDaysAgo: 30 });
      const live = await insertTransaction({ finishedDaysAgo: 0 });
      const applied = (await db.query('select public.apply_default_ratings() as n')).rows[0].n;
      expect(applied).toBe(1);
      const rows = (await db.query('select transaction_id, level, is_default, channel, rater_user_id from app.ratings where transaction_id = any($1)', [[closed, live]])).rows;
      expect(rows).toEqual([{ transaction_id: closed, level: 3, is_default: true, channel: 'default', rater_user_id: null }]);
      expect((await db.query('select public.apply_default_ratings() as n')).rows[0].n).toBe(0);
      // Time is an input: two weeks later the live one is due too (with every other open one).
      expect((await db.query(`select public.apply_default_ratings(now() + interval '14 days') as n`)).rows[0].n).toBeGreaterThanOrEqual(1);
      const later = (await db.query('select is_default from app.ratings where transaction_id = $1', [live])).rows;
      expect(later).toEqual([{ is_default: true }]);
    } finally {
      await db.query('rollback');
    }
  });

  test('in batches smaller than the queue (keyset over due time and id, ties included): every due 办件 rated once, none left, none twice', async () => {
    await db.query('begin');
    try {
      // Same finish time within the transaction: five 办件 tie on their due time.
      const tied = await Promise.all(Array.from({ length: 5 }, () => insertTransaction({ finishedDaysAgo: 30 })));
      const older = await insertTransaction({ finishedDaysAgo: 40 });
      const due = (await db.query(`select transaction_id from app.rating_pending where rating_due_at <= now()`)).rows.map((r) => r.transaction_id);
      expect(due).toEqual(expect.arrayContaining([...tied, older]));
      const applied = (await db.query('select app.apply_default_ratings_in_batches(now(), 2) as n')).rows[0].n;
      expect(applied).toBe(due.length);
      const counts = (await db.query(`select t.id, count(r.id)::int as n from unnest($1::uuid[]) t (id) left join app.ratings r on r.transaction_id = t.id group by t.id`, [due])).rows;
      expect(counts.filter((c) => c.n !== 1)).toEqual([]);
      expect((await db.query(`select count(*)::int as n from app.rating_pending where rating_due_at <= now()`)).rows[0].n).toBe(0);
    } finally {
      await db.query('rollback');
    }
  });

  test('only the service role may run it', async () => {
    const err = await as(db, citizenA, (q) => failure(q('select public.apply_default_ratings()')));
    expect(err.code).toBe('42501');
  });

  // app.rating_pending is a queue kept by triggers (issue 16.5); what it must equal is derived
  // from the ratings themselves, whatever happened to the 办件 and its ratings.
  const queueDrift = async () => (await db.query(`
    with derived as (
      select t.id, t.rating_due_at from app.transactions t
      where t.status = 'finished' and t.rating_due_at is not null and not app.is_rated(t.id)
    ), queued as (select p.transaction_id as id, p.rating_due_at from app.rating_pending p)
    select (select count(*) from (select * from derived except select * from queued) a)::int as missing,
           (select count(*) from (select * from queued except select * from derived) b)::int as extra,
           (select count(*) from queued)::int as queued`)).rows[0];

  test('the queue of 办件 awaiting a rating is exactly the finished, unrated ones, through every change', async () => {
    await db.query('begin');
    try {
      const seeded = await queueDrift();
      expect(seeded).toMatchObject({ missing: 0, extra: 0 });
      expect(seeded.queued).toBeGreaterThan(0); // the citizens' live 办件 of the seed
      const a = await insertTransaction({ finishedDaysAgo: 0 });
      const b = await insertTransaction({ finishedDaysAgo: 30 });
      const open = (await db.query(`insert into app.transactions (project_no, matter_id, unit_id, region_code, applicant_user_id, channel, status, accepted_at)
                                    select 'PENDING-OPEN-' || gen_random_uuid(), matter_id, unit_id, region_code, applicant_user_id, channel, 'processing', accepted_at
                                    from app.transactions where id = $1 returning id`, [a])).rows[0].id;
      const queued = async (id: string) => (await db.query('select rating_due_at from app.rating_pending where transaction_id = $1', [id])).rows;
      expect([(await queued(a)).length, (await queued(b)).length, (await queued(open)).length]).toEqual([1, 1, 0]);
      // Finishing a 办件 queues it; moving its finish moves its deadline in the queue.
      await db.query(`update app.transactions set status = 'finished', finished_at = now() where id = $1`, [open]);
      expect((await queued(open)).length).toBe(1);
      const before = (await queued(a))[0].rating_due_at;
      await db.query(`update app.transactions set finished_at = finished_at - interval '3 days' where id = $1`, [a]);
      expect((await queued(a))[0].rating_due_at.getTime()).toBeLessThan(before.getTime());
      expect(await queueDrift()).toMatchObject({ missing: 0, extra: 0 });
      // Rating removes it (the citizen, or the job); removing the rating brings it back.
      await actAs(citizenA);
      await submit(db.query.bind(db) as Db['query'], a, 5, [], `pending-queue-${a}`);
      await db.query('reset role');
      expect(await queued(a)).toEqual([]);
      expect((await db.query('select public.apply_default_ratings() as n')).rows[0].n).toBeGreaterThanOrEqual(1);
      expect(await queued(b)).toEqual([]);
      await db.query(`delete from app.upstream_outbox where rating_id in (select id from app.ratings where transaction_id = $1)`, [b]);
      await db.query('delete from app.ratings where transaction_id = $1', [b]);
      expect((await queued(b)).length).toBe(1);
      expect(await queueDrift()).toMatchObject({ missing: 0, extra: 0 });
      // A 办件 deleted takes its queue row with it.
      await db.query('delete from app.transactions where id = $1', [open]);
      expect(await queueDrift()).toMatchObject({ missing: 0, extra: 0 });
    } finally {
      await db.query('rollback');
    }
  });

  test('the seeded history left nothing due unrated', async () => {
    const { rows } = await db.query(`select count(*)::int as n from app.transactions where status = 'finished' and rating_due_at <= now() and not app.is_rated(id)`);
    expect(rows[0].n).toBe(0);
  });
});
