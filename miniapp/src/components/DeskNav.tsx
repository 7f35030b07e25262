/**
 * The desk console's left navigation (issue 21.2): on the H5 desk at ≥ 1024 px every staff,
 * supervisor and admin page has its console's pages on the left (CSS hides it on phones, where
 * the pages keep their own buttons). The database still decides every action; a link to a page
 * the person may not use shows that page's own refusal.
 */
import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { ROUTES, type Route } from '../lib/nav.ts'

interface NavItem { route: Route; label: string }

const SECTIONS: Record<'staff' | 'supervise' | 'admin', { title: string; items: NavItem[] }> = {
  staff: {
    title: '工作台',
    items: [
      { route: ROUTES.staff, label: '差评处理' },
      { route: ROUTES.staffRatings, label: '本单位评价' },
      { route: ROUTES.staffComments, label: '本单位意见箱' },
    ],
  },
  supervise: {
    title: '监督台',
    items: [
      { route: ROUTES.supervise, label: '超期预警 · 重点监督' },
      { route: ROUTES.superviseAppeals, label: '申诉审核' },
      { route: ROUTES.superviseRereviews, label: '差评复核' },
      { route: ROUTES.superviseDashboard, label: '评价统计' },
      { route: ROUTES.superviseComments, label: '综合点评' },
      { route: ROUTES.superviseModeration, label: '评论公开审核' },
      { route: ROUTES.superviseSampling, label: '回访抽查' },
      { route: ROUTES.superviseAssessments, label: '第三方评估' },
      { route: ROUTES.supervisePublish, label: '结果公开 · 导出' },
    ],
  },
  admin: {
    title: '管理',
    items: [
      { route: ROUTES.admin, label: '管理首页' },
      { route: ROUTES.adminOrg, label: '单位 大厅 窗口' },
      { route: ROUTES.adminMatters, label: '事项' },
      { route: ROUTES.adminPeople, label: '人员和角色' },
      { route: ROUTES.adminQr, label: '窗口评价二维码' },
      { route: ROUTES.adminKeys, label: '设备密钥' },
      { route: ROUTES.adminKiosk, label: '评价器' },
      { route: ROUTES.adminCalendar, label: '工作日历' },
      { route: ROUTES.adminSystem, label: '系统状态' },
    ],
  },
}

/** The console a page belongs to, from its path ('/subpackages/<console>/pages/…'). */
export function consoleOf(path: string | undefined): keyof typeof SECTIONS | null {
  const m = /^\/?subpackages\/(staff|supervise|admin)\//.exec(path ?? '')
  return m ? (m[1] as keyof typeof SECTIONS) : null
}

export function DeskNav() {
  if (process.env.TARO_ENV !== 'h5') return null
  const path = Taro.getCurrentInstance().router?.path?.split('?')[0]
  const area = consoleOf(path)
  if (!area) return null
  const section = SECTIONS[area]
  return (
    <View className='desk-nav' data-testid='desk-nav' role='navigation' aria-label={section.title}>
      <Text className='desk-nav__title'>{section.title}</Text>
      {section.items.map((i) => {
        const on = path === i.route || path === i.route.slice(1)
        return (
          <View
            key={i.route}
            className={`desk-nav__item${on ? ' desk-nav__item--on' : ''}`}
            data-testid='desk-nav-item'
            aria-current={on ? 'page' : undefined}
            onClick={() => void Taro.redirectTo({ url: i.route })}
          >
            {i.label}
          </View>
        )
      })}
      <View className='desk-nav__item desk-nav__item--home' data-testid='desk-nav-home' onClick={() => void Taro.reLaunch({ url: ROUTES.home })}>
        返回首页
      </View>
    </View>
  )
}
