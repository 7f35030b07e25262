/**
 * Valid base calls of every RPC (issue 20.3), for bad-input.test.ts: per function, the caller who
 * may make it (a seeded persona, or the service role as the edge functions call) and arguments the
 * function accepts as they are, built on fixtures this file makes fresh (办件 and 差评 work orders
 * of 临翔区市场监督管理局 in each state of the loop, a comment, a sample, evidence, an outbox
 * message, a reminder) and on the seed (units, halls, windows, ingest keys bs_demo_530902 …).
 * The test proves each base call is accepted, then varies one argument at a time, so a bad value
 * is read where the function reads it and not refused at an earlier guard.
 *
 * Per parameter the corpus follows its type (bad-input.test.ts); `kinds` says what a text
 * parameter means (free text takes any string, so only what no text column may hold is bad
 * there), `valid` takes out corpus values that are legitimate for that parameter (with why),
 * `others` adds other people's ids of the right kind.
 */
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { idNumberCheckCharacter } from '../../../shared/identity.ts';
import type { PersonaKey } from '../../../shared/personas.ts';
import { client, newWechatAccount } from '../../../tests/support/api.ts';
import { PERSONA_IDS, type Db } from '../../../tests/support/db.ts';
import { stackEnv } from '../../../tests/support/env.ts';
import { solidPng } from '../../../tests/support/png.ts';
import { freshFinishedTransaction, shanghaiDayFromToday, shanghaiToday } from '../../../tests/support/work-orders.ts';

export type BaseCaller = PersonaKey | 'anon' | 'service';

/** free: any text is a value (names, notes, comments); only what text cannot hold is bad. */
export type TextKind = 'free' | 'required-free';

export interface Base {
  who: BaseCaller;
  args: Record<string, unknown>;
  kinds?: Record<string, TextKind>;
  /** Corpus values that are legitimate for this parameter, taken out of its variants, with why. */
  valid?: Record<string, { values: unknown[]; why: string }>;
  /** Parameters not varied, with why. */
  skip?: Record<string, string>;
  /** More bad values for one parameter: other people's ids, values out of this parameter's range. */
  others?: Record<string, unknown[]>;
  /**
   * A refusal the function answers in its body with 200 (documented): the ingest RPCs' per-item
   * `rejected`, rotate_refresh_token's status, bind_realname's `refused`, revoke's false.
   */
  refusedInBand?: (data: unknown) => boolean;
  /** SQL run before the base call in its rolled-back transaction, as the owner (a claim, …). */
  setup?: string;
  /** Arguments made anew for every call (a signature is accepted once: each variant gets its own). */
  perCall?: () => Record<string, unknown>;
  /** Tables a refusal in the answer writes by design, and why; every other table must stay as it was. */
  inBandWrites?: { tables: string[]; why: string };
}

/** Functions with no valid base call here, and why (none today: keep it that way). */
export const NO_BASE: Record<string, string> = {};

export interface Ctx {
  db: Db;
  unitLX: string;
  unitFQ: string;
  hallLX: string;
  hallFQ: string;
  windowLX: string;
  windowFQ: string;
  matterLX: string;
  tx: string;
  woPending: string;
  woPending2: string;
  woRectifying: string;
  woRectified: string;
  woReplied: string;
  woClosed: string;
  appealPending: string;
  woDismissed: string;
  woRereview: string;
  woFQ: string;
  ratingA: string;
  ratingB: string;
  commentReceived: string;
  commentRouted: string;
  commentB: string;
  evidence: string;
  evidenceFQ: string | null;
  sample: string;
  sampleItem: string;
  outboxDead: string;
  outboxSending: string;
  claimToken: string;
  reminderLog: string;
  roleFQ: string;
  refreshToken: string;
  newUser: string;
  newUserNonce: string;
  lastMonth: string;
  regionLX: '530902';
  /** Issue 15.4: a public comment awaiting a supervisor (pending) and one awaiting the content check. */
  modPending: string;
  modUnchecked: string;
  modUncheckedMd5: string;
}

const one = async <T = Record<string, unknown>>(db: Db, sql: string, params: unknown[] = []): Promise<T> => {
  const { rows } = await db.query(sql, params);
  if (!rows[0]) throw new Error(`fixture query found nothing: ${sql}`);
  return rows[0] as T;
};

async function ok<T = Array<Record<string, unknown>>>(c: SupabaseClient, fn: string, args: Record<string, unknown>): Promise<T> {
  const res = await c.rpc(fn, args);
  if (res.error) throw new Error(`fixture ${fn}: ${res.status} ${JSON.stringify(res.error)}`);
  return res.data as T;
}

/** A valid 身份证号码 nobody seeded. */
function newIdNumber(): string {
  const id17 = `5309021980${String(1 + Math.floor(Math.random() * 9)).padStart(2, '0')}1${Math.floor(Math.random() * 9)}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  return id17 + idNumberCheckCharacter(id17);
}

/**
 * The fixtures, committed (as other API tests make theirs): everything fresh lives at
 * 临翔区市场监督管理局, served by the window's generated officer, rated by citizen-a.
 */
export async function makeFixtures(db: Db, clients: Record<string, SupabaseClient>): Promise<Ctx> {
  const cA = clients['citizen-a']!;
  const staff = clients['staff-linxiang']!;
  const unitAdmin = clients['unit-admin-linxiang']!;
  const city = clients['supervisor-city']!;
  const { unitLX, unitFQ } = await one<{ unitLX: string; unitFQ: string }>(db,
    `select (select id from app.units where name = '临翔区市场监督管理局') as "unitLX",
            (select id from app.units where name = '凤庆县市场监督管理局') as "unitFQ"`);
  const lx = await one<{ hall: string; win: string; matter: string }>(db,
    `select w.hall_id as hall, w.id as win, (select code from app.matters m where m.unit_id = $1 order by code limit 1) as matter
     from app.windows w where w.unit_id = $1 order by w.id limit 1`, [unitLX]);
  const fq = await one<{ hall: string; win: string }>(db, `select w.hall_id as hall, w.id as win from app.windows w where w.unit_id = $1 order by w.id limit 1`, [unitFQ]);

  const badRating = async (): Promise<{ wo: string; rating: string }> => {
    const tx = await freshFinishedTransaction(db, PERSONA_IDS['citizen-a']);
    const [row] = await ok<Array<{ id: string; work_order_id: string }>>(cA, 'submit_rating', {
      p_transaction_id: tx, p_level: 1, p_tags: ['115'], p_comment: '材料说了三遍还是不清楚', p_anonymous: false, p_channel: 'mobile', p_idempotency_key: `bi-${tx}`,
    });
    return { wo: row!.work_order_id, rating: row!.id };
  };
  const today = shanghaiToday();
  const pending = await badRating();
  const pending2 = await badRating();
  const rectifying = await badRating();
  await ok(staff, 'verify_work_order', { p_work_order_id: rectifying.wo, p_note: '查实' });
  const rectified = await badRating();
  await ok(staff, 'verify_work_order', { p_work_order_id: rectified.wo, p_note: '查实' });
  await ok(staff, 'rectify_work_order', { p_work_order_id: rectified.wo, p_measures: '一次性告知单', p_root_cause: '告知不到位', p_evidence: [] });
  const replied = await badRating();
  await ok(staff, 'verify_work_order', { p_work_order_id: replied.wo, p_note: '查实' });
  await ok(staff, 'rectify_work_order', { p_work_order_id: replied.wo, p_measures: '一次性告知单', p_root_cause: '告知不到位', p_evidence: [] });
  await ok(staff, 'reply_work_order', { p_work_order_id: replied.wo, p_reply: '已整改' });
  const closed = await badRating();
  await ok(staff, 'verify_work_order', { p_work_order_id: closed.wo, p_note: '查实' });
  await ok(staff, 'rectify_work_order', { p_work_order_id: closed.wo, p_measures: '一次性告知单', p_root_cause: '告知不到位', p_evidence: [] });
  await ok(staff, 'reply_work_order', { p_work_order_id: closed.wo, p_reply: '已整改' });
  await ok(staff, 'record_return_visit', { p_work_order_id: closed.wo, p_method: 'phone', p_visited_on: today, p_satisfaction: 'satisfied' });
  const appealed = await badRating();
  const [appeal] = await ok<Array<{ id: string }>>(unitAdmin, 'submit_appeal', { p_work_order_id: appealed.wo, p_reason: 'mistaken', p_statement: '该办件由其他窗口办理，属误评' });
  const dismissed = await badRating();
  const [appeal2] = await ok<Array<{ id: string }>>(unitAdmin, 'submit_appeal', { p_work_order_id: dismissed.wo, p_reason: 'mistaken', p_statement: '该办件由其他窗口办理，属误评' });
  await ok(city, 'review_appeal', { p_appeal_id: appeal2!.id, p_approve: true, p_note: '申诉成立' });
  const rereview = await badRating();
  const [appeal3] = await ok<Array<{ id: string }>>(unitAdmin, 'submit_appeal', { p_work_order_id: rereview.wo, p_reason: 'mistaken', p_statement: '该办件由其他窗口办理，属误评' });
  await ok(city, 'review_appeal', { p_appeal_id: appeal3!.id, p_approve: true, p_note: '申诉成立' });
  await ok(cA, 'request_rereview', { p_work_order_id: rereview.wo, p_reason: '我就是在这个窗口办的' });

  // Another unit's work order, someone else's rating, citizen-b's comment: other people's ids.
  // Someone else's order for every caller here: of 凤庆's unit (outside 临翔's staff and admin), and
  // neither rated nor applied for by citizen-a (other test files may have citizen-a rate 凤庆 too;
  // an order of theirs would be citizen-a's own, and picking by uuid order made that a matter of chance).
  const { woFQ } = await one<{ woFQ: string }>(db, `
    select w.id as "woFQ" from app.work_orders w
    join app.ratings r on r.id = w.rating_id
    left join app.transactions t on t.id = w.transaction_id
    where w.unit_id = $1 and r.rater_user_id is distinct from $2
      and t.applicant_user_id is distinct from $2 and t.agent_user_id is distinct from $2
    order by w.opened_at, w.id limit 1`, [unitFQ, PERSONA_IDS['citizen-a']]);
  const { ratingB } = await one<{ ratingB: string }>(db, `select id as "ratingB" from app.ratings where rater_user_id <> $1 order by id limit 1`, [PERSONA_IDS['citizen-a']]);
  const [cb] = await ok<Array<{ id: string }>>(clients['citizen-b']!, 'submit_comment', { p_kind: 'suggestion', p_content: '希望增加周末窗口', p_unit_id: null, p_contact: null });
  const [received] = await ok<Array<{ id: string }>>(cA, 'submit_comment', { p_kind: 'complaint', p_content: '午休无人值守', p_unit_id: null, p_contact: '13987655678' });
  const [routed] = await ok<Array<{ id: string }>>(cA, 'submit_comment', { p_kind: 'complaint', p_content: '材料清单不清楚', p_unit_id: null, p_contact: '13987655678' });
  await ok(city, 'route_comment', { p_comment_id: routed!.id, p_unit_id: unitLX, p_note: '请核实' });

  const [ev] = await ok<Array<{ id: string }>>(staff, 'upload_evidence', { p_file_name: 'bi.png', p_content_base64: solidPng(4, [200, 30, 30]).toString('base64') });
  const evFQ = (await db.query(`select e.id from app.evidence_files e where e.uploaded_by = $1 limit 1`, [PERSONA_IDS['staff-fengqing']]).catch(() => ({ rows: [] }))).rows[0]?.id ?? null;

  const samples = await ok<Array<{ sample_id: string; item_id: string }>>(city, 'sample_return_visits', {
    p_from: shanghaiDayFromToday(-60), p_to: today, p_region_code: '530902', p_n: 2, p_seed: `bi-${randomUUID()}`,
  });
  if (!samples[0]) throw new Error('sample_return_visits drew nothing');

  // Outbox messages of two fresh ratings: one dead (to re-push), one claimed (to record).
  const dead = await one<{ id: string }>(db,
    `update app.upstream_outbox set status = 'dead', dead_at = now(), attempts = 8, payload = '{}' where id = (select id from app.upstream_outbox where rating_id = $1 order by id limit 1) returning id::text`, [pending.rating]);
  const claimToken = randomUUID();
  const sending = await one<{ id: string }>(db,
    `update app.upstream_outbox set status = 'sending', claim_token = $2, attempts = 1, payload = '{}' where id = (select id from app.upstream_outbox where rating_id = $1 order by id limit 1) returning id::text`, [rectifying.rating, claimToken]);

  const reminder = await one<{ id: string }>(db,
    `insert into app.reminder_log (kind, subject_id, user_id, platform, claimed_at, shanghai_day)
     values ('invite', $1, $2, 'weapp', now(), (now() at time zone 'Asia/Shanghai')::date) returning id`, [randomUUID(), PERSONA_IDS['citizen-a']]);

  // Public comments in moderation (issue 15.4): one checked (pending), one not yet (unchecked).
  const publicComment = async () => {
    const b = await badRating();
    await ok(cA, 'set_comment_public', { p_rating_id: b.rating, p_public: true });
    return one<{ id: string; md5: string }>(db, `select m.id, m.content_md5 as md5 from app.comment_moderation m where m.rating_id = $1`, [b.rating]);
  };
  const modPending = await publicComment();
  await db.query(`select public.record_comment_check($1, $2, 'pass')`, [modPending.id, modPending.md5]);
  const modUnchecked = await publicComment();

  const { roleFQ } = await one<{ roleFQ: string }>(db, `select id as "roleFQ" from app.staff_roles where user_id = $1 order by id limit 1`, [PERSONA_IDS['staff-fengqing']]);
  const stranger = await newWechatAccount();
  const [nonce] = await ok<Array<{ nonce: string }>>(client(stranger.access_token), 'realname_nonce', {});
  const d = new Date(Date.parse(`${today}T00:00:00Z`));
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);

  return {
    db, unitLX, unitFQ, hallLX: lx.hall, hallFQ: fq.hall, windowLX: lx.win, windowFQ: fq.win, matterLX: lx.matter,
    tx: await freshFinishedTransaction(db, PERSONA_IDS['citizen-a']),
    woPending: pending.wo, woPending2: pending2.wo, woRectifying: rectifying.wo, woRectified: rectified.wo, woReplied: replied.wo, woClosed: closed.wo,
    appealPending: appeal!.id, woDismissed: dismissed.wo, woRereview: rereview.wo, woFQ,
    ratingA: pending.rating, ratingB,
    commentReceived: received!.id, commentRouted: routed!.id, commentB: cb!.id,
    evidence: ev!.id, evidenceFQ: evFQ,
    sample: samples[0].sample_id, sampleItem: samples[0].item_id,
    outboxDead: dead.id, outboxSending: sending.id, claimToken,
    reminderLog: reminder.id, roleFQ,
    refreshToken: stranger.refresh_token, newUser: stranger.user.id, newUserNonce: nonce!.nonce,
    lastMonth: d.toISOString().slice(0, 7), regionLX: '530902',
    modPending: modPending.id, modUnchecked: modUnchecked.id, modUncheckedMd5: modUnchecked.md5,
  };
}

/** Puts back what the fixtures changed outside their own rows (the outbox messages go pending again). */
export async function undoFixtures(ctx: Ctx): Promise<void> {
  await ctx.db.query(`update app.upstream_outbox set status = 'pending', claim_token = null, dead_at = null, delivered_at = null, attempts = 0, payload = null where id = any($1::bigint[])`,
    [[ctx.outboxDead, ctx.outboxSending]]);
  await ctx.db.query(`delete from app.reminder_log where id = $1`, [ctx.reminderLog]);
}

const CREATES = { p_id: { values: [null], why: 'no id creates a new one' } };
const NULLS_DROPPED = { values: [[null]], why: 'nulls and duplicates are dropped (app.check_evidence)' };
const APP_ID = 'the app ids the function is configured with; a claimed message without a recipient for them is failed as no_recipient, by design';
/** Stands for the corpus' huge text in `valid` (matched by length, see bad-input.test.ts). */
export const HUGE_MARK = '<huge>';
/** A signed request whose items were all rejected was still received: its signature is spent and its key was used. */
const INGESTED = { tables: ['ingest_signatures', 'business_systems', 'rating_devices'], why: 'the replay guard spends the signature and the key records last_used_at for every authenticated batch, items rejected or not' };
const signature = () => randomUUID().replace(/-/g, '').repeat(2);
const NOW = { p_now: 'any instant is a clock the service passes; only what is not an instant is bad' };
/** The ingest RPCs answer per item: every item rejected (or none given) is their refusal. */
const itemsRejected = (data: unknown): boolean => {
  const results = Array.isArray(data) ? data : (data as { results?: unknown } | null)?.results;
  return Array.isArray(results) && results.every((r) => (r as { status?: string }).status === 'rejected');
};
/** Documented no-ops: ids not held (not claimed, not sending) are ignored and nothing is answered. */
const nothingDone = (data: unknown): boolean => Array.isArray(data) && data.length === 0;

/** The base calls. Dates are relative to today; ids come from the fixtures. */
export function bases(c: Ctx): Record<string, Base> {
  const today = shanghaiToday();
  const monthAgo = shanghaiDayFromToday(-30);
  const free = (...names: string[]): Record<string, TextKind> => Object.fromEntries(names.map((n) => [n, 'free']));
  const req = (...names: string[]): Record<string, TextKind> => Object.fromEntries(names.map((n) => [n, 'required-free']));
  const nowIso = new Date().toISOString();
  const run = randomUUID().slice(0, 8);
  return {
    // —— anyone
    add_working_days: { who: 'anon', args: { p_from: today, p_n: 5 }, valid: { p_n: { values: [-1], why: 'counting back is allowed' } } },
    working_deadline: { who: 'anon', args: { p_from: today, p_n: 5 }, valid: { p_n: { values: [-1], why: 'counting back is allowed' } } },
    public_bad_review_board: { who: 'anon', args: { p_period: c.lastMonth, p_region_code: '530900' } },
    public_results: { who: 'anon', args: { p_period: c.lastMonth, p_region_code: '530900' } },
    published_periods: { who: 'anon', args: { p_region_code: '530900' } },
    window_info: { who: 'anon', args: { p_window_id: c.windowLX } },
    // —— citizens
    my_comments: { who: 'citizen-a', args: {} },
    my_pending_ratings: { who: 'citizen-a', args: {} },
    my_ratings: { who: 'citizen-a', args: {} },
    my_subscriptions: { who: 'citizen-a', args: {} },
    whoami: { who: 'citizen-a', args: {} },
    realname_nonce: { who: 'citizen-a', args: {} },
    rate_rectification: { who: 'citizen-a', args: { p_work_order_id: c.woClosed, p_level: 5, p_comment: '改好了' }, kinds: free('p_comment'), others: { p_work_order_id: [c.woFQ, c.woPending], p_level: [0, 6] } },
    record_subscriptions: { who: 'citizen-a', args: { p_platform: 'weapp', p_kinds: ['invite'] } },
    request_rereview: { who: 'citizen-a', args: { p_work_order_id: c.woDismissed, p_reason: '我就是在这个窗口办的' }, kinds: req('p_reason'), others: { p_work_order_id: [c.woFQ, c.woPending] } },
    set_comment_public: { who: 'citizen-a', args: { p_rating_id: c.ratingA, p_public: true }, others: { p_rating_id: [c.ratingB] } },
    submit_comment: { who: 'citizen-a', args: { p_kind: 'suggestion', p_content: '希望延长午间服务', p_unit_id: c.unitLX, p_contact: '13987655678' }, kinds: { p_content: 'required-free', p_contact: 'free' } },
    submit_rating: {
      who: 'citizen-a', args: { p_transaction_id: c.tx, p_level: 5, p_tags: ['510'], p_comment: '很好', p_anonymous: false, p_channel: 'mobile', p_idempotency_key: `bi-base-${c.tx}` },
      kinds: free('p_comment', 'p_idempotency_key'), others: { p_level: [0, 6], p_tags: [['115'], ['999']] },
    },
    submit_visit_rating: {
      who: 'citizen-a', args: { p_window_id: c.windowLX, p_staff_id: null, p_level: 5, p_tags: ['510'], p_comment: '很好', p_anonymous: false, p_idempotency_key: `bi-visit-${randomUUID()}` },
      kinds: free('p_comment', 'p_idempotency_key'), others: { p_level: [0, 6], p_staff_id: [PERSONA_IDS['staff-fengqing']] },
    },
    // —— units
    assign_work_order: { who: 'unit-admin-linxiang', args: { p_work_order_id: c.woPending, p_user_id: PERSONA_IDS['staff-linxiang'] }, others: { p_work_order_id: [c.woFQ], p_user_id: [PERSONA_IDS['staff-fengqing'], PERSONA_IDS['citizen-b']] } },
    evidence_file: { who: 'staff-linxiang', args: { p_id: c.evidence } },
    extend_work_order: { who: 'staff-linxiang', args: { p_work_order_id: c.woRectifying, p_reason: '需协调其他部门', p_new_due_date: shanghaiDayFromToday(40) }, kinds: req('p_reason'), others: { p_work_order_id: [c.woFQ, c.woPending], p_new_due_date: [shanghaiDayFromToday(-1)] } },
    record_return_visit: { who: 'staff-linxiang', args: { p_work_order_id: c.woReplied, p_method: 'phone', p_visited_on: today, p_satisfaction: 'satisfied', p_note: '满意' }, kinds: free('p_note'), others: { p_work_order_id: [c.woFQ, c.woPending], p_visited_on: [shanghaiDayFromToday(3)] } },
    rectify_work_order: { who: 'staff-linxiang', args: { p_work_order_id: c.woRectifying, p_measures: '一次性告知单', p_root_cause: '告知不到位', p_evidence: [c.evidence] }, kinds: req('p_measures', 'p_root_cause'), valid: { p_evidence: NULLS_DROPPED }, others: { p_work_order_id: [c.woFQ, c.woPending] } },
    reply_comment: { who: 'staff-linxiang', args: { p_comment_id: c.commentRouted, p_reply: '已实行午间轮岗' }, kinds: req('p_reply'), others: { p_comment_id: [c.commentB, c.commentReceived] } },
    reply_work_order: { who: 'staff-linxiang', args: { p_work_order_id: c.woRectified, p_reply: '已整改' }, kinds: req('p_reply'), others: { p_work_order_id: [c.woFQ, c.woPending] } },
    reveal_rater_contact: { who: 'staff-linxiang', args: { p_work_order_id: c.woRectifying }, others: { p_work_order_id: [c.woFQ, c.woPending] } },
    submit_appeal: { who: 'unit-admin-linxiang', valid: { p_evidence: NULLS_DROPPED }, args: { p_work_order_id: c.woPending2, p_reason: 'mistaken', p_statement: '该办件由其他窗口办理', p_evidence: [c.evidence] }, kinds: req('p_statement'), others: { p_work_order_id: [c.woFQ, c.woRectifying] } },
    unit_comments: { who: 'staff-linxiang', args: { p_status: 'routed' } },
    unit_ratings: { who: 'staff-linxiang', args: { p_from: monthAgo, p_to: today } },
    unit_work_orders: { who: 'staff-linxiang', args: { p_status: 'pending_verification', p_open: true, p_limit: 20, p_offset: 0 }, others: { p_limit: [0, 201], p_offset: [-1] } },
    my_urgent_count: { who: 'staff-linxiang', args: {} },
    upload_evidence: { who: 'staff-linxiang', args: { p_file_name: 'a.png', p_content_base64: solidPng(2, [0, 0, 0]).toString('base64') }, kinds: req('p_file_name') },
    verify_work_order: { who: 'staff-linxiang', args: { p_work_order_id: c.woPending, p_note: '查实' }, kinds: free('p_note'), others: { p_work_order_id: [c.woFQ, c.woRectifying] } },
    work_order_handlers: { who: 'unit-admin-linxiang', args: { p_work_order_id: c.woPending } },
    work_order_timeline: { who: 'citizen-a', args: { p_work_order_id: c.woPending }, others: { p_work_order_id: [c.woFQ] } },
    // —— supervisors
    appeals_to_review: { who: 'supervisor-city', args: { p_status: 'pending' } },
    close_comment: { who: 'supervisor-city', args: { p_comment_id: c.commentReceived, p_note: '已处理' }, kinds: free('p_note') },
    comment_history: { who: 'citizen-a', args: { p_comment_id: c.commentRouted } },
    decide_rereview: { who: 'supervisor-city', args: { p_work_order_id: c.woRereview, p_overturn: true, p_note: '改判' }, kinds: req('p_note'), others: { p_work_order_id: [c.woFQ, c.woPending] } },
    export_ratings: { who: 'supervisor-city', args: { p_from: monthAgo, p_to: today, p_region_code: '530902', p_after_rated_at: null, p_after_id: null, p_limit: 10 }, others: { p_limit: [0, 100_000] } },
    export_work_orders: { who: 'supervisor-city', args: { p_from: monthAgo, p_to: today, p_region_code: '530902', p_after_opened_at: null, p_after_id: null, p_limit: 10 }, others: { p_limit: [0, 100_000] } },
    key_supervision_list: { who: 'supervisor-city', args: {} },
    overdue_work_orders: { who: 'supervisor-city', args: { p_limit: 20, p_offset: 0 }, others: { p_limit: [0, 201], p_offset: [-1] } },
    urge_work_order: { who: 'supervisor-city', args: { p_work_order_id: c.woPending, p_note: '请今天内核实并回复' }, kinds: req('p_note'), others: { p_work_order_id: [c.woClosed] } },
    rereviews_to_decide: { who: 'supervisor-city', args: {} },
    publish_results: { who: 'supervisor-city', args: { p_period: c.lastMonth, p_region_code: '530902', p_note: '月度公示' }, kinds: free('p_note'), others: { p_period: ['2999-01', '2026-13'] } },
    record_comment: {
      who: 'supervisor-city', args: { p_source: 'hotline', p_kind: 'complaint', p_content: '电话反映排队时间长', p_region_code: '530902', p_unit_id: c.unitLX, p_contact: '13987655678', p_received_at: nowIso },
      kinds: { p_content: 'required-free', p_contact: 'free' },
    },
    record_sample_visit: { who: 'supervisor-city', args: { p_item_id: c.sampleItem, p_outcome: 'reached', p_satisfied: true, p_note: '满意' }, kinds: free('p_note') },
    record_third_party_assessment: {
      who: 'supervisor-city', args: { p_region_code: '530902', p_unit_id: c.unitLX, p_period_from: monthAgo, p_period_to: today, p_assessor_org: '云南某评估公司', p_score: 92.5, p_summary: '总体良好', p_attachment_ref: null },
      kinds: { p_assessor_org: 'required-free', p_summary: 'required-free', p_attachment_ref: 'free' }, others: { p_score: [101, -0.5] },
      valid: { p_region_code: { values: [null], why: 'the unit gives the region' }, p_unit_id: { values: [null], why: 'an assessment of the whole region' } },
    },
    repush_upstream: { who: 'supervisor-city', args: { p_outbox_id: Number(c.outboxDead) }, skip: NOW },
    return_visit_sample_items: { who: 'supervisor-city', args: { p_sample_id: c.sample } },
    return_visit_samples: { who: 'supervisor-city', args: { p_region_code: '530902' } },
    reveal_comment_contact: { who: 'supervisor-city', args: { p_comment_id: c.commentReceived } },
    review_appeal: { who: 'supervisor-city', args: { p_appeal_id: c.appealPending, p_approve: false, p_note: '申诉不成立', p_reroute_unit_id: null }, kinds: req('p_note'),
      skip: { p_reroute_unit_id: 'read only when an appeal is approved as 错派; the base call dismisses it, so that the work order stays in the loop' } },
    route_comment: { who: 'supervisor-city', args: { p_comment_id: c.commentReceived, p_unit_id: c.unitLX, p_note: '请核实' }, kinds: free('p_note') },
    sample_return_visits: { who: 'supervisor-city', args: { p_from: monthAgo, p_to: today, p_region_code: '530902', p_n: 2, p_seed: 'bi-seed' }, kinds: free('p_seed'), others: { p_n: [0, 1_000_000] } },
    set_calendar_day: { who: 'supervisor-city', args: { p_day: shanghaiDayFromToday(400), p_is_workday: false, p_note: '测试' }, kinds: req('p_note') },
    set_calendar_year_announced: { who: 'supervisor-city', args: { p_year: Number(today.slice(0, 4)) + 1, p_announced: true }, others: { p_year: [1899, 10_000] } },
    stats: { who: 'supervisor-city', args: { p_from: monthAgo, p_to: today, p_group_by: 'unit', p_region_code: '530902', p_unit_id: null, p_include_default: true } },
    bad_review_topics: { who: 'supervisor-city', args: { p_from: monthAgo, p_to: today, p_region_code: '530902', p_unit_id: c.unitLX, p_matter_id: null }, others: { p_unit_id: [c.unitFQ] } },
    early_warnings: { who: 'supervisor-city', args: { p_region_code: '530902', p_as_of: today } },
    my_warning_digests: { who: 'supervisor-city', args: {} },
    supervisor_comments: { who: 'supervisor-city', args: { p_status: 'received', p_region_code: '530902' } },
    // Moderation of public 差评 comments (issue 15.4)
    comment_moderation_queue: { who: 'supervisor-city', args: {} },
    moderate_comment: { who: 'supervisor-city', args: { p_id: c.modPending, p_approve: true, p_note: '内容无不当言论' }, kinds: free('p_note'),
      others: { p_id: [c.modUnchecked] } },
    third_party_assessments: { who: 'supervisor-city', args: { p_region_code: '530902', p_unit_id: c.unitLX } },
    upstream_status: { who: 'supervisor-city', args: { p_region_code: '530902', p_dead_limit: 10 }, valid: { p_dead_limit: { values: [-1], why: 'clamped to 0..1000 (documented)' } } },
    system_status: { who: 'supervisor-city', args: { p_now: nowIso },
      skip: { p_now: 'it reads cron.job, which bad-input.test.ts holds locked while varying; its bounds are proven in database/operations.test.ts' } },
    // —— administration
    admin_assign_window: { who: 'unit-admin-linxiang', args: { p_user_id: PERSONA_IDS['staff-linxiang'], p_window_id: c.windowLX, p_valid_from: today, p_valid_to: null }, others: { p_user_id: [PERSONA_IDS['citizen-b'], PERSONA_IDS['staff-fengqing']], p_window_id: [c.windowFQ] } },
    admin_find_user: { who: 'supervisor-city', args: { p_identifier: '13800000001', p_unit_id: null, p_scope_region_code: '530902', p_id_number: null } },
    admin_grant_role: { who: 'supervisor-city', args: { p_user_id: PERSONA_IDS['citizen-b'], p_role: 'staff', p_unit_id: c.unitLX, p_scope_region_code: null }, others: { p_role: ['admin', 'service_role'] } },
    admin_halls: { who: 'supervisor-city', args: { p_region_code: '530902' } },
    admin_lookup_flags: { who: 'supervisor-city', args: { p_region_code: '530902' } },
    admin_matters: { who: 'supervisor-city', args: { p_unit_id: c.unitLX } },
    admin_revoke_role: { who: 'supervisor-fengqing', args: { p_role_id: c.roleFQ } },
    admin_save_hall: { who: 'supervisor-city', valid: CREATES, args: { p_id: null, p_region_code: '530902', p_name: `测试大厅${run}`, p_kind: 'center', p_address: '临翔区某路' }, kinds: { p_name: 'required-free', p_address: 'free' } },
    admin_save_matter: { who: 'supervisor-city', valid: CREATES, args: { p_id: null, p_unit_id: c.unitLX, p_code: `530902-BI-${run}`, p_name: `测试事项${run}`, p_promised_working_days: 5, p_rating_channels: ['mobile'] }, kinds: req('p_name', 'p_code') },
    admin_save_unit: { who: 'supervisor-city', valid: CREATES, args: { p_id: null, p_region_code: '530902', p_name: `临翔区测试局${run}`, p_credit_code: null }, kinds: req('p_name') },
    admin_save_window: { who: 'supervisor-city', valid: CREATES, args: { p_id: null, p_hall_id: c.hallLX, p_unit_id: c.unitLX, p_name: `测试窗口${run}` }, kinds: req('p_name') },
    admin_staff: { who: 'supervisor-city', args: { p_region_code: '530902' } },
    admin_unit_staff: { who: 'unit-admin-linxiang', args: { p_unit_id: c.unitLX } },
    admin_unit_windows: { who: 'unit-admin-linxiang', args: { p_unit_id: c.unitLX } },
    admin_windows: { who: 'supervisor-city', args: { p_region_code: '530902' } },
    create_business_system: { who: 'supervisor-city', args: { p_name: '测试业务系统', p_region_code: '530902' }, kinds: req('p_name') },
    create_rating_device: { who: 'supervisor-city', args: { p_kind: 'hall_pad', p_name: '测试评价器', p_hall_id: c.hallLX, p_region_code: null }, kinds: req('p_name') },
    ingest_key_halls: { who: 'supervisor-city', args: {} },
    ingest_keys: { who: 'supervisor-city', args: {} },
    revoke_ingest_key: { who: 'supervisor-fengqing', args: { p_key_id: 'bs_demo_530921' }, others: { p_key_id: ['bs_demo_530902'] } },
    window_qr_codes: { who: 'supervisor-city', args: { p_hall_id: c.hallLX } },
    // 评价器 pairing (issue 18); a paired tablet made in the rolled-back transaction for revoke.
    kiosk_windows: { who: 'unit-admin-linxiang', args: {} },
    kiosk_devices: { who: 'unit-admin-linxiang', args: { p_window_id: c.windowLX }, others: { p_window_id: [c.windowFQ] } },
    create_kiosk_pairing: { who: 'unit-admin-linxiang', args: { p_window_id: c.windowLX }, others: { p_window_id: [c.windowFQ] } },
    revoke_kiosk_device: { who: 'unit-admin-linxiang', args: { p_device_id: BI_KIOSK_DEVICE }, setup: asOwner(kioskDeviceSql(c), 'authenticated'), others: { p_device_id: [c.windowLX] } },
    // —— the service role (jobs, and the edge functions on a caller's behalf)
    apply_default_ratings: { who: 'service', args: { p_now: nowIso }, skip: NOW },
    escalate_overdue: { who: 'service', args: { p_now: nowIso }, skip: NOW },
    purge_identity_tokens: { who: 'service', args: { p_now: nowIso }, skip: NOW },
    purge_retention: { who: 'service', args: { p_now: nowIso }, skip: NOW },
    purge_upstream_outbox: { who: 'service', args: { p_now: nowIso }, skip: NOW },
    claim_comment_checks: { who: 'service', args: { p_wechat_app_id: 'wx-any', p_limit: 1, p_now: nowIso }, skip: { ...NOW, p_wechat_app_id: APP_ID }, others: { p_limit: [0, 201] } },
    record_comment_check: { who: 'service', args: { p_id: c.modUnchecked, p_content_md5: c.modUncheckedMd5, p_suggest: 'pass', p_label: 100, p_trace_id: 't', p_error: null, p_now: nowIso },
      skip: { ...NOW, p_error: 'read only without a suggest; the base call books a verdict', p_label: 'WeChat\'s label, any integer', p_trace_id: 'WeChat\'s trace id, kept as given (≤ 100)' },
      refusedInBand: (data) => data === 'stale' },
    record_job_run: { who: 'service', args: { p_job_name: 'report-upstream', p_started_at: nowIso, p_outcome: 'succeeded', p_rows: 1, p_detail: { n: 1 }, p_error: null },
      kinds: { p_error: 'free' }, valid: { p_detail: { values: [{}], why: 'an empty summary: a run that found nothing to do' } } },
    due_reminders: { who: 'service', args: { p_now: nowIso, p_limit: 10 }, skip: NOW, others: { p_limit: [0, 100_000] } },
    record_warning_digests: { who: 'service', args: { p_now: nowIso } },
    record_reminder_result: { who: 'service', args: { p_log_id: c.reminderLog, p_ok: true, p_error_code: null, p_now: nowIso }, skip: { ...NOW, p_error_code: 'read only when p_ok is false; the base call reports a success' } },
    reminder_recipients: { who: 'service', args: { p_log_ids: [c.reminderLog], p_wechat_app_id: 'wx00000000hcplocal', p_alipay_app_id: '2021000000000001', p_now: nowIso }, skip: { ...NOW, p_wechat_app_id: APP_ID, p_alipay_app_id: APP_ID }, refusedInBand: nothingDone },
    claim_upstream_batch: { who: 'service', args: { p_limit: 1, p_now: nowIso }, skip: NOW, others: { p_limit: [0, 100_000] } },
    record_upstream_results: { who: 'service', args: { p_claim_token: c.claimToken, p_results: [{ id: Number(c.outboxSending), ok: true }], p_now: nowIso }, skip: NOW, refusedInBand: nothingDone },
    deploy_status: { who: 'service', args: {} },
    dev_personas: { who: 'service', args: {} },
    session_user_info: { who: 'service', args: { p_user_id: PERSONA_IDS['citizen-a'] } },
    ingest_key_secret: { who: 'service', args: { p_key_id: 'bs_demo_530902' } },
    ingest_transactions: {
      who: 'service',
      args: {
        p_key_id: 'bs_demo_530902', p_signature: signature(), p_request_ts: nowIso, p_now: nowIso,
        p_items: [{ project_no: `BI-${randomUUID().slice(0, 8)}`, matter_code: c.matterLX, status: 'accepted', accepted_at: nowIso, channel: 'pc' }],
      },
      kinds: free('p_signature'), skip: NOW, refusedInBand: itemsRejected, perCall: () => ({ p_signature: signature() }), inBandWrites: INGESTED,
    },
    ingest_ratings: {
      who: 'service',
      args: {
        p_key_id: 'dev_demo_pad_530902', p_signature: signature(), p_request_ts: nowIso, p_now: nowIso,
        p_items: [{ external_id: `bi-${randomUUID()}`, window_id: c.windowLX, level: 5, tags: [], rated_at: nowIso }],
      },
      kinds: free('p_signature'), skip: NOW, refusedInBand: itemsRejected, perCall: () => ({ p_signature: signature() }), inBandWrites: INGESTED,
    },
    kiosk_pair: {
      who: 'service',
      args: { p_code: '424242', p_public_key: BI_KIOSK_KEY, p_source: 'bad-input', p_now: nowIso },
      setup: asOwner(`insert into app.kiosk_pairings (window_id, code_hash, created_by, expires_at)
              values ('${c.windowLX}', app.kiosk_code_hash('424242'), '${PERSONA_IDS['unit-admin-linxiang']}', now() + interval '10 minutes')`, 'service_role'),
      kinds: { p_source: 'free' }, skip: NOW,
      // A well-formed code that names no live pairing is answered refused, and the attempt counted.
      refusedInBand: (data) => (data as { status?: unknown } | null)?.status === 'refused',
      inBandWrites: { tables: ['kiosk_pairing_attempts'], why: 'every attempt at a code is counted for the brute-force limits' },
    },
    kiosk_feed: { who: 'service', args: { p_key_id: 'dev_bi_kiosk_tablet', p_now: nowIso }, setup: asOwner(kioskDeviceSql(c), 'service_role'), skip: NOW },
    platform_login: { who: 'service', args: { p_platform: 'wechat', p_app_id: 'wx00000000hcplocal', p_subject: `o-bi-${randomUUID()}`, p_unionid: null, p_now: nowIso }, kinds: { p_subject: 'required-free', p_unionid: 'free' },
      skip: NOW,
      valid: { p_app_id: { values: ['not-a-valid-anything', 42, true], why: 'app-id shaped tokens: which app is the calling function\'s own setting (auth-wechat / auth-alipay)' } } },
    bind_realname: {
      who: 'service',
      args: {
        p_user_id: c.newUser, p_ticket_id: `t-bi-${randomUUID()}`, p_ticket_expires_at: new Date(Date.now() + 600_000).toISOString(), p_nonce: c.newUserNonce,
        p_verify_method: 'face', p_name: '张测试', p_id_number: newIdNumber(), p_phone: '13987650000', p_now: nowIso,
      },
      kinds: { p_ticket_id: 'required-free', p_name: 'required-free', p_phone: 'free' }, skip: NOW,
      refusedInBand: (data) => Array.isArray(data) && data.length === 1 && typeof (data[0] as { refused?: unknown }).refused === 'string',
    },
    rotate_refresh_token: {
      who: 'service', args: { p_refresh_token: c.refreshToken, p_now: nowIso }, skip: NOW,
      refusedInBand: (data) => Array.isArray(data) && data.length === 1 && (data[0] as { status: string }).status !== 'ok' && (data[0] as { refresh_token: unknown }).refresh_token === null,
    },
    revoke_refresh_token: { who: 'service', args: { p_refresh_token: c.refreshToken, p_now: nowIso }, skip: NOW, refusedInBand: (data) => data === false },
  };
}

/** A paired window tablet (issue 18) for the base calls that need one, made in their rolled-back transaction. */
const BI_KIOSK_DEVICE = '00000000-0000-4000-8000-00000000b1c0';
const BI_KIOSK_KEY = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
/** Setup SQL run as the owner (app tables have no API grants), then back to the caller's role. */
const asOwner = (sql: string, role: 'authenticated' | 'service_role') => `reset role; ${sql}; set local role ${role}`;
const kioskDeviceSql = (c: Ctx) => `insert into app.rating_devices (id, key_id, kind, name, hall_id, region_code, window_id, public_key)
  values ('${BI_KIOSK_DEVICE}', 'dev_bi_kiosk_tablet', 'hall_pad', '测试平板', '${c.hallLX}', '530902', '${c.windowLX}', '${JSON.stringify(BI_KIOSK_KEY)}'::jsonb)`;

export const SERVICE_KEY = () => stackEnv.serviceRoleKey;
