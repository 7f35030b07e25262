/**
 * Issue 19.4 and 19.5, the two rule decisions, in the real database:
 *  - an active rating buffered offline by a device, made inside the 办件's rating window but
 *    arriving after the default 基本满意 was applied, replaces the default (kept, superseded);
 *    rollups, the 主动评价率 cohort, the upward report (same key, next changeSeq, sent after the
 *    default's own message) and the work order follow; a late one is still refused;
 *  - an approved wrong_unit appeal moves the rating (and its order) to the right unit: the
 *    rollups, stats and upward report follow, and the audit log records the move.
 * Every test runs in a rolled-back transaction; dates are relative to the run.
 */
import { statsRollupDiffers } from '../../../tests/support/rollups.ts';
import { codeOf, connect, type Db, failureWithin, PERSONA_IDS, rolledBack } from '../../../tests/support/db.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

type Q = Db['query'];
const HALL = (region: string) => `md5('hall:${region}')::uuid`;
const sig = (c: string) => c.repeat(64);

/** Rollups = a direct count over app.ratings / app.transactions (0 differing rows each; the month rollup counted with the cohort). */
async function rollupsDiffer(q: Q): Promise<[number, number]> {
  const ratings = (await q(`
    with direct as (
      select (rated_at at time zone 'Asia/Shanghai')::date as day, unit_id, region_code, window_id, staff_user_id, level, is_default, count(*)::bigint as n
      from app.ratings where assess_number = 1 and validity = 'valid' group by 1, 2, 3, 4, 5, 6, 7),
    rolled as (
      select day, unit_id, region_code, window_id, staff_user_id, level, is_default, sum(rating_count)::bigint as n
      from app.rating_daily group by 1, 2, 3, 4, 5, 6, 7 having sum(rating_count) <> 0)
    select count(*)::int as differing from (
      (select * from direct except select * from rolled) union all (select * from rolled except select * from direct)) x`)).rows[0].differing;
  const cohort = (await q(`
    with direct as (
      select (t.finished_at at time zone 'Asia/Shanghai')::date as day, t.unit_id, count(*)::bigint as n
      from app.transactions t join app.ratings r on r.transaction_id = t.id and r.assess_number = 1 and r.validity = 'valid' and not r.is_default
      where t.status = 'finished' group by 1, 2),
    rolled as (select day, unit_id, sum(active_count)::bigint as n from app.finished_daily group by 1, 2 having sum(active_count) <> 0)
    select count(*)::int as differing from ((select * from direct except select * from rolled) union all (select * from rolled except select * from direct)) x`)).rows[0].differing;
  return [ratings, cohort + await statsRollupDiffers(q)];
}

/** A 办件 of 临翔区自然资源局 at the 临翔 hall (where dev_demo_pad_530902 stands), finished an hour ago. */
async function finishedTransaction(q: Q, no: string): Promise<{ id: string; due: Date; unitId: string }> {
  const { rows } = await q(
    `insert into app.transactions (project_no, matter_id, unit_id, region_code, hall_id, window_id, channel, status, accepted_at, finished_at)
     select $1, m.id, m.unit_id, '530902', ${HALL('530902')}, md5('window:' || m.unit_id)::uuid, 'hall_pad', 'finished',
            now() - interval '2 hours', now() - interval '1 hour'
     from app.matters m where m.code = '530902-ZR-001'
     returning id, rating_due_at, unit_id`, [no]);
  return { id: rows[0].id, due: rows[0].rating_due_at, unitId: rows[0].unit_id };
}

const ingest = (q: Q, signature: string, now: Date, items: unknown[]) =>
  q(`select public.ingest_ratings('dev_demo_pad_530902', $1, $2::timestamptz, $3::jsonb, $2::timestamptz) as r`,
    [signature, now.toISOString(), JSON.stringify(items)])
    .then((res) => res.rows[0].r as Array<{ status: string; code?: string; id?: string; is_bad?: boolean }>);

const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);
const HOUR = 3_600_000;

describe('19.4: an active rating made in time replaces the default', () => {
  test('a buffered 差评 made before the deadline, arriving after the default: default superseded, not deleted; rollups, cohort, work order, audit and the upward report follow', async () => {
    await rolledBack(db, async (q) => {
      const t = await finishedTransaction(q, `DB-SUP-${Date.now()}`);
      const applied = (await q(`select public.apply_default_ratings($1::timestamptz) as n`, [plus(t.due, 60_000).toISOString()])).rows[0].n;
      expect(applied).toBeGreaterThanOrEqual(1);
      const def = (await q(`select * from app.ratings where transaction_id = $1`, [t.id])).rows;
      expect(def).toHaveLength(1);
      expect(def[0]).toMatchObject({ is_default: true, validity: 'valid', level: 3 });
      // Only our messages are due in this transaction, so the claims below see exactly them.
      await q(`update app.upstream_outbox set status = 'delivered', delivered_at = now(), claim_token = null, payload = coalesce(payload, '{}')
               where status in ('pending', 'sending') and rating_id <> $1`, [def[0].id]);
      expect(await rollupsDiffer(q)).toEqual([0, 0]);
      const dayOf = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d);
      const daily = async (day: string) => (await q(
        `select coalesce(sum(rating_count) filter (where is_default), 0)::int as defaults, coalesce(sum(rating_count) filter (where level <= 2), 0)::int as bad
         from app.rating_daily where unit_id = $1 and day = $2::date`, [t.unitId, day])).rows[0];
      const defaultDay = dayOf(new Date(def[0].rated_at));
      const ratedAt = plus(t.due, -HOUR); // inside the window
      const before = { atDefault: await daily(defaultDay), atRated: await daily(dayOf(ratedAt)) };
      const auditBefore = (await q(`select count(*)::int as n from app.audit_log`)).rows[0].n;

      const arriving = plus(t.due, 2 * 24 * HOUR);
      const res = await ingest(q, sig('a'), arriving, [
        { index: 0, external_id: `sup-${t.id}`, project_no: (await q('select project_no from app.transactions where id = $1', [t.id])).rows[0].project_no,
          level: 1, tags: ['115'], rated_at: ratedAt.toISOString() },
      ]);
      expect(res.map((r) => [r.status, r.code ?? null, r.is_bad ?? null])).toEqual([['created', null, true]]);
      const newId = res[0]!.id!;

      // The default is still there, superseded; the new rating is the 办件's first rating.
      const rows = (await q(`select id, is_default, validity, level, supersedes_rating_id from app.ratings where transaction_id = $1 order by created_at, is_default desc`, [t.id])).rows;
      expect(rows).toEqual([
        { id: def[0].id, is_default: true, validity: 'superseded', level: 3, supersedes_rating_id: null },
        { id: newId, is_default: false, validity: 'valid', level: 1, supersedes_rating_id: def[0].id },
      ]);
      const first = await q(`select r.id from app.ratings r where r.transaction_id = $1 and r.assess_number = 1 and r.validity <> 'superseded'`, [t.id]);
      expect(first.rows).toEqual([{ id: newId }]);
      expect((await q('select app.is_rated($1) as rated, exists (select 1 from app.rating_pending where transaction_id = $1) as pending', [t.id])).rows[0])
        .toEqual({ rated: true, pending: false });

      // Rollups: the default left its day, the 差评 joined its own; the cohort counts the 办件 as actively rated.
      expect(await rollupsDiffer(q)).toEqual([0, 0]);
      const after = { atDefault: await daily(defaultDay), atRated: await daily(dayOf(ratedAt)) };
      expect(after.atDefault.defaults).toBe(before.atDefault.defaults - 1);
      expect(after.atRated.bad).toBe(before.atRated.bad + 1);
      const active = (await q(`select sum(active_count)::int as n from app.finished_daily where unit_id = $1
                               and day = (select (finished_at at time zone 'Asia/Shanghai')::date from app.transactions where id = $2)`, [t.unitId, t.id])).rows[0].n;
      expect(active).toBeGreaterThanOrEqual(1);

      // The 差评 opened its work order as usual; the default never had one.
      const orders = (await q(`select rating_id, status from app.work_orders where transaction_id = $1`, [t.id])).rows;
      expect(orders).toEqual([{ rating_id: newId, status: 'pending_verification' }]);

      // Audit: the default's validity change (valid → superseded) is recorded; nothing was deleted.
      const audit = (await q(`select entity, entity_id, action, state_from, state_to from app.audit_log where entity_id = $1`, [def[0].id])).rows;
      expect(audit).toContainEqual({ entity: 'rating', entity_id: def[0].id, action: 'validity_changed', state_from: 'valid', state_to: 'superseded' });
      expect((await q(`select count(*)::int as n from app.audit_log`)).rows[0].n).toBeGreaterThan(auditBefore);

      // Upward: no message of its own for the superseded default; the replacement is a change of
      // the same 办件编号:1, numbered after the default's message and sent only after it.
      const outbox = (await q(`select rating_id, change_seq, reason, status from app.upstream_outbox where rating_id in ($1, $2) order by rating_id = $2, change_seq`, [def[0].id, newId])).rows;
      expect(outbox).toEqual([
        { rating_id: def[0].id, change_seq: 1, reason: 'rating_created', status: 'pending' },
        { rating_id: newId, change_seq: 2, reason: 'rating_changed', status: 'pending' },
      ]);
      const claim1 = (await q(`select * from public.claim_upstream_batch(1000, $1::timestamptz)`, [plus(arriving, 60_000).toISOString()])).rows;
      expect(claim1.map((c) => c.change_seq)).toEqual([1]);
      await q(`select * from public.record_upstream_results($1, $2::jsonb, $3::timestamptz)`,
        [claim1[0].claim_token, JSON.stringify([{ id: claim1[0].id, ok: true }]), plus(arriving, 61_000).toISOString()]);
      const claim2 = (await q(`select * from public.claim_upstream_batch(1000, $1::timestamptz)`, [plus(arriving, 62_000).toISOString()])).rows;
      expect(claim2).toHaveLength(1);
      expect(claim2[0].idempotency_key).toBe(claim1[0].idempotency_key);
      expect(claim2[0].idempotency_key).toMatch(/:1$/);
      expect(claim2[0].payload).toMatchObject({ satisfaction: 1, isValid: 1, isDefault: 0, pf: 4, changeSeq: 2, assessNumber: 1 });

      // A second buffered rating of the same 办件 is already_rated: only a default is ever replaced.
      const again = await ingest(q, sig('b'), arriving, [
        { index: 0, external_id: `sup2-${t.id}`, project_no: (await q('select project_no from app.transactions where id = $1', [t.id])).rows[0].project_no,
          level: 5, tags: [], rated_at: plus(t.due, -2 * HOUR).toISOString() },
      ]);
      expect(again.map((r) => [r.status, r.code])).toEqual([['rejected', 'already_rated']]);
    });
  });

  test('a rating made after the window is still refused, and the default stays valid', async () => {
    await rolledBack(db, async (q) => {
      const t = await finishedTransaction(q, `DB-SUP-LATE-${Date.now()}`);
      await q(`select public.apply_default_ratings($1::timestamptz)`, [plus(t.due, 60_000).toISOString()]);
      const fp = async () => (await q(`select md5(string_agg(r::text, ',' order by r.id)) as m from app.ratings r where transaction_id = $1`, [t.id])).rows[0].m;
      const before = await fp();
      const no = (await q('select project_no from app.transactions where id = $1', [t.id])).rows[0].project_no;
      const res = await ingest(q, sig('c'), plus(t.due, 24 * HOUR), [
        { index: 0, external_id: `late-${t.id}`, project_no: no, level: 1, tags: ['115'], rated_at: plus(t.due, 60_000).toISOString() },
      ]);
      expect(res.map((r) => [r.status, r.code])).toEqual([['rejected', 'rating_window_closed']]);
      expect(await fp()).toBe(before);
      expect((await q(`select validity from app.ratings where transaction_id = $1`, [t.id])).rows).toEqual([{ validity: 'valid' }]);
    });
  });

  test('the superseded default is no longer on the applicant\'s 我的评价', async () => {
    await rolledBack(db, async (q) => {
      const t = await finishedTransaction(q, `DB-SUP-MY-${Date.now()}`);
      await q('update app.transactions set applicant_user_id = $1 where id = $2', [PERSONA_IDS['citizen-b'], t.id]);
      await q(`select public.apply_default_ratings($1::timestamptz)`, [plus(t.due, 60_000).toISOString()]);
      const mine = async () => {
        await q(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: 'authenticated', sub: PERSONA_IDS['citizen-b'] })]);
        return (await q(`select id from public.my_ratings() where transaction_id = $1`, [t.id])).rows.length;
      };
      expect(await mine()).toBe(1);
      const no = (await q('select project_no from app.transactions where id = $1', [t.id])).rows[0].project_no;
      await ingest(q, sig('d'), plus(t.due, HOUR), [{ index: 0, external_id: `my-${t.id}`, project_no: no, level: 5, tags: [], rated_at: plus(t.due, -HOUR).toISOString() }]);
      expect(await mine()).toBe(0);
    });
  });
});

describe('19.5: an approved wrong_unit appeal moves the rating', () => {
  test('the rating and its order go to the right unit; rollups, stats, the upward report and the audit log follow', async () => {
    await rolledBack(db, async (q) => {
      const claims = (who: keyof typeof PERSONA_IDS) =>
        q(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: 'authenticated', sub: PERSONA_IDS[who] })]);
      // A 差评 of citizen-a on a fresh 办件 of 临翔区市场监督管理局, by its window's generated officer.
      const { rows: [tx] } = await q(
        `insert into app.transactions (project_no, matter_id, unit_id, region_code, hall_id, window_id, staff_user_id, applicant_user_id, channel, status, accepted_at, finished_at)
         select 'DB-MOVE-' || gen_random_uuid(), m.id, u.id, u.region_code, w.hall_id, w.id, md5('officer:' || w.id || ':1')::uuid, $1, 'pc', 'finished',
                now() - interval '1 day', now() - interval '1 hour'
         from app.units u join app.matters m on m.unit_id = u.id join app.windows w on w.unit_id = u.id
         where u.name = '临翔区市场监督管理局' limit 1 returning id, unit_id, window_id`, [PERSONA_IDS['citizen-a']]);
      await claims('citizen-a');
      const { rows: [rated] } = await q(`select * from public.submit_rating($1, 1, '{115}', '跑了三趟', false, 'mobile', $2)`, [tx.id, `move-${tx.id}`]);
      const ratingId = rated.id as string;
      const target = (await q(`select id, region_code from app.units where name = '凤庆县市场监督管理局'`)).rows[0];
      const today = (await q(`select (now() at time zone 'Asia/Shanghai')::date::text as d`)).rows[0].d;
      const unitStats = async (unitId: string) => {
        await claims('supervisor-city');
        const { rows } = await q(`select * from public.stats($1::date, $1::date, 'unit', '530900', null, true)`, [today]);
        const r = rows.find((x) => x.group_key === unitId);
        return { rating_count: Number(r?.rating_count ?? 0), bad_count: Number(r?.bad_count ?? 0) };
      };
      const fromBefore = await unitStats(tx.unit_id);
      const toBefore = await unitStats(target.id);
      await q(`update app.upstream_outbox set status = 'delivered', delivered_at = now(), claim_token = null, payload = coalesce(payload, '{}')
               where rating_id = $1 and status in ('pending', 'sending')`, [ratingId]);

      await claims('staff-linxiang');
      const { rows: [appeal] } = await q(`select * from public.submit_appeal($1, 'wrong_unit', '该事项属于凤庆县市场监督管理局职责范围', '{}')`, [rated.work_order_id]);
      await claims('supervisor-city');
      const { rows: [decided] } = await q(`select * from public.review_appeal($1, true, '属凤庆县职责，转交', $2)`, [appeal.id, target.id]);
      expect(decided).toMatchObject({ status: 'approved', work_order_status: 'rerouted' });

      const moved = (await q(`select unit_id, region_code, window_id, staff_user_id, validity from app.ratings where id = $1`, [ratingId])).rows[0];
      expect(moved).toEqual({ unit_id: target.id, region_code: target.region_code, window_id: null, staff_user_id: null, validity: 'valid' });
      const live = (await q(`select unit_id, status from app.work_orders where rating_id = $1 and status <> 'rerouted'`, [ratingId])).rows;
      expect(live).toEqual([{ unit_id: target.id, status: 'pending_verification' }]);

      expect(await rollupsDiffer(q)).toEqual([0, 0]);
      expect(await unitStats(tx.unit_id)).toEqual({ rating_count: fromBefore.rating_count - 1, bad_count: fromBefore.bad_count - 1 });
      expect(await unitStats(target.id)).toEqual({ rating_count: toBefore.rating_count + 1, bad_count: toBefore.bad_count + 1 });

      const audit = (await q(`select action, state_from, state_to, region_code, work_order_id, detail from app.audit_log where entity = 'rating' and entity_id = $1`, [ratingId])).rows;
      expect(audit).toEqual([{
        action: 'unit_moved', state_from: tx.unit_id, state_to: target.id, region_code: target.region_code, work_order_id: decided.new_work_order_id,
        detail: expect.objectContaining({ appeal_id: appeal.id, from_unit_id: tx.unit_id, to_unit_id: target.id, from_window_id: tx.window_id }),
      }]);

      // The upward report: a change of the same rating, built with the new unit.
      const msgs = (await q(`select change_seq, reason, region_code from app.upstream_outbox where rating_id = $1 and status = 'pending'`, [ratingId])).rows;
      expect(msgs).toEqual([{ change_seq: 2, reason: 'rating_changed', region_code: target.region_code }]);
      const item = (await q(`select payload from app.upstream_items(array[$1::uuid])`, [ratingId])).rows[0].payload;
      const unitName = (await q(`select name from app.units where id = $1`, [target.id])).rows[0].name;
      expect(item).toMatchObject({ proDepart: unitName, areaCode: target.region_code, isValid: 1 });
    });
  });

  test('approving without a target unit changes nothing (invalid_input)', async () => {
    await rolledBack(db, async (q) => {
      const { rows: [tx] } = await q(
        `insert into app.transactions (project_no, matter_id, unit_id, region_code, hall_id, window_id, staff_user_id, applicant_user_id, channel, status, accepted_at, finished_at)
         select 'DB-MOVE-' || gen_random_uuid(), m.id, u.id, u.region_code, w.hall_id, w.id, md5('officer:' || w.id || ':1')::uuid, $1, 'pc', 'finished',
                now() - interval '1 day', now() - interval '1 hour'
         from app.units u join app.matters m on m.unit_id = u.id join app.windows w on w.unit_id = u.id
         where u.name = '临翔区市场监督管理局' limit 1 returning id`, [PERSONA_IDS['citizen-a']]);
      const claims = (who: keyof typeof PERSONA_IDS) =>
        q(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: 'authenticated', sub: PERSONA_IDS[who] })]);
      await claims('citizen-a');
      const { rows: [rated] } = await q(`select * from public.submit_rating($1, 2, '{207}', null, false, 'mobile', $2)`, [tx.id, `move2-${tx.id}`]);
      await claims('staff-linxiang');
      const { rows: [appeal] } = await q(`select * from public.submit_appeal($1, 'wrong_unit', '该事项属于其他单位职责范围内容', '{}')`, [rated.work_order_id]);
      const fp = async () => (await q(`select md5(r::text) as m from app.ratings r where id = $1`, [rated.id])).rows[0].m;
      const before = await fp();
      await claims('supervisor-city');
      const err = await failureWithin(q, () => q(`select * from public.review_appeal($1, true, '转交', null)`, [appeal.id]));
      expect(codeOf(err)).toBe('invalid_input');
      expect(await fp()).toBe(before);
    });
  });
});
