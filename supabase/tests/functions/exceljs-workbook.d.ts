/**
 * Types of exceljs's in-memory Workbook (`exceljs/lib/doc/workbook.js`, CommonJS default export),
 * which the export tests use to read an XLSX back. See supabase/functions/export/exceljs.d.ts for
 * why the module is imported by path and typed here.
 */
import type { Worksheet } from '../../functions/export/exceljs.d.ts';

export default class Workbook {
  creator: string;
  worksheets: Worksheet[];
  getWorksheet(indexOrName: number | string): Worksheet | undefined;
  xlsx: { load(data: ArrayBuffer | Uint8Array): Promise<Workbook> };
}
