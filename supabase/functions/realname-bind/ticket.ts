/**
 * The provincial unified identity platform's ticket: a compact JWS signed RS256 with the
 * platform's key. Settings: IDP_PUBLIC_KEY (SPKI PEM), IDP_ISSUER, IDP_AUDIENCE (our client id
 * at the platform). A ticket is believed only when its signature, issuer, audience and expiry
 * all check out; its claims are then parsed with shared/identity.ts.
 */
import { errors, importSPKI, jwtVerify, type CryptoKey } from 'jose';
import { IdentityTicketClaims } from '../_shared/contract/identity.ts';
import { fail } from '../_shared/fail.ts';
import { pemEnv, requiredEnv } from '../_shared/settings.ts';

export interface IdpConfig {
  publicKey: CryptoKey;
  issuer: string;
  audience: string;
}

export const idpConfig: IdpConfig = {
  publicKey: await importSPKI(pemEnv('IDP_PUBLIC_KEY'), 'RS256'),
  issuer: requiredEnv('IDP_ISSUER'),
  audience: requiredEnv('IDP_AUDIENCE'),
};

export async function verifyTicket(cfg: IdpConfig, ticket: string): Promise<IdentityTicketClaims> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(ticket, cfg.publicKey, {
      algorithms: ['RS256'],
      issuer: cfg.issuer,
      audience: cfg.audience,
      requiredClaims: ['jti', 'exp', 'iss'],
    }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw fail('ticket_expired', { reason: 'exp' });
    throw fail('ticket_invalid', { reason: err instanceof errors.JOSEError ? err.code : 'malformed' });
  }
  const claims = IdentityTicketClaims.safeParse(payload);
  if (!claims.success) {
    throw fail('ticket_invalid', { reason: 'claims', issues: claims.error.issues.map((i) => i.path.join('.')) });
  }
  return claims.data;
}
