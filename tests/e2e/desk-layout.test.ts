/**
 * Issue 21.2 and 21.7 in headless Chromium: the desk at a desk and the H5 top bar.
 *
 * At 1280 px the staff, supervisor and admin pages are drawn at a desk's scale (index.html holds
 * the root font at a 375-px phone's from 1024 px: before, Taro's root grew with the viewport and
 * every page was a phone twice as large), with the left navigation, the KPI tiles in one row and
 * a table that is never cut off at the right (it scrolls in its own box if it must) and sorts. At
 * 390 px the phone layout is Taro's, without the navigation. The 窗口评价器 tablet keeps its large
 * scale. Every H5 page but 首页 has a top bar: the title, 返回 (one page back, or 首页 for a page
 * opened directly) and 首页; in 大字版 its targets are ≥ 60 px like the rest.
 * Screenshots: test-output/e2e/desk-*.png, each through the contrast and tap-target checks.
 */
import type { Page } from 'playwright-core';
import { stackEnv } from '../support/env.ts';
import { browserPerFile, checkedScreenshot, DESK, firstVisible as vis, loginAs, PHONE, settled, subpackageUrl, url } from './browser.ts';

jest.setTimeout(150_000);

let page: Page;
browserPerFile((opened) => {
  page = opened.page;
});


const rootFontPx = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));

/** The shown Taro page does not scroll sideways: nothing of it lies beyond the window's right edge. */
async function expectNoSidewaysPage(): Promise<void> {
  const { scroll, client, width } = await page.evaluate(() => {
    const shown = [...document.querySelectorAll('.taro_page')].find((p) => getComputedStyle(p).display !== 'none') as HTMLElement;
    return { scroll: shown.scrollWidth, client: shown.clientWidth, width: window.innerWidth };
  });
  expect(client).toBeLessThanOrEqual(width);
  expect(scroll).toBeLessThanOrEqual(client + 1);
}

async function expectDeskNav(shown: boolean): Promise<void> {
  const nav = page.locator('[data-testid=desk-nav]');
  if (shown) {
    const box = await vis(nav).boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBe(0);
    expect(box!.width).toBeGreaterThan(150);
    expect(box!.width).toBeLessThan(320);
  } else {
    expect(await nav.filter({ visible: true }).count()).toBe(0);
  }
}

test('评价统计 at 1280 px: desk scale, left navigation, KPI tiles in one row, a table not cut off that sorts; at 390 px the phone layout', async () => {
  await page.setViewportSize(DESK);
  await loginAs(page, 'supervisor-city');
  await page.goto(subpackageUrl('supervise', 'dashboard'));
  const kpis = vis(page.getByTestId('kpis'));
  await kpis.waitFor();
  await settled(page);

  // A desk's scale: the root is a 375-px phone's (20 px), body text 16 px, not Taro's 40 px cap.
  expect(await rootFontPx()).toBe(20);
  const hintPx = await vis(page.getByTestId('stats-scope')).evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  expect(hintPx).toBeLessThanOrEqual(16);
  await expectDeskNav(true);
  // The navigation marks this page, and the page's content starts right of it.
  await expect(vis(page.locator('[data-testid=desk-nav-item][aria-current=page]')).innerText()).resolves.toBe('评价统计');
  const navRight = await vis(page.getByTestId('desk-nav')).evaluate((e) => e.getBoundingClientRect().right);
  expect(await kpis.evaluate((e) => e.getBoundingClientRect().left)).toBeGreaterThanOrEqual(navRight);
  await expect(vis(page.getByTestId('topbar-title')).innerText()).resolves.toBe('评价统计');

  // KPI tiles in one row: the same top edge, side by side.
  const tiles = await kpis.locator('.kpi').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ top: Math.round(r.top), left: r.left })));
  expect(tiles.length).toBeGreaterThanOrEqual(8);
  expect(new Set(tiles.map((t) => t.top)).size).toBe(1);
  expect(tiles.map((t) => t.left)).toEqual([...tiles.map((t) => t.left)].sort((a, b) => a - b));

  // The table ends inside the window; what does not fit its box scrolls there, never cut off.
  const table = vis(page.getByTestId('stats-table'));
  const box = await table.evaluate((e) => ({ right: e.getBoundingClientRect().right, scroll: e.scrollWidth, client: e.clientWidth, overflow: getComputedStyle(e).overflowX }));
  expect(box.right).toBeLessThanOrEqual(DESK.width);
  if (box.scroll > box.client + 1) expect(['auto', 'scroll']).toContain(box.overflow);
  // Its last column is reachable: inside the box, or by scrolling the box.
  const lastCell = await table.evaluate((e) => {
    const head = e.querySelector('.tbl__row--head') as HTMLElement;
    const last = head.lastElementChild as HTMLElement;
    return { right: last.getBoundingClientRect().right - e.getBoundingClientRect().left, reach: e.clientWidth + (e.scrollWidth - e.clientWidth) };
  });
  expect(lastCell.right).toBeLessThanOrEqual(lastCell.reach + 1);
  await expectNoSidewaysPage();
  await checkedScreenshot(page, 'desk-dashboard-1280');

  // Sorting by 差评 reorders the rows: descending first, ascending on a second click.
  const column = async () => table.getByTestId('stats-row').evaluateAll((rows) => rows.map((r) => Number((r.children[3] as HTMLElement).innerText)));
  const before = await column();
  await vis(page.getByTestId('sort-bad_count')).click();
  const desc = await column();
  expect(desc).toEqual([...before].sort((a, b) => b - a));
  expect(await vis(page.getByTestId('sort-bad_count')).getAttribute('aria-sort')).toBe('descending');
  await vis(page.getByTestId('sort-bad_count')).click();
  const asc = await column();
  expect(asc).toEqual([...before].sort((a, b) => a - b));
  expect(await vis(page.getByTestId('sort-bad_count')).getAttribute('aria-sort')).toBe('ascending');
  if (new Set(before).size > 1) expect(asc).not.toEqual(desc);

  // A phone: Taro's own scale, no navigation, tiles two a row, the table scrolls in its box. (The
  // page is opened again at phone width: the chart is drawn for the width it was opened at.)
  await page.setViewportSize(PHONE);
  await page.reload();
  await kpis.waitFor();
  await settled(page);
  await page.waitForFunction(() => parseFloat(getComputedStyle(document.documentElement).fontSize) > 20);
  expect(await rootFontPx()).toBeCloseTo((40 * PHONE.width) / 750, 1);
  await expectDeskNav(false);
  const phoneTops = await kpis.locator('.kpi').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
  expect(new Set(phoneTops).size).toBeGreaterThan(1);
  const phoneTable = await table.evaluate((e) => ({ right: e.getBoundingClientRect().right, overflow: getComputedStyle(e).overflowX }));
  expect(phoneTable.right).toBeLessThanOrEqual(PHONE.width);
  expect(phoneTable.overflow).toBe('auto');
  await expectNoSidewaysPage();
  await checkedScreenshot(page, 'desk-dashboard-390');
});

test('工作台, 超期预警 and 管理 at 1280 px with the navigation, at 390 px without; 首页 a centred column at a desk', async () => {
  const desks: Array<[string, string, () => string, string]> = [
    ['staff-linxiang', 'staff', () => subpackageUrl('staff', 'index'), 'counts'],
    ['supervisor-city', 'supervise', () => subpackageUrl('supervise', 'index'), 'overdue'],
    ['supervisor-city', 'admin', () => subpackageUrl('admin', 'index'), 'to-admin-org'],
  ];
  for (const [persona, name, to, ready] of desks) {
    for (const [size, w] of [[DESK, 1280], [PHONE, 390]] as const) {
      await page.setViewportSize(size);
      await loginAs(page, persona);
      await page.goto(to());
      await vis(page.getByTestId('topbar')).waitFor();
      await vis(page.getByTestId(ready)).waitFor();
      await settled(page);
      await expectDeskNav(w === 1280);
      expect(await rootFontPx()).toBeCloseTo(w === 1280 ? 20 : (40 * w) / 750, 1);
      await expectNoSidewaysPage();
      await checkedScreenshot(page, `desk-${name}-${w}`);
    }
  }
  for (const [size, w] of [[DESK, 1280], [PHONE, 390]] as const) {
    await page.setViewportSize(size);
    await loginAs(page, 'staff-linxiang');
    await vis(page.getByTestId('tile-staff')).waitFor();
    await settled(page);
    // 首页 has its own header: no top bar there.
    expect(await page.getByTestId('topbar').filter({ visible: true }).count()).toBe(0);
    const shell = await vis(page.getByTestId('shell')).evaluate((e) => e.getBoundingClientRect());
    if (w === 1280) {
      expect(shell.width).toBeLessThanOrEqual(760);
      expect(Math.abs(shell.left - (w - shell.right))).toBeLessThanOrEqual(2);
    } else {
      expect(shell.width).toBe(w);
    }
    await checkedScreenshot(page, `desk-home-${w}`);
  }
});

test('H5 top bar: the page title, 返回 one page back (首页 when opened directly), 首页; ≥ 60 px targets in 大字版', async () => {
  await page.setViewportSize(PHONE);
  await loginAs(page, 'citizen-a');
  await vis(page.getByTestId('tile-public')).click();
  await expect(vis(page.getByTestId('topbar-title')).innerText()).resolves.toBe('评价结果公开');
  // The bar stays at the top of the page.
  expect(await vis(page.getByTestId('topbar')).evaluate((e) => getComputedStyle(e).position)).toBe('sticky');
  await vis(page.getByTestId('topbar-back')).click();
  await vis(page.getByTestId('tile-public')).waitFor();
  expect(page.url()).toContain('/pages/index/index');

  // Opened directly (a link, a reload): 返回 has nowhere to go back to, so it goes to 首页.
  await page.goto(url('public'));
  await page.reload();
  await vis(page.getByTestId('topbar-back')).click();
  await vis(page.getByTestId('tile-public')).waitFor();

  // 首页 from a desk page at a desk.
  await page.setViewportSize(DESK);
  await loginAs(page, 'staff-linxiang');
  await page.goto(subpackageUrl('staff', 'ratings'));
  await vis(page.getByTestId('topbar-home')).click();
  await vis(page.getByTestId('tile-staff')).waitFor();

  // 大字版: the bar's targets are ≥ 60 px like every other.
  await page.setViewportSize({ width: 375, height: 812 });
  await loginAs(page, 'citizen-a');
  const toggle = vis(page.getByTestId('header-large-text'));
  if ((await toggle.getAttribute('data-on')) !== 'yes') await toggle.click();
  await vis(page.getByTestId('tile-public')).click();
  await vis(page.locator('[data-testid=shell][data-large=on] [data-testid=topbar]')).waitFor();
  await settled(page);
  const heights = await page.locator('[data-testid=topbar-back], [data-testid=topbar-home]').filter({ visible: true }).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
  expect(heights.length).toBe(2);
  for (const h of heights) expect(h).toBeGreaterThanOrEqual(59.5);
  await checkedScreenshot(page, 'desk-topbar-large-text');
  await vis(page.getByTestId('topbar-home')).click();
  await vis(toggle).click();
  await expect(toggle.getAttribute('data-on')).resolves.toBe('no');
});

test('the 窗口评价器 tablet (/#/kiosk) keeps its large scale at 1280 px', async () => {
  await page.setViewportSize(DESK);
  await page.goto(`${stackEnv.h5Url}/#/kiosk`);
  await page.getByTestId('kiosk-pairing').or(page.getByTestId('kiosk-idle')).first().waitFor();
  expect(await rootFontPx()).toBe(40);
  // And a desk page opened after it in the same tab is at the desk's scale again.
  await page.goto(url('index'));
  await page.goto(subpackageUrl('supervise', 'dashboard'));
  await vis(page.getByTestId('topbar')).waitFor();
  expect(await rootFontPx()).toBe(20);
});
