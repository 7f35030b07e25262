/**
 * R17 in the database with an injected p_now: subscriptions (one-time quota), what is due
 * (invitation at 办结, the last-day reminder, a 差评's reply), at most one message per person
 * per day, never twice for the same thing, and the outcome of each send.
 */
import { anon, as, codeOf, connect, type Db, failure, PERSONA_IDS, rolledBack, serviceRole, user } from '../../../tests/support/db.ts';
import { freshFinishedTransaction } from '../../../tests/support/work-orders.ts';

let db: Db;
beforeAll(async () => {
  db = await connect();
});
afterAll(() => db.end());

const citizen = PERSONA_IDS['citizen-b'];

async function subscribe(q: Db['query'], kinds: string[], times = 1): Promise<void> {
  for (let i = 0; i < times; i++) {
    await q(`insert into app.message_subscriptions (user_id, platform, kind, remaining) select $1, 'weapp', k, 1 from unnest($2::text[]) k
             on conflict (user_id, platform, kind) do update set remaining = app.message_subscriptions.remaining + 1`, [citizen, kinds]);
  }
}

/** A 办件 of citizen-b finished at `finishedAt` (an SQL timestamptz expression). */
async function finished(q: Db['query'], finishedAt: string): Promise<{ id: string; due: string }> {
  const id = await freshFinishedTransaction(db, citizen);
  const { rows } = await q(
    `update app.transactions set accepted_at = ${finishedAt} - interval '1 day', finished_at = ${finishedAt} where id = $1
     returning id, rating_due_at::text as due`,
    [id],
  );
  return rows[0];
}

const due = async (q: Db['query'], now: string) =>
  (await q(`select r.*, r.rating_due_on::text as rating_due_day from public.due_reminders($1::timestamptz) r`, [now])).rows.filter((r) => r.user_id === citizen);

describe('subscriptions', () => {
  test('a citizen records accepted kinds; each acceptance adds one; bad input is refused', async () => {
    await as(db, user(citizen), async (q) => {
      await q(`select * from public.record_subscriptions('weapp', '{invite,reply}')`);
      const { rows } = await q(`select * from public.record_subscriptions('weapp', '{invite}')`);
      expect(rows).toEqual([{ platform: 'weapp', kind: 'invite', remaining: 2 }]);
      expect((await q('select * from public.my_subscriptions()')).rows).toEqual([
        { platform: 'weapp', kind: 'invite', remaining: 2 },
        { platform: 'weapp', kind: 'reply', remaining: 1 },
      ]);
      for (const [platform, kinds] of [['qq', '{invite}'], ['weapp', '{spam}'], ['weapp', null]]) {
        await q('savepoint s');
        const err = await failure(q('select * from public.record_subscriptions($1, $2)', [platform, kinds]));
        expect(codeOf(err)).toBe('invalid_input');
        await q('rollback to savepoint s');
      }
    });
    const err = await as(db, anon, (q) => failure(q(`select * from public.record_subscriptions('weapp', '{invite}')`)));
    expect(err.code).toBe('42501');
  });

  test('only the service role runs the job and books results', async () => {
    for (const actor of [anon, user(citizen), user(PERSONA_IDS['supervisor-city'])]) {
      const err = await as(db, actor, (q) => failure(q('select * from public.due_reminders()')));
      expect(err.code).toBe('42501');
    }
    await as(db, serviceRole, (q) => q('select * from public.due_reminders(now(), 1)'));
  });
});

describe('what is due', () => {
  test('an invitation when the 办件 finishes, once, only with a subscription, with fields within WeChat limits', async () => {
    await rolledBack(db, async (q) => {
      const t = await finished(q, `'2026-11-02 10:00:00+08'::timestamptz`);
      expect(await due(q, '2026-11-02 10:05:00+08')).toEqual([]);
      await subscribe(q, ['invite']);
      const [msg] = await due(q, '2026-11-02 10:06:00+08');
      expect(msg).toMatchObject({ kind: 'invite', platform: 'weapp', rating_due_day: '2026-11-09', status_phrase: '已办结' });
      expect(msg.matter_name.length).toBeLessThanOrEqual(20);
      expect(msg.unit_name.length).toBeLessThanOrEqual(20);
      expect(msg.project_no.length).toBeLessThanOrEqual(32);
      expect(msg.status_phrase.length).toBeLessThanOrEqual(5);
      expect(msg.note.length).toBeLessThanOrEqual(20);
      expect((await q('select subject_id from app.reminder_log where id = $1', [msg.log_id])).rows[0].subject_id).toBe(t.id);
      // Claimed once: later runs do not claim it again, whatever the outcome.
      await q(`select public.record_reminder_result($1, true, null, '2026-11-02 10:07:00+08')`, [msg.log_id]);
      await subscribe(q, ['invite']);
      expect(await due(q, '2026-11-02 11:00:00+08')).toEqual([]);
    });
  });

  test('the reminder comes on the last working day before the default (from 09:00), not before', async () => {
    await rolledBack(db, async (q) => {
      // Finished Friday 2026-11-06: the 5th working day is Friday 2026-11-13; the default applies at its end.
      const t = await finished(q, `'2026-11-06 15:00:00+08'::timestamptz`);
      expect(t.due).toBe('2026-11-13 16:00:00+00');
      await subscribe(q, ['reminder']);
      expect(await due(q, '2026-11-13 08:59:00+08')).toEqual([]);
      const [msg] = await due(q, '2026-11-13 09:00:00+08');
      expect(msg).toMatchObject({ kind: 'reminder', status_phrase: '待评价', rating_due_day: '2026-11-13' });
    });
  });

  test('at most one message per person per Asia/Shanghai day; the next day brings the next', async () => {
    await rolledBack(db, async (q) => {
      await finished(q, `'2026-11-02 10:00:00+08'::timestamptz`);
      await finished(q, `'2026-11-02 11:00:00+08'::timestamptz`);
      await subscribe(q, ['invite'], 2);
      expect(await due(q, '2026-11-02 12:00:00+08')).toHaveLength(1);
      expect(await due(q, '2026-11-02 23:59:00+08')).toHaveLength(0);
      // 00:30 in Shanghai is the next day (still 2026-11-02 in UTC).
      expect(await due(q, '2026-11-03 00:30:00+08')).toHaveLength(1);
    });
  });

  test('a rated 办件 is neither invited nor reminded', async () => {
    await rolledBack(db, async (q) => {
      const t = await finished(q, `'2026-11-02 10:00:00+08'::timestamptz`);
      await q(`insert into app.ratings (transaction_id, level, channel, rater_user_id, unit_id, region_code)
               select id, 5, 'mobile', applicant_user_id, unit_id, region_code from app.transactions where id = $1`, [t.id]);
      await subscribe(q, ['invite', 'reminder']);
      expect(await due(q, '2026-11-02 10:30:00+08')).toEqual([]);
      expect(await due(q, '2026-11-09 09:30:00+08')).toEqual([]);
    });
  });
});

describe('outcomes', () => {
  test('sent uses the subscription; 43101 zeroes it; busy retries with backoff, three tries in all', async () => {
    await rolledBack(db, async (q) => {
      await finished(q, `'2026-11-02 10:00:00+08'::timestamptz`);
      await subscribe(q, ['invite'], 3);
      const [msg] = await due(q, '2026-11-02 10:01:00+08');
      expect((await q(`select public.record_reminder_result($1, false, '-1', '2026-11-02 10:01:10+08') as r`, [msg.log_id])).rows[0].r).toBe('retry');
      expect(await due(q, '2026-11-02 10:02:00+08')).toEqual([]); // backoff: 2 minutes
      const [again] = await due(q, '2026-11-02 10:03:11+08');
      expect(again.log_id).toBe(msg.log_id);
      expect((await q(`select public.record_reminder_result($1, false, '45011', '2026-11-02 10:03:20+08') as r`, [msg.log_id])).rows[0].r).toBe('retry');
      const [third] = await due(q, '2026-11-02 10:08:00+08');
      expect((await q(`select public.record_reminder_result($1, false, '-1', '2026-11-02 10:08:10+08') as r`, [third.log_id])).rows[0].r).toBe('failed');
      const remaining = async () => (await q(`select remaining from app.message_subscriptions where user_id = $1 and kind = 'invite'`, [citizen])).rows[0].remaining;
      expect(await remaining()).toBe(3);

      await finished(q, `'2026-11-03 10:00:00+08'::timestamptz`);
      const [next] = await due(q, '2026-11-03 10:01:00+08');
      await q(`select public.record_reminder_result($1, true, null, '2026-11-03 10:01:05+08')`, [next.log_id]);
      expect(await remaining()).toBe(2);
      await q('savepoint booked');
      const err = await failure(q(`select public.record_reminder_result($1, true)`, [next.log_id]));
      expect(codeOf(err)).toBe('invalid_input');
      await q('rollback to savepoint booked');

      await finished(q, `'2026-11-04 10:00:00+08'::timestamptz`);
      const [last] = await due(q, '2026-11-04 10:01:00+08');
      expect((await q(`select public.record_reminder_result($1, false, '43101', '2026-11-04 10:01:05+08') as r`, [last.log_id])).rows[0].r).toBe('failed');
      expect(await remaining()).toBe(0);
    });
  });

  test('a claim left unanswered for 10 minutes is failed, never sent again', async () => {
    await rolledBack(db, async (q) => {
      await finished(q, `'2026-11-02 10:00:00+08'::timestamptz`);
      await subscribe(q, ['invite']);
      const [msg] = await due(q, '2026-11-02 10:01:00+08');
      await due(q, '2026-11-02 10:12:00+08');
      expect((await q('select status from app.reminder_log where id = $1', [msg.log_id])).rows[0].status).toBe('failed');
    });
  });
});
