import { useState } from 'react'
import { Button, Image, Text, View } from '@tarojs/components'
import { ErrorBlock } from '../../components/StatusBlock.tsx'
import type { EvidenceFileRow } from '../../../../shared/desk.ts'
import { byteSizeLabel, dataUrl, isImage } from '../../lib/desk-view.ts'
import { useAction } from '../../lib/useAction.ts'
import { openEvidence, showsImagesInline } from '../../lib/evidence-view'
import { evidenceFile } from '../../lib/staff-api.ts'
import './EvidenceLinks.scss'

/** One 佐证材料: a button that fetches it (evidence_file) and shows or opens it. */
function EvidenceItem({ id, no }: { id: string; no: number }) {
  const [file, setFile] = useState<EvidenceFileRow | null>(null)
  const { busy, error, run } = useAction()
  const open = () =>
    run(async () => {
      const f = file ?? (await evidenceFile(id))
      setFile(f)
      if (!(showsImagesInline && isImage(f.mime_type))) await openEvidence(f)
    })
  const inline = file !== null && showsImagesInline && isImage(file.mime_type)
  return (
    <View className='evidence' data-testid='evidence-item' data-evidence={id}>
      <Button className={`btn btn--secondary${busy ? ' btn--busy' : ''}`} data-testid='open-evidence' onClick={open}>
        {busy ? '正在打开…' : `查看佐证材料 ${no}${file ? `：${file.file_name}（${byteSizeLabel(Number(file.byte_size))}）` : ''}`}
      </Button>
      {inline ? <Image className='evidence__image' data-testid='evidence-image' mode='widthFix' src={dataUrl(file.mime_type, file.content_base64)} /> : null}
      {error ? <ErrorBlock message={error} /> : null}
    </View>
  )
}

/** The 佐证材料 of an appeal: each openable (images inline on H5, a viewer on mini-programs). */
export function EvidenceLinks({ ids }: { ids: readonly string[] | null }) {
  if (!ids || ids.length === 0) {
    return (
      <Text className='card__line' data-testid='appeal-evidence'>
        佐证材料：无
      </Text>
    )
  }
  return (
    <View data-testid='appeal-evidence'>
      <Text className='card__line'>佐证材料：{ids.length} 份</Text>
      {ids.map((id, i) => (
        <EvidenceItem key={id} id={id} no={i + 1} />
      ))}
    </View>
  )
}
