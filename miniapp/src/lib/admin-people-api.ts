/**
 * 人员与角色 (issue 7): staff roles, the person lookup and window assignments. Every answer is
 * parsed with a schema from shared/admin-people.ts; errors arrive as AppError with the server's
 * Chinese message (api.ts). Masked names only, by construction of the RPCs.
 */
import {
  AdminStaffRow,
  AssignmentIdResult,
  FoundUserRow,
  RoleIdResult,
  UnitStaffRow,
  UnitWindowRow,
} from '../../../shared/admin-people.ts'
import { parseRows, type StaffRole } from '../../../shared/schemas.ts'
import { rpc, rpcRow } from './api.ts'


/** Supervisors: every role held in a region they oversee and the regions below it. */
export async function adminStaff(regionCode: string): Promise<AdminStaffRow[]> {
  return parseRows(AdminStaffRow, await rpc('admin_staff', { p_region_code: regionCode }))
}

/** Managers of a unit's staff role (its region's supervisors, its own admins). */
export async function unitStaff(unitId: string): Promise<UnitStaffRow[]> {
  return parseRows(UnitStaffRow, await rpc('admin_unit_staff', { p_unit_id: unitId }))
}

export async function unitWindows(unitId: string): Promise<UnitWindowRow[]> {
  return parseRows(UnitWindowRow, await rpc('admin_unit_windows', { p_unit_id: unitId }))
}

/** Where a role would be granted: a unit (staff, unit_admin) or a region (supervisor). */
export type GrantScope = { kind: 'unit'; unitId: string } | { kind: 'region'; regionCode: string }

/**
 * The person with this mobile or ID number, for a grant in `scope`: masked name only. Audited by
 * the server. A phone alone is for supervisors; a unit admin passes the ID number too
 * (`idNumber`, which must belong to the same person), or the ID number as `identifier`.
 */
export async function findUser(identifier: string, scope: GrantScope, idNumber: string | null = null): Promise<FoundUserRow[]> {
  return parseRows(
    FoundUserRow,
    await rpc('admin_find_user', {
      p_identifier: identifier,
      p_unit_id: scope.kind === 'unit' ? scope.unitId : null,
      p_scope_region_code: scope.kind === 'region' ? scope.regionCode : null,
      ...(idNumber !== null ? { p_id_number: idNumber } : {}),
    }),
  )
}

export async function grantRole(userId: string, role: StaffRole, scope: GrantScope) {
  return rpcRow(RoleIdResult, 'admin_grant_role', {
      p_user_id: userId,
      p_role: role,
      p_unit_id: scope.kind === 'unit' ? scope.unitId : null,
      p_scope_region_code: scope.kind === 'region' ? scope.regionCode : null,
    })
}

export async function revokeRole(roleId: string) {
  return rpcRow(RoleIdResult, 'admin_revoke_role', { p_role_id: roleId })
}

export async function assignWindow(userId: string, windowId: string, validFrom: string, validTo: string | null) {
  return rpcRow(AssignmentIdResult, 'admin_assign_window', { p_user_id: userId, p_window_id: windowId, p_valid_from: validFrom, p_valid_to: validTo })
}
