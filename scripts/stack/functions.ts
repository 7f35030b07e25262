/** The edge functions in the real Deno runtime: one process serving every function. */
import path from 'node:path';
import type { IdentityEnv } from '../stand-ins/index.ts';
import { repoRoot } from './config.ts';
import { answers, startChild, type RunningChild } from './child.ts';

export const denoBinary = path.join(repoRoot, 'node_modules', '.bin', 'deno');
export const functionsDir = path.join(repoRoot, 'supabase', 'functions');
export const denoConfig = path.join(functionsDir, 'deno.json');

/** What Supabase injects into every function, plus this project's secrets. */
export interface FunctionsEnv {
  SUPABASE_URL: string;
  SUPABASE_ANON_KEY: string;
  SUPABASE_SERVICE_ROLE_KEY: string;
  SUPABASE_DB_URL: string;
  /** The access-token key: an ES256 private JWK with kid, or (the legacy switch) an HS256 secret. */
  HCP_JWT_SIGNING_KEY?: string;
  HCP_JWT_SECRET?: string;
  ALLOW_DEV_LOGIN: 'true' | 'false';
  /** What report-upstream and send-reminders check their caller against (Vault scheduler_secret). */
  HCP_SCHEDULER_SECRET: string;
  /** R16: where report-upstream sends (unset: it answers 503 and sends nothing). */
  PROVINCIAL_API_URL?: string;
  PROVINCIAL_APP_KEY?: string;
  /** R17: send-reminders' template ids (unset: it answers 503 and sends nothing). */
  WECHAT_TEMPLATE_INVITE?: string;
  WECHAT_TEMPLATE_REMINDER?: string;
  WECHAT_TEMPLATE_REPLY?: string;
  /** Issue 16.4: the supervisors' daily 预警 digest (optional beside the three). */
  WECHAT_TEMPLATE_WARNING?: string;
  WECHAT_MINIPROGRAM_STATE?: string;
  ALIPAY_TEMPLATE_INVITE?: string;
  ALIPAY_TEMPLATE_REMINDER?: string;
  ALIPAY_TEMPLATE_REPLY?: string;
  ALIPAY_TEMPLATE_WARNING?: string;
}

export function denoEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DENO_DIR: path.join(repoRoot, '.local', 'deno'),
    DENO_NO_UPDATE_CHECK: '1',
    NO_COLOR: '1',
    ...extra,
  };
}

export function startFunctions(opts: { port: number; env: FunctionsEnv & IdentityEnv; log?: (line: string) => void }): Promise<RunningChild> {
  return startChild({
    name: 'functions',
    command: denoBinary,
    args: [
      'run',
      `--config=${denoConfig}`,
      '--allow-net',
      '--allow-env',
      `--allow-read=${repoRoot}`,
      path.join(functionsDir, '_local', 'serve.ts'),
    ],
    env: denoEnv({ ...opts.env, FUNCTIONS_PORT: String(opts.port) }),
    ready: () => answers(`http://127.0.0.1:${opts.port}/`),
    timeoutMs: 90_000,
    log: opts.log,
  });
}
