/**
 * The whole local stack in dependency order: PostgreSQL → migrations (+ seed on a new
 * database) → PostgREST → identity stand-ins (WeChat, Alipay, identity platform) →
 * functions (Deno) → gateway → scheduler → H5 app. `stop()` takes it
 * down in reverse order and waits for every child process to exit.
 */
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { repoRoot, type StackPorts } from './config.ts';
import { resetDatabase } from './database.ts';
import { startFunctions } from './functions.ts';
import { noVerifyJwtFunctions, startGateway } from './gateway.ts';
import { functionsJwtEnv, postgrestJwtSecret } from './keys.ts';
import { apiKey, localKeys } from './local-keys.ts';
import { startIdentityStandIns, type IdentityEnv } from '../stand-ins/index.ts';
import { startProvincialStandIn } from '../stand-ins/provincial.ts';
import { migrate, type MigrateResult } from './migrate.ts';
import { startPostgres } from './postgres.ts';
import { startPostgrest } from './postgrest.ts';
import { schedulerSecret } from './platform.ts';
import { startScheduler, type RunningScheduler } from './scheduler.ts';
import { startStaticH5 } from './static-h5.ts';

/** The H5 build served (HCP_H5_DIST_DIR: another, e.g. the stack tier's first start on a fresh one). */
export const h5DistDir = path.resolve(process.env.HCP_H5_DIST_DIR || path.join(repoRoot, 'miniapp', 'dist', 'h5'));

/** R17 template ids the local WeChat and Alipay stand-ins accept (production: the consoles' ids). */
const LOCAL_REMINDER_TEMPLATES = {
  WECHAT_TEMPLATE_INVITE: 'local-invite',
  WECHAT_TEMPLATE_REMINDER: 'local-reminder',
  WECHAT_TEMPLATE_REPLY: 'local-reply',
  WECHAT_TEMPLATE_WARNING: 'local-warning',
  WECHAT_MINIPROGRAM_STATE: 'developer',
  ALIPAY_TEMPLATE_INVITE: 'local-invite',
  ALIPAY_TEMPLATE_REMINDER: 'local-reminder',
  ALIPAY_TEMPLATE_REPLY: 'local-reply',
  ALIPAY_TEMPLATE_WARNING: 'local-warning',
};

export interface StackOptions {
  dataDir: string;
  /** false: a throw-away cluster, deleted on stop (tests). */
  persistent: boolean;
  ports: StackPorts;
  /** The signing secret: a private EC JWK with kid (ES256, default) or an HS256 secret (keys.ts). */
  jwtSecret: string;
  serveH5: boolean;
  /**
   * The H5 build `npm start` runs in the background once the backend is up: until it settles the
   * H5 port answers a 正在构建 page (503). Absent: the build must already be there.
   */
  h5Ready?: Promise<void>;
  /**
   * The scheduled functions: report upward (R16) to a stand-in provincial platform and send the
   * reminders (R17) through the WeChat and Alipay stand-ins, every minute. `npm start` does; the
   * test stack does not, because the function tests configure their own and a scheduled run would
   * take their messages.
   */
  functionJobs?: boolean;
  /**
   * Which of the jobs declared in the migrations (cron.job) run on their schedule: their names
   * ([] none). Default: every SQL job, and the function jobs when `functionJobs`.
   */
  jobs?: string[];
  log?: (line: string) => void;
}

export interface RunningStack {
  apiUrl: string;
  dbUrl: string;
  h5Url: string | undefined;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  ports: StackPorts;
  migrations: MigrateResult;
  /** Settings of the identity functions: the WeChat, Alipay and identity-platform stand-ins. */
  identityEnv: IdentityEnv;
  scheduler: RunningScheduler;
  /** What scheduled calls authenticate with (Vault scheduler_secret, functions' HCP_SCHEDULER_SECRET). */
  schedulerSecret: string;
  resetDatabase(): Promise<MigrateResult>;
  /**
   * Fault injection (the faults tier): stops one service — cleanly, or with SIGKILL when `kill`
   * — and starts it again on the same port. PostgreSQL needs a persistent data directory.
   */
  restart(service: RestartableService, opts?: { kill?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export type RestartableService = 'postgres' | 'postgrest' | 'functions';

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startStack(opts: StackOptions): Promise<RunningStack> {
  const log = opts.log ?? (() => {});
  const { ports } = opts;
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) {
      await s().catch((err: Error) => log(`stop: ${err.message}`));
    }
  };

  try {
    const anonKey = apiKey('anon', opts.jwtSecret);
    const serviceRoleKey = apiKey('service_role', opts.jwtSecret);
    const apiUrl = `http://127.0.0.1:${ports.gateway}`;

    const startDb = () => startPostgres({ dataDir: opts.dataDir, port: ports.postgres, persistent: opts.persistent, log });
    let pgServer = await startDb();
    stops.push(() => pgServer.stop());
    const migrations = await migrate(pgServer.url, { seed: pgServer.fresh, projectUrl: apiUrl });

    const startRest = () => startPostgrest({ pgPort: ports.postgres, port: ports.postgrest, jwtSecret: postgrestJwtSecret(opts.jwtSecret), log });
    let postgrest = await startRest();
    stops.push(() => postgrest.stop());

    const standIns = await startIdentityStandIns(localKeys(), log);
    stops.push(() => standIns.stop());
    const provincial = opts.functionJobs ? await startProvincialStandIn({ log }) : undefined;
    if (provincial) stops.push(() => provincial.close());

    const startDeno = () => startFunctions({
      port: ports.functions,
      env: {
        SUPABASE_URL: apiUrl,
        SUPABASE_ANON_KEY: anonKey,
        SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey,
        SUPABASE_DB_URL: pgServer.url,
        ...functionsJwtEnv(opts.jwtSecret),
        ALLOW_DEV_LOGIN: 'true',
        HCP_SCHEDULER_SECRET: schedulerSecret(),
        ...standIns.env,
        ...provincial?.env,
        ...(opts.functionJobs ? LOCAL_REMINDER_TEMPLATES : {}),
      },
      log,
    });
    let functions = await startDeno();
    stops.push(() => functions.stop());

    const gateway = await startGateway({
      port: ports.gateway,
      postgrestPort: ports.postgrest,
      functionsPort: ports.functions,
      anonKey,
      serviceRoleKey,
      jwtSecret: opts.jwtSecret,
      noVerifyJwt: noVerifyJwtFunctions(readFileSync(path.join(repoRoot, 'supabase', 'config.toml'), 'utf8')),
    });
    stops.push(() => closeServer(gateway));

    // The one schedule is cron.job, declared by the migrations; function jobs are those that go
    // through pg_net (app.call_scheduled_function).
    const scheduler = startScheduler({
      dbUrl: pgServer.url,
      only: opts.jobs ?? ((job) => opts.functionJobs === true || !job.command.includes('call_scheduled_function')),
      gatewayApiKey: anonKey,
      log,
    });
    stops.push(() => scheduler.stop());

    let h5Url: string | undefined;
    if (opts.serveH5) {
      const h5 = await startStaticH5({ root: h5DistDir, port: ports.h5, config: { apiUrl, anonKey, idpUrl: standIns.env.IDP_BASE_URL }, ready: opts.h5Ready });
      stops.push(() => closeServer(h5));
      h5Url = `http://127.0.0.1:${ports.h5}`;
    }

    return {
      apiUrl,
      dbUrl: pgServer.url,
      h5Url,
      anonKey,
      serviceRoleKey,
      jwtSecret: opts.jwtSecret,
      ports,
      migrations,
      identityEnv: standIns.env,
      scheduler,
      schedulerSecret: schedulerSecret(),
      resetDatabase: () => resetDatabase(pgServer.url, apiUrl),
      async restart(service, restartOpts) {
        const kill = restartOpts?.kill ?? false;
        if (service === 'postgres') {
          if (!opts.persistent) throw new Error('restarting PostgreSQL needs a persistent data directory');
          await pgServer.stop();
          pgServer = await startDb();
        } else if (service === 'postgrest') {
          if (kill) postgrest.process.kill('SIGKILL');
          await postgrest.stop();
          postgrest = await startRest();
        } else {
          if (kill) functions.process.kill('SIGKILL');
          await functions.stop();
          functions = await startDeno();
        }
        log(`[stack] restarted ${service}${kill ? ' (killed)' : ''}`);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
