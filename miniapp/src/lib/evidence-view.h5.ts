/**
 * Opening 佐证材料 on H5: images are shown inline (a data URL, see EvidenceLinks); a PDF opens in
 * a new tab from a blob URL, or downloads when the browser blocks the tab.
 */
import type { EvidenceFileRow } from '../../../shared/desk.ts'
import { base64ToBytes } from './desk-view.ts'

/** Images are shown in the page itself. */
export const showsImagesInline = true

export async function openEvidence(file: EvidenceFileRow): Promise<void> {
  const bytes = base64ToBytes(file.content_base64)
  const href = URL.createObjectURL(new Blob([bytes.buffer as ArrayBuffer], { type: file.mime_type }))
  const tab = window.open(href, '_blank', 'noopener')
  if (!tab) {
    const a = document.createElement('a')
    a.href = href
    a.download = file.file_name
    a.style.display = 'none'
    document.body.appendChild(a)
    a.click()
    a.remove()
  }
  setTimeout(() => URL.revokeObjectURL(href), 60_000)
}
