/**
 * The supervisors' export (SPEC §5 `export`): GET /functions/v1/export with query parameters
 *   kind=ratings|work_orders|metrics, format=csv|xlsx, from=YYYY-MM-DD, to=YYYY-MM-DD (inclusive,
 *   Asia/Shanghai days, at most 366 of them), region=<6-digit code> (optional: default every
 *   region the supervisor oversees), standard=gbt39046 (optional: satisfaction numbered as
 *   GB/T 39046-2020 A.8, 1 非常满意 … 5 非常不满意), group_by (metrics only; as stats()).
 * The answer streams: CSV (UTF-8 with a BOM, so Excel opens Chinese text correctly; CRLF) or
 * XLSX. No column ever names or identifies a rater (R13).
 */
import { z } from 'zod';

export const EXPORT_KINDS = ['ratings', 'work_orders', 'metrics'] as const;
export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export const METRIC_GROUPS = ['region', 'unit', 'window', 'officer', 'matter', 'channel', 'day', 'month'] as const;
export const MAX_EXPORT_DAYS = 366;

const IsoDay = z.iso.date();

export const ExportQuery = z.strictObject({
  kind: z.enum(EXPORT_KINDS),
  format: z.enum(EXPORT_FORMATS),
  from: IsoDay,
  to: IsoDay,
  region: z.string().regex(/^\d{6}$/).optional(),
  standard: z.enum(['gbt39046']).optional(),
  group_by: z.enum(METRIC_GROUPS).optional(),
}).refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['to'] });
export type ExportQuery = z.infer<typeof ExportQuery>;

/** Whole days from `from` to `to`, both counted. */
export function exportDays(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

export const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** The download's file name (ASCII; a Chinese name goes in filename* of Content-Disposition). */
export const exportFileName = (q: Pick<ExportQuery, 'kind' | 'format' | 'from' | 'to'> & { region?: string }): string =>
  `haochaping-${q.kind}-${q.region ?? 'all'}-${q.from}-${q.to}.${q.format}`;
