/**
 * The smoke check of a deployed system (issue 14): what an operator runs after `db push` and the
 * functions' deploy, against the project's URL and keys, through supabase-js as the apps call it.
 *   - the API answers a public read RPC with the anon (publishable) key;
 *   - an edge function is deployed and answers with our own error body (a login without a code);
 *   - with the service (secret) key: every scheduled job the migrations declare is in cron.job and
 *     active, none's last run failed, and the Vault entries the system needs exist.
 * Each check answers ok or what is wrong; nothing is written. Plain HTTP with the headers
 * supabase-js sends (`apikey` and the key as bearer), so the check needs nothing but fetch.
 */

/** The jobs the migrations schedule (supabase/migrations/*_one_schedule.sql). */
export const EXPECTED_JOBS = ['apply-default-ratings', 'comment-check', 'escalate-overdue', 'purge-identity-tokens', 'purge-retention', 'record-warning-digests', 'report-upstream', 'send-reminders'] as const;
/** The Vault entries the database and the schedule need. */
export const EXPECTED_SECRETS = ['hcp_pii_key', 'project_url', 'scheduler_secret'] as const;

export interface SmokeTarget { url: string; key: string; serviceKey?: string }
export interface SmokeResult { name: string; ok: boolean; detail: string }

interface DeployStatus {
  jobs: Array<{ name: string; schedule: string; active: boolean; last_status: string | null }>;
  vault_secrets: string[];
}

/** POST /rest/v1/rpc/<fn> with `key`: the status and the parsed body. */
async function rpc(url: string, key: string, fn: string, args: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url.replace(/\/$/, '')}/rest/v1/rpc/${fn}`, {
    method: 'POST',
    headers: { apikey: key, authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

export async function smoke(target: SmokeTarget): Promise<SmokeResult[]> {
  const results: SmokeResult[] = [];
  const check = async (name: string, run: () => Promise<string>) => {
    try {
      results.push({ name, ok: true, detail: await run() });
    } catch (err) {
      results.push({ name, ok: false, detail: err instanceof Error ? err.message : String(err) });
    }
  };
  await check('a public read RPC as anon (published_periods)', async () => {
    const { status, body } = await rpc(target.url, target.key, 'published_periods', { p_region_code: '530900' });
    if (status !== 200 || !Array.isArray(body)) throw new Error(`answered ${status} ${JSON.stringify(body)}`);
    return `${status}, ${body.length} published months`;
  });

  await check('an edge function (auth-wechat refuses a login without a code)', async () => {
    const res = await fetch(`${target.url.replace(/\/$/, '')}/functions/v1/auth-wechat`, {
      method: 'POST',
      headers: { apikey: target.key, 'content-type': 'application/json' },
      body: '{}',
    });
    const body = await res.json().catch(() => null) as { code?: string } | null;
    if (res.status !== 400 || body?.code !== 'invalid_input') throw new Error(`answered ${res.status} ${JSON.stringify(body)}`);
    return '400 invalid_input, as deployed';
  });

  if (!target.serviceKey) {
    results.push({ name: 'scheduled jobs and Vault entries', ok: false, detail: 'needs --service-key (the service role / secret key)' });
    return results;
  }
  const { status, body } = await rpc(target.url, target.serviceKey, 'deploy_status', {});
  const deployed = status === 200 ? body as DeployStatus : null;

  await check('every scheduled job is in cron.job, active, and its last run did not fail', async () => {
    if (!deployed) throw new Error(`deploy_status answered ${status} ${JSON.stringify(body)}`);
    const missing = EXPECTED_JOBS.filter((j) => !deployed.jobs.some((d) => d.name === j && d.active));
    const failed = deployed.jobs.filter((d) => d.last_status === 'failed').map((d) => d.name);
    if (missing.length || failed.length) throw new Error(`missing or inactive: ${missing.join(', ') || '—'}; last run failed: ${failed.join(', ') || '—'}`);
    return deployed.jobs.map((d) => `${d.name} (${d.schedule}${d.last_status ? `, last ${d.last_status}` : ''})`).join('; ');
  });

  await check('the Vault entries exist (names only)', async () => {
    if (!deployed) throw new Error(`deploy_status answered ${status} ${JSON.stringify(body)}`);
    const missing = EXPECTED_SECRETS.filter((s) => !deployed.vault_secrets.includes(s));
    if (missing.length) throw new Error(`missing from Vault: ${missing.join(', ')}`);
    return EXPECTED_SECRETS.join(', ');
  });
  return results;
}
