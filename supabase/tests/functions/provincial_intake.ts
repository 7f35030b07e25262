/**
 * The provincial 好差评 platform's rating intake as a stand-in (R16), the other end of
 * report-upstream, speaking the format of shared/upstream.ts. Pure TypeScript (no Deno, no
 * Node), so that the Deno function tests (provincial_stand_in.ts, on Deno.serve) and the local
 * stack (scripts/stand-ins/provincial.ts, on node:http) serve the same logic.
 *
 *   POST /hcp/v1/evaluations   X-App-Key: <app key>   { appKey, items: [UpstreamItem …] }
 *   → 200 { code: 0, message: 'ok', results: [{ projectNo, assessNumber, success, code?, message? }] }
 *   → 401 { code: 40101 } wrong app key · 415 { code: 41501 } not JSON · 400 { code: 40001 } bad
 *     envelope (not an object with 1..500 items) — then nothing is stored.
 *
 * Each item is validated on its own (SPEC §6: required fields, types, code ranges, the
 * yyyy-MM-dd HH:mm:ss time); a bad one gets `success: false, code: 'invalid_item'` with the
 * issues and is kept in `invalid` for tests to look at. Good items are upserted by
 * projectNo:assessNumber, keeping the highest changeSeq (like the platform): a repeated item is
 * acknowledged again, so retries after a lost answer are harmless, and `accepted` lists every
 * acknowledgement so tests can see a duplicate.
 *
 * Control routes (under /__control/):
 *   POST   fault  { mode: 'error'|'timeout'|'slow', status?, delay_ms?, times? }
 *          error: answer `status` (default 503) without storing; timeout: wait delay_ms (default
 *          60 s) and then answer 504 without storing; slow: wait delay_ms, then process normally.
 *          Applies to the next `times` calls (default: until DELETE).
 *   DELETE fault
 *   POST   reject { projectNos: string[], code?, message? }  refuse these items
 *   DELETE reject
 *   GET    state  { stored, accepted, invalid, calls }
 *   POST   reset  forget everything
 */
import { MAX_UPSTREAM_ITEMS, UpstreamItem, type UpstreamItemResult } from '../../../shared/upstream.ts';

export interface IntakeRequest {
  method: string;
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

export interface IntakeReply {
  status: number;
  body: unknown;
}

export interface ProvincialIntake {
  serve(req: IntakeRequest): Promise<IntakeReply | undefined>;
  control(method: string, path: string, body: unknown): IntakeReply | undefined;
  reset(): void;
  readonly state: ProvincialState;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const PROVINCIAL_PATH = '/hcp/v1/evaluations';

interface Fault {
  mode: 'error' | 'timeout' | 'slow';
  status: number;
  delay_ms: number;
  times: number;
}

export interface ProvincialState {
  /** The latest item per projectNo:assessNumber. */
  stored: Record<string, UpstreamItem>;
  /** Every acknowledged item, in order: key and changeSeq. */
  accepted: Array<{ key: string; changeSeq: number; at: string }>;
  /** Items refused by validation, with the issues. */
  invalid: Array<{ item: unknown; issues: string[] }>;
  /** Calls to the intake, whatever their outcome. */
  calls: number;
}

export function createProvincialIntake(opts: { appKey: string }): ProvincialIntake {
  let fault: Fault | undefined;
  const rejects = new Map<string, { code: string; message: string }>();
  const state: ProvincialState = { stored: {}, accepted: [], invalid: [], calls: 0 };

  const answer = (status: number, body: unknown): IntakeReply => ({ status, body });

  function reset(): void {
    fault = undefined;
    rejects.clear();
    state.stored = {};
    state.accepted.length = 0;
    state.invalid.length = 0;
    state.calls = 0;
  }

  return {
    state,
    reset,
    async serve(req: IntakeRequest) {
      if (req.path !== PROVINCIAL_PATH || req.method !== 'POST') return undefined;
      state.calls++;
      if (fault && fault.times > 0) {
        fault.times--;
        const f = fault;
        if (f.mode === 'error') return answer(f.status, { code: f.status * 100, message: 'service unavailable' });
        await sleep(f.delay_ms);
        if (f.mode === 'timeout') return answer(504, { code: 50400, message: 'gateway timeout' });
      }
      if (req.headers['x-app-key'] !== opts.appKey) return answer(401, { code: 40101, message: 'invalid app key' });
      if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
        return answer(415, { code: 41501, message: 'content type must be application/json' });
      }
      let body: unknown;
      try {
        body = JSON.parse(req.body);
      } catch {
        return answer(400, { code: 40001, message: 'body is not JSON' });
      }
      const envelope = body as { appKey?: unknown; items?: unknown } | null;
      if (!envelope || typeof envelope !== 'object' || envelope.appKey !== opts.appKey || !Array.isArray(envelope.items)
        || envelope.items.length === 0 || envelope.items.length > MAX_UPSTREAM_ITEMS) {
        return answer(400, { code: 40001, message: `body must be { appKey, items: 1..${MAX_UPSTREAM_ITEMS} }` });
      }
      const results: UpstreamItemResult[] = envelope.items.map((raw: unknown) => {
        const echo = raw as { projectNo?: unknown; assessNumber?: unknown } | null;
        const projectNo = typeof echo?.projectNo === 'string' ? echo.projectNo : '';
        const assessNumber = typeof echo?.assessNumber === 'number' ? echo.assessNumber : 0;
        const parsed = UpstreamItem.safeParse(raw);
        if (!parsed.success) {
          const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
          state.invalid.push({ item: raw, issues });
          return { projectNo, assessNumber, success: false, code: 'invalid_item', message: issues.join('; ') };
        }
        const item = parsed.data;
        const reject = rejects.get(item.projectNo);
        if (reject) return { projectNo, assessNumber, success: false, code: reject.code, message: reject.message };
        const key = `${item.projectNo}:${item.assessNumber}`;
        const prev = state.stored[key];
        if (!prev || prev.changeSeq <= item.changeSeq) state.stored[key] = item;
        state.accepted.push({ key, changeSeq: item.changeSeq, at: new Date().toISOString() });
        return { projectNo, assessNumber, success: true };
      });
      return answer(200, { code: 0, message: 'ok', results });
    },
    control(method, path, body) {
      const b = (body ?? {}) as Record<string, unknown>;
      if (path === 'fault' && method === 'POST') {
        const mode = b.mode;
        if (mode !== 'error' && mode !== 'timeout' && mode !== 'slow') return answer(400, { error: 'mode: error | timeout | slow' });
        fault = {
          mode,
          status: typeof b.status === 'number' ? b.status : 503,
          delay_ms: typeof b.delay_ms === 'number' ? b.delay_ms : 60_000,
          times: typeof b.times === 'number' ? b.times : Number.POSITIVE_INFINITY,
        };
        return answer(200, { ok: true });
      }
      if (path === 'fault' && method === 'DELETE') {
        fault = undefined;
        return answer(200, { ok: true });
      }
      if (path === 'reject' && method === 'POST') {
        const nos = Array.isArray(b.projectNos) ? b.projectNos.filter((x): x is string => typeof x === 'string') : [];
        for (const no of nos) {
          rejects.set(no, {
            code: typeof b.code === 'string' ? b.code : 'rejected',
            message: typeof b.message === 'string' ? b.message : '数据校验未通过',
          });
        }
        return answer(200, { ok: true, rejecting: rejects.size });
      }
      if (path === 'reject' && method === 'DELETE') {
        rejects.clear();
        return answer(200, { ok: true });
      }
      if (path === 'state' && method === 'GET') return answer(200, state);
      if (path === 'reset' && method === 'POST') {
        reset();
        return answer(200, { ok: true });
      }
      return undefined;
    },
  };
}
