/**
 * Benchmark data, generated in SQL from generate_series and hashes of the row number: the same
 * rows every run. Built on the seeded places (supabase/seed.sql: 45 windows, two officers each,
 * three 事项 per unit). Helper objects live in schema `bench` of the throw-away database.
 *
 * Large sets (history, due 办件) are bulk-loaded the way a migration tool would: with
 * session_replication_role = replica (no triggers or foreign-key checks), deadlines from the real
 * working_deadline() per finish day, and the rollups filled afterwards with the statements the
 * triggers run (app.finished_rollup_statement, app.rating_rollup_statement). 差评 are the exception:
 * they go in last through every trigger, so their work orders exist as they would and the
 * triggers' rollups are part of what stats() is checked against.
 */
import type pg from 'pg';

export type Log = (line: string) => void;

/** Rows per bulk statement: keeps each transaction and each rollup chunk's jsonb small. */
const CHUNK = 250_000;

/** First day of the generated history and its length (24 months, fixed dates: deterministic). */
export const HISTORY_FROM = '2024-11-01';
export const HISTORY_DAYS = 730; // through 2026-10-31

/** Creates the helper tables; returns how many (window, officer, 事项) slots the seed has. */
export async function prepareBenchSchema(db: pg.Client): Promise<number> {
  await db.query(`
    create schema if not exists bench;
    -- Every (window, officer, 事项) of the seed: what a generated 办件 is about.
    create table if not exists bench.slots as
      select (row_number() over (order by w.id, k, m))::int as n, w.id as window_id, w.hall_id, w.unit_id,
             h.region_code, md5('officer:' || w.id || ':' || k)::uuid as staff_user_id,
             md5('matter:' || w.unit_id || ':' || m)::uuid as matter_id
      from app.windows w join app.halls h on h.id = w.hall_id
      cross join generate_series(1, 2) k cross join generate_series(1, 3) m;
    -- Rating deadline per finish day, from the real calendar function (R5/R6).
    create table if not exists bench.deadlines as
      select d::date as day, ((w.due_on + 1)::timestamp at time zone 'Asia/Shanghai') as due_at, w.is_provisional
      from generate_series(date '2024-10-01', date '2027-01-31', interval '1 day') d
      cross join lateral public.working_deadline(d::date, 5) w;
    create unique index if not exists deadlines_day on bench.deadlines (day);
  `);
  const { rows } = await db.query<{ n: number }>('select count(*)::int as n from bench.slots');
  if (!rows[0]?.n) throw new Error('the seed has no windows: bench data needs supabase/seed.sql');
  return rows[0].n;
}

async function chunked(total: number, label: string, log: Log, each: (from: number, to: number) => Promise<void>, size = CHUNK): Promise<void> {
  const t0 = Date.now();
  for (let from = 1; from <= total; from += size) {
    const to = Math.min(total, from + size - 1);
    await each(from, to);
    if (total > size && (to % CHUNK === 0 || to === total)) log(`  ${label}: ${to.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
}

/** Bulk insert without triggers or foreign-key checks; `sql` may take $1/$2 = the first/last row number. */
async function bulk(db: pg.Client, sql: string, from?: number, to?: number): Promise<void> {
  await db.query('begin');
  try {
    await db.query(`set local session_replication_role = replica`);
    await db.query(`set local synchronous_commit = off`);
    await db.query(sql, from === undefined ? [] : [from, to]);
    await db.query('commit');
  } catch (err) {
    await db.query('rollback');
    throw err;
  }
}

/**
 * `count` citizens, each the applicant of one 办件 finished an hour ago and not yet rated
 * (inside its rating window). Row i: user md5('bench-citizen:i'), 办件 md5('bench-open:i').
 * Loaded through the normal triggers (deadline, rollups): this is small.
 */
export async function createOpenTransactions(db: pg.Client, count: number): Promise<void> {
  if (count < 1000) throw new Error('at least 1,000 open 办件: their applicants also apply for the due ones');
  await db.query(
    `insert into app.users (id, masked_name, region_code)
     select md5('bench-citizen:' || i)::uuid, '测*', s.region_code
     from generate_series(1, $1::int) i join bench.slots s on s.n = 1 + i % (select count(*) from bench.slots)`,
    [count],
  );
  await db.query(
    `insert into app.transactions (id, project_no, matter_id, unit_id, region_code, hall_id, window_id, staff_user_id,
                                   applicant_user_id, applicant_type, channel, status, accepted_at, finished_at)
     select md5('bench-open:' || i)::uuid, 'BENCH-OPEN-' || lpad(i::text, 8, '0'), s.matter_id, s.unit_id, s.region_code,
            s.hall_id, s.window_id, s.staff_user_id, md5('bench-citizen:' || i)::uuid, 1, 'hall_pad', 'finished',
            now() - interval '3 hours', now() - interval '1 hour'
     from generate_series(1, $1::int) i join bench.slots s on s.n = 1 + i % (select count(*) from bench.slots)`,
    [count],
  );
}

export const openTransactionId = (i: number) => `md5('bench-open:' || ${i})::uuid`;

/**
 * The rating history for stats(): `count` 办件 over HISTORY_DAYS days, each with one rating —
 * about a third the default (R5), the rest active, levels like real traffic (68% 非常满意,
 * 19% 满意, 7% 基本满意, 3% 不满意, 3% 非常不满意). Ids are sequential (…-4000-8000-<i> for
 * 办件, …-4000-9000-<i> for ratings) so chunks are id ranges; rows are in time order, as an
 * append-only table is.
 */
export async function createHistory(db: pg.Client, count: number, slots: number, log: Log): Promise<void> {
  const citizens = Math.max(1000, Math.round(count / 100));
  await db.query(
    `insert into app.users (id, masked_name, region_code)
     select md5('hist-citizen:' || i)::uuid, '史*', s.region_code
     from generate_series(1, $1::int) i join bench.slots s on s.n = 1 + i % (select count(*) from bench.slots)`,
    [citizens],
  );
  await db.query(`
    create or replace function bench.hist(p_from bigint, p_to bigint, p_count bigint, p_citizens int)
    returns table (i bigint, tid uuid, rid uuid, slot int, finished_at timestamptz, accepted_at timestamptz,
                   due_at timestamptz, provisional boolean, t_channel text, r_channel text, level smallint,
                   is_default boolean, applicant uuid, rated_at timestamptz)
    language sql stable as $$
      select g.i,
             ('00000000-0000-4000-8000-' || lpad(to_hex(g.i), 12, '0'))::uuid,
             ('00000000-0000-4000-9000-' || lpad(to_hex(g.i), 12, '0'))::uuid,
             1 + h.a % ${slots},
             f.fin, f.fin - make_interval(hours => h.b % 72), d.due_at, d.is_provisional,
             (array['hall_pad', 'hall_pad', 'mobile', 'pc', 'qrcode', 'hall_terminal'])[1 + (h.a / ${slots}) % 6],
             case when h.a % 3 = 0 then 'default' else (array['mobile', 'hall_pad', 'qrcode', 'pc'])[1 + (h.b / 72) % 4] end,
             (case when h.a % 3 = 0 then 3 else
                case when h.c < 68 then 5 when h.c < 87 then 4 when h.c < 94 then 3 when h.c < 97 then 2 else 1 end end)::smallint,
             h.a % 3 = 0,
             md5('hist-citizen:' || (1 + g.i % p_citizens))::uuid,
             case when h.a % 3 = 0 then d.due_at else f.fin + make_interval(mins => h.b % 2880) end
      from generate_series(p_from, p_to) g (i)
      cross join lateral (select abs(hashtext('a' || g.i)) as a, abs(hashtext('b' || g.i)) as b, abs(hashtext('c' || g.i)) % 100 as c) h
      cross join lateral (select date '${HISTORY_FROM}' + ((g.i - 1) * ${HISTORY_DAYS} / p_count)::int as day) dd
      join bench.deadlines d on d.day = dd.day
      cross join lateral (select (dd.day + time '08:30' + make_interval(secs => h.b % 30600)) at time zone 'Asia/Shanghai' as fin) f
    $$;
  `);
  const spent: Record<string, number> = {};
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try { return await work(); } finally { spent[name] = (spent[name] ?? 0) + performance.now() - t0; }
  };
  // As a bulk loader does: secondary indexes off during the load, rebuilt once after it with
  // the definitions they had (primary keys and unique constraints stay).
  const indexes = await step('indexes', () => dropSecondaryIndexes(db, ['app.transactions', 'app.ratings']));
  await db.query(`create unlogged table if not exists bench.h as select * from bench.hist(1, 0, 1, 1)`);
  const ratingColumns = `id, transaction_id, level, tags, channel, is_default, rater_user_id, unit_id, region_code,
                         matter_id, hall_id, window_id, staff_user_id, rated_at, created_at`;
  const ratingValues = `x.rid, x.tid, x.level,
             case x.level when 1 then '{115}'::text[] when 2 then '{213}'::text[] else '{}' end,
             x.r_channel, x.is_default, case when not x.is_default then x.applicant end,
             s.unit_id, s.region_code, s.matter_id, s.hall_id, s.window_id, s.staff_user_id, x.rated_at, x.rated_at
      from bench.h x join bench.slots s on s.n = x.slot`;
  await chunked(count, '办件 + ratings', log, async (from, to) => {
    await step('generate', async () => {
      await db.query('truncate bench.h');
      await db.query(`insert into bench.h select * from bench.hist($1, $2, ${count}, ${citizens})`, [from, to]);
    });
    await step('办件', () => bulk(db, `
      insert into app.transactions (id, project_no, matter_id, unit_id, region_code, hall_id, window_id, staff_user_id,
                                    applicant_user_id, applicant_type, channel, status, accepted_at, finished_at,
                                    rating_due_at, rating_due_provisional)
      select x.tid, 'HIST' || lpad(x.i::text, 10, '0'), s.matter_id, s.unit_id, s.region_code, s.hall_id, s.window_id,
             s.staff_user_id, x.applicant, 1, x.t_channel, 'finished', x.accepted_at, x.finished_at, x.due_at, x.provisional
      from bench.h x join bench.slots s on s.n = x.slot`));
    await step('ratings', () => bulk(db, `insert into app.ratings (${ratingColumns}) select ${ratingValues} where x.level >= 3`));
  });
  await step('indexes', () => restoreIndexes(db, indexes));
  // The rollups of the bulk-loaded rows: the very statements the triggers run (app.finished_rollup_statement,
  // app.rating_rollup_statement: day and month rollups), over the tables once instead of a transition table.
  const ids = (kind: string, n: number) => `'00000000-0000-4000-${kind}-${n.toString(16).padStart(12, '0')}'`;
  await step('rollups', async () => {
    await db.query(`set work_mem = '512MB'`);
    const run = async (builder: string, rows: string, filter: string) => {
      const { rows: [made] } = await db.query<{ sql: string }>(`select app.${builder}($1, 1, $2) as sql`, [rows, filter]);
      await db.query(made!.sql);
    };
    await run('finished_rollup_statement', 'app.transactions', `and t.id between ${ids('8000', 1)} and ${ids('8000', count)}`);
    // 差评 (level ≤ 2) were counted by their triggers when they went in.
    await run('rating_rollup_statement', 'app.ratings', `and r.id between ${ids('9000', 1)} and ${ids('9000', count)} and r.level >= 3`);
    await db.query(`reset work_mem`);
  });
  // 差评 (about 4%) go in through every trigger, as a business system's would: each opens its work
  // order (R8), leaves the rating queue and is counted in the rollups (day, month, and its 办件's
  // cohort). After the bulk rollups, so those counted each 办件's rating exactly once.
  await chunked(count, '差评 with triggers', log, async (from, to) => {
    await step('generate', async () => {
      await db.query('truncate bench.h');
      await db.query(`insert into bench.h select * from bench.hist($1, $2, ${count}, ${citizens}) where level <= 2`, [from, to]);
    });
    await step('差评 with triggers', () => db.query(`insert into app.ratings (${ratingColumns}) select ${ratingValues}`));
  });
  // Their units' answers, as months of work would have left them: three in four 差评 verified (查实),
  // 19 in 20 of those rectified, some in time, real-name ones visited back — so the loop metrics
  // (整改率, 按时整改率, 回访整改率) read as many work orders as a real history would. Set in bulk
  // (session_replication_role = replica: no state-machine triggers), like the rest of the history.
  await step('work orders answered', () => bulk(db, `
    update app.work_orders w
    set substantiated_at = w.opened_at + interval '1 day', verified_at = w.opened_at + interval '1 day',
        rectify_due_on = w.rated_day + 21,
        rectified_at = case when h.x % 20 < 19 then w.opened_at + make_interval(days => 5 + h.x % 25) end,
        return_visit_recorded_at = case when w.is_realname and h.x % 20 < 19 then w.opened_at + make_interval(days => 6 + h.x % 25) end,
        status = case when h.x % 20 < 19 then 'rectified' else 'rectifying' end
    from (select id, abs(hashtext('wo' || id::text)) as x from app.work_orders) h
    where h.id = w.id and w.rating_id >= ${ids('9000', 1)} and w.rating_id <= ${ids('9000', count)} and h.x % 4 <> 0`));
  // …and the loop's month rollup, by the statement its trigger runs (none of them counted before: unverified).
  await step('work orders answered', async () => {
    const { rows: [made] } = await db.query<{ sql: string }>(`select app.loop_rollup_statement('app.work_orders', 1, $1) as sql`,
      [`and s.rating_id between ${ids('9000', 1)} and ${ids('9000', count)}`]);
    await db.query(made!.sql);
  });
  await db.query('drop table bench.h');
  log(`  load time by step: ${Object.entries(spent).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}`);
}

interface SavedIndex { name: string; def: string }

/** Drops every index of `tables` that no constraint owns; returns their definitions. */
async function dropSecondaryIndexes(db: pg.Client, tables: string[]): Promise<SavedIndex[]> {
  const { rows } = await db.query<SavedIndex>(`
    select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
    from pg_index i
    where i.indrelid = any ($1::regclass[])
      and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
    order by 1`, [tables]);
  for (const r of rows) await db.query(`drop index ${r.name}`);
  return rows;
}

async function restoreIndexes(db: pg.Client, saved: SavedIndex[]): Promise<void> {
  await db.query(`set maintenance_work_mem = '1GB'`);
  for (const r of saved) await db.query(r.def);
  await db.query(`reset maintenance_work_mem`);
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from pg_indexes where schemaname || '.' || indexname = any ($1::text[])`, [saved.map((r) => r.name.includes('.') ? r.name : `app.${r.name}`)]);
  if (rows[0]!.n !== saved.length) throw new Error(`rebuilt ${rows[0]!.n} of ${saved.length} indexes`);
}

/**
 * `count` 办件 finished 15–45 days before now and never rated: all due for the default job.
 * Random (md5) ids, as gen_random_uuid() gives in production, so the job's keyset walk visits
 * the heap in random order as it would there.
 */
export async function createDueTransactions(db: pg.Client, count: number, slots: number, log: Log): Promise<void> {
  await chunked(count, 'due 办件', log, async (from, to) => {
    await bulk(db, `
      insert into app.transactions (id, project_no, matter_id, unit_id, region_code, hall_id, window_id, staff_user_id,
                                    applicant_user_id, applicant_type, channel, status, accepted_at, finished_at,
                                    rating_due_at, rating_due_provisional)
      select md5('bench-due:' || g.i)::uuid, 'BENCH-DUE-' || lpad(g.i::text, 9, '0'), s.matter_id, s.unit_id, s.region_code,
             s.hall_id, s.window_id, s.staff_user_id, md5('bench-citizen:' || (1 + g.i % 1000))::uuid, 1, 'hall_pad', 'finished',
             f.fin - interval '1 day', f.fin, d.due_at, d.is_provisional
      from generate_series($1::bigint, $2::bigint) g (i)
      cross join lateral (select abs(hashtext('due' || g.i)) as a) h
      join bench.slots s on s.n = 1 + h.a % ${slots}
      cross join lateral (select now() - interval '15 days' - make_interval(mins => h.a % (30 * 1440)) as fin) f
      join bench.deadlines d on d.day = (f.fin at time zone 'Asia/Shanghai')::date`, from, to);
  });
  // They wait for their rating: the queue row the trigger would have written (the load ran without).
  await db.query(`
    insert into app.rating_pending (transaction_id, rating_due_at)
    select t.id, t.rating_due_at from app.transactions t
    where t.project_no between 'BENCH-DUE-' and 'BENCH-DUE-999999999' and t.status = 'finished'`);
  // Their finished_daily rollup: app.roll_finished's statement over the table (as for the history).
  await db.query(`
    insert into app.finished_daily as d (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel, finished_count)
    select (t.finished_at at time zone 'Asia/Shanghai')::date, t.region_code, t.unit_id, t.window_id, t.staff_user_id, t.matter_id,
           t.channel, count(*)
    from app.transactions t
    where t.project_no between 'BENCH-DUE-' and 'BENCH-DUE-999999999' and t.status = 'finished'
    group by 1, 2, 3, 4, 5, 6, 7
    on conflict (day, region_code, unit_id, window_id, staff_user_id, matter_id, channel)
    do update set finished_count = d.finished_count + excluded.finished_count`);
}
