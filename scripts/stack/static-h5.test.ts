import { injectConfig } from './static-h5.ts';

test('puts the runtime config first in <head>', () => {
  const html = injectConfig('<html><head><title>x</title></head></html>', { apiUrl: 'http://127.0.0.1:54321', anonKey: 'k' });
  expect(html).toBe(
    '<html><head><script>window.__HCP_CONFIG__={"apiUrl":"http://127.0.0.1:54321","anonKey":"k"}</script><title>x</title></head></html>',
  );
});

test('a value cannot close the script tag', () => {
  const html = injectConfig('<head></head>', { apiUrl: '</script><script>alert(1)</script>', anonKey: '' });
  expect(html).not.toContain('</script><script>alert(1)');
  expect(html.match(/<\/script>/g)).toHaveLength(1);
});
