/**
 * send-reminders (R17, scheduled): sends what is due — the invitation to rate at 办结, the one
 * reminder on the last working day before the default, the notice that a 差评 got a reply, and a
 * supervisor's daily 预警 digest (issue 16.4: region, number of alerts, day; recorded by the job
 * record-warning-digests) — as WeChat subscribe messages or Alipay template messages.
 *
 *   POST /functions/v1/send-reminders   x-hcp-scheduler-secret: <scheduler secret>
 *   body (optional): { limit? }
 *   → 200 { claimed, sent, retry, failed, no_recipient, unrecorded }
 *
 * Only the scheduler may call it (the scheduler secret; anything else 401). due_reminders(p_now) claims the
 * messages (at most one per person per day, only against an unused subscription, never the same
 * thing twice); reminder_recipients gives each its platform recipient (a person with no link is
 * failed as no_recipient there); every message's fields are checked against the template limits
 * (shared/reminders.ts) before it goes out, and every outcome is booked with
 * record_reminder_result (sent, retry with backoff, failed; 43101 zeroes the subscription). If
 * booking fails the run stops: claims left 'sending' expire as failed (never sent twice).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { z } from 'zod';
import { REMINDER_ERRORS } from '../_shared/contract/error-codes/reminders.ts';
import {
  DueReminder, reminderPage, SendRemindersRequest, type SendRemindersResponse, templateData,
} from '../_shared/contract/reminders.ts';
import { serviceClient } from '../_shared/clients.ts';
import { corsHeaders, handle, HttpError, json } from '../_shared/http.ts';
import { readOptions, recordedRun, requireScheduler } from '../_shared/scheduled.ts';
import { configFromEnv, type SendRemindersConfig } from './config.ts';
import { type Message, sendAlipay, WechatClient } from './platforms.ts';

const Recipient = z.object({ log_id: z.guid(), recipient: z.string().min(1), transaction_id: z.guid().nullable() });
const Booked = z.enum(['sent', 'retry', 'failed']);

export interface SendRemindersDeps {
  /** The database (service role). */
  db?: () => SupabaseClient;
  /** The clock the RPCs are given (tests move it forward past backoff and into the next day). */
  now?: () => Date;
  /** The WeChat client (tests keep one across runs to see the access token cached). */
  wechat?: WechatClient;
}

export function createHandler(config: SendRemindersConfig, deps: SendRemindersDeps = {}): (req: Request) => Promise<Response> {
  const db = deps.db ?? serviceClient;
  const now = deps.now ?? (() => new Date());
  const wechat = config.wechat ? (deps.wechat ?? new WechatClient(config.wechat, config.timeoutMs)) : undefined;

  async function rpc<T extends z.ZodType>(name: string, args: Record<string, unknown>, schema: T): Promise<z.infer<T>> {
    const { data, error } = await db().rpc(name, args);
    if (error) throw new Error(`${name} failed: ${error.code ?? ''} ${error.message}`);
    return schema.parse(data);
  }

  return handle('send-reminders', async (req) => {
    if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed');
    await requireScheduler(req, 'send-reminders');
    const options = await readOptions(req, SendRemindersRequest);
    return recordedRun(db, 'send-reminders', async () => {
      if (!config.wechat && !config.alipay) {
        const { status, message } = REMINDER_ERRORS.reminders_not_configured;
        return {
          response: new Response(JSON.stringify({ code: 'reminders_not_configured', message }), {
            status,
            headers: { ...corsHeaders, 'content-type': 'application/json; charset=utf-8' },
          }),
          rows: 0, detail: {}, failed: 'reminders_not_configured',
        };
      }

      const summary: SendRemindersResponse = { claimed: 0, sent: 0, retry: 0, failed: 0, no_recipient: 0, unrecorded: 0 };
      const claimedAt = now().toISOString();
      const rows = await rpc('due_reminders', { p_now: claimedAt, p_limit: options.limit ?? config.batchLimit }, DueReminder.array());
      summary.claimed = rows.length;
      if (rows.length === 0) return { response: json(summary), rows: 0, detail: { ...summary } };
      const pending = new Set(rows.map((r) => r.log_id));

      const book = async (logId: string, outcome: string) => {
        const booked = await rpc('record_reminder_result', {
          p_log_id: logId, p_ok: outcome === '', p_error_code: outcome === '' ? null : outcome, p_now: now().toISOString(),
        }, Booked);
        summary[booked]++;
        pending.delete(logId);
      };

      try {
        // A platform without templates: its messages cannot go out.
        for (const row of rows) {
          if ((row.platform === 'weapp' ? config.wechat : config.alipay) === null) await book(row.log_id, 'not_configured');
        }
        const ids = rows.filter((r) => pending.has(r.log_id)).map((r) => r.log_id);
        const recipients = ids.length === 0 ? [] : await rpc('reminder_recipients', {
          p_log_ids: ids,
          p_wechat_app_id: config.wechat?.appid ?? null,
          p_alipay_app_id: config.alipay?.appId ?? null,
          p_now: now().toISOString(),
        }, Recipient.array());
        const byLog = new Map(recipients.map((r) => [r.log_id, r]));
        for (const id of ids) {
          if (!byLog.has(id)) {
            summary.no_recipient++;
            summary.failed++;
            pending.delete(id);
          }
        }

        for (const row of rows) {
          const to = byLog.get(row.log_id);
          if (!to || !pending.has(row.log_id)) continue;
          const sender = row.platform === 'weapp' ? config.wechat! : config.alipay!;
          const templateId = sender.templates.ids[row.kind];
          if (templateId === undefined) {
            // A digest where the deployment set no warning template: failed, never sent later.
            await book(row.log_id, 'not_configured');
            continue;
          }
          const data = templateData(row, sender.templates.keys[row.kind]);
          if (!data.ok) {
            console.error(`[send-reminders] ${row.kind} ${row.log_id} not sent, its fields break the template: ${data.issues.join('; ')}`);
            await book(row.log_id, 'invalid_fields');
            continue;
          }
          const message: Message = {
            recipient: to.recipient,
            templateId,
            page: reminderPage(row.kind, to.transaction_id),
            data: data.data,
          };
          let outcome: string;
          try {
            outcome = row.platform === 'weapp' ? await wechat!.send(message) : await sendAlipay(config.alipay!, config.timeoutMs, message);
          } catch (err) {
            // Whether it went out is unknown: the claim is left to expire as failed, never resent.
            console.error(`[send-reminders] ${row.kind} ${row.log_id}: unexpected error while sending`, err);
            continue;
          }
          await book(row.log_id, outcome);
        }
      } catch (err) {
        // Booking failed (the database is unreachable): stop sending what could not be booked.
        console.error(`[send-reminders] run stopped, ${pending.size} claim(s) left to expire:`, err);
      }
      summary.unrecorded = pending.size;
      return {
        response: json(summary), rows: summary.claimed, detail: { ...summary },
        failed: summary.unrecorded > 0 ? `${summary.unrecorded} claim(s) not booked` : null,
      };
    });
  });
}

export const handler = createHandler(configFromEnv);
