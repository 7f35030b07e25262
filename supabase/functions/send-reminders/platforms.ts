/**
 * The two ways a reminder goes out, each answering with the code record_reminder_result books:
 * '' for sent, else the platform's error code ('43101', '40003', '47003', '45009', '-1', …) or one
 * of ours: 'timeout', 'network', 'http_5xx' (retried with backoff), 'http_<status>',
 * 'bad_answer', 'token_<errcode>', 'alipay_<sub_code or code>', 'alipay_bad_signature' (failed).
 *
 * WeChat: `POST /cgi-bin/stable_token { grant_type: client_credential, appid, secret, force_refresh }` (kept until shortly before
 * it expires; fetched again when a send answers 40001 / 42001 / 40014, once per message), then
 * `POST /cgi-bin/message/subscribe/send?access_token=…`
 *   { touser, template_id, page, data: { key: { value } }, miniprogram_state, lang: 'zh_CN' }.
 * Alipay: `alipay.open.app.mini.templatemessage.send` through the gateway, RSA2-signed like the
 * login (auth-alipay's helpers), biz_content { to_user_id | to_open_id, user_template_id, page,
 * data: '<JSON text>' }; the answer's signature is verified before a success is believed. Alipay's
 * 20000 (服务暂不可用) is booked as '-1' (busy, retried).
 */
import { z } from 'zod';
import type { TemplateData } from '../_shared/contract/reminders.ts';
import { rawNode, signedParams, verifyAlipaySign } from '../_shared/alipay.ts';
import type { AlipaySender, WechatSender } from './config.ts';

export interface Message {
  recipient: string;
  templateId: string;
  page: string;
  data: TemplateData;
}

/** '' = sent; anything else = the error code to record. */
export type Outcome = string;

interface Fetched { status: number; text: string }

async function fetchText(url: string | URL, init: RequestInit, timeoutMs: number): Promise<Fetched | Outcome> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, text: await res.text() };
  } catch (err) {
    const e = err as Error;
    return e.name === 'TimeoutError' ? 'timeout' : 'network';
  }
}

const httpCode = (status: number) => (status >= 500 ? 'http_5xx' : `http_${status}`);

const WechatAnswer = z.object({
  errcode: z.number().int().optional(),
  errmsg: z.string().optional(),
  access_token: z.string().optional(),
  expires_in: z.number().optional(),
});

/** Errcodes that mean "this access token is no good": fetch a new one and try again once. */
const TOKEN_ERRCODES = new Set([40001, 42001, 40014]);

export class WechatClient {
  #token: Promise<{ value: string; expiresAt: number } | Outcome> | undefined;
  /** How many access tokens this client fetched (tests read it). */
  tokensFetched = 0;

  constructor(private readonly cfg: WechatSender, private readonly timeoutMs: number, private readonly clock: () => number = Date.now) {}

  /**
   * The access token from `POST /cgi-bin/stable_token` (issue 15.5), not the legacy
   * `GET /cgi-bin/token`: every call of the legacy one invalidates the token other servers hold
   * (two function instances would keep logging each other out); the stable one answers the same
   * token while it is valid. `force_refresh` only after WeChat called our token invalid.
   */
  async #fetchToken(forceRefresh: boolean): Promise<{ value: string; expiresAt: number } | Outcome> {
    this.tokensFetched++;
    const url = new URL('/cgi-bin/stable_token', this.cfg.apiBase);
    const got = await fetchText(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credential', appid: this.cfg.appid, secret: this.cfg.secret, force_refresh: forceRefresh }),
    }, this.timeoutMs);
    if (typeof got === 'string') return got;
    if (got.status < 200 || got.status > 299) return httpCode(got.status);
    let body: z.infer<typeof WechatAnswer>;
    try {
      body = WechatAnswer.parse(JSON.parse(got.text));
    } catch {
      return 'bad_answer';
    }
    if (body.errcode !== undefined && body.errcode !== 0) {
      console.error(`[send-reminders] access token refused: ${body.errcode} ${body.errmsg ?? ''}`);
      return body.errcode === -1 || body.errcode === 45009 ? String(body.errcode) : `token_${body.errcode}`;
    }
    if (!body.access_token) return 'bad_answer';
    // Kept until 5 minutes before it expires (WeChat keeps the old one valid a while after a refresh).
    return { value: body.access_token, expiresAt: this.clock() + Math.max((body.expires_in ?? 7200) - 300, 60) * 1000 };
  }

  async #accessToken(fresh: boolean): Promise<string | { error: Outcome }> {
    let current = this.#token ? await this.#token : undefined;
    if (fresh || current === undefined || typeof current === 'string' || current.expiresAt <= this.clock()) {
      this.#token = this.#fetchToken(fresh);
      current = await this.#token;
    }
    if (typeof current === 'string') {
      this.#token = undefined; // a failure is not cached: the next message tries again
      return { error: current };
    }
    return current.value;
  }

  async send(m: Message): Promise<Outcome> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await this.#accessToken(attempt > 0);
      if (typeof token !== 'string') return token.error;
      const url = new URL('/cgi-bin/message/subscribe/send', this.cfg.apiBase);
      url.search = new URLSearchParams({ access_token: token }).toString();
      const got = await fetchText(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          touser: m.recipient,
          template_id: m.templateId,
          page: m.page,
          data: m.data,
          miniprogram_state: this.cfg.miniprogramState,
          lang: 'zh_CN',
        }),
      }, this.timeoutMs);
      if (typeof got === 'string') return got;
      if (got.status < 200 || got.status > 299) return httpCode(got.status);
      let body: z.infer<typeof WechatAnswer>;
      try {
        body = WechatAnswer.parse(JSON.parse(got.text));
      } catch {
        return 'bad_answer';
      }
      const errcode = body.errcode ?? 0;
      if (errcode === 0) return '';
      if (TOKEN_ERRCODES.has(errcode) && attempt === 0) continue;
      return String(errcode);
    }
    return 'token_rejected';
  }
}

export const ALIPAY_METHOD = 'alipay.open.app.mini.templatemessage.send';
export const ALIPAY_RESPONSE_NODE = 'alipay_open_app_mini_templatemessage_send_response';

const AlipayNode = z.object({ code: z.string(), msg: z.string().optional(), sub_code: z.string().optional(), sub_msg: z.string().optional() });

/** Alipay's user ids are 2088 + 12 digits; newer apps get an open_id instead. */
export const isAlipayUserId = (subject: string) => /^2088\d{12}$/.test(subject);

export async function sendAlipay(cfg: AlipaySender, timeoutMs: number, m: Message): Promise<Outcome> {
  const biz = {
    ...(isAlipayUserId(m.recipient) ? { to_user_id: m.recipient } : { to_open_id: m.recipient }),
    user_template_id: m.templateId,
    page: m.page,
    data: JSON.stringify(m.data),
  };
  const params = await signedParams(cfg, ALIPAY_METHOD, { biz_content: JSON.stringify(biz) });
  const got = await fetchText(cfg.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
    body: new URLSearchParams(params).toString(),
  }, timeoutMs);
  if (typeof got === 'string') return got;
  if (got.status < 200 || got.status > 299) return httpCode(got.status);
  let envelope: Record<string, unknown>;
  try {
    envelope = JSON.parse(got.text) as Record<string, unknown>;
  } catch {
    return 'bad_answer';
  }
  const okRaw = rawNode(got.text, ALIPAY_RESPONSE_NODE);
  const raw = okRaw ?? rawNode(got.text, 'error_response');
  if (raw === undefined) return 'bad_answer';
  const parsed = AlipayNode.safeParse(JSON.parse(raw));
  if (!parsed.success) return 'bad_answer';
  const node = parsed.data;
  if (node.code === '10000') {
    if (!(await verifyAlipaySign(cfg.publicKey, raw, envelope.sign))) {
      console.error('[send-reminders] Alipay\'s answer does not verify with ALIPAY_PUBLIC_KEY');
      return 'alipay_bad_signature';
    }
    return '';
  }
  if (node.code === '20000') return '-1';
  console.warn(`[send-reminders] Alipay refused a message: ${node.code} ${node.sub_code ?? ''} ${node.sub_msg ?? node.msg ?? ''}`);
  return `alipay_${node.sub_code ?? node.code}`;
}
