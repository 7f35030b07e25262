/**
 * export (SPEC §5): CSV or XLSX of ratings, 差评 work orders or metrics for a supervisor's
 * region and period (shared/export.ts). The caller's own JWT reaches the database, so the
 * definer RPCs decide what they may see (export_ratings / export_work_orders / stats: supervisors
 * only, their regions only). The first page is read before the answer starts, so a refusal is
 * still a clean 4xx; after that the file streams page by page (keyset pages, never the period at
 * once).
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { z } from 'zod';
import { ERRORS, isErrorCode } from '../_shared/contract/errors.ts';
import { UPSTREAM_ERRORS } from '../_shared/contract/error-codes/upstream.ts';
import { CONTENT_TYPES, exportDays, exportFileName, ExportQuery, MAX_EXPORT_DAYS } from '../_shared/contract/export.ts';
import { callerUserId } from '../_shared/caller.ts';
import { serviceRoleKey, supabaseUrl } from '../_shared/env.ts';
import { corsHeaders, handle, HttpError } from '../_shared/http.ts';
import { type Column, metricColumns, ratingColumns, type Row, workOrderColumns } from './columns.ts';
import { csvStream, xlsxStream } from './writers.ts';

/** The key the gateway wants beside the user's token (the anon key where Supabase injects it). */
const apiKey = Deno.env.get('SUPABASE_ANON_KEY') || serviceRoleKey;

export interface ExportDeps {
  /** Rows per database page (at most 5000). */
  pageSize?: number;
  /** fetch for the database client (tests count the pages). */
  fetch?: typeof fetch;
}

function userClient(token: string, f: typeof fetch | undefined): SupabaseClient {
  return createClient(supabaseUrl, apiKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    global: { headers: { Authorization: `Bearer ${token}` }, ...(f ? { fetch: f } : {}) },
  });
}

function ownError(code: keyof typeof UPSTREAM_ERRORS, details?: unknown): Response {
  const { status, message } = UPSTREAM_ERRORS[code];
  return new Response(JSON.stringify(details === undefined ? { code, message } : { code, message, details }), {
    status,
    headers: { ...corsHeaders, 'content-type': 'application/json; charset=utf-8' },
  });
}

async function call(db: SupabaseClient, name: string, args: Record<string, unknown>): Promise<Row[]> {
  const { data, error } = await db.rpc(name, args);
  if (error) {
    if (isErrorCode(error.code)) throw new HttpError(ERRORS[error.code].status, error.code, error.details ?? undefined);
    throw new Error(`${name} failed: ${error.code ?? ''} ${error.message}`);
  }
  return z.array(z.record(z.string(), z.unknown())).parse(data);
}

/** Keyset pages of an export RPC: each page starts after the last row's (time, id). */
async function* keysetPages(db: SupabaseClient, rpc: string, timeKey: string, afterArg: string, base: Record<string, unknown>, pageSize: number, first: Row[]): AsyncGenerator<Row[]> {
  let page = first;
  for (;;) {
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    const last = page[page.length - 1]!;
    page = await call(db, rpc, { ...base, [afterArg]: last[timeKey], p_after_id: last.id, p_limit: pageSize });
  }
}

async function* once(rows: Row[]): AsyncGenerator<Row[]> {
  if (rows.length > 0) yield rows;
}

const SHEETS = { ratings: '评价明细', work_orders: '差评工单', metrics: '统计指标' } as const;

export function createExportHandler(deps: ExportDeps = {}): (req: Request) => Promise<Response> {
  const pageSize = Math.min(Math.max(deps.pageSize ?? 1000, 1), 5000);

  return handle('export', async (req) => {
    if (req.method !== 'GET') throw new HttpError(405, 'method_not_allowed');
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '')?.[1];
    await callerUserId(req);

    const params = Object.fromEntries(new URL(req.url).searchParams);
    const parsed = ExportQuery.safeParse(params);
    if (!parsed.success) {
      throw new HttpError(400, 'invalid_input', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    const q = parsed.data;
    if (exportDays(q.from, q.to) > MAX_EXPORT_DAYS) return ownError('export_range_too_long', { days: exportDays(q.from, q.to), max: MAX_EXPORT_DAYS });
    if (q.group_by && q.kind !== 'metrics') throw new HttpError(400, 'invalid_input', [{ path: 'group_by', message: 'only for kind=metrics' }]);

    const db = userClient(token!, deps.fetch);
    const national = q.standard === 'gbt39046';
    const base = { p_from: q.from, p_to: q.to, p_region_code: q.region ?? null };
    let columns: Column[];
    let pages: AsyncGenerator<Row[]>;
    if (q.kind === 'ratings') {
      columns = ratingColumns(national);
      const first = await call(db, 'export_ratings', { ...base, p_limit: pageSize });
      pages = keysetPages(db, 'export_ratings', 'rated_at', 'p_after_rated_at', base, pageSize, first);
    } else if (q.kind === 'work_orders') {
      columns = workOrderColumns(national);
      const first = await call(db, 'export_work_orders', { ...base, p_limit: pageSize });
      pages = keysetPages(db, 'export_work_orders', 'opened_at', 'p_after_opened_at', base, pageSize, first);
    } else {
      // A few hundred rows at most (one per group): both variants of SPEC §3, 含默认 then 仅主动.
      columns = metricColumns();
      const args = { ...base, p_group_by: q.group_by ?? 'unit', p_unit_id: null };
      const withDefault = await call(db, 'stats', { ...args, p_include_default: true });
      const activeOnly = await call(db, 'stats', { ...args, p_include_default: false });
      pages = once([
        ...withDefault.map((r) => ({ ...r, variant: '含默认' })),
        ...activeOnly.map((r) => ({ ...r, variant: '仅主动' })),
      ]);
    }

    const body = q.format === 'csv'
      ? csvStream(columns, pages)
      : xlsxStream(columns, pages, SHEETS[q.kind], (err) => console.error('[export] xlsx stream failed:', err));
    const name = exportFileName({ ...q, region: q.region });
    return new Response(body, {
      status: 200,
      headers: {
        ...corsHeaders,
        'content-type': CONTENT_TYPES[q.format],
        'content-disposition': `attachment; filename="${name}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'access-control-expose-headers': 'content-disposition',
      },
    });
  });
}

export const handler = createExportHandler();
