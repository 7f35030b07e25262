/** Access tokens for signed-in users: what PostgREST accepts (role authenticated, sub = user id). */
import { SignJWT } from 'jose';
import { jwtSecret } from './env.ts';

export const ACCESS_TOKEN_TTL_S = 3600;

const key = new TextEncoder().encode(jwtSecret);

export function mintAccessToken(userId: string): Promise<string> {
  return new SignJWT({ role: 'authenticated', aud: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_TTL_S}s`)
    .sign(key);
}
