/**
 * The API keys a Supabase project hands out: HS256 JWTs whose `role` claim PostgREST
 * switches to. Local keys are derived from the local secret, so they stay the same
 * across restarts (the H5 app and a developer's .env keep working).
 */
import { SignJWT } from 'jose';

const TEN_YEARS_S = 10 * 365 * 24 * 3600;
/** Fixed issue time so that the same secret always yields the same keys. */
const ISSUED_AT = 1_767_225_600; // 2026-01-01T00:00:00Z

export type ApiRole = 'anon' | 'service_role';

export async function apiKey(role: ApiRole, secret: string): Promise<string> {
  return new SignJWT({ role, iss: 'supabase-local' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(ISSUED_AT)
    .setExpirationTime(ISSUED_AT + TEN_YEARS_S)
    .sign(new TextEncoder().encode(secret));
}

/** A user's access token as the login functions mint it (tests use it to act as a user). */
export async function userToken(userId: string, secret: string, ttlSeconds = 3600): Promise<string> {
  return new SignJWT({ role: 'authenticated', aud: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(secret));
}
