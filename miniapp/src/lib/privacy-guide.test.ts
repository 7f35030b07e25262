/**
 * The privacy guide (miniapp/PRIVACY-GUIDE.md, issue 15.1) names every privacy API the
 * mini-program calls and every personal-data field it asks for: this scans the source and fails
 * while the guide misses one. The list of privacy APIs is WeChat's 隐私接口 list (and Alipay's
 * equivalents) as far as they could ever concern this app; a newly called one not yet in the list
 * is caught by the second test, which fails on any `Taro.choose…` / clipboard / location call.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const GUIDE = fs.readFileSync(path.join(ROOT, 'PRIVACY-GUIDE.md'), 'utf8');

/** WeChat's privacy APIs (and Alipay's names) that a government rating app could reach for. */
export const PRIVACY_APIS = [
  'chooseImage', 'chooseMedia', 'chooseVideo', 'chooseMessageFile', 'previewMedia', 'saveImageToPhotosAlbum', 'saveVideoToPhotosAlbum',
  'setClipboardData', 'getClipboardData', 'scanCode', 'scan', 'getLocation', 'chooseLocation', 'startLocationUpdate', 'onLocationChange',
  'chooseAddress', 'chooseInvoiceTitle', 'chooseInvoice', 'getWeRunData', 'startRecord', 'getRecorderManager', 'createCameraContext',
  'getUserProfile', 'getPhoneNumber', 'getRealtimePhoneNumber', 'chooseContact', 'addPhoneContact', 'openBluetoothAdapter', 'startWifi',
  'getOpenUserInfo', 'getPhoneNumber', 'chooseCity',
] as const;

/** Personal data a form asks for, by how the source asks, and the words the guide must use for it. */
const DATA_FIELDS: ReadonlyArray<{ source: RegExp; words: string[] }> = [
  { source: /data-testid='realname-id'/, words: ['身份证号码'] },
  { source: /data-testid='realname-name'/, words: ['姓名'] },
  { source: /data-testid='realname-phone'/, words: ['手机号码'] },
  { source: /data-testid='comment-contact'/, words: ['联系方式'] },
  { source: /openType='getPhoneNumber'/, words: ['getPhoneNumber'] },
];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && /\.(ts|tsx)$/.test(d.name) && !/\.test\.tsx?$/.test(d.name))
    .map((d) => path.join(d.parentPath, d.name));
}

/** Code without comments, so that prose naming an API is not a call. */
function code(file: string): string {
  return fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

const SOURCES = sourceFiles(path.join(ROOT, 'src')).map((f) => ({ file: path.relative(ROOT, f), text: code(f) }));

/** Pure: the privacy APIs the sources call (`Taro.x(`, `wx.x(`, `my.x(`, or an openType). */
export function privacyApisCalled(sources: Array<{ text: string }>): string[] {
  const found = new Set<string>();
  for (const { text } of sources) {
    for (const api of PRIVACY_APIS) {
      if (new RegExp(`\\b(Taro|wx|my)\\.${api}\\s*\\(`).test(text) || new RegExp(`openType=['"{]+${api}`).test(text)) found.add(api);
    }
  }
  return [...found].sort();
}

/** Pure: what `guide` misses of the APIs and data fields the sources use. */
export function guideMisses(guide: string, sources: Array<{ text: string }>): string[] {
  const missing = privacyApisCalled(sources).filter((api) => !guide.includes(`\`${api}\``));
  for (const { source, words } of DATA_FIELDS) {
    if (sources.some((s) => source.test(s.text))) missing.push(...words.filter((w) => !guide.includes(w)));
  }
  return missing;
}

test('the guide names every privacy API the mini-program calls and every personal field it asks for', () => {
  const called = privacyApisCalled(SOURCES);
  // What this app calls today (a change here is a change to review in the guide and the consoles).
  expect(called).toEqual(['chooseImage', 'chooseMessageFile', 'scanCode', 'setClipboardData']);
  expect(guideMisses(GUIDE, SOURCES)).toEqual([]);
});

test('the check fails for a guide that misses an API or a field', () => {
  const withoutClipboard = GUIDE.replaceAll('`setClipboardData`', 'the clipboard');
  expect(guideMisses(withoutClipboard, SOURCES)).toEqual(['setClipboardData']);
  expect(guideMisses(GUIDE.replaceAll('身份证号码', '证件'), SOURCES)).toEqual(['身份证号码']);
  expect(guideMisses(GUIDE, [{ text: 'Taro.getLocation({ type: "gcj02" })' }])).toEqual(['getLocation']);
});

test('no platform call that reads personal data escapes the list', () => {
  // Any choose…/get…Location/clipboard/phone call of Taro, wx or my must be one the list knows.
  const calls = new Set<string>();
  for (const { text } of SOURCES) {
    for (const m of text.matchAll(/\b(?:Taro|wx|my)\.((?:choose|get\w*Location|\w*Clipboard|\w*Phone|\w*Record|save\w*Album|\w*Camera)\w*)\s*\(/g)) calls.add(m[1]!);
  }
  expect([...calls].filter((c) => !(PRIVACY_APIS as readonly string[]).includes(c))).toEqual([]);
});

test('the guide says where the ID number goes, and that it needs its own consent', () => {
  expect(GUIDE).toContain('云南省政务服务统一身份认证平台');
  expect(GUIDE).toContain('第二十九条');
});
