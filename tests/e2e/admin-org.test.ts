/**
 * 管理 · 单位 · 大厅 · 窗口, 窗口评价二维码 and 事项 (issue 7) as H5 in headless Chromium against
 * the test stack. The city's supervisor creates a unit, a hall and windows in a county, renames a
 * window, prints the hall's QR sheet — one code per window, each the QR code of the URL that
 * opens that window's rating page — and a 事项 is created, listed and edited; 凤庆县's supervisor
 * is refused a 临翔区 unit with the server's words, on the page and through the API. Data is made
 * fresh in each test; screenshots (test-output/e2e/admin-*.png) pass the contrast and
 * tap-target checks. No fixed sleeps.
 */
import type { Page } from 'playwright-core';
import { ERRORS } from '../../shared/errors.ts';
import { qrImage } from '../../miniapp/src/lib/window-qr.ts';
import { browserPerFile, checkedScreenshot, expectText, loginAs, screenshot, subpackageUrl } from './browser.ts';
import { stackEnv } from '../support/env.ts';
import { client } from '../support/api.ts';
import { decodeQrMatrix, matrixFromPixels } from '../support/qr-decode.ts';
import { rpcAs, rpcOk } from '../support/staff-fixtures.ts';

jest.setTimeout(180_000);

let page: Page;
browserPerFile((opened) => {
  page = opened.page;
});

const tag = () => `${Date.now().toString(36).slice(-5)}${Math.floor(Math.random() * 100)}`;

/** Fills a Taro <Input> (H5 wraps the native control). */
async function fill(testid: string, value: string, scope: Page | ReturnType<Page['locator']> = page): Promise<void> {
  await scope.locator(`[data-testid=${testid}] input`).fill(value);
}

/** The text of the QR code an <img> shows: its pixels drawn on a canvas in the page, read in Node. */
async function readQr(img: ReturnType<Page['locator']>): Promise<string> {
  const { width, height, dark } = await img.evaluate(async (el: HTMLImageElement) => {
    await el.decode();
    const canvas = document.createElement('canvas');
    canvas.width = el.naturalWidth;
    canvas.height = el.naturalHeight;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(el, 0, 0);
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let flags = '';
    for (let i = 0; i < px.length; i += 4) flags += px[i]! + px[i + 1]! + px[i + 2]! < 384 ? '1' : '0';
    return { width: canvas.width, height: canvas.height, dark: flags };
  });
  expect(width).toBeGreaterThan(0);
  return decodeQrMatrix(matrixFromPixels(width, height, (x, y) => dark[y * width + x] === '1')).text;
}

async function saved(text: string): Promise<void> {
  await expectText(page.getByTestId('saved'), text);
}

test('the city’s supervisor sets up a county hall, renames a window and prints the hall’s QR sheet', async () => {
  const t = tag();
  const unitName = `云县测试服务局${t}`;
  const hallName = `云县测试便民服务站${t}`;
  await loginAs(page, 'supervisor-city');
  await page.goto(subpackageUrl('admin', 'org'));
  // The city's supervisor administers the city and its 8 counties.
  await page.getByTestId('region-530900').waitFor();
  expect(await page.locator('[data-testid^=region-]:visible').count()).toBe(9);
  await page.getByTestId('region-530922').click();
  await page.locator('[data-testid=org][data-region="530922"]').waitFor();
  await page.getByTestId('add-unit').click();

  // A unit: a bad credit code is caught before sending, then saved without one.
  await fill('unit-name', unitName);
  await fill('unit-credit', 'ABC');
  await page.getByTestId('submit-unit').click();
  await expectText(page.getByTestId('form-unit').getByTestId('error'), '统一社会信用代码应为 18 位');
  await fill('unit-credit', '');
  await page.getByTestId('submit-unit').click();
  await saved('单位已新增');
  const unitRow = page.getByTestId('unit').filter({ hasText: unitName });
  await unitRow.waitFor();
  const unitId = await unitRow.getAttribute('data-unit');
  expect(unitId).toMatch(/^[0-9a-f-]{36}$/);

  // A hall (便民服务站) of 云县.
  await page.getByTestId('add-hall').click();
  await fill('hall-name', hallName);
  await page.getByTestId('hall-kind-station').click();
  await fill('hall-address', '云县爱华镇测试路 1 号');
  await page.getByTestId('submit-hall').click();
  await saved('大厅已新增');
  const hall = page.getByTestId('hall').filter({ hasText: hallName });
  await hall.waitFor();
  const hallId = await hall.getAttribute('data-hall');

  // Two windows staffed by the new unit; the server refuses a second window of the same name.
  const addWindow = async (name: string) => {
    await hall.getByTestId('add-window').click();
    await fill('window-name', name, hall);
    await hall.getByTestId(`window-unit-${unitId}`).click();
    await hall.getByTestId('submit-window').click();
  };
  await addWindow('1号窗口');
  await saved('窗口已新增');
  await addWindow('2号窗口');
  await saved('窗口已新增');
  await addWindow('2号窗口');
  await expectText(hall.getByTestId('form-window').getByTestId('error'), `${ERRORS.invalid_input.message}（这个大厅已有同名窗口）`);
  await hall.getByTestId('cancel-window').click();
  await hall.getByTestId('add-window').waitFor();
  expect(await hall.getByTestId('window').count()).toBe(2);

  // Rename 2号窗口.
  await hall.getByTestId('window').filter({ hasText: '2号窗口' }).getByTestId('edit-window').click();
  await fill('window-name', '2号窗口（综合受理）', hall);
  await hall.getByTestId('submit-window').click();
  await saved('窗口已修改');
  await expectText(hall.getByTestId('window-label'), '2号窗口（综合受理）');
  const windowIds = await hall.getByTestId('window').evaluateAll((els) => els.map((e) => e.getAttribute('data-window')));
  await checkedScreenshot(page, 'admin-org');
  // The API agrees: the window is renamed, the landing page public.
  const info = (await client().rpc('window_info', { p_window_id: windowIds[1] })).data as Array<{ window_name: string; unit_name: string; hall_name: string }>;
  expect(info[0]).toMatchObject({ window_name: '2号窗口（综合受理）', unit_name: unitName, hall_name: hallName });

  // The hall's QR sheet: one code per window, in window order, each with its names and instruction.
  await hall.getByTestId('hall-qr').click();
  await page.locator(`[data-testid=qr-sheet][data-count="2"]`).waitFor();
  expect(await page.getByTestId(`hall-${hallId}`).getAttribute('data-selected')).toBe('yes');
  const cards = page.locator('[data-testid=qr-card]:visible');
  expect(await cards.count()).toBe(2);
  expect(await cards.getByTestId('qr-window-name').allInnerTexts()).toEqual(['1号窗口', '2号窗口（综合受理）']);
  for (let i = 0; i < 2; i++) {
    const card = cards.nth(i);
    const text = await card.innerText();
    expect(text).toContain(unitName);
    expect(text).toContain(hallName);
    expect(text).toContain('微信/支付宝扫码，评价本窗口服务');
    const windowId = await card.getAttribute('data-window');
    expect(windowId).toBe(windowIds[i]);
    // The code carries the H5 URL of the window's 扫码评价 page …
    const url = await card.getAttribute('data-url');
    expect(url).toBe(`${stackEnv.h5Url.replace(/\/$/, '')}/#/pages/scan/index?w=${windowId}`);
    // … and the image shown reads back as that URL: its pixels as the browser decoded them,
    // through an independent QR reader.
    expect(await readQr(card.locator('[data-testid=qr-image] img'))).toBe(url);
    // It is also exactly the generator's image of that URL at the sheet's settings.
    expect(await card.locator('[data-testid=qr-image] img').getAttribute('src')).toBe(qrImage(url!).dataUrl);
  }
  await page.getByTestId('print').waitFor();
  await checkedScreenshot(page, 'admin-qr-sheet');
  // On paper: the controls and the page's own buttons are gone, the cards stay.
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
  try {
    expect(await page.getByTestId('print').isVisible()).toBe(false);
    expect(await page.getByTestId('go-home').filter({ visible: true }).count()).toBe(0);
    expect(await page.locator('[data-testid=qr-card]:visible').count()).toBe(2);
    await screenshot(page, 'admin-qr-sheet-print');
  } finally {
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 390, height: 844 });
  }

  // What the second code carries opens that window's rating page.
  const url = await cards.nth(1).getAttribute('data-url');
  await page.goto(url!);
  await expectText(page.getByTestId('window-info'), '2号窗口（综合受理）');
  await expectText(page.getByTestId('window-info'), hallName);
  await expectText(page.getByTestId('window-info'), unitName);
});

test('凤庆县’s supervisor administers only 凤庆县: a 临翔区 unit is refused with the server’s words', async () => {
  await loginAs(page, 'supervisor-fengqing');
  await page.goto(subpackageUrl('admin', 'org'));
  await page.locator('[data-testid=org][data-region="530921"]').waitFor();
  expect(await page.locator('[data-testid^=region-]:visible').count()).toBe(1);

  // A link to 临翔区: the public unit directory shows, the halls are refused, and so is an edit.
  await page.goto(subpackageUrl('admin', 'org', 'region=530902'));
  await page.locator('[data-testid=org][data-region="530902"]').waitFor();
  await expectText(page.getByTestId('halls').getByTestId('error'), ERRORS.forbidden.message);
  const row = page.getByTestId('unit').filter({ hasText: '临翔区市场监督管理局' });
  await row.getByTestId('edit-unit').click();
  await fill('unit-name', '临翔区市场监督管理局（已改名）');
  await page.getByTestId('submit-unit').click();
  await expectText(page.getByTestId('form-unit').getByTestId('error'), ERRORS.forbidden.message);
  await checkedScreenshot(page, 'admin-org-refused');

  // The API refuses it too, and the unit keeps its name.
  const unitId = await rowUnitId();
  const res = await rpcAs('supervisor-fengqing', 'admin_save_unit', { p_id: unitId, p_region_code: '530902', p_name: '临翔区市场监督管理局（已改名）', p_credit_code: null });
  expect(res.error).toMatchObject({ code: 'forbidden', message: ERRORS.forbidden.message });
  expect(res.status).toBe(403);
  const units = (await client().from('units').select('name').eq('id', unitId)).data;
  expect(units).toEqual([{ name: '临翔区市场监督管理局' }]);
});

async function rowUnitId(): Promise<string> {
  const units = (await client().from('units').select('id').eq('name', '临翔区市场监督管理局')).data as Array<{ id: string }>;
  return units[0]!.id;
}

test('a 事项 is created, listed and edited for a unit', async () => {
  const code = `530902-T-${tag()}`;
  const unitId = await rowUnitId();
  await loginAs(page, 'supervisor-city');
  await page.goto(subpackageUrl('admin', 'matters', `region=530902&unit=${unitId}`));
  const list = page.locator(`[data-testid=matters][data-unit="${unitId}"]`);
  await list.waitFor();
  await expectText(list.getByTestId('matter'), '食品经营许可证核发');
  const before = await list.getByTestId('matter').count();

  await page.getByTestId('add-matter').click();
  await fill('matter-code', code);
  await fill('matter-name', '个体工商户歇业备案');
  await fill('matter-days', '400');
  await page.getByTestId('matter-channel-pc').click();
  await page.getByTestId('submit-matter').click();
  await expectText(page.getByTestId('form-matter').getByTestId('error'), '承诺时限应为 0–365 个工作日');
  await fill('matter-days', '7');
  await checkedScreenshot(page, 'admin-matter-form');
  await page.getByTestId('submit-matter').click();
  await saved('事项已新增');
  const item = list.locator(`[data-testid=matter][data-code="${code}"]`);
  await item.waitFor();
  expect(await list.getByTestId('matter').count()).toBe(before + 1);
  await expectText(item.getByTestId('matter-days-label'), '承诺 7 个工作日办结');
  await expectText(item.getByTestId('matter-channels-label'), '评价渠道：网上、掌上、扫码、窗口评价器');

  // 即办件, rated by QR only.
  await item.getByTestId('edit-matter').click();
  await fill('matter-days', '0');
  for (const c of ['pc', 'mobile', 'hall_pad']) await page.getByTestId(`matter-channel-${c}`).click();
  await page.getByTestId('submit-matter').click();
  await saved('事项已修改');
  await expectText(item.getByTestId('matter-days-label'), '即办件');
  await expectText(item.getByTestId('matter-channels-label'), '评价渠道：扫码');
  await checkedScreenshot(page, 'admin-matters');

  const rows = await rpcOk<Array<{ code: string; name: string; promised_working_days: number; rating_channels: string[] }>>('supervisor-city', 'admin_matters', { p_unit_id: unitId });
  expect(rows.find((r) => r.code === code)).toMatchObject({ name: '个体工商户歇业备案', promised_working_days: 0, rating_channels: ['qrcode'] });
});
