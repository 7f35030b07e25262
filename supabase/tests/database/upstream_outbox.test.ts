/**
 * R16's outbox in the database: the triggers fill it for every rating insert (citizen RPC,
 * multi-row inserts, the default job) and for every change the platform must know (validity),
 * and for nothing else; no API role reads it directly; the delivery RPCs are the service
 * role's; claims of two runs at once are disjoint (SKIP LOCKED); supervisors' status is scoped
 * to their regions; the export RPCs are supervisors' and carry no rater identity.
 */
import { anon, as, codeOf, connect, type Db, failure, PERSONA_IDS, rolledBack, serviceRole, user } from '../../../tests/support/db.ts';
import { freshFinishedTransaction, shanghaiDayFromToday } from '../../../tests/support/work-orders.ts';

let db: Db;
let other: Db;
beforeAll(async () => {
  db = await connect();
  other = await connect();
});
afterAll(async () => {
  await db.end();
  await other.end();
});

const citizenA = user(PERSONA_IDS['citizen-a']);
const staff = user(PERSONA_IDS['staff-linxiang']);
const supervisorCity = user(PERSONA_IDS['supervisor-city']);
const supervisorFengqing = user(PERSONA_IDS['supervisor-fengqing']);

const messages = async (q: Db['query'], ratingIds: string[]) =>
  (await q(`select rating_id, change_seq, reason, status, attempts, payload from app.upstream_outbox where rating_id = any($1) order by rating_id, change_seq`, [ratingIds])).rows;

describe('the triggers', () => {
  test('a citizen\'s rating (submit_rating) writes one pending message in the same transaction', async () => {
    const tx = await freshFinishedTransaction(db, PERSONA_IDS['citizen-a']);
    await as(db, citizenA, async (q) => {
      const { rows: [r] } = await q(`select * from public.submit_rating($1, 4, '{413}', null, false, 'mobile', $2)`, [tx, 'outbox-' + tx]);
      await q('reset role');
      const rows = await messages(q, [r.id]);
      expect(rows).toEqual([{ rating_id: r.id, change_seq: 1, reason: 'rating_created', status: 'pending', attempts: 0, payload: null }]);
    });
  });

  test('one multi-row insert writes one message per rating; the payload is built from the rating when claimed', async () => {
    await rolledBack(db, async (q) => {
      const { rows } = await q(
        `insert into app.ratings (level, tags, channel, unit_id, region_code, hall_id, window_id, visit_day, rated_at)
         select 5, '{}', 'hall_pad', w.unit_id, h.region_code, w.hall_id, w.id, current_date - i, now() - make_interval(days => i)
         from generate_series(1, 25) i, (select * from app.windows order by id limit 1) w join app.halls h on h.id = w.hall_id
         returning id, region_code`);
      const ids = rows.map((r) => r.id as string);
      const written = await messages(q, ids);
      expect(written).toHaveLength(25);
      expect(new Set(written.map((m) => m.reason))).toEqual(new Set(['rating_created']));
      expect(written.every((m) => m.payload === null)).toBe(true);
      // Older messages out of the way, then claimed as the service role: the items are built now.
      await q(`update app.upstream_outbox set next_attempt_at = now() + interval '1 day' where rating_id <> all($1) and status = 'pending'`, [ids]);
      await q(`select set_config('request.jwt.claims', '{"role":"service_role"}', true)`);
      await q('set local role service_role');
      const { rows: claimed } = await q(`select * from public.claim_upstream_batch(100)`);
      expect(claimed).toHaveLength(25);
      expect(claimed[0].payload).toMatchObject({ pf: 4, satisfaction: 5, assessNumber: 1, areaCode: rows[0].region_code, changeSeq: 1, isDefault: 0, isValid: 1 });
      expect(claimed[0].idempotency_key).toMatch(/^VISIT-[0-9a-f]{32}:1$/);
      expect(claimed.every((c) => c.attempts === 1)).toBe(true);
      // Claimed again before the lease ends: nothing.
      expect((await q(`select * from public.claim_upstream_batch(100)`)).rows).toHaveLength(0);
    });
  });

  test('a validity change (approved appeal) writes the next message; changes the platform ignores write none', async () => {
    const tx = await freshFinishedTransaction(db, PERSONA_IDS['citizen-a']);
    await rolledBack(db, async (q) => {
      const { rows: [r] } = await q(
        `insert into app.ratings (transaction_id, level, tags, channel, rater_user_id, unit_id, region_code, matter_id, window_id, staff_user_id)
         select t.id, 1, '{115}', 'mobile', t.applicant_user_id, t.unit_id, t.region_code, t.matter_id, t.window_id, t.staff_user_id
         from app.transactions t where t.id = $1 returning id`, [tx]);
      await q(`update app.ratings set comment_public = true where id = $1`, [r.id]);
      expect((await messages(q, [r.id])).map((m) => m.change_seq)).toEqual([1]);
      await q(`update app.ratings set validity = 'invalid' where id = $1`, [r.id]);
      await q(`update app.ratings set validity = 'valid' where id = $1`, [r.id]);
      expect((await messages(q, [r.id])).map((m) => [m.change_seq, m.reason])).toEqual([[1, 'rating_created'], [2, 'rating_changed'], [3, 'rating_changed']]);
    });
  });

  test('deleting a rating (test clean-ups, an operator) deletes its messages, so none can block the queue', async () => {
    await rolledBack(db, async (q) => {
      const { rows } = await q(
        `insert into app.ratings (level, tags, channel, unit_id, region_code, hall_id, window_id, visit_day)
         select 5, '{}', 'hall_pad', w.unit_id, h.region_code, w.hall_id, w.id, current_date - i
         from generate_series(1, 3) i, (select * from app.windows order by id limit 1) w join app.halls h on h.id = w.hall_id
         returning id`);
      const ids = rows.map((r) => r.id as string);
      await q(`update app.ratings set validity = 'invalid' where id = $1`, [ids[0]]);
      expect(await messages(q, ids)).toHaveLength(4);
      await q('delete from app.ratings where id = any($1)', [ids]);
      expect(await messages(q, ids)).toHaveLength(0);
    });
  });

  test('the default job\'s ratings each get a message (set-based, one statement per batch)', async () => {
    await rolledBack(db, async (q) => {
      const { rows: [{ applied }] } = await q(`select public.apply_default_ratings(now() + interval '60 days') as applied`);
      expect(applied).toBeGreaterThan(0);
      const { rows: [{ n }] } = await q(
        `select count(*)::int as n from app.ratings r join app.upstream_outbox o on o.rating_id = r.id and o.change_seq = 1
         where r.is_default and r.created_at = now()`);
      expect(n).toBe(applied);
    });
  });
});

describe('who reaches the outbox', () => {
  test.each([
    ['anon', anon],
    ['a citizen', citizenA],
    ['staff', staff],
    ['a supervisor', supervisorCity],
    ['the service role', serviceRole],
  ])('%s cannot read or write app.upstream_outbox or app.upstream_settings directly', async (_name, actor) => {
    for (const sql of [
      'select * from app.upstream_outbox limit 1',
      'select * from app.upstream_settings',
      `update app.upstream_outbox set status = 'delivered'`,
      'update app.upstream_settings set default_channel_pf = 1',
    ]) {
      const err = await failure(as(db, actor, (q) => q(sql)));
      expect(err.code).toBe('42501');
    }
  });

  test.each([['anon', anon], ['a citizen', citizenA], ['a supervisor', supervisorCity]])(
    '%s cannot claim or record deliveries (service role only)', async (_name, actor) => {
      expect((await failure(as(db, actor, (q) => q('select * from public.claim_upstream_batch(10)')))).code).toBe('42501');
      expect((await failure(as(db, actor, (q) => q(`select * from public.record_upstream_results(gen_random_uuid(), '[]')`)))).code).toBe('42501');
    });

  test('bad claim sizes are invalid_input', async () => {
    const err = await failure(as(db, serviceRole, (q) => q('select * from public.claim_upstream_batch(0)')));
    expect(codeOf(err)).toBe('invalid_input');
  });

  test('two runs claiming at once get disjoint messages (FOR UPDATE SKIP LOCKED)', async () => {
    const setClaims = `select set_config('request.jwt.claims', '{"role":"service_role"}', true)`;
    await db.query('begin');
    await other.query('begin');
    try {
      await db.query(`insert into app.ratings (level, tags, channel, unit_id, region_code, hall_id, window_id, visit_day)
        select 4, '{}', 'hall_pad', w.unit_id, h.region_code, w.hall_id, w.id, current_date - i
        from generate_series(1, 10) i, (select * from app.windows order by id limit 1) w join app.halls h on h.id = w.hall_id`);
      await db.query('commit');
      await db.query('begin');
      for (const c of [db, other]) {
        await c.query(setClaims);
        await c.query('set local role service_role');
      }
      const a = (await db.query(`select id from public.claim_upstream_batch(1000, now() + interval '30 days')`)).rows.map((r) => r.id);
      const b = (await other.query(`select id from public.claim_upstream_batch(1000, now() + interval '30 days')`)).rows.map((r) => r.id);
      expect(a.length).toBeGreaterThanOrEqual(10);
      expect(a.filter((id) => b.includes(id))).toEqual([]);
    } finally {
      await db.query('rollback');
      await other.query('rollback');
    }
  });
});

describe('supervisors: status and re-push', () => {
  const status = (actor: ReturnType<typeof user>, region: string | null = null) =>
    as(db, actor, async (q) => (await q('select public.upstream_status($1) as s', [region])).rows[0].s);
  const ownerCount = async (regions: string) =>
    (await db.query(`select count(*)::int as n from app.upstream_outbox where region_code in (select app.region_and_below($1))`, [regions])).rows[0].n;

  test('counts by status over their regions only', async () => {
    const city = await status(supervisorCity);
    const fengqing = await status(supervisorFengqing);
    const sum = (s: { counts: Record<string, number> }) => Object.values(s.counts).reduce((a, b) => a + b, 0);
    expect(sum(city)).toBe(await ownerCount('530900'));
    expect(sum(fengqing)).toBe(await ownerCount('530921'));
    expect(sum(fengqing)).toBeLessThan(sum(city));
    expect(Object.keys(city.counts).sort()).toEqual(['dead', 'delivered', 'pending', 'sending']);
    expect(sum(await status(supervisorCity, '530921'))).toBe(sum(fengqing));
  });

  test('another region, non-supervisors and anon are refused', async () => {
    expect(codeOf(await failure(status(supervisorFengqing, '530902')))).toBe('forbidden');
    expect(codeOf(await failure(status(staff)))).toBe('forbidden');
    expect(codeOf(await failure(status(citizenA)))).toBe('forbidden');
    expect((await failure(as(db, anon, (q) => q('select public.upstream_status()')))).code).toBe('42501');
    expect((await failure(as(db, anon, (q) => q('select * from public.repush_upstream(1)')))).code).toBe('42501');
  });

  test('re-push: a dead message of their region goes back to pending; others are refused', async () => {
    await rolledBack(db, async (q) => {
      const { rows: [m] } = await q(
        `update app.upstream_outbox set status = 'dead', attempts = 8, dead_at = now(), last_error = 'HTTP 503', payload = '{}'
         where id = (select min(id) from app.upstream_outbox where region_code = '530902' and status = 'pending') returning id::int`);
      await q(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: 'authenticated', sub: PERSONA_IDS['supervisor-fengqing'] })]);
      await q('set local role authenticated');
      await q('savepoint s');
      expect(codeOf(await failure(q('select * from public.repush_upstream($1)', [m.id])))).toBe('not_found');
      await q('rollback to savepoint s');
      await q(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: 'authenticated', sub: PERSONA_IDS['supervisor-city'] })]);
      const { rows: [r] } = await q('select * from public.repush_upstream($1)', [m.id]);
      expect(r).toMatchObject({ status: 'pending', attempts: 0, repush_count: 1 });
      await q('savepoint s2');
      expect(codeOf(await failure(q('select * from public.repush_upstream($1)', [m.id])))).toBe('invalid_transition');
      await q('rollback to savepoint s2');
      await q('reset role');
      const { rows: [after] } = await q('select repushed_by, last_error from app.upstream_outbox where id = $1', [m.id]);
      expect(after).toEqual({ repushed_by: PERSONA_IDS['supervisor-city'], last_error: null });
    });
  });
});

describe('export RPCs', () => {
  // The seed's ratings lie within the year before it ran: a period ending today holds them in any year.
  const [yearAgo, today] = [shanghaiDayFromToday(-364), shanghaiDayFromToday(0)];
  const page = (actor: ReturnType<typeof user>, fn: string, region: string | null = null, from = yearAgo, to = today) =>
    as(db, actor, async (q) => (await q(`select * from public.${fn}($1, $2, $3, p_limit => 5000)`, [from, to, region])).rows);

  test('ratings of the supervisor\'s regions only, without rater identity', async () => {
    const fengqing = await page(supervisorFengqing, 'export_ratings');
    expect(fengqing.length).toBeGreaterThan(0);
    expect(new Set(fengqing.map((r) => r.region_code))).toEqual(new Set(['530921']));
    expect(Object.keys(fengqing[0]).filter((k) => /rater|user|phone|name_real|identity|contact|anonymous/.test(k))).toEqual([]);
    const city = await page(supervisorCity, 'export_ratings', '530921');
    expect(city.map((r) => r.id)).toEqual(fengqing.map((r) => r.id));
  });

  test('keyset pages cover the period exactly once', async () => {
    const all = await page(supervisorCity, 'export_ratings', '530902');
    const seen: string[] = [];
    await as(db, supervisorCity, async (q) => {
      // rated_at as text: a JS Date would cut the microseconds off the key.
      let after = null as { rated_at: string; id: string } | null;
      for (;;) {
        const { rows }: { rows: Array<{ id: string; rated_at: string }> } = await q(
          `select id, rated_at::text from public.export_ratings($3, $4, '530902', $1, $2, 37)`,
          [after?.rated_at ?? null, after?.id ?? null, yearAgo, today]);
        seen.push(...rows.map((r) => r.id));
        if (rows.length < 37) break;
        after = rows[rows.length - 1]!;
      }
    });
    expect(seen).toEqual(all.map((r) => r.id));
  });

  test('refused: staff, citizens, another region; bad periods are invalid_input', async () => {
    expect(codeOf(await failure(page(staff, 'export_ratings')))).toBe('forbidden');
    expect(codeOf(await failure(page(citizenA, 'export_work_orders')))).toBe('forbidden');
    expect(codeOf(await failure(page(supervisorFengqing, 'export_work_orders', '530902')))).toBe('forbidden');
    expect(codeOf(await failure(page(supervisorCity, 'export_ratings', null, '2026-02-01', '2026-01-01')))).toBe('invalid_input');
    expect(codeOf(await failure(page(supervisorCity, 'export_ratings', null, '2025-01-01', '2026-12-31')))).toBe('invalid_input');
    expect((await failure(as(db, anon, (q) => q(`select * from public.export_ratings('2026-01-01', '2026-01-31')`)))).code).toBe('42501');
  });
});
