/**
 * R6/R14: a supervisor's calendar changes are in the audit log — a day set and reset, a year
 * announced and withdrawn — with who did it and the note; changes without a signed-in caller
 * (package data from migrations) are not.
 */
import { as, connect, type Db, PERSONA_IDS, rolledBack, user } from '../../../tests/support/db.ts';

let db: Db;
beforeAll(async () => {
  db = await connect();
});
afterAll(async () => {
  await db.end();
});

const supervisorCity = user(PERSONA_IDS['supervisor-city']);

const calendarAudit = async (q: Db['query']) =>
  (await q(`select action, actor_user_id, region_code, note, detail from app.audit_log where entity = 'calendar' order by id`)).rows;

test('a day set to rest and back, and a year announced and withdrawn, are each audited with the supervisor', async () => {
  await as(db, supervisorCity, async (q) => {
    await q(`select * from public.set_calendar_day('2027-12-08', false, '临时调整：全市停电检修')`);
    await q(`select * from public.set_calendar_day('2027-12-08', true, '恢复为工作日')`);
    await q(`select public.set_calendar_year_announced(2031, true)`);
    await q(`select public.set_calendar_year_announced(2031, false)`);
    await q('reset role');
    const actor = PERSONA_IDS['supervisor-city'];
    expect(await calendarAudit(q)).toEqual([
      { action: 'day_set', actor_user_id: actor, region_code: '530900', note: '临时调整：全市停电检修', detail: { day: '2027-12-08', is_workday: false } },
      // Back to what the rules say: the exception row is dropped, and that is what is recorded.
      { action: 'day_reset', actor_user_id: actor, region_code: '530900', note: null, detail: { day: '2027-12-08', is_workday: null } },
      { action: 'year_announced', actor_user_id: actor, region_code: '530900', note: null, detail: { year: 2031 } },
      { action: 'year_unannounced', actor_user_id: actor, region_code: '530900', note: null, detail: { year: 2031 } },
    ]);
  });
});

test('package data written without a signed-in caller is not audited', async () => {
  await rolledBack(db, async (q) => {
    await q(`insert into app.calendar_days (day, is_workday, name, source) values ('2032-01-01', false, '元旦', 'chinese-days')`);
    await q(`insert into app.calendar_years (year, source) values (2032, 'chinese-days')`);
    expect(await calendarAudit(q)).toEqual([]);
  });
});
