/**
 * The identity stand-ins of the local stack — WeChat, the Alipay gateway and the provincial
 * identity platform — each a real HTTP server on a free loopback port, and the settings the
 * login functions read to reach them (the same names a deployment sets with
 * `supabase secrets set`, there pointing at the real platforms).
 */
import type { LocalKeys } from '../stack/local-keys.ts';
import { startAlipayStandIn } from './alipay.ts';
import type { RunningStandIn } from './common.ts';
import { startIdpStandIn } from './idp.ts';
import { startWechatStandIn } from './wechat.ts';

/** Function settings for the identity functions (values here are local only). */
export interface IdentityEnv {
  WECHAT_API_BASE: string;
  WECHAT_APPID: string;
  WECHAT_SECRET: string;
  ALIPAY_GATEWAY: string;
  ALIPAY_APP_ID: string;
  ALIPAY_PRIVATE_KEY: string;
  ALIPAY_PUBLIC_KEY: string;
  IDP_PUBLIC_KEY: string;
  IDP_ISSUER: string;
  IDP_AUDIENCE: string;
  /** The stand-in identity platform itself (tests and the local H5 real-name page). */
  IDP_BASE_URL: string;
}

export const LOCAL_WECHAT_APPID = 'wx00000000hcplocal';
export const LOCAL_WECHAT_SECRET = 'local-wechat-appsecret-not-a-real-one';
export const LOCAL_ALIPAY_APP_ID = '2021000000000001';
export const LOCAL_IDP_ISSUER = 'https://idp.stand-in.local/yunnan';
export const LOCAL_IDP_AUDIENCE = 'hcp-lincang';

export interface RunningStandIns {
  env: IdentityEnv;
  servers: RunningStandIn[];
  stop(): Promise<void>;
}

export async function startIdentityStandIns(keys: LocalKeys, log?: (line: string) => void): Promise<RunningStandIns> {
  const servers: RunningStandIn[] = [];
  const stop = async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  };
  try {
    const wechat = await startWechatStandIn({ appid: LOCAL_WECHAT_APPID, secret: LOCAL_WECHAT_SECRET, log });
    servers.push(wechat);
    const alipay = await startAlipayStandIn({
      appId: LOCAL_ALIPAY_APP_ID,
      appPublicKey: keys.alipayApp.publicKey,
      platformPrivateKey: keys.alipayPlatform.privateKey,
      log,
    });
    servers.push(alipay);
    const idp = await startIdpStandIn({
      privateKey: keys.idp.privateKey,
      publicKey: keys.idp.publicKey,
      issuer: LOCAL_IDP_ISSUER,
      audience: LOCAL_IDP_AUDIENCE,
      log,
    });
    servers.push(idp);
    return {
      servers,
      stop,
      env: {
        WECHAT_API_BASE: wechat.url,
        WECHAT_APPID: LOCAL_WECHAT_APPID,
        WECHAT_SECRET: LOCAL_WECHAT_SECRET,
        ALIPAY_GATEWAY: `${alipay.url}/gateway.do`,
        ALIPAY_APP_ID: LOCAL_ALIPAY_APP_ID,
        ALIPAY_PRIVATE_KEY: keys.alipayApp.privateKey,
        ALIPAY_PUBLIC_KEY: keys.alipayPlatform.publicKey,
        IDP_PUBLIC_KEY: keys.idp.publicKey,
        IDP_ISSUER: LOCAL_IDP_ISSUER,
        IDP_AUDIENCE: LOCAL_IDP_AUDIENCE,
        IDP_BASE_URL: idp.url,
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
