import { firesAt, parseSchedule } from './cron.ts';

const at = (iso: string) => new Date(iso);
const cron = (text: string) => {
  const s = parseSchedule(text);
  if (s.kind !== 'cron') throw new Error('not a cron schedule');
  return s;
};

describe('pg_cron schedules (local scheduler)', () => {
  test('the declared schedules fire when pg_cron fires them (UTC)', () => {
    expect(firesAt(cron('*/10 * * * *'), at('2026-12-04T08:20:30Z'))).toBe(true);
    expect(firesAt(cron('*/10 * * * *'), at('2026-12-04T08:21:00Z'))).toBe(false);
    expect(firesAt(cron('5 * * * *'), at('2026-12-04T13:05:59Z'))).toBe(true);
    expect(firesAt(cron('5 * * * *'), at('2026-12-04T13:06:00Z'))).toBe(false);
    expect(firesAt(cron('30 19 * * *'), at('2026-12-04T19:30:00Z'))).toBe(true);
    expect(firesAt(cron('30 19 * * *'), at('2026-12-04T11:30:00Z'))).toBe(false);
    expect(firesAt(cron('* * * * *'), at('2026-02-28T23:59:00Z'))).toBe(true);
  });

  test('ranges, lists, steps, Sunday as 0 or 7, and either day field when both are restricted', () => {
    expect(firesAt(cron('0 9-17/4 * * 1-5'), at('2026-12-04T13:00:00Z'))).toBe(true); // Friday 13:00
    expect(firesAt(cron('0 9-17/4 * * 1-5'), at('2026-12-06T13:00:00Z'))).toBe(false); // Sunday
    expect(firesAt(cron('0 0 * * 7'), at('2026-12-06T00:00:00Z'))).toBe(true);
    expect(firesAt(cron('0 0 1,15 * 0'), at('2026-12-06T00:00:00Z'))).toBe(true); // a Sunday, not the 1st/15th
    expect(firesAt(cron('0 0 1,15 * 0'), at('2026-12-15T00:00:00Z'))).toBe(true);
    expect(firesAt(cron('0 0 1,15 * 0'), at('2026-12-16T00:00:00Z'))).toBe(false);
  });

  test('seconds schedules, and what pg_cron refuses', () => {
    expect(parseSchedule('30 seconds')).toEqual({ kind: 'seconds', seconds: 30 });
    for (const bad of ['* * * *', '60 * * * *', '* 24 * * *', '*/0 * * * *', '0 seconds', 'every minute', '5-1 * * * *']) {
      expect(() => parseSchedule(bad)).toThrow(/invalid schedule|invalid cron field/);
    }
  });
});
