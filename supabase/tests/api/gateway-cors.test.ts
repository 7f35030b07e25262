/**
 * The local gateway (Kong's stand-in) adds its CORS headers to every answer without hiding what a
 * function exposes itself: the H5 desk reads export's file name (content-disposition) from a
 * cross-origin fetch, and PostgREST's content-range stays readable too.
 */
import { functionUrl, login } from '../../../tests/support/api.ts';
import { stackEnv } from '../../../tests/support/env.ts';

test('an export answer exposes content-disposition to the H5 origin, as well as the gateway’s own list', async () => {
  const { access_token } = await login('supervisor-city');
  const res = await fetch(`${functionUrl('export')}?kind=ratings&format=csv&from=2026-10-01&to=2026-10-31&region=530902`, {
    headers: { apikey: stackEnv.anonKey, authorization: `Bearer ${access_token}`, origin: 'http://127.0.0.1:10086' },
  });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  const exposed = (res.headers.get('access-control-expose-headers') ?? '').split(',').map((h) => h.trim());
  expect(exposed).toEqual(expect.arrayContaining(['content-disposition', 'content-range', 'x-total-count']));
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="[\w.-]+\.csv"$/);
  expect(res.headers.get('access-control-allow-origin')).toBe('*');
});
