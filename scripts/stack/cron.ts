/**
 * pg_cron's schedule syntax, for the local scheduler: five fields (minute hour day-of-month
 * month day-of-week; numbers, `*`, ranges `a-b`, steps `/n`, lists `a,b`; day-of-week 0–7 with
 * 0 and 7 Sunday; when both day fields are restricted a day matching either runs, as in cron),
 * or `<1-59> seconds`. Times are UTC, pg_cron's clock.
 */
export type Schedule =
  | { kind: 'cron'; minute: Set<number>; hour: Set<number>; dom: Set<number>; month: Set<number>; dow: Set<number>; domAny: boolean; dowAny: boolean }
  | { kind: 'seconds'; seconds: number };

function field(text: string, min: number, max: number): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new Error(`invalid cron field "${text}"`);
    const step = m[4] === undefined ? 1 : Number(m[4]);
    const lo = m[1] === '*' ? min : Number(m[2]);
    const hi = m[1] === '*' ? max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? max : lo;
    if (step < 1 || lo < min || hi > max || lo > hi) throw new Error(`invalid cron field "${text}"`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

export function parseSchedule(text: string): Schedule {
  const s = text.trim();
  const secs = /^(\d+)\s+seconds?$/.exec(s);
  if (secs) {
    const seconds = Number(secs[1]);
    if (seconds < 1 || seconds > 59) throw new Error(`invalid schedule "${text}"`);
    return { kind: 'seconds', seconds };
  }
  const f = s.split(/\s+/);
  if (f.length !== 5) throw new Error(`invalid schedule "${text}": five fields expected`);
  const dow = field(f[4]!, 0, 7);
  if (dow.delete(7)) dow.add(0);
  return {
    kind: 'cron',
    minute: field(f[0]!, 0, 59),
    hour: field(f[1]!, 0, 23),
    dom: field(f[2]!, 1, 31),
    month: field(f[3]!, 1, 12),
    dow,
    domAny: f[2] === '*',
    dowAny: f[4] === '*',
  };
}

/** Whether a cron schedule fires in the minute of `at` (UTC). */
export function firesAt(schedule: Extract<Schedule, { kind: 'cron' }>, at: Date): boolean {
  if (!schedule.minute.has(at.getUTCMinutes()) || !schedule.hour.has(at.getUTCHours()) || !schedule.month.has(at.getUTCMonth() + 1)) return false;
  const dom = schedule.dom.has(at.getUTCDate());
  const dow = schedule.dow.has(at.getUTCDay());
  if (schedule.domAny || schedule.dowAny) return dom && dow;
  return dom || dow;
}
