/**
 * Access tokens for signed-in users: what PostgREST accepts (role authenticated, sub = user id),
 * signed ES256 with the signing key's kid (or HS256 under the legacy switch; see env.ts).
 */
import { SignJWT } from 'jose';
import { signJwt } from './jwt.ts';

export const ACCESS_TOKEN_TTL_S = 3600;

export function mintAccessToken(userId: string): Promise<string> {
  return signJwt(new SignJWT({ role: 'authenticated', aud: 'authenticated' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_TTL_S}s`));
}
