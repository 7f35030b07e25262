/**
 * What every stand-in server shares: a real HTTP server on loopback (port 0 = a free one), a
 * record of every request it received (control calls excepted), and a small control API under
 * `/__control/` for tests:
 *   GET    /__control/requests   → { requests: Received[] } (oldest first)
 *   DELETE /__control/requests   → forget them
 * plus each stand-in's own control routes (setting up codes, faults, tickets).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

export interface Reply {
  status?: number;
  /** A string is sent as is (a stand-in that signs its answer must send the exact bytes it signed). */
  body: unknown;
  contentType?: string;
}

export interface StandInSpec {
  name: string;
  /** The platform's own API; undefined → 404. */
  serve(req: Received): Reply | undefined | Promise<Reply | undefined>;
  /** `/__control/<path>` routes of this stand-in (JSON body parsed); undefined → 404. */
  control?(method: string, path: string, body: unknown): Reply | undefined | Promise<Reply | undefined>;
  /** Forget set-up state (codes, faults) on POST /__control/reset. */
  reset?(): void;
  /**
   * The platform's API is called from the browser too (the H5 app asks the identity platform
   * itself), so it answers CORS preflights and allows any origin, as such a platform does.
   */
  cors?: boolean;
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, authorization',
  'access-control-max-age': '600',
};

export interface RunningStandIn {
  name: string;
  /** http://127.0.0.1:<port>, no trailing slash. */
  url: string;
  received: Received[];
  close(): Promise<void>;
}

function send(res: http.ServerResponse, reply: Reply, extraHeaders: Record<string, string> = {}): void {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json; charset=utf-8', ...extraHeaders });
  res.end(text);
}

function headerRecord(headers: http.IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
}

export async function startStandIn(spec: StandInSpec, opts: { port?: number; log?: (line: string) => void } = {}): Promise<RunningStandIn> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://stand-in.local');
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          if (url.pathname.startsWith('/__control/')) {
            const route = url.pathname.slice('/__control/'.length);
            if (route === 'requests' && req.method === 'GET') return send(res, { body: { requests: received } });
            if (route === 'requests' && req.method === 'DELETE') {
              received.length = 0;
              return send(res, { body: { ok: true } });
            }
            if (route === 'reset' && req.method === 'POST') {
              received.length = 0;
              spec.reset?.();
              return send(res, { body: { ok: true } });
            }
            let parsed: unknown = undefined;
            if (body !== '') {
              try {
                parsed = JSON.parse(body);
              } catch {
                return send(res, { status: 400, body: { error: 'control body must be JSON' } });
              }
            }
            const reply = await spec.control?.(req.method ?? 'GET', route, parsed);
            return send(res, reply ?? { status: 404, body: { error: `no control route ${req.method} ${route}` } });
          }
          const cors = spec.cors ? CORS_HEADERS : {};
          if (spec.cors && req.method === 'OPTIONS') {
            res.writeHead(204, cors).end();
            return;
          }
          const record: Received = {
            at: new Date().toISOString(),
            method: req.method ?? 'GET',
            path: url.pathname,
            query: Object.fromEntries(url.searchParams),
            headers: headerRecord(req.headers),
            body,
          };
          received.push(record);
          if (received.length > 1000) received.shift();
          const reply = await spec.serve(record);
          send(res, reply ?? { status: 404, body: { error: 'not found' } }, cors);
        } catch (err) {
          opts.log?.(`[${spec.name}] ${req.method} ${url.pathname} failed: ${(err as Error).stack ?? String(err)}`);
          send(res, { status: 500, body: { error: 'stand-in failure' } });
        }
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  opts.log?.(`[${spec.name}] stand-in listening on 127.0.0.1:${port}`);
  return {
    name: spec.name,
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** Milliseconds to wait before answering, for timeout tests. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
