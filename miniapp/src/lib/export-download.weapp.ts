import type { ExportRequest } from './desk-view.ts'
import { downloadExportMini } from './export-download-mini.ts'

/** WeChat: XLSX opens in the viewer, CSV goes to a chat (wx.shareFileMessage). */
export function downloadExport(req: ExportRequest): Promise<{ fileName: string }> {
  return downloadExportMini(req, true)
}
