/**
 * Export download on WeChat and Alipay: Taro.downloadFile with the bearer header, then the
 * platform's document viewer (XLSX; from there it can be forwarded or saved). Mini-programs open
 * no CSV: WeChat sends it to a chat (shareFileMessage), Alipay asks for XLSX instead.
 */
import Taro from '@tarojs/taro'
import { getConfig } from './config.ts'
import { exportFileNameOf, exportUrl, type ExportRequest } from './desk-view.ts'
import { AppError, fromErrorResponse } from './errors.ts'
import { validToken } from './session.ts'

/** An export streams up to a year of rows: longer than a request's 15 s, but never unbounded. */
const DOWNLOAD_TIMEOUT_MS = 60_000

function readText(path: string): Promise<string> {
  return new Promise((resolve) => {
    Taro.getFileSystemManager().readFile({ filePath: path, encoding: 'utf8', success: (r) => resolve(String(r.data)), fail: () => resolve('') })
  })
}

export async function downloadExportMini(req: ExportRequest, canShareFile: boolean): Promise<{ fileName: string }> {
  if (req.format === 'csv' && !canShareFile) throw new AppError('invalid_input', '手机上不能打开 CSV 文件，请选择 XLSX，或在电脑上下载 CSV')
  const { apiUrl, anonKey } = getConfig()
  const token = await validToken()
  if (!token) throw AppError.of('unauthorized')
  let res: Taro.downloadFile.FileSuccessCallbackResult
  try {
    res = await Taro.downloadFile({ url: exportUrl(apiUrl, req), header: { apikey: anonKey, Authorization: `Bearer ${token}` }, timeout: DOWNLOAD_TIMEOUT_MS })
  } catch (err) {
    throw AppError.of('network_error', err)
  }
  if (res.statusCode !== 200) throw fromErrorResponse(res.statusCode, await readText(res.tempFilePath))
  const fileName = exportFileNameOf(req, null)
  if (req.format === 'xlsx') {
    await Taro.openDocument({ filePath: res.tempFilePath, fileType: 'xlsx', showMenu: true })
  } else {
    await Taro.shareFileMessage({ filePath: res.tempFilePath, fileName })
  }
  return { fileName }
}
