/**
 * Stand-in for the provincial unified identity platform (统一身份认证平台). After a person passes
 * its real-name check (face + 身份证), the platform hands the app a signed ticket: a compact
 * JWS (RS256, kid `idp-local-1`) whose claims carry the ticket id (`jti`), issuer, audience,
 * issue and expiry times, the verified `name`, `id_number` and `phone`, how the person was
 * verified (`verify_method`: face here) and the `nonce` the app passed (the one our backend's
 * realname_nonce() gave its session, echoed as the platform echoes an OIDC nonce). realname-bind
 * checks the signature against the platform's public key (IDP_PUBLIC_KEY); the database checks
 * the nonce and the method.
 *   POST /api/v1/realname/verify  { name, id_number, phone?, nonce? }  → { ticket, ticket_id, expires_at }
 *   GET  /.well-known/jwks.json                                          → the public key
 *   POST /__control/tickets { name, id_number, phone?, nonce?, verify_method?, ttl_s?, jti?, aud?, iss?, stranger_key? }
 *        → a ticket as the test asks: expired (ttl_s < 0), a chosen jti (replays), another
 *          audience or issuer, signed by a key that is not the platform's, with a chosen nonce
 *          (none when left out) and method (face when left out; null: no method claim).
 */
import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { exportJWK, importPKCS8, SignJWT } from 'jose';
import { startStandIn, type RunningStandIn } from './common.ts';

export const IDP_KID = 'idp-local-1';
export const TICKET_TTL_S = 600;

interface TicketRequest {
  name?: unknown;
  id_number?: unknown;
  phone?: unknown;
  nonce?: unknown;
  verify_method?: unknown;
  ttl_s?: unknown;
  jti?: unknown;
  aud?: unknown;
  iss?: unknown;
  stranger_key?: unknown;
}

export async function startIdpStandIn(opts: {
  privateKey: string;
  publicKey: string;
  issuer: string;
  audience: string;
  log?: (line: string) => void;
}): Promise<RunningStandIn> {
  const key = await importPKCS8(opts.privateKey, 'RS256');
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const jwk = { ...(await exportJWK(createPublicKey(opts.publicKey))), kid: IDP_KID, alg: 'RS256', use: 'sig' };

  async function issue(r: TicketRequest): Promise<{ status?: number; body: unknown }> {
    if (typeof r.name !== 'string' || typeof r.id_number !== 'string') {
      return { status: 400, body: { code: 'INVALID_PARAM', message: 'name and id_number are required' } };
    }
    const now = Math.floor(Date.now() / 1000);
    const ttl = typeof r.ttl_s === 'number' ? r.ttl_s : TICKET_TTL_S;
    const jti = typeof r.jti === 'string' ? r.jti : randomUUID();
    const claims: Record<string, unknown> = { name: r.name, id_number: r.id_number };
    if (r.verify_method !== null) claims.verify_method = typeof r.verify_method === 'string' ? r.verify_method : 'face';
    if (typeof r.phone === 'string') claims.phone = r.phone;
    if (typeof r.nonce === 'string') claims.nonce = r.nonce;
    const ticket = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: IDP_KID })
      .setIssuer(typeof r.iss === 'string' ? r.iss : opts.issuer)
      .setAudience(typeof r.aud === 'string' ? r.aud : opts.audience)
      .setJti(jti)
      .setIssuedAt(ttl < 0 ? now + ttl - 60 : now)
      .setExpirationTime(now + ttl)
      .sign(r.stranger_key === true ? stranger : key);
    return { body: { ticket, ticket_id: jti, expires_at: new Date((now + ttl) * 1000).toISOString() } };
  }

  return startStandIn({
    name: 'idp',
    cors: true,
    async serve(req) {
      if (req.method === 'GET' && req.path === '/.well-known/jwks.json') return { body: { keys: [jwk] } };
      if (req.method === 'POST' && req.path === '/api/v1/realname/verify') {
        let body: TicketRequest;
        try {
          body = JSON.parse(req.body) as TicketRequest;
        } catch {
          return { status: 400, body: { code: 'INVALID_JSON', message: 'body must be JSON' } };
        }
        // The public endpoint verifies by face: callers choose neither the method nor anything else.
        return issue({ name: body.name, id_number: body.id_number, phone: body.phone, nonce: body.nonce });
      }
      return undefined;
    },
    async control(method, path, body) {
      if (method === 'POST' && path === 'tickets') return issue((body ?? {}) as TicketRequest);
      return undefined;
    },
  }, { log: opts.log });
}
