/**
 * Opening 佐证材料 on WeChat and Alipay: the bytes go to a file under the user data directory,
 * then the platform's image preview or document viewer opens it.
 */
import Taro from '@tarojs/taro'
import type { EvidenceFileRow } from '../../../shared/desk.ts'
import { evidenceExtension, isImage } from './desk-view.ts'
import { AppError } from './errors.ts'

export const showsImagesInline = false

function writeTemp(file: EvidenceFileRow): Promise<string> {
  const dir = Taro.env.USER_DATA_PATH ?? ''
  const path = `${dir}/evidence-${file.id}.${evidenceExtension(file.mime_type)}`
  return new Promise((resolve, reject) => {
    Taro.getFileSystemManager().writeFile({
      filePath: path,
      data: file.content_base64,
      encoding: 'base64',
      success: () => resolve(path),
      fail: (err) => reject(AppError.of('internal_error', err)),
    })
  })
}

export async function openEvidence(file: EvidenceFileRow): Promise<void> {
  const path = await writeTemp(file)
  if (isImage(file.mime_type)) await Taro.previewImage({ urls: [path], current: path })
  else await Taro.openDocument({ filePath: path, fileType: 'pdf', showMenu: true })
}
