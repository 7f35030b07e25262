/**
 * Generates the working-day calendar data (R6) from the npm package chinese-days, in one run
 * for both twins so they cannot drift:
 *   - shared/calendar/data.ts                                          (TypeScript rule)
 *   - a new migration with the database's rows                         (database)
 *
 *   node --import tsx scripts/gen-calendar.ts --migration supabase/migrations/<timestamp>_calendar_data_<year>.sql
 *   node --import tsx scripts/gen-calendar.ts --check     (shared/calendar/data.ts is what the package says)
 *
 * The rows of chinese-days 1.5.7 are in the baseline (20261204183000_baseline.sql, part 4), written
 * by this script before the baseline replaced the migration it used to write.
 *
 * Announced years: every year chinese-days has a schedule for; their exceptions to the weekend
 * rule (holidays on weekdays, make-up workdays on weekends) become app.calendar_days rows.
 * Statutory holidays (the fallback of provisional years) are computed for every year from the
 * first announced one through LAST_STATUTORY_YEAR with the package's lunar and solar-term tables.
 *
 * An applied migration is never edited: after a package update that adds a year, write the
 * data to a NEW migration (--migration supabase/migrations/<timestamp>_calendar_data_<year>.sql).
 * The SQL replaces the package rows and the statutory table wholesale and keeps supervisor rows.
 * --check regenerates in memory and fails when the files on disk differ (for CI).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// getSolarDateFromLunar counts days from a local-time base date: pin the zone before loading it.
process.env.TZ = 'Asia/Shanghai';
const chineseDays = (await import('chinese-days')).default;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATA_TS = path.join(repoRoot, 'shared/calendar/data.ts');

/** chinese-days' solar-term formula uses 21st-century constants (Y = year % 100): valid to 2099. */
const LAST_STATUTORY_YEAR = 2099;

const pkgDir = path.join(repoRoot, 'node_modules/chinese-days');
const pkgVersion = (JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
const raw = JSON.parse(readFileSync(path.join(pkgDir, 'dist/chinese-days.json'), 'utf8')) as {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
};

/** The law's names for the package's short ones. */
const NAMES: Record<string, string> = { 清明: '清明节', 端午: '端午节', 中秋: '中秋节' };

function holidayName(value: string): string {
  // "Spring Festival,春节,4": English name, Chinese name, number of statutory days.
  const parts = value.split(',');
  const zh = parts.length >= 3 ? parts[parts.length - 2]! : value;
  return NAMES[zh] ?? zh;
}

const DAY_MS = 86_400_000;
const toEpoch = (day: string): number => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const fromEpoch = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);
const addDays = (day: string, k: number): string => fromEpoch(toEpoch(day) + k);
const isWeekend = (day: string): boolean => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());

function fail(message: string): never {
  throw new Error(`gen-calendar: ${message}`);
}

// ── announced years and their exceptions ─────────────────────────────────────
const exceptions = new Map<string, { isWorkday: boolean; name: string }>();
for (const [day, value] of Object.entries(raw.holidays)) {
  if (!isWeekend(day)) exceptions.set(day, { isWorkday: false, name: holidayName(value) });
}
for (const [day, value] of Object.entries(raw.workdays)) {
  if (!isWeekend(day)) fail(`make-up workday ${day} is not a weekend day`);
  if (day in raw.holidays) fail(`${day} is both a holiday and a workday`);
  exceptions.set(day, { isWorkday: true, name: holidayName(value) });
}
const announcedYears = [...new Set([...Object.keys(raw.holidays), ...Object.keys(raw.workdays)].map((d) => Number(d.slice(0, 4))))].sort((a, b) => a - b);
const firstYear = announcedYears[0] ?? fail('chinese-days has no schedule');
const lastYear = announcedYears[announcedYears.length - 1]!;
for (let y = firstYear; y <= lastYear; y++) if (!announcedYears.includes(y)) fail(`chinese-days has no schedule for ${y}`);

// ── statutory holidays (current law) ─────────────────────────────────────────
function lunarToSolar(year: number, month: number, day: number): string {
  const solar = chineseDays.getSolarDateFromLunar(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`).date;
  const back = chineseDays.getLunarDate(solar);
  if (back.lunarYear !== year || back.lunarMon !== month || back.lunarDay !== day || back.isLeap) {
    fail(`lunar ${year}-${month}-${day} → ${solar} does not convert back (${JSON.stringify(back)})`);
  }
  return solar;
}

const statutory = new Map<string, string[]>();
const addStatutory = (day: string, name: string) => {
  const names = statutory.get(day) ?? [];
  if (!names.includes(name)) names.push(name);
  statutory.set(day, names);
};
for (let y = firstYear; y <= LAST_STATUTORY_YEAR; y++) {
  addStatutory(`${y}-01-01`, '元旦');
  const newYear = lunarToSolar(y, 1, 1);
  const eve = addDays(newYear, -1);
  const eveLunar = chineseDays.getLunarDate(eve);
  if (eveLunar.lunarMon !== 12 || eveLunar.lunarDay < 29 || eveLunar.isLeap) fail(`除夕 ${y}: ${eve} is not the last day of the 12th month`);
  if (!eve.startsWith(`${y}-`)) fail(`除夕 ${y} falls outside its year: ${eve}`);
  for (let k = -1; k <= 2; k++) addStatutory(addDays(newYear, k), '春节');
  const qingming = chineseDays.getSolarTermDate(y, 4, 'pure_brightness');
  const listed = chineseDays.getSolarTerms(`${y}-04-01`, `${y}-04-30`).find((t) => t.term === 'pure_brightness')?.date;
  if (qingming !== listed) fail(`清明 ${y}: ${qingming} vs ${listed}`);
  addStatutory(qingming, '清明节');
  addStatutory(`${y}-05-01`, '劳动节');
  addStatutory(`${y}-05-02`, '劳动节');
  addStatutory(lunarToSolar(y, 5, 5), '端午节');
  addStatutory(lunarToSolar(y, 8, 15), '中秋节');
  for (const d of ['10-01', '10-02', '10-03']) addStatutory(`${y}-${d}`, '国庆节');
}

// ── output ───────────────────────────────────────────────────────────────────
const byDay = <T>(m: Map<string, T>): [string, T][] => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
const exceptionRows = byDay(exceptions);
const statutoryRows = byDay(statutory).map(([day, names]) => [day, names.join('、')] as const);
const sqlText = (s: string) => `'${s.replaceAll("'", "''")}'`;
const provenance = `chinese-days ${pkgVersion}: schedules ${firstYear}–${lastYear}, statutory holidays ${firstYear}–${LAST_STATUTORY_YEAR}`;

const dataTs = `/**
 * GENERATED by scripts/gen-calendar.ts from ${provenance}.
 * Do not edit: rerun \`node --import tsx scripts/gen-calendar.ts --migration <new migration>\`,
 * which writes the database twin's rows (app.calendar_days, app.statutory_holidays) in the same run.
 */

export const CALENDAR_SOURCE = { package: 'chinese-days', version: '${pkgVersion}' } as const;

/** Years whose official schedule is loaded; any other year is provisional. */
export const ANNOUNCED_YEARS: readonly number[] = [${announcedYears.join(', ')}];

/** Statutory holidays are known through this year (chinese-days' solar-term formula ends at 2099); later years have the weekend rule alone. */
export const LAST_STATUTORY_YEAR = ${LAST_STATUTORY_YEAR};

/** Exceptions to the weekend rule: [day, is a workday, holiday name]. */
export const CALENDAR_EXCEPTIONS: readonly (readonly [string, boolean, string])[] = [
${exceptionRows.map(([day, e]) => `  ['${day}', ${e.isWorkday}, '${e.name}'],`).join('\n')}
];

/** Holidays fixed by law (current law), the calendar of provisional years: [day, name]. */
export const STATUTORY_HOLIDAYS: readonly (readonly [string, string])[] = [
${statutoryRows.map(([day, name]) => `  ['${day}', '${name}'],`).join('\n')}
];
`;

const migrationSql = `-- GENERATED by scripts/gen-calendar.ts from ${provenance}.
-- Do not edit. The rule and tables are in supabase/schemas/02_calendar.sql; the same run
-- wrote shared/calendar/data.ts. Package rows are replaced wholesale; rows a supervisor set
-- (source 'supervisor') are kept.

delete from app.statutory_holidays;
insert into app.statutory_holidays (day, name) values
${statutoryRows.map(([day, name]) => `  ('${day}', ${sqlText(name)})`).join(',\n')};

delete from app.calendar_days where source = 'chinese-days';
insert into app.calendar_days (day, is_workday, name, source) values
${exceptionRows.map(([day, e]) => `  ('${day}', ${e.isWorkday}, ${sqlText(e.name)}, 'chinese-days')`).join(',\n')}
on conflict (day) do nothing;

insert into app.calendar_years (year, source) values
${announcedYears.map((y) => `  (${y}, 'chinese-days')`).join(',\n')}
on conflict (year) do nothing;
`;

const args = process.argv.slice(2);
const migrationArg = args.indexOf('--migration');
const migrationPath = migrationArg >= 0 ? path.resolve(args[migrationArg + 1] ?? fail('--migration needs a path')) : undefined;
// Landed migrations are never edited, so the database's rows only ever go to a new migration.
if (!migrationPath && !args.includes('--check')) fail('--migration supabase/migrations/<UTC timestamp>_calendar_data_<year>.sql is required: both twins are written in one run');
const outputs: [string, string][] = [[DATA_TS, dataTs], ...(migrationPath ? [[migrationPath, migrationSql] as [string, string]] : [])];

if (args.includes('--check')) {
  const stale = outputs.filter(([file, text]) => {
    try { return readFileSync(file, 'utf8') !== text; } catch { return true; }
  });
  for (const [file] of stale) console.error(`stale: ${path.relative(repoRoot, file)} (rerun scripts/gen-calendar.ts)`);
  process.exit(stale.length > 0 ? 1 : 0);
}
for (const [file, text] of outputs) writeFileSync(file, text);
console.log(`${provenance}; ${exceptionRows.length} exceptions, ${statutoryRows.length} statutory days`);
for (const [file] of outputs) console.log(`wrote ${path.relative(repoRoot, file)}`);
