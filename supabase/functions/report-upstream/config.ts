/**
 * report-upstream's settings, read once when the module loads (`supabase secrets set …`):
 *   PROVINCIAL_API_URL       the provincial platform's intake URL (unset: the function answers
 *                            503 upstream_not_configured, so it still loads in the local router)
 *   PROVINCIAL_APP_KEY       the app key the platform issued (required with the URL)
 *   PROVINCIAL_TIMEOUT_MS    per request (default 10000)
 *   UPSTREAM_BATCH_SIZE      items per request (default 200, at most 500)
 *   UPSTREAM_MAX_BATCHES     requests per run (default 20)
 */
import { intEnv } from '../_shared/settings.ts';
import { MAX_UPSTREAM_ITEMS } from '../_shared/contract/upstream.ts';

export interface ProvincialEndpoint {
  url: string;
  appKey: string;
}

export interface ReportUpstreamConfig {
  endpoint: ProvincialEndpoint | null;
  timeoutMs: number;
  batchSize: number;
  maxBatches: number;
}

function endpointFromEnv(): ProvincialEndpoint | null {
  const url = Deno.env.get('PROVINCIAL_API_URL')?.trim();
  if (!url) return null;
  if (!/^https?:\/\//.test(url)) throw new Error('PROVINCIAL_API_URL must be an http(s) URL');
  const appKey = Deno.env.get('PROVINCIAL_APP_KEY')?.trim();
  if (!appKey) throw new Error('PROVINCIAL_APP_KEY is required when PROVINCIAL_API_URL is set');
  return { url, appKey };
}

export const configFromEnv: ReportUpstreamConfig = {
  endpoint: endpointFromEnv(),
  timeoutMs: intEnv('PROVINCIAL_TIMEOUT_MS', 10_000),
  batchSize: Math.min(intEnv('UPSTREAM_BATCH_SIZE', 200), MAX_UPSTREAM_ITEMS),
  maxBatches: intEnv('UPSTREAM_MAX_BATCHES', 20),
};
