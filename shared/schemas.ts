/**
 * zod schemas of what crosses the wire, shared by the edge functions (Deno), the mini-program
 * (Taro) and the tests (Node). Every server response a client uses is parsed with one of these.
 */
import { z } from 'zod';
import { PERSONA_KEYS } from './personas.ts';
import { REGION_CODE_PATTERN } from './regions.ts';

/**
 * A Postgres uuid: any 8-4-4-4-12 hex value. Not z.uuid(), which insists on RFC 9562 version
 * bits that ids derived in SQL (md5(…)::uuid in the seed, imports) need not have.
 */
export const DbId = z.guid();

export const PersonaKey = z.enum(PERSONA_KEYS);
export type PersonaKey = z.infer<typeof PersonaKey>;

export const DevLoginRequest = z.object({ persona: PersonaKey }).strict();
export type DevLoginRequest = z.infer<typeof DevLoginRequest>;

export const Persona = z.object({
  key: PersonaKey,
  label: z.string(),
  user_id: DbId,
});
export type Persona = z.infer<typeof Persona>;

export const PersonaList = z.object({ personas: z.array(Persona) });

export const DevLoginResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.literal('bearer'),
  expires_in: z.number().int().positive(),
  user: Persona,
});
export type DevLoginResponse = z.infer<typeof DevLoginResponse>;

export const StaffRole = z.enum(['staff', 'unit_admin', 'supervisor']);
export type StaffRole = z.infer<typeof StaffRole>;

const RegionCode = z.string().regex(REGION_CODE_PATTERN);

/** One row of `whoami()`: the signed-in user and, for staff, one row per role they hold. */
export const WhoamiRow = z.object({
  user_id: DbId,
  masked_name: z.string(),
  region_code: RegionCode.nullable(),
  region_name: z.string().nullable(),
  role: StaffRole.nullable(),
  unit_id: DbId.nullable(),
  unit_name: z.string().nullable(),
  scope_region_code: RegionCode.nullable(),
  realname_verified: z.boolean(),
});
export type WhoamiRow = z.infer<typeof WhoamiRow>;

/** A row of the public `units` view (政务服务机构名录). */
export const UnitRow = z.object({
  id: DbId,
  name: z.string(),
  credit_code: z.string().nullable(),
  region_code: RegionCode,
  region_name: z.string(),
});
export type UnitRow = z.infer<typeof UnitRow>;

/** Parses a list of rows, failing on the first row that does not match. */
export function parseRows<T extends z.ZodType>(schema: T, rows: unknown): z.infer<T>[] {
  return z.array(schema).parse(rows);
}
