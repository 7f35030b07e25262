/**
 * The release builds' configuration check (miniapp/config/release.ts, issue 14.7): what
 * `npm run build:weapp:release` / `build:alipay:release` refuse before anything is built, and the
 * project file they write. The build tier runs the real builds (scripts/builds.ts).
 */
import { ReleaseConfigError, releaseProblems, releaseProjectFile, releaseSettings } from '../miniapp/config/release.ts';

const good = {
  TARO_APP_API_URL: 'https://api.hcp.lincang.gov.cn/',
  TARO_APP_ANON_KEY: 'anon-key',
  TARO_APP_IDP_URL: 'https://idp.yn.gov.cn/auth',
  TARO_APP_WEAPP_APPID: 'wx0123456789abcdef',
  TARO_APP_ALIPAY_APPID: '2021000123456789',
};

test('a complete https configuration gives the settings, the URLs without a trailing slash', () => {
  expect(releaseSettings('weapp', good)).toEqual({ target: 'weapp', appid: 'wx0123456789abcdef', apiUrl: 'https://api.hcp.lincang.gov.cn', idpUrl: 'https://idp.yn.gov.cn/auth' });
  expect(releaseSettings('alipay', good).appid).toBe('2021000123456789');
});

test.each([
  ['http', 'http://api.hcp.lincang.gov.cn', /is not https/],
  ['the local gateway', 'http://127.0.0.1:54321', /is not https/],
  ['an IP address', 'https://10.1.2.3', /not a domain name/],
  ['localhost', 'https://localhost:54321', /not a domain name/],
  ['a bare host', 'https://gateway', /not a public domain name/],
  ['a query', 'https://api.hcp.lincang.gov.cn/?x=1', /no credentials, query or fragment/],
  ['nothing', '', /TARO_APP_API_URL is not set/],
  ['not a URL', 'api.hcp.lincang.gov.cn', /is not a URL/],
])('the API URL: %s is refused', (_what, url, message) => {
  const problems = releaseProblems('weapp', { ...good, TARO_APP_API_URL: url });
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(message);
});

test('the appid comes from the environment and must look like the platform’s', () => {
  expect(releaseProblems('weapp', { ...good, TARO_APP_WEAPP_APPID: undefined })).toEqual([expect.stringMatching(/^TARO_APP_WEAPP_APPID is not set/)]);
  expect(releaseProblems('weapp', { ...good, TARO_APP_WEAPP_APPID: 'touristappid' })).toEqual([expect.stringMatching(/is not a WeChat appid/)]);
  expect(releaseProblems('alipay', { ...good, TARO_APP_ALIPAY_APPID: 'wx0123456789abcdef' })).toEqual([expect.stringMatching(/is not an? Alipay appid/)]);
  // Each platform reads only its own.
  expect(releaseProblems('alipay', { ...good, TARO_APP_WEAPP_APPID: undefined })).toEqual([]);
});

test('every problem is reported at once, in one error naming the local build instead', () => {
  let err: unknown;
  try {
    releaseSettings('alipay', { TARO_APP_API_URL: 'http://127.0.0.1:54321', TARO_APP_QR_BASE_URL: 'http://h5.example.cn' });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ReleaseConfigError);
  const { problems, message } = err as ReleaseConfigError;
  expect(problems.map((p) => p.split(/[ =]/)[0])).toEqual(['TARO_APP_API_URL', 'TARO_APP_ANON_KEY', 'TARO_APP_IDP_URL', 'TARO_APP_QR_BASE_URL', 'TARO_APP_ALIPAY_APPID']);
  expect(message).toContain('nothing was built');
  expect(message).toContain('npm run build:alipay');
});

test('the output’s project file carries the release appid, rooted in the output, with the domain check on', () => {
  const committed = { miniprogramRoot: 'miniapp/dist/weapp/', appid: 'touristappid', setting: { urlCheck: false, es6: true }, compileType: 'miniprogram' };
  expect(releaseProjectFile('weapp', committed, 'wx0123456789abcdef')).toEqual({
    name: 'project.config.json',
    json: { miniprogramRoot: './', appid: 'wx0123456789abcdef', setting: { urlCheck: true, es6: true }, compileType: 'miniprogram' },
  });
  expect(releaseProjectFile('alipay', { format: 2, compileType: 'mini' }, '2021000123456789')).toEqual({
    name: 'mini.project.json',
    json: { format: 2, compileType: 'mini', appid: '2021000123456789', miniprogramRoot: './' },
  });
});

test('the repository project.config.json does not let DevTools compile Taro output a second time (issue 15.2)', async () => {
  const { readFileSync } = await import('node:fs');
  const project = JSON.parse(readFileSync(require('node:path').join(__dirname, '../project.config.json'), 'utf8')) as { setting: Record<string, unknown>; libVersion?: string };
  expect(project.setting).toMatchObject({ es6: false, enhance: false, postcss: false, minified: false });
  expect(project.libVersion).toBe('2.32.3');
});
