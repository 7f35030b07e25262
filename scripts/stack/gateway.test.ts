import http from 'node:http';
import { exposeUnion, noVerifyJwtFunctions, startGateway } from './gateway.ts';
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

test('a refusal waits for the rest of a slow upload, so the client reads the 401 instead of failing mid-write (EPIPE)', async () => {
  const secret = 'a-test-only-hs256-secret-of-forty-characters';
  const ports = await freePorts();
  // No upstream runs: the gateway refuses the forged token before it would proxy anything.
  const server = await startGateway({
    port: ports.gateway, postgrestPort: ports.postgrest, functionsPort: ports.functions,
    anonKey: apiKey('anon', secret), serviceRoleKey: apiKey('service_role', secret), jwtSecret: secret, noVerifyJwt: new Set(),
  });
  try {
    const answer = await new Promise<{ status: number; body: string; wrote: number }>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1', port: ports.gateway, method: 'POST', path: '/functions/v1/export',
        headers: { apikey: apiKey('anon', secret), authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.Zm9yZ2Vk', 'content-type': 'application/json' },
      }, (res) => {
        let body = '';
        res.on('data', (c) => { body += c; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, wrote }));
      });
      req.on('error', reject);
      let wrote = 0;
      const chunk = Buffer.alloc(256 * 1024, 0x61);
      // A client on a slow link: 2 MB in 8 pieces, the first long before the rest.
      const send = (left: number) => {
        if (left === 0) return req.end();
        req.write(chunk, () => { wrote += 1; setTimeout(() => send(left - 1), 25); });
      };
      send(8);
    });
    expect(answer).toEqual({ status: 401, body: JSON.stringify({ code: 401, message: 'Invalid JWT' }), wrote: 8 });
  } finally {
    await new Promise((r) => server.close(r));
  }
});
