import { Button, Text, View } from '@tarojs/components'
import { LoginGate } from '../../../../components/LoginGate.tsx'
import { Shell } from '../../../../components/Shell.tsx'
import { Empty, ErrorBlock, Loading } from '../../../../components/StatusBlock.tsx'
import { whoami } from '../../../../lib/api.ts'
import { go, ROUTES, type Route } from '../../../../lib/nav.ts'
import { adminSections, summarizeWhoami, type AdminSection } from '../../../../lib/roles.ts'
import { useAsync } from '../../../../lib/useAsync.ts'
import '../../admin.scss'

const SECTIONS: Readonly<Record<AdminSection, { label: string; hint: string; route: Route }>> = {
  org: { label: '单位 · 大厅 · 窗口', hint: '新增和修改本地区的单位、政务服务大厅和窗口', route: ROUTES.adminOrg },
  qr: { label: '窗口评价二维码', hint: '按大厅打印每个窗口的评价二维码', route: ROUTES.adminQr },
  matters: { label: '事项', hint: '政务服务事项和办理时限', route: ROUTES.adminMatters },
  people: { label: '人员与角色', hint: '工作人员、单位管理员、监督员和窗口安排', route: ROUTES.adminPeople },
  keys: { label: '设备与业务系统密钥', hint: '评价器、自助终端和业务系统的接入密钥', route: ROUTES.adminKeys },
  kiosk: { label: '评价器', hint: '为窗口的平板评价器生成配对码，查看和停用已配对的平板', route: ROUTES.adminKiosk },
  calendar: { label: '工作日历', hint: '法定节假日和调休，决定各项办理时限', route: ROUTES.adminCalendar },
  system: { label: '系统状态', hint: '定时任务、省平台报送、提醒消息和数据接入是否正常', route: ROUTES.adminSystem },
}

function Hub() {
  const { state, reload } = useAsync(async () => summarizeWhoami(await whoami()))
  if (state.status === 'loading') return <Loading />
  if (state.status === 'error') return <ErrorBlock message={state.error.message} onRetry={reload} />
  const sections = state.data ? adminSections(state.data) : []
  if (sections.length === 0) return <Empty label='只有监督员和单位管理员可以使用管理功能' />
  return (
    <View>
      {sections.map((s) => (
        <View key={s} className='card'>
          <Button className='btn btn--primary' data-testid={`to-admin-${s}`} onClick={() => go(SECTIONS[s].route)}>
            {SECTIONS[s].label}
          </Button>
          <Text className='card__line'>{SECTIONS[s].hint}</Text>
        </View>
      ))}
    </View>
  )
}

export default function AdminHubPage() {
  return (
    <Shell title='管理'>
      <LoginGate reason='监督员或单位管理员登录后使用'>{() => <Hub />}</LoginGate>
    </Shell>
  )
}
