/** The citizen pages (main package) and moving between them. */
import Taro from '@tarojs/taro'

export const ROUTES = {
  home: '/pages/index/index',
  pending: '/pages/pending/index',
  rate: '/pages/rate/index',
  scan: '/pages/scan/index',
  myRatings: '/pages/my-ratings/index',
  suggest: '/pages/suggest/index',
  public: '/pages/public/index',
  me: '/pages/me/index',
  // Subpackages (app.config.ts subPackages): the staff 工作台, the supervisor 监督台 and 管理.
  staff: '/subpackages/staff/pages/index/index',
  staffOrder: '/subpackages/staff/pages/order/index',
  staffRatings: '/subpackages/staff/pages/ratings/index',
  staffComments: '/subpackages/staff/pages/comments/index',
  supervise: '/subpackages/supervise/pages/index/index',
  superviseAppeals: '/subpackages/supervise/pages/appeals/index',
  superviseDashboard: '/subpackages/supervise/pages/dashboard/index',
  superviseSampling: '/subpackages/supervise/pages/sampling/index',
  superviseAssessments: '/subpackages/supervise/pages/assessments/index',
  superviseComments: '/subpackages/supervise/pages/comments/index',
  supervisePublish: '/subpackages/supervise/pages/publish/index',
  superviseRereviews: '/subpackages/supervise/pages/rereviews/index',
  superviseModeration: '/subpackages/supervise/pages/moderation/index',
  admin: '/subpackages/admin/pages/index/index',
  adminOrg: '/subpackages/admin/pages/org/index',
  adminQr: '/subpackages/admin/pages/qr/index',
  adminMatters: '/subpackages/admin/pages/matters/index',
  adminPeople: '/subpackages/admin/pages/people/index',
  adminKeys: '/subpackages/admin/pages/keys/index',
  adminCalendar: '/subpackages/admin/pages/calendar/index',
  adminKiosk: '/subpackages/admin/pages/kiosk/index',
  adminSystem: '/subpackages/admin/pages/system/index',
} as const
export type Route = (typeof ROUTES)[keyof typeof ROUTES]

export function go(route: Route, query = ''): void {
  const url = query === '' ? route : `${route}?${query}`
  void Taro.navigateTo({ url }).catch(() => Taro.redirectTo({ url }))
}

/** Back to 首页, whatever the page stack (a QR code may have opened the app on a deep page). */
export function goHome(): void {
  void Taro.reLaunch({ url: ROUTES.home })
}
