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
};

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

  return startStandIn({
    name: 'wechat',
    reset() {
      codes.clear();
      used.clear();
      fault = undefined;
    },
    async serve(req: Received) {
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
      return undefined;
    },
  }, { log: opts.log });
}
