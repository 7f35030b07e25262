import qrcode from 'qrcode-generator';
import { decodeQrMatrix, matrixFromPixels } from '../../../tests/support/qr-decode.ts';
import { targetFromParams, targetFromScan } from './scene.ts';
import { h5BaseFrom, naturalCompare, qrBase, pages, qrCards, qrImage, QR_CELL, QR_ECC, QR_MARGIN, windowQrUrl, type QrFactory } from './window-qr.ts';

const W = '0f6b5a3c-1d2e-4f5a-8b9c-0d1e2f3a4b5c';
const row = (id: string, name: string) => ({
  window_id: id,
  window_name: name,
  unit_name: '临翔区市场监督管理局',
  hall_name: '临翔区政务服务中心',
  page: 'pages/scan/index',
  scene: `w=${id}`,
  h5_path: `/pages/scan/index?w=${id}`,
});

test.each([
  [{ origin: 'http://127.0.0.1:10086', pathname: '/' }, 'http://127.0.0.1:10086'],
  [{ origin: 'https://hcp.lincang.gov.cn', pathname: '/h5/index.html' }, 'https://hcp.lincang.gov.cn/h5'],
  [{ origin: 'https://hcp.lincang.gov.cn', pathname: '/h5/' }, 'https://hcp.lincang.gov.cn/h5'],
])('the H5 base of %j is %s', (location, want) => {
  expect(h5BaseFrom(location)).toBe(want);
});

test('from the H5 desk a code carries the H5 URL of the window’s 扫码评价 page', () => {
  expect(windowQrUrl(row(W, '1号窗口'), 'https://hcp.lincang.gov.cn/h5')).toBe(`https://hcp.lincang.gov.cn/h5/#/pages/scan/index?w=${W}`);
});

test('without an H5 base (a mini-program) it carries the mini-program path', () => {
  expect(windowQrUrl(row(W, '1号窗口'), null)).toBe(`pages/scan/index?w=${W}`);
  expect(windowQrUrl(row(W, '1号窗口'), '')).toBe(`pages/scan/index?w=${W}`);
});

test('the scan page reads the window back from every form the code can arrive in', () => {
  const h5 = windowQrUrl(row(W, '1号窗口'), 'http://127.0.0.1:10086');
  const mini = windowQrUrl(row(W, '1号窗口'), null);
  const want = { windowId: W, staffId: null };
  // A phone camera or 扫一扫 inside the app reads the text …
  expect(targetFromScan({ result: h5 })).toEqual(want);
  expect(targetFromScan({ path: mini })).toEqual(want);
  // … WeChat hands a registered plain-link code to the page as `q`, URL-encoded.
  expect(targetFromParams({ q: encodeURIComponent(h5) })).toEqual(want);
  // … and the H5 router hands the page its query.
  const query = new URLSearchParams(h5.slice(h5.indexOf('?') + 1));
  expect(targetFromParams({ w: query.get('w') ?? undefined })).toEqual(want);
});

test('the generator is given exactly the URL, in byte mode, with the sheet’s error correction', () => {
  const calls: unknown[][] = [];
  const real = qrcode as unknown as QrFactory;
  const recording: QrFactory = (t, ecc) => {
    calls.push(['new', t, ecc]);
    const qr = real(t, ecc);
    return {
      ...qr,
      addData: (data, mode) => {
        calls.push(['addData', data, mode]);
        qr.addData(data, mode);
      },
      make: () => qr.make(),
      getModuleCount: () => qr.getModuleCount(),
      isDark: (r, c) => qr.isDark(r, c),
      createDataURL: (cell, margin) => {
        calls.push(['createDataURL', cell, margin]);
        return qr.createDataURL(cell, margin);
      },
    };
  };
  const url = `http://127.0.0.1:10086/#/pages/scan/index?w=${W}`;
  qrImage(url, recording);
  expect(calls).toEqual([['new', 0, QR_ECC], ['addData', url, 'Byte'], ['createDataURL', QR_CELL, QR_MARGIN * QR_CELL]]);
});

test('the matrix is a QR code (finder patterns, size 17 + 4·version) and the image is its GIF at the sheet’s scale', () => {
  const img = qrImage(`http://127.0.0.1:10086/#/pages/scan/index?w=${W}`);
  expect(img.moduleCount).toBeGreaterThan(21);
  expect((img.moduleCount - 17) % 4).toBe(0);
  expect(img.matrix).toHaveLength(img.moduleCount);
  // The three finder patterns: a dark 7×7 ring, a light ring, a dark 3×3 core.
  const n = img.moduleCount;
  for (const [r0, c0] of [[0, 0], [0, n - 7], [n - 7, 0]] as const) {
    for (let r = 0; r < 7; r++) {
      for (let c = 0; c < 7; c++) {
        const ring = Math.max(Math.abs(r - 3), Math.abs(c - 3));
        expect(img.matrix[r0 + r]![c0 + c]).toBe(ring !== 2);
      }
    }
  }
  expect(img.dataUrl.startsWith('data:image/gif;base64,')).toBe(true);
  const gif = Buffer.from(img.dataUrl.slice('data:image/gif;base64,'.length), 'base64');
  expect(gif.subarray(0, 6).toString('latin1')).toBe('GIF87a');
  expect([gif.readUInt16LE(6), gif.readUInt16LE(8)]).toEqual([img.size, img.size]);
  expect(img.size).toBe((n + 2 * QR_MARGIN) * QR_CELL);
  // The same text always gives the same image (what the e2e test relies on).
  expect(qrImage(img.text).dataUrl).toBe(img.dataUrl);
  expect(qrImage(`${img.text}0`).dataUrl).not.toBe(img.dataUrl);
});

test.each([
  ['the local H5 desk', `http://127.0.0.1:10086/#/pages/scan/index?w=${W}`],
  ['a production H5 base', `https://hcp.lincang.gov.cn/h5/#/pages/scan/index?w=${W}`],
  ['the mini-program path', `pages/scan/index?w=${W}`],
  ['a long base (version 7 and up: version information)', `https://zwfw.lincang.gov.cn/haochaping/desk/console/h5/#/pages/scan/index?w=${W}&s=${W}`],
])('the matrix of %s reads back as exactly its URL (an independent reader)', (_name, url) => {
  const img = qrImage(url);
  expect(decodeQrMatrix(img.matrix)).toMatchObject({ text: url, ecc: 'M', version: (img.moduleCount - 17) / 4 });
});

test('the reader is no rubber stamp: one wrong data module is noticed', () => {
  const img = qrImage(`http://127.0.0.1:10086/#/pages/scan/index?w=${W}`);
  const n = img.moduleCount;
  // Bottom-right corner: the first data module in reading order.
  const flipped = img.matrix.map((row, r) => row.map((dark, c) => (r === n - 1 && c === n - 1 ? !dark : dark)));
  let read: string | null = null;
  try {
    read = decodeQrMatrix(flipped).text;
  } catch {
    read = null;
  }
  expect(read).not.toBe(img.text);
});

test('the grid is found again in the image’s pixels', () => {
  const img = qrImage(`http://127.0.0.1:10086/#/pages/scan/index?w=${W}`);
  const q = (x: number, y: number) => {
    const c = Math.floor(x / QR_CELL) - QR_MARGIN;
    const r = Math.floor(y / QR_CELL) - QR_MARGIN;
    return r >= 0 && c >= 0 && r < img.moduleCount && c < img.moduleCount && img.matrix[r]![c]!;
  };
  expect(matrixFromPixels(img.size, img.size, q)).toEqual(img.matrix);
});

test('cards follow the windows’ numbers, each with its own URL; sheets hold 6 cards', () => {
  const ids = ['10', '2', '1'].map((n) => `00000000-0000-4000-8000-0000000000${n.padStart(2, '0')}`);
  const cards = qrCards([row(ids[0]!, '10号窗口'), row(ids[1]!, '2号窗口'), row(ids[2]!, '1号窗口')], 'http://h5.test');
  expect(cards.map((c) => c.windowName)).toEqual(['1号窗口', '2号窗口', '10号窗口']);
  expect(cards.map((c) => c.image.text)).toEqual([ids[2], ids[1], ids[0]].map((id) => `http://h5.test/#/pages/scan/index?w=${id}`));
  expect(pages([1, 2, 3, 4, 5, 6, 7]).map((p) => p.length)).toEqual([6, 1]);
  expect(pages([])).toEqual([]);
});

test.each([
  ['2号窗口', '10号窗口', -1],
  ['A区3号', 'A区3号', 0],
  ['综合窗口', '1号窗口', 1],
  ['1号窗口（公安）', '1号窗口', 1],
])('naturalCompare(%s, %s) has the sign of %i', (a, b, sign) => {
  expect(Math.sign(naturalCompare(a, b))).toBe(sign);
});

describe('qrBase', () => {
  const desk = { origin: 'http://10.0.0.5:10086', pathname: '/index.html' }
  test('the configured public address wins, without a trailing slash', () => {
    expect(qrBase('https://hcp.lincang.gov.cn/h5/', desk)).toBe('https://hcp.lincang.gov.cn/h5')
    expect(qrBase('https://hcp.lincang.gov.cn', null)).toBe('https://hcp.lincang.gov.cn')
  })
  test('without it (or with something that is not an http(s) URL): the desk, else none', () => {
    expect(qrBase('', desk)).toBe('http://10.0.0.5:10086')
    expect(qrBase(undefined, desk)).toBe('http://10.0.0.5:10086')
    expect(qrBase('javascript:alert(1)', desk)).toBe('http://10.0.0.5:10086')
    expect(qrBase(undefined, null)).toBeNull()
  })
})
