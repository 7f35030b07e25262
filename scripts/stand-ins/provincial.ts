/**
 * The provincial 好差评 platform's intake stand-in (R16) for the local stack: a real HTTP server
 * on loopback serving supabase/tests/functions/provincial_intake.ts (the same logic the Deno
 * function tests start on Deno.serve). See that file for the format, the faults it can be told
 * to simulate and its control routes (/__control/fault, /__control/reject, /__control/state).
 *
 * report-upstream reaches it with PROVINCIAL_API_URL = `${url}${PROVINCIAL_PATH}` and
 * PROVINCIAL_APP_KEY = LOCAL_PROVINCIAL_APP_KEY.
 */
import { createProvincialIntake, PROVINCIAL_PATH } from '../../supabase/tests/functions/provincial_intake.ts';
import { startStandIn, type Received, type RunningStandIn } from './common.ts';

export { PROVINCIAL_PATH };
export const LOCAL_PROVINCIAL_APP_KEY = 'hcp-lincang-local-app-key';

export interface ProvincialEnv {
  PROVINCIAL_API_URL: string;
  PROVINCIAL_APP_KEY: string;
}

export async function startProvincialStandIn(opts: { appKey?: string; port?: number; log?: (line: string) => void } = {}): Promise<RunningStandIn & { env: ProvincialEnv }> {
  const appKey = opts.appKey ?? LOCAL_PROVINCIAL_APP_KEY;
  const intake = createProvincialIntake({ appKey });
  const running = await startStandIn({
    name: 'provincial',
    reset: intake.reset,
    serve: (req: Received) => intake.serve(req),
    control: (method, path, body) => intake.control(method, path, body),
  }, { port: opts.port, log: opts.log });
  return { ...running, env: { PROVINCIAL_API_URL: `${running.url}${PROVINCIAL_PATH}`, PROVINCIAL_APP_KEY: appKey } };
}
