/**
 * Picking 佐证材料 (JPG, PNG or PDF, ≤ 5 MB each, at most 5) and reading it as base64 for
 * upload_evidence. The server sniffs the type from the bytes; this only refuses early what it
 * would refuse anyway, with the same words.
 */
import Taro from '@tarojs/taro'

export interface PickedFile {
  name: string
  size: number
  base64: string
}

export { bytesToBase64, evidenceProblem } from './evidence-check.ts'
import { bytesToBase64 } from './evidence-check.ts'

/** H5: a file input (images and PDF). */
function pickH5(): Promise<Array<{ name: string; size: number; read: () => Promise<string> }>> {
  return new Promise((resolve) => {
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = '.jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf'
    input.multiple = true
    input.setAttribute('data-testid', 'evidence-input')
    input.style.display = 'none'
    input.onchange = () => {
      const files = [...(input.files ?? [])]
      input.remove()
      resolve(files.map((f) => ({ name: f.name, size: f.size, read: async () => bytesToBase64(await f.arrayBuffer()) })))
    }
    document.body.appendChild(input)
    input.click()
  })
}

/** WeChat: a file from a chat (PDF or image); Alipay and others: an image from the album or camera. */
async function pickMini(): Promise<Array<{ name: string; size: number; read: () => Promise<string> }>> {
  const read = (path: string) => () =>
    new Promise<string>((resolve, reject) => {
      Taro.getFileSystemManager().readFile({ filePath: path, encoding: 'base64', success: (r) => resolve(String(r.data)), fail: reject })
    })
  if (process.env.TARO_ENV === 'weapp') {
    const res = await Taro.chooseMessageFile({ count: 5, type: 'all', extension: ['jpg', 'jpeg', 'png', 'pdf'] })
    return res.tempFiles.map((f) => ({ name: f.name, size: f.size, read: read(f.path) }))
  }
  const res = await Taro.chooseImage({ count: 5, sizeType: ['compressed'] })
  return (res.tempFiles ?? []).map((f, i) => ({ name: `照片${i + 1}.jpg`, size: f.size, read: read(f.path) }))
}

export async function pickEvidence(): Promise<Array<{ name: string; size: number; read: () => Promise<string> }>> {
  return process.env.TARO_ENV === 'h5' ? pickH5() : pickMini()
}
