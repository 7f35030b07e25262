/**
 * Stand-in for the Alipay open-platform gateway (`/gateway.do`), method
 * `alipay.system.oauth.token` (换取授权访问令牌), speaking its real protocol:
 * - the request's common parameters (app_id, method, format, charset, sign_type=RSA2,
 *   timestamp `yyyy-MM-dd HH:mm:ss`, version 1.0) and grant_type/code, in the query string or
 *   a form body, signed SHA256withRSA by the app's private key over the sorted `k=v&…` string
 *   of every non-empty parameter but `sign`; the stand-in verifies it with the app public key;
 * - the answer `{"alipay_system_oauth_token_response":{…},"sign":"…"}` or
 *   `{"error_response":{code,msg,sub_code,sub_msg},"sign":"…"}`, signed by the platform's
 *   private key over the exact JSON text of the node (unsigned when the app is unknown).
 * Codes work once. Unknown or used codes answer 40002 isv.code-invalid.
 *   POST /__control/codes  { code, user_id?, open_id?, error?: { code, msg, sub_code, sub_msg } }
 *   POST /__control/fault  { delay_ms?, status?, bad_sign?, times? }  (the next `times` calls)
 * Codes `dev-<name>` are accepted without registration, any number of times (a stable user id
 * per name); the seed links `dev-<persona>` to each demo persona.
 *
 * Mini-program subscribe/template messages (R17), method `alipay.open.app.mini.templatemessage.send`,
 * same signing: biz_content { to_user_id (2088…) | to_open_id, user_template_id, page, data: '<JSON
 * text of { keywordN: { value } }>' } → `{"alipay_open_app_mini_templatemessage_send_response":
 * {"code":"10000","msg":"Success"},"sign":"…"}`, or 40001 isv.missing-* / 40002 isv.invalid-*
 * for a missing or malformed field, or a set-up error.
 *   GET  /__control/messages          → { messages } the ones it accepted (biz_content parsed, oldest first)
 *   POST /__control/message-faults    { error?: { code, msg, sub_code, sub_msg }, status?, delay_ms?, times? }
 *        the next `times` sends (default 1) answer that error (or HTTP status, or wait first)
 */
import { createHash, createSign, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { startStandIn, sleep, type Received, type Reply, type RunningStandIn } from './common.ts';

export const RESPONSE_NODE = 'alipay_system_oauth_token_response';
export const TEMPLATE_METHOD = 'alipay.open.app.mini.templatemessage.send';
export const TEMPLATE_RESPONSE_NODE = 'alipay_open_app_mini_templatemessage_send_response';

export interface AlipayTemplateMessage {
  to_user_id?: string;
  to_open_id?: string;
  user_template_id: string;
  page?: string;
  data: Record<string, { value: string }>;
}

interface AlipayError { code: string; msg: string; sub_code: string; sub_msg: string }
interface CodeSetup { user_id?: string; open_id?: string; error?: AlipayError }

const INVALID_ARGS = (sub_code: string, sub_msg: string): AlipayError => ({ code: '40002', msg: 'Invalid Arguments', sub_code, sub_msg });
const MISSING = (sub_code: string, sub_msg: string): AlipayError => ({ code: '40001', msg: 'Missing Required Arguments', sub_code, sub_msg });

/** The string both sides sign: sorted `k=v` of every non-empty parameter except `sign`. */
export function alipaySignContent(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

export const stableAlipayUserId = (name: string) =>
  '2088' + BigInt('0x' + createHash('sha256').update(name).digest('hex').slice(0, 15)).toString().padStart(12, '0').slice(0, 12);

export function startAlipayStandIn(opts: {
  appId: string;
  /** The app's public key (SPKI PEM) that request signatures are checked with. */
  appPublicKey: string;
  /** The platform's private key (PKCS#8 PEM) that answers are signed with. */
  platformPrivateKey: string;
  log?: (line: string) => void;
}): Promise<RunningStandIn> {
  const codes = new Map<string, CodeSetup>();
  const used = new Set<string>();
  let fault: { delay_ms: number; status?: number; bad_sign: boolean; times: number } | undefined;
  const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const messages: AlipayTemplateMessage[] = [];
  let messageFault: { error?: AlipayError; status?: number; delay_ms: number; times: number } | undefined;

  const sign = (text: string, badSign: boolean) => {
    const signer = createSign('RSA-SHA256');
    signer.update(text, 'utf8');
    return badSign ? signer.sign(strangerKey, 'base64') : signer.sign(opts.platformPrivateKey, 'base64');
  };
  const envelope = (node: string, payload: unknown, signed: boolean, badSign = false): Reply => {
    const text = JSON.stringify(payload);
    const body = signed ? `{"${node}":${text},"sign":"${sign(text, badSign)}"}` : `{"${node}":${text}}`;
    return { body, contentType: 'text/html;charset=utf-8' };
  };
  const fail = (e: AlipayError, signed: boolean, badSign = false) => envelope('error_response', e, signed, badSign);

  async function templateMessage(params: Record<string, string>, badSign: boolean): Promise<Reply> {
    if (messageFault && messageFault.times > 0) {
      messageFault.times--;
      await sleep(messageFault.delay_ms);
      if (messageFault.status) return { status: messageFault.status, body: '<html>503 Service Temporarily Unavailable</html>', contentType: 'text/html' };
      if (messageFault.error) return fail(messageFault.error, true, badSign);
    }
    if (!params.biz_content) return fail(MISSING('isv.missing-biz-content', '缺少业务参数'), true, badSign);
    let biz: Record<string, unknown>;
    try {
      biz = JSON.parse(params.biz_content) as Record<string, unknown>;
    } catch {
      return fail(INVALID_ARGS('isv.invalid-biz-content', '业务参数格式错误'), true, badSign);
    }
    const toUser = typeof biz.to_user_id === 'string' && biz.to_user_id !== '' ? biz.to_user_id : undefined;
    const toOpen = typeof biz.to_open_id === 'string' && biz.to_open_id !== '' ? biz.to_open_id : undefined;
    if (!toUser && !toOpen) return fail(MISSING('isv.missing-to-user-id', '缺少to_user_id参数'), true, badSign);
    if (toUser && !/^2088\d{12}$/.test(toUser)) return fail(INVALID_ARGS('isv.invalid-to-user-id', 'to_user_id参数无效'), true, badSign);
    if (typeof biz.user_template_id !== 'string' || biz.user_template_id === '') {
      return fail(MISSING('isv.missing-user-template-id', '缺少user_template_id参数'), true, badSign);
    }
    if (biz.page !== undefined && (typeof biz.page !== 'string' || biz.page.length > 128)) {
      return fail(INVALID_ARGS('isv.invalid-page', 'page参数无效'), true, badSign);
    }
    let data: unknown;
    try {
      data = typeof biz.data === 'string' ? JSON.parse(biz.data) : undefined;
    } catch {
      data = undefined;
    }
    const fits = data !== null && typeof data === 'object' && !Array.isArray(data) && Object.keys(data).length > 0
      && typeof biz.data === 'string' && biz.data.length <= 2048
      && Object.entries(data as Record<string, unknown>).every(([k, v]) =>
        /^keyword\d+$/.test(k) && typeof (v as { value?: unknown } | null)?.value === 'string');
    if (!fits) return fail(INVALID_ARGS('isv.invalid-data', 'data参数格式错误'), true, badSign);
    messages.push({
      ...(toUser ? { to_user_id: toUser } : { to_open_id: toOpen }),
      user_template_id: biz.user_template_id,
      ...(typeof biz.page === 'string' ? { page: biz.page } : {}),
      data: data as Record<string, { value: string }>,
    });
    if (messages.length > 1000) messages.shift();
    return envelope(TEMPLATE_RESPONSE_NODE, { code: '10000', msg: 'Success' }, true, badSign);
  }

  return startStandIn({
    name: 'alipay',
    reset() {
      codes.clear();
      used.clear();
      fault = undefined;
      messages.length = 0;
      messageFault = undefined;
    },
    async serve(req: Received) {
      if (req.path !== '/gateway.do') return undefined;
      let badSign = false;
      if (fault && fault.times > 0) {
        fault.times--;
        await sleep(fault.delay_ms);
        if (fault.status) return { status: fault.status, body: '<html>503 Service Temporarily Unavailable</html>', contentType: 'text/html' };
        badSign = fault.bad_sign;
      }
      const form = req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')
        ? Object.fromEntries(new URLSearchParams(req.body)) : {};
      const params: Record<string, string> = { ...req.query, ...form };

      if (!params.app_id) return fail(MISSING('isv.missing-app-id', '缺少appId参数'), false);
      if (params.app_id !== opts.appId) return fail(INVALID_ARGS('isv.invalid-app-id', '无效的AppID参数'), false);
      if (!params.method) return fail(MISSING('isv.missing-method', '缺少方法名参数'), true, badSign);
      if (params.method !== 'alipay.system.oauth.token' && params.method !== TEMPLATE_METHOD) return fail(INVALID_ARGS('isv.invalid-method', '不存在的方法名'), true, badSign);
      if (!params.sign) return fail(MISSING('isv.missing-signature', '缺少签名参数'), true, badSign);
      if (!params.sign_type) return fail(MISSING('isv.missing-signature-type', '缺少签名类型参数'), true, badSign);
      if (params.sign_type !== 'RSA2') return fail(INVALID_ARGS('isv.invalid-signature-type', '无效的签名类型'), true, badSign);
      if (!params.timestamp) return fail(MISSING('isv.missing-timestamp', '缺少时间戳参数'), true, badSign);
      if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(params.timestamp)) {
        return fail(INVALID_ARGS('isv.invalid-timestamp', '非法的时间戳参数'), true, badSign);
      }
      if (!params.version) return fail(MISSING('isv.missing-version', '缺少版本参数'), true, badSign);
      if (params.version !== '1.0') return fail(INVALID_ARGS('isv.invalid-parameter', '参数无效'), true, badSign);
      if (params.charset && params.charset.toLowerCase() !== 'utf-8') return fail(INVALID_ARGS('isv.invalid-charset', '字符集错误'), true, badSign);
      const content = alipaySignContent(params);
      const verifier = createVerify('RSA-SHA256');
      verifier.update(content, 'utf8');
      if (!verifier.verify(opts.appPublicKey, params.sign, 'base64')) {
        return fail(INVALID_ARGS('isv.invalid-signature', `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${content}`), true, badSign);
      }
      if (params.method === TEMPLATE_METHOD) return templateMessage(params, badSign);
      if (params.grant_type !== 'authorization_code' && params.grant_type !== 'refresh_token') {
        return fail(INVALID_ARGS('isv.grant-type-invalid', 'grant_type参数不正确'), true, badSign);
      }
      const code = params.code ?? '';
      let setup = codes.get(code);
      if (!setup && code.startsWith('dev-')) setup = { user_id: stableAlipayUserId(code.slice(4)) };
      if (params.grant_type !== 'authorization_code' || !setup || used.has(code)) {
        return fail(INVALID_ARGS('isv.code-invalid', '授权码code无效'), true, badSign);
      }
      if (!code.startsWith('dev-')) used.add(code);
      if (setup.error) return fail(setup.error, true, badSign);
      const token = () => 'authusrB' + randomBytes(16).toString('hex');
      const node = {
        ...(setup.user_id || !setup.open_id ? { user_id: setup.user_id ?? stableAlipayUserId(code) } : {}),
        ...(setup.open_id ? { open_id: setup.open_id } : {}),
        access_token: token(),
        expires_in: 1296000,
        refresh_token: token(),
        re_expires_in: 2592000,
        auth_start: new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' '),
      };
      return envelope(RESPONSE_NODE, node, true, badSign);
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
        fault = {
          delay_ms: Number(b.delay_ms ?? 0),
          status: b.status === undefined ? undefined : Number(b.status),
          bad_sign: b.bad_sign === true,
          times: Number(b.times ?? 1),
        };
        return { body: { ok: true } };
      }
      if (method === 'GET' && path === 'messages') return { body: { messages } };
      if (method === 'POST' && path === 'message-faults') {
        messageFault = {
          error: b.error as AlipayError | undefined,
          status: b.status === undefined ? undefined : Number(b.status),
          delay_ms: Number(b.delay_ms ?? 0),
          times: Number(b.times ?? 1),
        };
        return { body: { ok: true } };
      }
      return undefined;
    },
  }, { log: opts.log });
}
