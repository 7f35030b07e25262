import { exposeUnion, noVerifyJwtFunctions } from './gateway.ts';

test('a function’s exposed headers join the gateway’s, each once', () => {
  expect(exposeUnion('content-range, content-location, x-total-count', 'content-disposition')).toBe('content-range, content-location, x-total-count, content-disposition');
  expect(exposeUnion('content-range, x-total-count', 'X-Total-Count,  content-disposition ')).toBe('content-range, x-total-count, content-disposition');
});

test('the functions deployed with verify_jwt = false are read from config.toml', () => {
  const toml = '[api]\nport = 1\n[functions.a]\nverify_jwt = false\n\n[functions.b]\nverify_jwt = true\n[functions.c] # x\n  verify_jwt = false # checks its callers\n[db]\nverify_jwt = false\n';
  expect([...noVerifyJwtFunctions(toml)].sort()).toEqual(['a', 'c']);
});
