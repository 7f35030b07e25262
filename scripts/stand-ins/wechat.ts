/**
 * Stand-in for WeChat's `GET /sns/jscode2session` (小程序登录 code2Session), speaking its real
 * format: HTTP 200 with a text/plain JSON body, `{ openid, session_key[, unionid] }` on success,
 * `{ errcode, errmsg }` on failure — 40029 invalid code, 40163 code been used, 45011 minute
 * quota, 40226 high risk user, -1 system busy, 40013 invalid appid, 40125 invalid appsecret.
 *
 * A code works once. Tests register codes (and the answer each gives) through the control API;
 * codes of the form `dev-<name>` are accepted without registration and any number of times (a
 * stable openid per name), so the local mini-program can log in; the seed links
 * `dev-<persona>` to each demo persona.
 *   POST /__control/codes  { code, openid?, unionid?, session_key?, errcode?, errmsg? }
 *   POST /__control/fault  { delay_ms?, status?, times? }  (the next `times` calls, default 1)
 *
 * Subscribe messages (R17), in the same format:
 *   POST /cgi-bin/stable_token { grant_type: 'client_credential', appid, secret, force_refresh? }
 *        → { access_token, expires_in }: the same token while it is valid (expires_in counts
 *        down), a new one when it expired or with force_refresh: true (what send-reminders uses)
 *        (40013 invalid appid, 40125 invalid appsecret, 40002 invalid grant_type, 47001 data
 *        format error for a body that is no JSON object)
 *   GET  /cgi-bin/token?grant_type=client_credential&appid&secret → { access_token, expires_in: 7200 }
 *        (the legacy call: a new token every time; kept so that a test can see it is not used)
 *   POST /cgi-bin/message/subscribe/send?access_token=… { touser, template_id, page?, data,
 *        miniprogram_state?, lang? } → { errcode: 0, errmsg: 'ok', msgid } or an error: 40001 invalid
 *        credential (unknown token), 42001 access_token expired, 40003 invalid openid, 40037 invalid
 *        template_id, 47003 argument invalid (a data value breaking its key type's limits: thing ≤ 20,
 *        character_string ≤ 32, phrase ≤ 5 Chinese characters, time, date, …), 43101 user refuse to
 *        accept the msg, 45009 reach max api daily quota limit, -1 system error.
 *   GET  /__control/messages      → { messages } the sends it accepted (oldest first)
 *   POST /__control/send-faults   { errcode?, status?, delay_ms?, times? }  the next `times` sends
 *        (default 1) answer errcode (or HTTP status, or wait delay_ms first)
 *   POST /__control/expire-tokens every access token issued so far answers 42001 from now on
 *
 * Content security (issue 15.4), msgSecCheck v2:
 *   POST /wxa/msg_sec_check?access_token=… { content, version: 2, scene: 1-4, openid, title?, nickname?, signature? }
 *        → { errcode: 0, errmsg: 'ok', result: { suggest, label }, detail: [...], trace_id }. Deterministic:
 *        content containing 违禁词 → risky (label 20006 违法犯罪), containing 待复核 → review (label 20001
 *        时政), anything else pass (label 100). Errors: 40001 / 42001 token, 40003 openid that is no
 *        openid, 47001 a body that is no JSON object, 61010 (user visit record expired) for an openid
 *        registered through /__control/stale-openids, 47003 for a missing or too long content
 *        (> 2500 characters) or a version / scene out of range; the send-faults above apply here too.
 *   GET  /__control/sec-checks → { checks } what it was asked (oldest first)
 *   POST /__control/stale-openids { openids: string[] }
 */
import { createHash, randomBytes } from 'node:crypto';
import { startStandIn, sleep, type Received, type Reply, type RunningStandIn } from './common.ts';

export const WECHAT_ERRORS: Record<number, string> = {
  40029: 'invalid code',
  40163: 'code been used',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  40226: 'high risk user',
  [-1]: 'system error',
  40013: 'invalid appid',
  40125: 'invalid appsecret',
  40001: 'invalid credential, access_token is invalid or not latest',
  42001: 'access_token expired',
  40003: 'invalid openid',
  40037: 'invalid template_id',
  47003: 'argument invalid!',
  43101: 'user refuse to accept the msg',
  45009: 'reach max api daily quota limit',
};

/** The limits WeChat puts on a subscribe message's data values, by the type its key names. */
const VALUE_RULES: Record<string, (v: string) => boolean> = {
  thing: (v) => [...v].length >= 1 && [...v].length <= 20,
  character_string: (v) => /^[\x21-\x7e]{1,32}$/.test(v),
  phrase: (v) => /^[\u4e00-\u9fff]{1,5}$/.test(v),
  time: (v) => /^\d{4}年\d{2}月\d{2}日( \d{2}:\d{2}(:\d{2})?)?$/.test(v) || /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/.test(v),
  date: (v) => /^\d{4}年\d{1,2}月\d{1,2}日( \d{2}:\d{2})?$/.test(v) || /^\d{4}-\d{2}-\d{2}$/.test(v),
  number: (v) => /^[+-]?\d+(\.\d+)?$/.test(v) && v.length <= 32,
  letter: (v) => /^[A-Za-z]{1,32}$/.test(v),
  symbol: (v) => /^[^\p{L}\p{N}\s]{1,5}$/u.test(v),
  name: (v) => [...v].length >= 1 && [...v].length <= 10,
  amount: (v) => /^\d+(\.\d{1,2})?元?$/.test(v),
  car_number: (v) => [...v].length >= 1 && [...v].length <= 8,
  phone_number: (v) => /^[\d+\-() ]{1,17}$/.test(v),
};

/** Why a subscribe message's data is refused (47003), or undefined when it fits. */
export function subscribeDataProblem(data: unknown): string | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return 'data must be an object';
  const entries = Object.entries(data as Record<string, unknown>);
  if (entries.length === 0) return 'data is empty';
  for (const [key, item] of entries) {
    const type = /^([a-z_]+?)\d+$/.exec(key)?.[1];
    const rule = type ? VALUE_RULES[type] : undefined;
    if (!rule) return `data.${key} is not a template keyword`;
    const value = (item as { value?: unknown } | null)?.value;
    if (typeof value !== 'string' || !rule(value)) return `data.${key}.value invalid`;
  }
  return undefined;
}

export interface SubscribeMessage {
  touser: string;
  template_id: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogram_state?: string;
  lang?: string;
  msgid: number;
}

interface CodeSetup {
  openid?: string;
  unionid?: string;
  session_key?: string;
  errcode?: number;
  errmsg?: string;
}

const rid = () => randomBytes(6).toString('hex');
const plain = (body: unknown): Reply => ({ body: JSON.stringify(body), contentType: 'text/plain' });
const error = (errcode: number, errmsg?: string): Reply =>
  plain({ errcode, errmsg: `${errmsg ?? WECHAT_ERRORS[errcode] ?? 'error'}, rid: ${rid()}` });

export const stableOpenid = (appid: string, name: string) =>
  'o' + createHash('sha256').update(`${appid}:${name}`).digest('base64url').slice(0, 27);

export function startWechatStandIn(opts: { appid: string; secret: string; log?: (line: string) => void }): Promise<RunningStandIn> {
  const codes = new Map<string, CodeSetup>();
  const used = new Set<string>();
  let fault: { delay_ms: number; status: number | undefined; times: number } | undefined;
  const tokens = new Map<string, { expired: boolean }>();
  const messages: SubscribeMessage[] = [];
  let sendFault: { errcode?: number; status?: number; delay_ms: number; times: number } | undefined;
  let msgid = 1_000_000;
  const secChecks: Array<{ content: string; version: unknown; scene: unknown; openid: unknown; suggest: string }> = [];
  const staleOpenids = new Set<string>();

  function token(req: Received): Reply {
    const { appid, secret, grant_type: grantType } = req.query;
    if (req.method !== 'GET') return error(-1);
    if (grantType !== 'client_credential') return plain({ errcode: 40002, errmsg: `invalid grant_type, rid: ${rid()}` });
    if (appid !== opts.appid) return error(40013);
    if (secret !== opts.secret) return error(40125);
    const value = randomBytes(48).toString('base64url');
    tokens.set(value, { expired: false });
    return plain({ access_token: value, expires_in: 7200 });
  }

  /** The stable token: one value while valid; a new one when expired or forced. */
  let stable: { value: string; issuedAt: number } | undefined;
  function stableToken(req: Received): Reply {
    if (req.method !== 'POST') return error(-1);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not an object');
    } catch {
      return plain({ errcode: 47001, errmsg: `data format error, rid: ${rid()}` });
    }
    if (body.grant_type !== 'client_credential') return plain({ errcode: 40002, errmsg: `invalid grant_type, rid: ${rid()}` });
    if (body.appid !== opts.appid) return error(40013);
    if (body.secret !== opts.secret) return error(40125);
    const now = Date.now();
    const current = stable && tokens.get(stable.value);
    if (!stable || !current || current.expired || body.force_refresh === true || now - stable.issuedAt >= 7200_000) {
      stable = { value: randomBytes(48).toString('base64url'), issuedAt: now };
      tokens.set(stable.value, { expired: false });
    }
    return plain({ access_token: stable.value, expires_in: Math.max(1, 7200 - Math.floor((now - stable.issuedAt) / 1000)) });
  }

  /**
   * What a server API checks first: the access token (40001 unknown, 42001 expired), then the
   * fault a test injected (a delay, an HTTP error page, an errcode). Null when the call goes on.
   */
  async function tokenOrFault(req: Received): Promise<Reply | null> {
    const t = tokens.get(req.query.access_token ?? '');
    if (!t) return error(40001);
    if (t.expired) return error(42001);
    if (sendFault && sendFault.times > 0) {
      sendFault.times--;
      await sleep(sendFault.delay_ms);
      if (sendFault.status) return { status: sendFault.status, body: '<html>502 Bad Gateway</html>', contentType: 'text/html' };
      if (sendFault.errcode !== undefined) return error(sendFault.errcode);
    }
    return null;
  }

  async function subscribeSend(req: Received): Promise<Reply> {
    if (req.method !== 'POST') return error(-1);
    const refused = await tokenOrFault(req);
    if (refused) return refused;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      return plain({ errcode: 47001, errmsg: `data format error, rid: ${rid()}` });
    }
    if (typeof body.touser !== 'string' || !/^o[A-Za-z0-9_-]{20,40}$/.test(body.touser)) return error(40003);
    if (typeof body.template_id !== 'string' || body.template_id === '') return error(40037);
    if (body.page !== undefined && typeof body.page !== 'string') return error(47003, 'argument invalid! page');
    if (body.miniprogram_state !== undefined && !['developer', 'trial', 'formal'].includes(String(body.miniprogram_state))) {
      return error(47003, 'argument invalid! miniprogram_state');
    }
    if (body.lang !== undefined && !['zh_CN', 'en_US', 'zh_HK', 'zh_TW'].includes(String(body.lang))) return error(47003, 'argument invalid! lang');
    const problem = subscribeDataProblem(body.data);
    if (problem) return error(47003, `argument invalid! ${problem}`);
    const id = ++msgid;
    messages.push({ ...(body as unknown as SubscribeMessage), msgid: id });
    if (messages.length > 1000) messages.shift();
    return plain({ errcode: 0, errmsg: 'ok', msgid: id });
  }

  /** msgSecCheck v2 (POST /wxa/msg_sec_check): a verdict from marker words, so tests know the answer. */
  async function msgSecCheck(req: Received): Promise<Reply> {
    if (req.method !== 'POST') return error(-1);
    const refused = await tokenOrFault(req);
    if (refused) return refused;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not an object');
    } catch {
      return plain({ errcode: 47001, errmsg: `data format error, rid: ${rid()}` });
    }
    if (body.version !== 2) return error(47003, 'argument invalid! version');
    if (typeof body.scene !== 'number' || ![1, 2, 3, 4].includes(body.scene)) return error(47003, 'argument invalid! scene');
    if (typeof body.openid !== 'string' || !/^o[A-Za-z0-9_-]{20,40}$/.test(body.openid)) return error(40003);
    if (staleOpenids.has(body.openid)) return error(61010, 'user visit record expired');
    if (typeof body.content !== 'string' || body.content === '' || [...body.content].length > 2500) return error(47003, 'argument invalid! content');
    const [suggest, label] = body.content.includes('违禁词') ? ['risky', 20006] : body.content.includes('待复核') ? ['review', 20001] : ['pass', 100];
    secChecks.push({ content: body.content, version: body.version, scene: body.scene, openid: body.openid, suggest });
    if (secChecks.length > 1000) secChecks.shift();
    const traceId = `${rid()}-${Date.now()}`;
    return plain({
      errcode: 0, errmsg: 'ok', trace_id: traceId,
      result: { suggest, label },
      detail: [{ strategy: 'content_model', errcode: 0, suggest, label, prob: suggest === 'pass' ? 0 : 90 }],
    });
  }

  return startStandIn({
    name: 'wechat',
    reset() {
      codes.clear();
      used.clear();
      fault = undefined;
      tokens.clear();
      stable = undefined;
      messages.length = 0;
      sendFault = undefined;
      secChecks.length = 0;
      staleOpenids.clear();
    },
    async serve(req: Received) {
      if (req.path === '/cgi-bin/stable_token') return stableToken(req);
      if (req.path === '/cgi-bin/token') return token(req);
      if (req.path === '/cgi-bin/message/subscribe/send') return subscribeSend(req);
      if (req.path === '/wxa/msg_sec_check') return msgSecCheck(req);
      if (req.path !== '/sns/jscode2session') return undefined;
      if (fault && fault.times > 0) {
        fault.times--;
        await sleep(fault.delay_ms);
        if (fault.status) return { status: fault.status, body: '<html>502 Bad Gateway</html>', contentType: 'text/html' };
      }
      if (req.method !== 'GET') return error(-1);
      const { appid, secret, js_code: code, grant_type: grantType } = req.query;
      if (appid !== opts.appid) return error(40013);
      if (secret !== opts.secret) return error(40125);
      if (grantType !== 'authorization_code') return plain({ errcode: 40002, errmsg: `invalid grant_type, rid: ${rid()}` });
      if (!code) return plain({ errcode: 41008, errmsg: `missing code, rid: ${rid()}` });
      let setup = codes.get(code);
      if (!setup && code.startsWith('dev-')) setup = { openid: stableOpenid(opts.appid, code.slice(4)) };
      if (!setup) return error(40029);
      if (used.has(code)) return error(40163);
      if (!code.startsWith('dev-')) used.add(code);
      if (setup.errcode !== undefined) return error(setup.errcode, setup.errmsg);
      return plain({
        session_key: setup.session_key ?? randomBytes(16).toString('base64'),
        openid: setup.openid ?? stableOpenid(opts.appid, code),
        ...(setup.unionid ? { unionid: setup.unionid } : {}),
      });
    },
    control(method, path, body) {
      const b = (body ?? {}) as Record<string, unknown>;
      if (method === 'POST' && path === 'codes') {
        if (typeof b.code !== 'string' || b.code === '') return { status: 400, body: { error: 'code is required' } };
        codes.set(b.code, b as CodeSetup);
        used.delete(b.code);
        return { body: { ok: true } };
      }
      if (method === 'POST' && path === 'fault') {
        fault = { delay_ms: Number(b.delay_ms ?? 0), status: b.status === undefined ? undefined : Number(b.status), times: Number(b.times ?? 1) };
        return { body: { ok: true } };
      }
      if (method === 'GET' && path === 'messages') return { body: { messages } };
      if (method === 'GET' && path === 'sec-checks') return { body: { checks: secChecks } };
      if (method === 'POST' && path === 'stale-openids') {
        for (const o of Array.isArray(b.openids) ? b.openids : []) if (typeof o === 'string') staleOpenids.add(o);
        return { body: { ok: true } };
      }
      if (method === 'POST' && path === 'send-faults') {
        sendFault = {
          errcode: b.errcode === undefined ? undefined : Number(b.errcode),
          status: b.status === undefined ? undefined : Number(b.status),
          delay_ms: Number(b.delay_ms ?? 0),
          times: Number(b.times ?? 1),
        };
        return { body: { ok: true } };
      }
      if (method === 'POST' && path === 'expire-tokens') {
        for (const t of tokens.values()) t.expired = true;
        return { body: { ok: true, expired: tokens.size } };
      }
      return undefined;
    },
  }, { log: opts.log });
}
