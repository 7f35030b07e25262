/**
 * Fixtures for the staff and supervisor e2e tests: a real-name 差评 rated by citizen-a through
 * the API (as the mini-program sends it) on a fresh 办件 of 临翔区市场监督管理局, and RPCs as a
 * persona.
 */
import { randomUUID } from 'node:crypto';
import type { PersonaKey } from '../../shared/personas.ts';
import { client, login } from './api.ts';
import { freshTransaction } from './fixtures.ts';

export interface RpcAnswer {
  data: unknown;
  error: { code?: string; message: string } | null;
  status: number;
}

/** An RPC as a persona through the gateway; the answer as it came (errors included). */
export async function rpcAs(persona: PersonaKey, name: string, args: Record<string, unknown> = {}): Promise<RpcAnswer> {
  const { access_token } = await login(persona);
  const res = await client(access_token).rpc(name, args);
  return { data: res.data, error: res.error, status: res.status };
}

/** Same, failing on an error. */
export async function rpcOk<T = unknown>(persona: PersonaKey, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const res = await rpcAs(persona, name, args);
  if (res.error) throw new Error(`${name} as ${persona}: ${JSON.stringify(res.error)}`);
  return res.data as T;
}

/**
 * citizen-a rates a fresh 办件 非常不满意 under their real name: the work order it opened. The 办件
 * was served by the window's other officer, not staff-linxiang, who may therefore handle it (R13);
 * `officer: 'seeded'` makes it a 差评 about staff-linxiang.
 */
export async function realnameBadRating(
  label: string,
  comment: string,
  officer: 'seeded' | 'colleague' = 'colleague',
): Promise<{ ratingId: string; workOrderId: string; projectNo: string; matterName: string }> {
  const tx = await freshTransaction('citizen-a', label, officer);
  const [row] = await rpcOk<Array<{ id: string; work_order_id: string | null }>>('citizen-a', 'submit_rating', {
    p_transaction_id: tx.id,
    p_level: 1,
    p_tags: ['115'],
    p_comment: comment,
    p_anonymous: false,
    p_channel: 'mobile',
    p_idempotency_key: randomUUID(),
  });
  if (!row?.work_order_id) throw new Error('the 差评 opened no work order');
  return { ratingId: row.id, workOrderId: row.work_order_id, projectNo: tx.projectNo, matterName: tx.matterName };
}
