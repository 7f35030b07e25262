import http from 'node:http';
import net from 'node:net';
import { endToEndHeaders, exposeUnion, noVerifyJwtFunctions, startGateway } from './gateway.ts';
import { mintApiKey as apiKey } from './keys.ts';
import { freePorts } from './ports.ts';

test('a function’s exposed headers join the gateway’s, each once', () => {
  expect(exposeUnion('content-range, content-location, x-total-count', 'content-disposition')).toBe('content-range, content-location, x-total-count, content-disposition');
  expect(exposeUnion('content-range, x-total-count', 'X-Total-Count,  content-disposition ')).toBe('content-range, x-total-count, content-disposition');
});

test('the functions deployed with verify_jwt = false are read from config.toml', () => {
  const toml = '[api]\nport = 1\n[functions.a]\nverify_jwt = false\n\n[functions.b]\nverify_jwt = true\n[functions.c] # x\n  verify_jwt = false # checks its callers\n[db]\nverify_jwt = false\n';
  expect([...noVerifyJwtFunctions(toml)].sort()).toEqual(['a', 'c']);
});

const SECRET = 'a-test-only-hs256-secret-of-forty-characters';
const FORGED = 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.Zm9yZ2Vk';

/**
 * A client on a slow link (fetch, as the tests and supabase-js call): 2 MB in 8 pieces 25 ms
 * apart, through the gateway. Resolves with the answer and the pieces sent; a connection
 * closed mid-upload rejects (fetch failed: EPIPE).
 */
async function slowUpload(port: number, path: string, authorization: string): Promise<{ status: number; body: string; wrote: number }> {
  let wrote = 0;
  const chunk = new Uint8Array(256 * 1024).fill(0x61);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (wrote === 8) return controller.close();
      if (wrote > 0) await new Promise((r) => setTimeout(r, 25));
      wrote += 1;
      controller.enqueue(chunk);
    },
  });
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST', body, duplex: 'half',
    headers: { apikey: apiKey('anon', SECRET), authorization, 'content-type': 'application/json' },
  } as RequestInit);
  return { status: res.status, body: await res.text(), wrote };
}

async function withGateway<T>(ports: { gateway: number; postgrest: number; functions: number }, noVerifyJwt: Set<string>, run: () => Promise<T>): Promise<T> {
  const server = await startGateway({
    port: ports.gateway, postgrestPort: ports.postgrest, functionsPort: ports.functions,
    anonKey: apiKey('anon', SECRET), serviceRoleKey: apiKey('service_role', SECRET), jwtSecret: SECRET, noVerifyJwt,
  });
  try {
    return await run();
  } finally {
    await new Promise((r) => server.close(r));
  }
}

test('a refusal waits for the rest of a slow upload, so the client reads the 401 instead of failing mid-write (EPIPE)', async () => {
  const ports = await freePorts();
  // No upstream runs: the gateway refuses the forged token before it would proxy anything.
  const answer = await withGateway(ports, new Set(), () => slowUpload(ports.gateway, '/functions/v1/export', FORGED));
  expect(answer).toEqual({ status: 401, body: JSON.stringify({ code: 401, message: 'Invalid JWT' }), wrote: 8 });
});

test('a function that answers before reading the body and closes (413, connection: close): the client still reads the answer after its whole upload', async () => {
  const ports = await freePorts();
  // As the edge runtime does with a body over a function's cap: it answers at once with
  // `connection: close`, reads and drops the rest, and closes when the sender is done.
  const refusal = JSON.stringify({ code: 'body_too_large', message: '请求内容过大' });
  const fn = net.createServer((socket) => {
    socket.once('data', () => socket.write(`HTTP/1.1 413 Payload Too Large\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(refusal)}\r\n\r\n${refusal}`));
    socket.on('data', () => undefined);
    socket.on('end', () => socket.end());
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => fn.listen(ports.functions, '127.0.0.1', r));
  try {
    const answer = await withGateway(ports, new Set(['auth-dev']), () => slowUpload(ports.gateway, '/functions/v1/auth-dev', `Bearer ${apiKey('anon', SECRET)}`));
    expect(answer).toEqual({ status: 413, body: refusal, wrote: 8 });
  } finally {
    await new Promise((r) => fn.close(r));
  }
});

test('hop-by-hop headers stay on their connection; the rest pass', () => {
  expect(endToEndHeaders({ connection: 'close, x-hop', 'x-hop': '1', 'keep-alive': 'timeout=5', 'content-type': 'application/json', 'content-length': '12' }))
    .toEqual({ 'content-type': 'application/json', 'content-length': '12' });
});
