import type { ExportRequest } from './desk-view.ts'
import { downloadExportMini } from './export-download-mini.ts'

/** Alipay: XLSX opens in the viewer; no CSV on the phone. */
export function downloadExport(req: ExportRequest): Promise<{ fileName: string }> {
  return downloadExportMini(req, false)
}
