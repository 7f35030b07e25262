/**
 * Administration of people, ingestion keys and the calendar (issue 7) as clients read it: the
 * rows of admin_staff, admin_unit_staff, admin_unit_windows, admin_find_user, ingest_keys,
 * ingest_key_halls and the answers of the grant / revoke / create calls. Masked names only: no
 * RPC here ever answers a phone or ID number.
 */
import { z } from 'zod';
import { DeviceKind } from './ingest.ts';
import { DbId, StaffRole } from './schemas.ts';

const RegionCode = z.string().regex(/^\d{6}$/);

/** A row of `admin_staff(p_region_code)` (supervisors). */
export const AdminStaffRow = z.object({
  role_id: DbId,
  user_id: DbId,
  masked_name: z.string(),
  realname_verified: z.boolean(),
  role: StaffRole,
  unit_id: DbId.nullable(),
  unit_name: z.string().nullable(),
  scope_region_code: RegionCode.nullable(),
});
export type AdminStaffRow = z.infer<typeof AdminStaffRow>;

/** A row of `admin_unit_staff(p_unit_id)` (managers of a unit's staff role). */
export const UnitStaffRow = z.object({
  role_id: DbId,
  user_id: DbId,
  masked_name: z.string(),
  realname_verified: z.boolean(),
  role: z.enum(['staff', 'unit_admin']),
  current_windows: z.array(z.string()),
});
export type UnitStaffRow = z.infer<typeof UnitStaffRow>;

/** A row of `admin_unit_windows(p_unit_id)`. */
export const UnitWindowRow = z.object({
  window_id: DbId,
  window_name: z.string(),
  hall_id: DbId,
  hall_name: z.string(),
});
export type UnitWindowRow = z.infer<typeof UnitWindowRow>;

/**
 * A row of `admin_find_user(p_identifier, p_unit_id, p_scope_region_code, p_id_number)`. Phone
 * alone is for supervisors; a unit admin gives the ID number (alone, or as p_id_number beside
 * the phone).
 */
export const FoundUserRow = z.object({
  user_id: DbId,
  masked_name: z.string(),
  realname_verified: z.boolean(),
});
export type FoundUserRow = z.infer<typeof FoundUserRow>;

/** A row of `admin_lookup_flags(p_region_code)`: a caller whose lookups were flagged as a sweep. */
export const LookupFlagRow = z.object({
  flagged_at: z.string(),
  user_id: DbId,
  masked_name: z.string().nullable(),
  region_code: z.string(),
  unit_id: DbId.nullable(),
  unit_name: z.string().nullable(),
  misses: z.number().int(),
  locked_until: z.string(),
});
export type LookupFlagRow = z.infer<typeof LookupFlagRow>;

export const RoleIdResult = z.object({ role_id: DbId });
export const AssignmentIdResult = z.object({ assignment_id: DbId });

/** Kind of an ingestion key: a business system or a device kind. */
export const IngestKeyKind = z.union([z.literal('business_system'), DeviceKind]);
export type IngestKeyKind = z.infer<typeof IngestKeyKind>;

/** A row of `ingest_keys()` (no secret). */
export const IngestKeyRow = z.object({
  kind: IngestKeyKind,
  id: DbId,
  key_id: z.string(),
  name: z.string(),
  region_code: RegionCode,
  hall_id: DbId.nullable(),
  hall_name: z.string().nullable(),
  status: z.enum(['active', 'revoked']),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
});
export type IngestKeyRow = z.infer<typeof IngestKeyRow>;

/** `create_business_system` / `create_rating_device`: the only answer that carries the secret. */
export const CreatedKey = z.object({
  id: DbId,
  key_id: z.string(),
  secret: z.string().min(32),
  region_code: RegionCode,
});
export type CreatedKey = z.infer<typeof CreatedKey>;

export const RevokedKey = z.object({ key_id: z.string(), status: z.literal('revoked'), revoked_at: z.string() });

/** A row of `ingest_key_halls()`. */
export const KeyHallRow = z.object({
  hall_id: DbId,
  hall_name: z.string(),
  kind: z.enum(['center', 'hall', 'station']),
  region_code: RegionCode,
  region_name: z.string(),
});
export type KeyHallRow = z.infer<typeof KeyHallRow>;

/** `set_calendar_day`. */
export const SetCalendarDayResult = z.object({ day: z.string(), is_workday: z.boolean(), is_exception: z.boolean() });

/**
 * What admin_find_user accepts, checked before sending: a mainland mobile number (11 digits,
 * +86 allowed) or an 18-character 居民身份证号码. Spaces and dashes are ignored, as the server does.
 */
export function identifierKind(value: string): 'phone' | 'id_number' | null {
  const v = value.replace(/[\s-]/g, '').toUpperCase();
  if (/^(\+?86)?1[3-9]\d{9}$/.test(v)) return 'phone';
  if (/^\d{17}[\dX]$/.test(v)) return 'id_number';
  return null;
}

/** A row of the public `statutory_holidays` view. */
export const StatutoryHolidayRow = z.object({ day: z.string(), name: z.string() });

export const KEY_KIND_LABELS: Readonly<Record<IngestKeyKind, string>> = {
  business_system: '业务系统',
  hall_pad: '评价器',
  hall_terminal: '自助终端',
  phone: '12345 热线',
  sms: '短信评价',
};

/** Device kinds that stand in a hall (create_rating_device needs p_hall_id); the others serve a region. */
export const HALL_DEVICE_KINDS: readonly DeviceKind[] = ['hall_pad', 'hall_terminal'];

/**
 * Who a manager may grant what, as app.require_role_manager decides it (the server checks
 * again): in a unit, its region's supervisors grant staff and unit_admin, the unit's own admins
 * staff only; in a region, its supervisors grant supervisor.
 */
export function grantableRoles(target: 'unit' | 'region', asSupervisor: boolean): StaffRole[] {
  if (target === 'region') return asSupervisor ? ['supervisor'] : [];
  return asSupervisor ? ['staff', 'unit_admin'] : ['staff'];
}

/** A window assignment's dates: from is required, to (optional) not before it. Null when fine. */
export function validityProblem(from: string, to: string | null): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) return '请选择开始日期';
  if (to !== null && to < from) return '结束日期不能早于开始日期';
  return null;
}
