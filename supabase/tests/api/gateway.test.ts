/** The gateway behaves like a Supabase project's: apikey required, CORS for the H5 app. */
import { stackEnv } from '../../../tests/support/env.ts';

const rest = () => `${stackEnv.apiUrl}/rest/v1/regions?select=code`;

test('a request without an apikey is refused with Supabase’s message', async () => {
  const res = await fetch(rest());
  expect(res.status).toBe(401);
  expect(await res.json()).toEqual({ message: 'No API key found in request' });
});

test('a request with a key that is not the project’s is refused', async () => {
  const res = await fetch(rest(), { headers: { apikey: 'not-a-key' } });
  expect(res.status).toBe(401);
  expect(await res.json()).toEqual({ message: 'Invalid API key' });
});

test('the anon key alone reads public data (it doubles as the bearer token)', async () => {
  const res = await fetch(rest(), { headers: { apikey: stackEnv.anonKey } });
  expect(res.status).toBe(200);
  expect(res.headers.get('access-control-allow-origin')).toBe('*');
  const rows = (await res.json()) as Array<{ code: string }>;
  expect(rows.map((r) => r.code)).toContain('530900');
});

test('a CORS preflight is answered without a key', async () => {
  const res = await fetch(rest(), {
    method: 'OPTIONS',
    headers: { origin: 'http://127.0.0.1:10086', 'access-control-request-method': 'POST', 'access-control-request-headers': 'apikey, authorization, content-type' },
  });
  expect(res.status).toBe(204);
  expect(res.headers.get('access-control-allow-headers')).toContain('apikey');
});

test('functions need a valid JWT: a forged bearer token is refused before the function runs', async () => {
  const res = await fetch(`${stackEnv.apiUrl}/functions/v1/auth-dev`, {
    headers: { apikey: stackEnv.anonKey, authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.forged' },
  });
  expect(res.status).toBe(401);
});

test('an unknown function is a 404 with a stable code', async () => {
  const res = await fetch(`${stackEnv.apiUrl}/functions/v1/no-such-function`, { headers: { apikey: stackEnv.anonKey } });
  expect(res.status).toBe(404);
  expect(await res.json()).toMatchObject({ code: 'not_found' });
});

test('paths outside /rest/v1 and /functions/v1 are not served', async () => {
  const res = await fetch(`${stackEnv.apiUrl}/storage/v1/object`, { headers: { apikey: stackEnv.anonKey } });
  expect(res.status).toBe(404);
});
