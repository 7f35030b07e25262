/**
 * The gateway a Supabase project puts in front of its services (Kong in their stack):
 * /rest/v1/* → PostgREST, /functions/v1/<name>/* → the functions, an `apikey` that must be
 * the project's anon or service-role key, CORS for the H5 app, the function JWT check where
 * supabase/config.toml leaves `verify_jwt` on (against the stack's JWKS, as the edge runtime
 * checks against the project's keys), and the public JWK set at Supabase Auth's
 * `/auth/v1/.well-known/jwks.json`.
 */
import http from 'node:http';
import { jwtVerifier, publicJwks } from './keys.ts';

export interface GatewayOptions {
  port: number;
  postgrestPort: number;
  functionsPort: number;
  anonKey: string;
  serviceRoleKey: string;
  /** The signing secret (keys.ts): the gateway uses only its public half. */
  jwtSecret: string;
  /** Functions deployed with `verify_jwt = false` (noVerifyJwtFunctions of supabase/config.toml). */
  noVerifyJwt: ReadonlySet<string>;
}

/** Where a Supabase project serves the public keys of its tokens (Supabase Auth's JWKS). */
export const JWKS_PATH = '/auth/v1/.well-known/jwks.json';

/**
 * The functions that config.toml deploys with `verify_jwt = false` (they check callers, or need
 * none, themselves). Supabase's default is true, so a function not listed gets the check.
 */
export function noVerifyJwtFunctions(toml: string): Set<string> {
  const out = new Set<string>();
  let fn: string | undefined;
  for (const line of toml.split('\n')) {
    const section = /^\s*\[([^\]]+)\]\s*(#.*)?$/.exec(line);
    if (section) {
      fn = /^functions\.([\w-]+)$/.exec(section[1]!.trim())?.[1];
      continue;
    }
    if (fn && /^\s*verify_jwt\s*=\s*false\s*(#.*)?$/.test(line)) out.add(fn);
  }
  return out;
}

const CORS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-allow-headers':
    // x-hcp-*: the signed device requests a window tablet's browser sends (kiosk-feed, ratings-ingest).
    'authorization, x-client-info, apikey, content-type, accept, accept-profile, content-profile, prefer, range, x-upsert, x-hcp-key-id, x-hcp-timestamp, x-hcp-signature',
  'access-control-expose-headers': 'content-range, content-location, x-total-count',
  'access-control-max-age': '86400',
};

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...CORS, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** What a client may still send after its answer is decided; past it the connection is dropped. */
const UNREAD_BODY_CAP = 16 * 1024 * 1024;

/**
 * Runs `then` once the client has sent its whole request body, reading and dropping what is
 * left. An answer is finished only after that: finishing it while the client was still
 * uploading let the socket close under it, and the client failed with EPIPE instead of reading
 * the answer (bad-input-functions.test.ts, 3 MB bodies, once in a while).
 */
function afterRequestBody(req: http.IncomingMessage, res: http.ServerResponse, then: () => void): void {
  if (req.readableEnded) return then();
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > UNREAD_BODY_CAP) req.destroy();
  });
  req.once('end', then);
  req.once('error', () => res.destroy());
  req.resume();
}

/** A refusal before anything is proxied (no route, no or a wrong key, an invalid JWT). */
function refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: unknown): void {
  afterRequestBody(req, res, () => reply(res, status, body));
}

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are not forwarded. A
 * function that answers before reading the body says `connection: close` to the gateway;
 * passed on, it made the gateway close the client's connection too.
 */
export function endToEndHeaders(headers: http.IncomingHttpHeaders): http.IncomingHttpHeaders {
  const hop = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade']);
  for (const name of String(headers.connection ?? '').split(',')) hop.add(name.trim().toLowerCase());
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !hop.has(name.toLowerCase())));
}

/** Both lists of exposed headers, each name once (case-insensitive). */
export function exposeUnion(a: string, b: string): string {
  const names = [...a.split(','), ...b.split(',')].map((n) => n.trim().toLowerCase()).filter(Boolean);
  return [...new Set(names)].join(', ');
}

function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1];
}

/** Where a request goes, or undefined for paths the gateway does not serve. */
function upstream(url: URL, opts: GatewayOptions): { port: number; path: string; kind: 'rest' | 'functions' } | undefined {
  const { pathname, search } = url;
  if (pathname === '/rest/v1' || pathname.startsWith('/rest/v1/')) {
    return { port: opts.postgrestPort, path: (pathname.slice('/rest/v1'.length) || '/') + search, kind: 'rest' };
  }
  if (pathname.startsWith('/functions/v1/')) {
    return { port: opts.functionsPort, path: pathname.slice('/functions/v1'.length) + search, kind: 'functions' };
  }
  return undefined;
}

export function startGateway(opts: GatewayOptions): Promise<http.Server> {
  const verify = jwtVerifier(opts.jwtSecret);
  const jwks = JSON.stringify(publicJwks(opts.jwtSecret));
  const { noVerifyJwt } = opts;
  const server = http.createServer(async (req, res) => {
    try {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, CORS);
        res.end();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://gateway');
      if (url.pathname === JWKS_PATH && req.method === 'GET') {
        // Public like Supabase Auth's: whoever verifies our tokens needs no key to fetch it.
        res.writeHead(200, { ...CORS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' });
        res.end(jwks);
        return;
      }
      const target = upstream(url, opts);
      if (!target) return refuse(req, res, 404, { message: 'no Route matched with those values' });

      const apikey = (req.headers.apikey as string | undefined) ?? url.searchParams.get('apikey') ?? undefined;
      if (!apikey) return refuse(req, res, 401, { message: 'No API key found in request' });
      if (apikey !== opts.anonKey && apikey !== opts.serviceRoleKey) return refuse(req, res, 401, { message: 'Invalid API key' });

      const headers = { ...req.headers, host: `127.0.0.1:${target.port}` };
      if (!bearer(headers.authorization)) headers.authorization = `Bearer ${apikey}`;
      if (target.kind === 'functions' && !noVerifyJwt.has(target.path.split(/[/?]/)[1] ?? '')) {
        // Supabase's edge runtime verifies the caller's JWT before a function runs (verify_jwt).
        try {
          await verify(bearer(headers.authorization)!);
        } catch {
          return refuse(req, res, 401, { code: 401, message: 'Invalid JWT' });
        }
      }

      let answer: http.IncomingMessage | undefined;
      const forward = (up: http.IncomingMessage) => {
        if (up.destroyed && !up.complete) return res.destroy();
        const out: http.OutgoingHttpHeaders = { ...endToEndHeaders(up.headers), ...CORS };
        // A function that exposes its own headers (export: content-disposition) keeps them.
        const own = up.headers['access-control-expose-headers'];
        if (own) out['access-control-expose-headers'] = exposeUnion(CORS['access-control-expose-headers']!, String(own));
        res.writeHead(up.statusCode ?? 502, out);
        up.on('close', () => { if (!up.complete) res.destroy(); });
        up.pipe(res);
      };
      const proxied = http.request(
        { host: '127.0.0.1', port: target.port, method: req.method, path: target.path, headers },
        (up) => {
          answer = up;
          if (!req.readableEnded) {
            // The function answered before it had the whole body (a refusal, a body over its
            // cap): it is sent no more, and its answer waits until the client has sent the
            // rest, as the gateway's own refusals do.
            req.unpipe(proxied);
            up.once('end', () => proxied.destroy());
          }
          afterRequestBody(req, res, () => forward(up));
        },
      );
      proxied.on('error', () => {
        // The function closed while the body was still being sent to it (the error can come
        // after its answer: that answer still goes out, above), or it is not running. An answer
        // cut short is cut off.
        req.unpipe(proxied);
        if (!answer) afterRequestBody(req, res, () => reply(res, 502, { message: `upstream ${target.kind} is not answering` }));
        else if (!answer.complete) answer.destroy();
      });
      req.pipe(proxied);
    } catch (err) {
      if (!res.headersSent) reply(res, 500, { message: 'gateway error' });
      console.error('[gateway]', err);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve(server));
  });
}
