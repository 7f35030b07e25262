/**
 * The demo personas of SPEC §4 (contract keys). supabase/seed.sql creates one user per key;
 * `auth-dev` logs in as them when ALLOW_DEV_LOGIN=true.
 */
export const PERSONA_KEYS = [
  'citizen-a',
  'citizen-b',
  'citizen-anon',
  'staff-linxiang',
  'unit-admin-linxiang',
  'staff-fengqing',
  'supervisor-city',
  'supervisor-fengqing',
] as const;

export type PersonaKey = (typeof PERSONA_KEYS)[number];
