import { scanQuery, targetFromParams, targetFromScan } from './scene.ts';

const W = '0f6b5a3c-1d2e-4f5a-8b9c-0d1e2f3a4b5c';
const S = '00000000-0000-4000-8000-000000000b01';

test.each([
  ['a 小程序码 scene, URL-encoded', { scene: encodeURIComponent(`w=${W}&s=${S}`) }, { windowId: W, staffId: S }],
  ['a scene encoded twice (some scanners)', { scene: encodeURIComponent(encodeURIComponent(`w=${W}`)) }, { windowId: W, staffId: null }],
  ['H5 / Alipay query parameters', { w: W, s: S }, { windowId: W, staffId: S }],
  ['a plain QR code mapped to the page (q = the URL, encoded)', { q: encodeURIComponent(`https://hcp.lincang.gov.cn/qr?w=${W}&s=${S}`) }, { windowId: W, staffId: S }],
  ['upper-case ids are the same window', { w: W.toUpperCase() }, { windowId: W, staffId: null }],
  ['a bad officer id is ignored, the window kept', { scene: `w=${W}&s=nobody` }, { windowId: W, staffId: null }],
])('%s', (_name, params, want) => {
  expect(targetFromParams(params)).toEqual(want);
});

test.each([[{}], [{ scene: 'x=1' }], [{ w: 'not-a-uuid' }], [{ scene: '%E0%A4%A' }]])('no window in %j', (params) => {
  expect(targetFromParams(params)).toBeNull();
});

test('scanCode results: a mini-program path with a scene, a URL with w=, or nothing usable', () => {
  expect(targetFromScan({ path: `pages/scan/index?scene=${encodeURIComponent(`w=${W}&s=${S}`)}` })).toEqual({ windowId: W, staffId: S });
  expect(targetFromScan({ result: `https://hcp.lincang.gov.cn/#/pages/scan/index?w=${W}` })).toEqual({ windowId: W, staffId: null });
  expect(targetFromScan({ result: 'https://example.com/' })).toBeNull();
  expect(scanQuery({ windowId: W, staffId: S })).toBe(`w=${W}&s=${S}`);
  expect(targetFromParams(Object.fromEntries(scanQuery({ windowId: W, staffId: null }).split('&').map((p) => p.split('='))))).toEqual({ windowId: W, staffId: null });
});
