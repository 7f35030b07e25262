/**
 * R17 reminders: what send-reminders builds from a claimed row of due_reminders() and sends as a
 * WeChat subscribe message (or an Alipay template message), and its own request and answer.
 *
 * A template's data keys carry their type in their name, as WeChat names them: `thing3`,
 * `character_string2`, `phrase5`, `time4`, `date1`, … Each logical field of a reminder (below)
 * goes to the key the deployment maps it to (WECHAT_TEMPLATE_KEYS_<KIND>, ALIPAY_TEMPLATE_KEYS_<KIND>,
 * written `matter=thing1,unit=thing2,…`), and every value is checked against the limits of its key's
 * type before anything is sent (WeChat answers 47003 to a value out of bounds):
 *   thing ≤ 20 characters · character_string ≤ 32 printable ASCII · phrase ≤ 5 Chinese characters ·
 *   time `yyyy年MM月dd日 HH:mm` · date `yyyy年MM月dd日` · number ≤ 32 digits · name ≤ 10 characters ·
 *   keyword (Alipay `keyword1…`) ≤ 32 characters.
 */
import { z } from 'zod';

export const REMINDER_KINDS = ['invite', 'reminder', 'reply', 'warning'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];
/**
 * The citizens' kinds: a deployment with templates sets all three. `warning` (issue 16.4, a
 * supervisor's daily 预警 digest) is optional beside them: without its template a claimed digest
 * is failed as not_configured (and stays on the dashboard).
 */
export const CITIZEN_REMINDER_KINDS = ['invite', 'reminder', 'reply'] as const satisfies readonly ReminderKind[];

/**
 * What a message may say: the row's fields under stable names. A 预警 digest says only its region,
 * how many alerts and which day (plus status and note): no unit, no rater.
 */
export const REMINDER_FIELDS = ['matter', 'unit', 'project_no', 'finished_at', 'rating_due_on', 'status', 'note', 'region', 'alert_count', 'day'] as const;
export type ReminderField = (typeof REMINDER_FIELDS)[number];
export type KeyMapping = Partial<Record<ReminderField, string>>;

/**
 * The mapping used when a deployment sets none (the keys of the templates this project asked
 * WeChat for; a deployment whose templates number their keys otherwise sets its own).
 */
export const DEFAULT_WECHAT_KEYS: Record<ReminderKind, KeyMapping> = {
  invite: { matter: 'thing1', unit: 'thing2', finished_at: 'time3', status: 'phrase4', note: 'thing5' },
  reminder: { matter: 'thing1', project_no: 'character_string2', rating_due_on: 'date3', status: 'phrase4', note: 'thing5' },
  reply: { matter: 'thing1', unit: 'thing2', status: 'phrase3', note: 'thing4' },
  warning: { region: 'thing1', alert_count: 'number2', day: 'date3', status: 'phrase4', note: 'thing5' },
};
export const DEFAULT_ALIPAY_KEYS: Record<ReminderKind, KeyMapping> = {
  invite: { matter: 'keyword1', unit: 'keyword2', finished_at: 'keyword3', status: 'keyword4', note: 'keyword5' },
  reminder: { matter: 'keyword1', project_no: 'keyword2', rating_due_on: 'keyword3', status: 'keyword4', note: 'keyword5' },
  reply: { matter: 'keyword1', unit: 'keyword2', status: 'keyword3', note: 'keyword4' },
  warning: { region: 'keyword1', alert_count: 'keyword2', day: 'keyword3', status: 'keyword4', note: 'keyword5' },
};

/** Where tapping the message leads in the mini-program (`tx` = the 办件; a digest: the 监督台). */
export function reminderPage(kind: ReminderKind, transactionId: string | null): string {
  if (kind === 'warning') return 'subpackages/supervise/pages/dashboard/index';
  if (kind === 'reply' || !transactionId) return 'pages/my-ratings/index';
  return `pages/rate/index?tx=${transactionId}`;
}

/** One row of due_reminders(). */
export const DueReminder = z.object({
  log_id: z.guid(),
  kind: z.enum(REMINDER_KINDS),
  user_id: z.guid(),
  platform: z.enum(['weapp', 'alipay']),
  matter_name: z.string().nullable(),
  unit_name: z.string().nullable(),
  project_no: z.string().nullable(),
  finished_at: z.string().nullable(),
  rating_due_on: z.string().nullable(),
  status_phrase: z.string().nullable(),
  note: z.string().nullable(),
  /** A 预警 digest's (kind warning; null otherwise). */
  region_name: z.string().nullable(),
  alert_count: z.number().int().nullable(),
  digest_day: z.string().nullable(),
});
export type DueReminder = z.infer<typeof DueReminder>;

const chars = (s: string) => [...s].length;
const TYPE_RULES: Record<string, z.ZodType<string>> = {
  thing: z.string().refine((s) => chars(s) >= 1 && chars(s) <= 20, 'thing: 1 to 20 characters'),
  character_string: z.string().regex(/^[\x21-\x7e]{1,32}$/, 'character_string: 1 to 32 letters, digits or symbols'),
  phrase: z.string().regex(/^[\u4e00-\u9fff]{1,5}$/, 'phrase: 1 to 5 Chinese characters'),
  time: z.string().regex(/^\d{4}年(0[1-9]|1[0-2])月(0[1-9]|[12]\d|3[01])日 ([01]\d|2[0-3]):[0-5]\d$/, 'time: yyyy年MM月dd日 HH:mm'),
  date: z.string().regex(/^\d{4}年(0[1-9]|1[0-2])月(0[1-9]|[12]\d|3[01])日$/, 'date: yyyy年MM月dd日'),
  number: z.string().regex(/^[+-]?\d+(\.\d+)?$/).refine((s) => s.length <= 32, 'number: at most 32 characters'),
  name: z.string().refine((s) => chars(s) >= 1 && chars(s) <= 10, 'name: 1 to 10 characters'),
  keyword: z.string().refine((s) => chars(s) >= 1 && chars(s) <= 32, 'keyword: 1 to 32 characters'),
};

/** `thing12` → `thing`; undefined for a key of no known type. */
export function keyType(key: string): string | undefined {
  const m = /^([a-z_]+?)\d+$/.exec(key);
  return m && TYPE_RULES[m[1]!] ? m[1] : undefined;
}

/** `matter=thing1, unit=thing2` → a mapping; throws on an unknown field or a key of no known type. */
export function parseKeyMapping(text: string): KeyMapping {
  const out: KeyMapping = {};
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const [field, key, extra] = part.split('=').map((s) => s.trim());
    if (extra !== undefined || !field || !key) throw new Error(`"${part}" is not field=key`);
    if (!(REMINDER_FIELDS as readonly string[]).includes(field)) throw new Error(`unknown field ${field} (fields: ${REMINDER_FIELDS.join(', ')})`);
    if (!keyType(key)) throw new Error(`key ${key} has no known type (thing, character_string, phrase, time, date, number, name, keyword)`);
    out[field as ReminderField] = key;
  }
  if (Object.keys(out).length === 0) throw new Error('the mapping is empty');
  return out;
}

/** yyyy年MM月dd日 HH:mm in Beijing time. */
export function shanghaiTime(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString();
  return `${d.slice(0, 4)}年${d.slice(5, 7)}月${d.slice(8, 10)}日 ${d.slice(11, 16)}`;
}
/** A calendar date (yyyy-MM-dd) as yyyy年MM月dd日. */
export const chineseDate = (day: string): string => `${day.slice(0, 4)}年${day.slice(5, 7)}月${day.slice(8, 10)}日`;

/** The value of each logical field of a row (undefined when the row has nothing for it). */
export function fieldValues(row: DueReminder): Record<ReminderField, string | undefined> {
  const clean = (s: string | null) => (s === null ? undefined : s.replace(/\s+/g, ' ').trim() || undefined);
  return {
    matter: clean(row.matter_name) ?? '政务服务事项',
    unit: clean(row.unit_name) ?? '办理部门',
    project_no: clean(row.project_no),
    finished_at: row.finished_at ? shanghaiTime(row.finished_at) : undefined,
    rating_due_on: row.rating_due_on ? chineseDate(row.rating_due_on) : undefined,
    status: clean(row.status_phrase),
    note: clean(row.note),
    region: clean(row.region_name),
    alert_count: row.alert_count === null ? undefined : String(row.alert_count),
    day: row.digest_day ? chineseDate(row.digest_day) : undefined,
  };
}

export type TemplateData = Record<string, { value: string }>;

/** The template `data` of a row under a mapping, every value checked; or what is wrong. */
export function templateData(row: DueReminder, keys: KeyMapping): { ok: true; data: TemplateData } | { ok: false; issues: string[] } {
  const values = fieldValues(row);
  const data: TemplateData = {};
  const issues: string[] = [];
  for (const [field, key] of Object.entries(keys) as Array<[ReminderField, string]>) {
    const rule = TYPE_RULES[keyType(key) ?? ''];
    const value = values[field];
    if (!rule) issues.push(`${key}: unknown type`);
    else if (value === undefined) issues.push(`${key}: no ${field}`);
    else {
      const checked = rule.safeParse(value);
      if (checked.success) data[key] = { value };
      else issues.push(`${key}: ${checked.error.issues[0]?.message ?? 'invalid'}`);
    }
  }
  return issues.length === 0 ? { ok: true, data } : { ok: false, issues };
}

/** POST /functions/v1/send-reminders body (optional). */
export const SendRemindersRequest = z.strictObject({
  limit: z.number().int().min(1).max(5000).optional(),
});
export type SendRemindersRequest = z.infer<typeof SendRemindersRequest>;

/**
 * The run's account: claimed = rows due_reminders handed over; sent / retry / failed = what
 * record_reminder_result booked (no_recipient rows are failed too, and also counted apart);
 * unrecorded = claims left 'sending' after an unexpected error (they expire as failed).
 */
export const SendRemindersResponse = z.strictObject({
  claimed: z.number().int(),
  sent: z.number().int(),
  retry: z.number().int(),
  failed: z.number().int(),
  no_recipient: z.number().int(),
  unrecorded: z.number().int(),
});
export type SendRemindersResponse = z.infer<typeof SendRemindersResponse>;
