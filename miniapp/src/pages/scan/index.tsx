import { useState } from 'react'
import { Button, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { LoginGate } from '../../components/LoginGate.tsx'
import { RatingForm } from '../../components/RatingForm.tsx'
import { Shell } from '../../components/Shell.tsx'
import { ErrorBlock, Loading } from '../../components/StatusBlock.tsx'
import { windowInfo } from '../../lib/api.ts'
import type { WindowInfoRow } from '../../lib/rows.ts'
import { targetFromParams, type ScanTarget } from '../../lib/scene.ts'
import { useAsync } from '../../lib/useAsync.ts'

function StaffChoice({ info, value, onChange }: { info: WindowInfoRow; value: string | null; onChange: (id: string | null) => void }) {
  if (info.staff.length === 0) return null
  const options: Array<{ id: string | null; name: string }> = [...info.staff.map((s) => ({ id: s.staff_id, name: s.name })), { id: null, name: '不确定是哪一位' }]
  return (
    <View data-testid='staff-choice'>
      <Text className='field-label'>为您服务的工作人员（选填）</Text>
      {options.map((o) => {
        const on = value === o.id
        return (
          <View
            key={o.id ?? 'none'}
            className={`identity__choice${on ? ' identity__choice--on' : ''}`}
            data-testid={`staff-${o.id ?? 'none'}`}
            data-selected={on ? 'yes' : 'no'}
            onClick={() => onChange(o.id)}
          >
            <Text className='identity__name'>
              {on ? '◉ ' : '○ '}
              {o.name}
            </Text>
          </View>
        )
      })}
    </View>
  )
}

function WindowRating({ target }: { target: ScanTarget }) {
  const { state, reload } = useAsync(() => windowInfo(target.windowId))
  const [staffId, setStaffId] = useState<string | null>(target.staffId)
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const info = state.data
  if (!info) return <ErrorBlock message='没有找到这个窗口，二维码可能已经停用，请向工作人员询问。' />
  const known = info.staff.some((s) => s.staff_id === staffId)
  const chosen = known ? staffId : null
  return (
    <View>
      <View className='card' data-testid='window-info'>
        <Text className='card__title'>{info.window_name}</Text>
        <Text className='card__line'>服务大厅：{info.hall_name}</Text>
        <Text className='card__line'>办理单位：{info.unit_name}</Text>
        <Text className='card__line'>所在地区：{info.region_name}</Text>
        <Text className='hint'>每人每天可对同一窗口评价一次。</Text>
      </View>
      <LoginGate reason='登录后可以评价这个窗口的服务。'>
        {(session) => (
          <View>
            {target.staffId && known ? null : <StaffChoice info={info} value={chosen} onChange={setStaffId} />}
            {target.staffId && known ? (
              <Text className='card__line'>工作人员：{info.staff.find((s) => s.staff_id === chosen)?.name}</Text>
            ) : null}
            <RatingForm
              key={session.user.id}
              session={session}
              target={{ kind: 'visit', id: info.window_id, staffId: chosen, title: info.window_name }}
            />
          </View>
        )}
      </LoginGate>
    </View>
  )
}

export default function ScanPage() {
  const { params } = useRouter()
  const target = targetFromParams(params)
  return (
    <Shell title='扫码评价窗口'>
      {target ? (
        <WindowRating target={target} />
      ) : (
        <View className='card' data-testid='scan-help'>
          <Text className='card__title'>{params.invalid ? '没有识别出窗口二维码' : '请扫描窗口上的二维码'}</Text>
          <Text className='card__line'>每个服务窗口都贴有“好差评”二维码。用微信或支付宝“扫一扫”扫描后，就能评价这个窗口的服务。</Text>
          {process.env.TARO_ENV === 'h5' ? null : (
            <Button className='btn btn--primary card__actions' onClick={() => void Taro.navigateBack()}>
              返回
            </Button>
          )}
        </View>
      )}
    </Shell>
  )
}
