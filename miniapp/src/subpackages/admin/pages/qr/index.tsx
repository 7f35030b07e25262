import { useState } from 'react'
import { Button, Image, Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading } from '../../../../components/StatusBlock.tsx'
import { HALL_KIND_LABELS } from '../../../../../../shared/admin-org.ts'
import { adminHalls, windowQrCodes } from '../../../../lib/admin-org-api.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import { buildValue } from '../../../../lib/build-env.ts'
import { pages, QR_INSTRUCTION, qrBase, qrCards, type QrCard } from '../../../../lib/window-qr.ts'
import { Choices, loadRegionOptions, RegionPicker } from '../org/OrgBits.tsx'
import '../../admin.scss'
import './index.scss'

/** The configured public H5 address, else the H5 desk's own; in a mini-program without it, none. */
function h5Base(): string | null {
  const onH5 = process.env.TARO_ENV === 'h5' && typeof window !== 'undefined'
  return qrBase(buildValue(() => process.env.TARO_APP_QR_BASE_URL), onH5 ? window.location : null)
}

function print(): void {
  if (process.env.TARO_ENV === 'h5' && typeof window !== 'undefined') window.print()
}

function Card({ card }: { card: QrCard }) {
  return (
    <View className='qr-card' data-testid='qr-card' data-window={card.windowId} data-url={card.image.text}>
      <Image className='qr-card__img' data-testid='qr-image' src={card.image.dataUrl} mode='widthFix' />
      <Text className='qr-card__name' data-testid='qr-window-name'>{card.windowName}</Text>
      <Text className='qr-card__line'>{card.unitName}</Text>
      <Text className='qr-card__line'>{card.hallName}</Text>
      <Text className='qr-card__hint'>{QR_INSTRUCTION}</Text>
    </View>
  )
}

function Sheet({ hallId }: { hallId: string }) {
  const { state, reload } = useAsync(async () => qrCards(await windowQrCodes(hallId), h5Base()))
  if (state.status === 'loading') return <Loading label='正在生成二维码…' />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const cards = state.data
  if (cards.length === 0) return <Empty label='这个大厅还没有窗口，请先在「单位 · 大厅 · 窗口」中新增' />
  const sheets = pages(cards)
  return (
    <View data-testid='qr-sheet' data-count={cards.length}>
      <View className='qr-noprint'>
        <Text className='hint'>
          共 {cards.length} 个窗口，A4 纸每页 6 个（{sheets.length} 页）。
          {process.env.TARO_ENV === 'h5' ? '打印时请选择“实际大小”，不要缩放。' : '请在电脑上打开 H5 管理台打印。'}
        </Text>
        {process.env.TARO_ENV === 'h5' ? (
          <Button className='btn btn--primary' data-testid='print' onClick={print}>
            打印本大厅二维码
          </Button>
        ) : null}
      </View>
      {sheets.map((sheet, i) => (
        <View key={i} className='qr-page' data-testid='qr-page'>
          {sheet.map((c) => (
            <Card key={c.windowId} card={c} />
          ))}
        </View>
      ))}
    </View>
  )
}

function Halls({ region, asked }: { region: string; asked: string | undefined }) {
  const { state, reload } = useAsync(() => adminHalls(region))
  const [hall, setHall] = useState<string | null>(null)
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const halls = state.data
  if (halls.length === 0) return <Empty label='本地区还没有大厅' />
  const current = hall ?? (halls.some((h) => h.id === asked) ? asked! : halls[0]!.id)
  return (
    <View>
      <View className='qr-noprint'>
        <Choices
          label='大厅'
          testid='hall'
          options={halls.map((h) => ({ value: h.id, label: `${h.name}（${HALL_KIND_LABELS[h.kind]}，${h.window_count} 个窗口）` }))}
          value={current}
          onChange={setHall}
        />
      </View>
      <Sheet key={current} hallId={current} />
    </View>
  )
}

function QrDesk({ askedRegion, askedHall }: { askedRegion: string | undefined; askedHall: string | undefined }) {
  const { state, reload } = useAsync(() => loadRegionOptions(askedRegion))
  const [region, setRegion] = useState<string | null>(null)
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const options = state.data
  if (options.length === 0) return <Empty label='只有监督员可以打印窗口二维码' />
  const current = region ?? (options.some((o) => o.code === askedRegion) ? askedRegion! : options[0]!.code)
  return (
    <View className='qr-desk' data-testid='qr-desk' data-region={current}>
      <View className='qr-noprint'>
        <RegionPicker options={options} value={current} onChange={setRegion} />
      </View>
      <Halls key={current} region={current} asked={region === null ? askedHall : undefined} />
    </View>
  )
}

export default function AdminQrPage() {
  const { params } = useRouter()
  return (
    <Shell title='窗口评价二维码'>
      <LoginGate reason='监督员登录后打印窗口二维码'>{() => <QrDesk askedRegion={params.region} askedHall={params.hall} />}</LoginGate>
    </Shell>
  )
}
