/**
 * comment-check (issue 15.4, scheduled every minute): WeChat's content security check of the 差评
 * comments raters allowed to be public, before any supervisor sees them in the moderation queue.
 *
 *   POST /functions/v1/comment-check   x-hcp-scheduler-secret: <scheduler secret>
 *   body (optional): { limit? }   (1–200, default 20)
 *   → 200 { claimed, pending, risky, retry, stale }
 *
 * claim_comment_checks leases the unchecked comments (5 minutes each) with their rater's WeChat
 * openid; each is sent to msgSecCheck v2 —
 *   POST <WECHAT_API_BASE>/wxa/msg_sec_check?access_token=…  { content, version: 2, scene: 2 (评论), openid }
 * with the access token from POST /cgi-bin/stable_token (issue 15.5; fetched again once when
 * WeChat calls it invalid) — and record_comment_check books result.suggest: pass / review →
 * pending (the supervisors' queue; review is shown marked), risky → never shown, never queued.
 * A failure (timeout, 5xx, busy, any errcode) is booked as an error and retried with backoff: a
 * comment WeChat did not judge is never queued. v2 needs the openid of someone who used the
 * mini-program in the last 2 hours: the rater's own (they have just allowed publication); a rater
 * without a WeChat link (Alipay, H5) or past that window (61010) is checked with
 * WECHAT_SEC_CHECK_OPENID, an operator's openid, when it is set, else the comment waits (booked
 * `no_openid`).
 *
 * Settings: WECHAT_API_BASE, WECHAT_APPID, WECHAT_SECRET (the login's), WECHAT_SEC_CHECK_OPENID
 * (optional), COMMENT_CHECK_TIMEOUT_MS (default 8000). Without WeChat settings it answers 503
 * content_check_not_configured and every comment stays unchecked (off the board).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { z } from 'zod';
import { COMMENT_ERRORS } from '../_shared/contract/error-codes/comments.ts';
import { serviceClient } from '../_shared/clients.ts';
import { handle, HttpError, json } from '../_shared/http.ts';
import { readOptions, recordedRun, requireScheduler } from '../_shared/scheduled.ts';
import { intEnv } from '../_shared/settings.ts';

export interface CommentCheckConfig {
  wechat: { apiBase: string; appid: string; secret: string } | null;
  /** An operator's openid for comments whose rater has none usable (see above). */
  fallbackOpenid: string | null;
  timeoutMs: number;
}

const env = (name: string) => Deno.env.get(name)?.trim() || undefined;

export function configFromEnv(): CommentCheckConfig {
  const apiBase = env('WECHAT_API_BASE'), appid = env('WECHAT_APPID'), secret = env('WECHAT_SECRET');
  return {
    wechat: apiBase && appid && secret ? { apiBase, appid, secret } : null,
    fallbackOpenid: env('WECHAT_SEC_CHECK_OPENID') ?? null,
    timeoutMs: intEnv('COMMENT_CHECK_TIMEOUT_MS', 8000),
  };
}

export const CommentCheckRequest = z.object({ limit: z.number().int().min(1).max(200).optional() }).strict();
export const CommentCheckResponse = z.object({
  claimed: z.number().int(), pending: z.number().int(), risky: z.number().int(), retry: z.number().int(), stale: z.number().int(),
});
export type CommentCheckResponse = z.infer<typeof CommentCheckResponse>;

const Claimed = z.object({ id: z.guid(), content: z.string(), content_md5: z.string(), openid: z.string().nullable() });
const Booked = z.enum(['pending', 'risky', 'retry', 'stale']);
const WechatAnswer = z.object({
  errcode: z.number().int().optional(),
  errmsg: z.string().optional(),
  access_token: z.string().optional(),
  expires_in: z.number().optional(),
  trace_id: z.string().optional(),
  result: z.object({ suggest: z.enum(['pass', 'review', 'risky']), label: z.number().int() }).optional(),
});
type Answer = z.infer<typeof WechatAnswer>;

/** Errcodes that mean "this access token is no good": fetch a new one and try again once. */
const TOKEN_ERRCODES = new Set([40001, 42001, 40014]);
/** 61010: the openid's user has not used the mini-program in the last 2 hours. */
const VISIT_EXPIRED = 61010;

export type Verdict = { suggest: 'pass' | 'review' | 'risky'; label: number; traceId: string | null } | { error: string };

/** msgSecCheck v2 with a stable_token access token, kept between runs like one function instance would. */
export class SecCheckClient {
  #token: { value: string; expiresAt: number } | undefined;
  tokensFetched = 0;

  constructor(private readonly cfg: NonNullable<CommentCheckConfig['wechat']>, private readonly timeoutMs: number) {}

  async #post(path: string, query: Record<string, string>, body: unknown): Promise<Answer | string> {
    const url = new URL(path, this.cfg.apiBase);
    url.search = new URLSearchParams(query).toString();
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      return (err as Error).name === 'TimeoutError' ? 'timeout' : 'network';
    }
    const text = await res.text();
    if (!res.ok) return res.status >= 500 ? 'http_5xx' : `http_${res.status}`;
    try {
      return WechatAnswer.parse(JSON.parse(text));
    } catch {
      return 'bad_answer';
    }
  }

  async #accessToken(force: boolean): Promise<string | { error: string }> {
    if (!force && this.#token && this.#token.expiresAt > Date.now()) return this.#token.value;
    this.tokensFetched++;
    const got = await this.#post('/cgi-bin/stable_token', {}, {
      grant_type: 'client_credential', appid: this.cfg.appid, secret: this.cfg.secret, force_refresh: force,
    });
    if (typeof got === 'string') return { error: got };
    if ((got.errcode ?? 0) !== 0 || !got.access_token) return { error: `token_${got.errcode ?? 'missing'}` };
    this.#token = { value: got.access_token, expiresAt: Date.now() + Math.max((got.expires_in ?? 7200) - 300, 60) * 1000 };
    return this.#token.value;
  }

  async check(content: string, openid: string): Promise<Verdict | { errcode: number }> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await this.#accessToken(attempt > 0);
      if (typeof token !== 'string') return token;
      const got = await this.#post('/wxa/msg_sec_check', { access_token: token }, { content, version: 2, scene: 2, openid });
      if (typeof got === 'string') return { error: got };
      const errcode = got.errcode ?? 0;
      if (errcode === 0) {
        if (!got.result) return { error: 'bad_answer' };
        return { suggest: got.result.suggest, label: got.result.label, traceId: got.trace_id ?? null };
      }
      if (TOKEN_ERRCODES.has(errcode) && attempt === 0) continue;
      return { errcode };
    }
    return { error: 'token_rejected' };
  }
}

export interface CommentCheckDeps {
  db?: () => SupabaseClient;
  now?: () => Date;
  client?: SecCheckClient;
}

export function createHandler(config: CommentCheckConfig, deps: CommentCheckDeps = {}): (req: Request) => Promise<Response> {
  const db = deps.db ?? serviceClient;
  const now = deps.now ?? (() => new Date());
  const client = config.wechat ? (deps.client ?? new SecCheckClient(config.wechat, config.timeoutMs)) : undefined;

  async function rpc<T extends z.ZodType>(name: string, args: Record<string, unknown>, schema: T): Promise<z.infer<T>> {
    const { data, error } = await db().rpc(name, args);
    if (error) throw new Error(`${name} failed: ${error.code ?? ''} ${error.message}`);
    return schema.parse(data);
  }

  return handle('comment-check', async (req) => {
    if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed');
    await requireScheduler(req, 'comment-check');
    const options = await readOptions(req, CommentCheckRequest);
    return recordedRun(db, 'comment-check', async () => {
      if (!config.wechat || !client) {
        return {
          response: json({ code: 'content_check_not_configured', message: COMMENT_ERRORS.content_check_not_configured.message },
            COMMENT_ERRORS.content_check_not_configured.status),
          rows: 0, detail: {}, failed: 'content_check_not_configured',
        };
      }
      const summary: CommentCheckResponse = { claimed: 0, pending: 0, risky: 0, retry: 0, stale: 0 };
      const rows = await rpc('claim_comment_checks', {
        p_wechat_app_id: config.wechat.appid, p_limit: options.limit ?? 20, p_now: now().toISOString(),
      }, Claimed.array());
      summary.claimed = rows.length;
      for (const row of rows) {
        let verdict: Verdict | { errcode: number } | undefined;
        const openids = [row.openid, config.fallbackOpenid].filter((o, i, all): o is string => !!o && all.indexOf(o) === i);
        if (openids.length === 0) verdict = { error: 'no_openid' };
        for (const openid of openids) {
          verdict = await client.check(row.content, openid);
          // The rater has not used the mini-program lately: the operator's openid, if set.
          if (!('errcode' in verdict && verdict.errcode === VISIT_EXPIRED)) break;
        }
        const booked = verdict && 'suggest' in verdict
          ? await rpc('record_comment_check', {
            p_id: row.id, p_content_md5: row.content_md5, p_suggest: verdict.suggest, p_label: verdict.label,
            p_trace_id: verdict.traceId, p_now: now().toISOString(),
          }, Booked)
          : await rpc('record_comment_check', {
            p_id: row.id, p_content_md5: row.content_md5, p_suggest: null,
            p_error: verdict && 'errcode' in verdict ? `wechat_${verdict.errcode}` : (verdict as { error: string }).error,
            p_now: now().toISOString(),
          }, Booked);
        summary[booked]++;
      }
      return { response: json(summary), rows: summary.claimed, detail: { ...summary } };
    });
  });
}

export const handler = createHandler(configFromEnv());
