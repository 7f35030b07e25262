/**
 * Pure helpers that turn `whoami()` rows into what the UI shows. No Taro, no I/O: unit-testable
 * under plain Node.
 */
import { overseenRegions, REGIONS, type RegionChoice } from '../../../shared/regions.ts'
import type { StaffRole, WhoamiRow } from '../../../shared/schemas.ts'

export const ROLE_LABELS: Readonly<Record<StaffRole, string>> = {
  staff: '窗口工作人员',
  unit_admin: '单位管理员',
  supervisor: '监督员',
}

export function roleLabel(role: StaffRole): string {
  return ROLE_LABELS[role]
}

export function regionNameOf(code: string | null): string | null {
  if (code === null) return null
  return REGIONS.find((r) => r.code === code)?.name ?? null
}

export interface RoleGrant {
  role: StaffRole
  label: string
  unitId: string | null
  unitName: string | null
  scopeRegionCode: string | null
  scopeRegionName: string | null
}

export interface Identity {
  userId: string
  maskedName: string
  regionCode: string | null
  regionName: string | null
  /** R11/R12: a bound real name (实名) — 差评 get a 回访 and may ask for re-review. */
  realnameVerified: boolean
  /** Empty for citizens. */
  roles: RoleGrant[]
}

/** `whoami()` answers one row per role (one row with `role: null` for a citizen). */
export function summarizeWhoami(rows: readonly WhoamiRow[]): Identity | null {
  const first = rows[0]
  if (first === undefined) return null
  const roles: RoleGrant[] = []
  for (const row of rows) {
    if (row.role === null) continue
    roles.push({
      role: row.role,
      label: roleLabel(row.role),
      unitId: row.unit_id,
      unitName: row.unit_name,
      scopeRegionCode: row.scope_region_code,
      scopeRegionName: regionNameOf(row.scope_region_code),
    })
  }
  return {
    userId: first.user_id,
    maskedName: first.masked_name,
    regionCode: first.region_code,
    regionName: first.region_name ?? regionNameOf(first.region_code),
    realnameVerified: first.realname_verified,
    roles,
  }
}

/** 工作台: window staff and unit admins (their unit's 差评, appeals, ratings). */
export function hasStaffDesk(identity: Identity): boolean {
  return identity.roles.some((g) => g.role === 'staff' || g.role === 'unit_admin')
}

/** 监督台: supervisors of a region. */
export function hasSuperviseDesk(identity: Identity): boolean {
  return identity.roles.some((g) => g.role === 'supervisor')
}

/** The scope codes of a person's supervisor roles (none for anyone else). */
export function supervisorScopes(identity: Pick<Identity, 'roles'> | null): string[] {
  return (identity?.roles ?? []).flatMap((g) => (g.role === 'supervisor' && g.scopeRegionCode !== null ? [g.scopeRegionCode] : []))
}

/** The regions a person supervises, widest first (shared/regions.ts overseenRegions); empty for non-supervisors. */
export function supervisedRegions(identity: Pick<Identity, 'roles'> | null): RegionChoice[] {
  return overseenRegions(supervisorScopes(identity))
}

/** 管理: supervisors administer their regions; unit admins manage the staff of their own unit. */
export function hasAdminDesk(identity: Identity): boolean {
  return identity.roles.some((g) => g.role === 'supervisor' || g.role === 'unit_admin')
}

/** What the 管理 hub offers a person: everything to supervisors, 人员与角色 alone to unit admins. */
export type AdminSection = 'org' | 'qr' | 'matters' | 'people' | 'keys' | 'kiosk' | 'calendar' | 'system'

/** 评价器 (issue 18): unit admins pair their own windows' tablets too. */
export function adminSections(identity: Identity): AdminSection[] {
  // 系统状态 (issue 19.1): supervisors and unit admins, as system_status() allows.
  if (hasSuperviseDesk(identity)) return ['org', 'qr', 'matters', 'people', 'keys', 'kiosk', 'calendar', 'system']
  return identity.roles.some((g) => g.role === 'unit_admin') ? ['people', 'kiosk', 'system'] : []
}
