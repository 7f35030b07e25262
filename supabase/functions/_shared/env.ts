/**
 * Environment, read and checked once when a function module loads: a missing setting stops
 * the function at start instead of failing a citizen's request later.
 */
function required(name: string): string {
  const value = Deno.env.get(name);
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is required`);
  return value;
}

/** Injected by Supabase into every function (locally by the stack). */
export const supabaseUrl = required('SUPABASE_URL');
export const serviceRoleKey = required('SUPABASE_SERVICE_ROLE_KEY');

/** The project's JWT secret (`supabase secrets set HCP_JWT_SECRET=…`), used to mint user tokens. */
export const jwtSecret = required('HCP_JWT_SECRET');
if (jwtSecret.length < 32) throw new Error('HCP_JWT_SECRET must be at least 32 characters (HS256)');

/** Demo logins exist only where this is exactly "true" (the local stack); production never sets it. */
export const allowDevLogin = Deno.env.get('ALLOW_DEV_LOGIN') === 'true';
