import { MIN_BASE_LIBRARY, baseLibraryTooOld, compareVersion } from './base-library.ts';

test('the minimum base libraries of issue 15.2', () => {
  expect(MIN_BASE_LIBRARY).toEqual({ weapp: '2.32.3', alipay: '2.8.8' });
});

test.each([
  ['2.32.3', '2.32.3', 0],
  ['2.32.2', '2.32.3', -1],
  ['2.4', '2.32.3', -1],
  ['3.0.0', '2.32.3', 1],
  ['2.10.0', '2.8.8', 1],
  ['2.8', '2.8.0', 0],
] as const)('compareVersion(%s, %s) = %i', (a, b, want) => {
  expect(compareVersion(a, b)).toBe(want);
});

test('too old only for a known, lower version', () => {
  expect(baseLibraryTooOld('weapp', '2.32.2')).toBe(true);
  expect(baseLibraryTooOld('weapp', '3.7.0')).toBe(false);
  expect(baseLibraryTooOld('alipay', '2.8.7')).toBe(true);
  expect(baseLibraryTooOld('alipay', '2.9.21')).toBe(false);
  expect(baseLibraryTooOld('alipay', undefined)).toBe(false);
  expect(baseLibraryTooOld('weapp', 'devtools')).toBe(false);
});
