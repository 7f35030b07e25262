import { exposeUnion } from './gateway.ts';

test('a function’s exposed headers join the gateway’s, each once', () => {
  expect(exposeUnion('content-range, content-location, x-total-count', 'content-disposition')).toBe('content-range, content-location, x-total-count, content-disposition');
  expect(exposeUnion('content-range, x-total-count', 'X-Total-Count,  content-disposition ')).toBe('content-range, x-total-count, content-disposition');
});
