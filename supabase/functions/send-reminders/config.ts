/**
 * send-reminders' settings, read once when the module loads (`supabase secrets set …`). The
 * platform credentials are the login functions' own (WECHAT_API_BASE / WECHAT_APPID /
 * WECHAT_SECRET; ALIPAY_GATEWAY / ALIPAY_APP_ID / ALIPAY_PRIVATE_KEY / ALIPAY_PUBLIC_KEY). Its own:
 *   WECHAT_TEMPLATE_INVITE, WECHAT_TEMPLATE_REMINDER, WECHAT_TEMPLATE_REPLY
 *                            subscribe-message template ids (all three, or WeChat is not configured)
 *   WECHAT_TEMPLATE_WARNING  the supervisors' daily 预警 digest (issue 16.4; optional beside the three:
 *                            without it a claimed digest is failed as not_configured)
 *   WECHAT_TEMPLATE_KEYS_INVITE / _REMINDER / _REPLY / _WARNING
 *                            data keys per field, `matter=thing1,unit=thing2,…` (default: DEFAULT_WECHAT_KEYS
 *                            in shared/reminders.ts); fields: matter, unit, project_no, finished_at,
 *                            rating_due_on, status, note, and for the digest region, alert_count, day
 *   WECHAT_MINIPROGRAM_STATE developer | trial | formal (default formal)
 *   ALIPAY_TEMPLATE_INVITE, ALIPAY_TEMPLATE_REMINDER, ALIPAY_TEMPLATE_REPLY, ALIPAY_TEMPLATE_WARNING (optional)
 *                            (user_template_id)
 *   ALIPAY_TEMPLATE_KEYS_INVITE / _REMINDER / _REPLY / _WARNING  (default keyword1…)
 *   REMINDER_TIMEOUT_MS      per platform request (default 8000)
 *   REMINDER_BATCH_LIMIT     messages claimed per run (default 200, at most 5000)
 * With neither platform's templates set the function answers 503 reminders_not_configured (so it
 * still loads in the local router); a claimed message for a platform without templates is failed
 * as `not_configured`. The Alipay gateway protocol (signing, verifying) is shared with auth-alipay
 * in _shared/alipay.ts.
 */
import {
  CITIZEN_REMINDER_KINDS, DEFAULT_ALIPAY_KEYS, DEFAULT_WECHAT_KEYS, type KeyMapping, parseKeyMapping, REMINDER_KINDS, type ReminderKind,
} from '../_shared/contract/reminders.ts';
import { intEnv } from '../_shared/settings.ts';
import { importAlipayPrivateKey, importAlipayPublicKey } from '../_shared/alipay.ts';

export interface Templates {
  /** The citizens' three always; warning only when the deployment set it. */
  ids: Partial<Record<ReminderKind, string>>;
  keys: Record<ReminderKind, KeyMapping>;
}

export interface WechatSender {
  apiBase: string;
  appid: string;
  secret: string;
  miniprogramState: 'developer' | 'trial' | 'formal';
  templates: Templates;
}

export interface AlipaySender {
  gateway: string;
  appId: string;
  /** The app's private key (signs requests). */
  privateKey: CryptoKey;
  /** Alipay's public key (verifies answers). */
  publicKey: CryptoKey;
  templates: Templates;
}

export interface SendRemindersConfig {
  wechat: WechatSender | null;
  alipay: AlipaySender | null;
  timeoutMs: number;
  batchLimit: number;
}

const env = (name: string) => Deno.env.get(name)?.trim() || undefined;

/** The templates of a platform (`WECHAT` / `ALIPAY`), or null when none is set. */
export function templatesFromEnv(prefix: string, defaults: Record<ReminderKind, KeyMapping>): Templates | null {
  const ids = REMINDER_KINDS.map((k) => env(`${prefix}_TEMPLATE_${k.toUpperCase()}`));
  if (ids.every((id) => id === undefined)) return null;
  const missing = CITIZEN_REMINDER_KINDS.filter((k) => ids[REMINDER_KINDS.indexOf(k)] === undefined);
  if (missing.length > 0) throw new Error(`${prefix}_TEMPLATE_${missing[0]!.toUpperCase()} is required with the other ${prefix} templates`);
  const keys = {} as Record<ReminderKind, KeyMapping>;
  for (const k of REMINDER_KINDS) {
    const text = env(`${prefix}_TEMPLATE_KEYS_${k.toUpperCase()}`);
    try {
      keys[k] = text ? parseKeyMapping(text) : defaults[k];
    } catch (err) {
      throw new Error(`${prefix}_TEMPLATE_KEYS_${k.toUpperCase()}: ${(err as Error).message}`);
    }
  }
  return { ids: Object.fromEntries(REMINDER_KINDS.flatMap((k, i) => (ids[i] === undefined ? [] : [[k, ids[i]]]))) as Templates['ids'], keys };
}

function miniprogramState(): WechatSender['miniprogramState'] {
  const v = env('WECHAT_MINIPROGRAM_STATE') ?? 'formal';
  if (v !== 'developer' && v !== 'trial' && v !== 'formal') throw new Error('WECHAT_MINIPROGRAM_STATE must be developer, trial or formal');
  return v;
}

async function wechatFromEnv(): Promise<WechatSender | null> {
  const templates = templatesFromEnv('WECHAT', DEFAULT_WECHAT_KEYS);
  if (!templates) return null;
  const [apiBase, appid, secret] = [env('WECHAT_API_BASE'), env('WECHAT_APPID'), env('WECHAT_SECRET')];
  if (!apiBase || !appid || !secret) throw new Error('WECHAT_API_BASE, WECHAT_APPID and WECHAT_SECRET are required with the WeChat templates');
  return { apiBase, appid, secret, miniprogramState: miniprogramState(), templates };
}

async function alipayFromEnv(): Promise<AlipaySender | null> {
  const templates = templatesFromEnv('ALIPAY', DEFAULT_ALIPAY_KEYS);
  if (!templates) return null;
  const [gateway, appId, privateKey, publicKey] = [env('ALIPAY_GATEWAY'), env('ALIPAY_APP_ID'), env('ALIPAY_PRIVATE_KEY'), env('ALIPAY_PUBLIC_KEY')];
  if (!gateway || !appId || !privateKey || !publicKey) {
    throw new Error('ALIPAY_GATEWAY, ALIPAY_APP_ID, ALIPAY_PRIVATE_KEY and ALIPAY_PUBLIC_KEY are required with the Alipay templates');
  }
  return { gateway, appId, privateKey: await importAlipayPrivateKey(privateKey.replace(/\\n/g, '\n')), publicKey: await importAlipayPublicKey(publicKey.replace(/\\n/g, '\n')), templates };
}

export const configFromEnv: SendRemindersConfig = {
  wechat: await wechatFromEnv(),
  alipay: await alipayFromEnv(),
  timeoutMs: intEnv('REMINDER_TIMEOUT_MS', 8000),
  batchLimit: Math.min(intEnv('REMINDER_BATCH_LIMIT', 200), 5000),
};
