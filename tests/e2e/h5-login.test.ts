/**
 * The H5 build's login in headless Chromium against the test stack: demo personas through
 * auth-dev (H5 has no WeChat/Alipay account), the session surviving a reload, logout, and a
 * staff member seeing their role in Chinese. Screenshots: test-output/e2e/.
 */
import type { Page } from 'playwright-core';
import { browserPerFile, checkedScreenshot, expectText, openAsNewVisitor } from './browser.ts';

jest.setTimeout(60_000);

let page: Page;
browserPerFile((opened) => {
  page = opened.page;
});

test('H5 offers no platform login, only the demo personas; a tap logs in', async () => {
  await openAsNewVisitor(page);
  await page.getByTestId('persona-citizen-a').waitFor();
  expect(await page.getByTestId('login-platform').count()).toBe(0);
  await page.getByTestId('persona-citizen-a').click();
  await expectText(page.getByTestId('whoami-name'), '李*梅');
  await expectText(page.getByTestId('whoami-region'), '临翔区');
});

test('the session survives a reload; logging out returns to the persona list', async () => {
  await page.reload();
  await expectText(page.getByTestId('whoami-name'), '李*梅');
  await page.getByTestId('logout').click();
  await page.getByTestId('persona-staff-linxiang').waitFor();
  expect(await page.evaluate(() => localStorage.getItem('hcp.session'))).toBeNull();
});

test('a staff member sees their role and unit, in Chinese', async () => {
  await page.getByTestId('persona-staff-linxiang').click();
  await expectText(page.getByTestId('role-item'), '窗口工作人员（临翔区市场监督管理局）');
  await checkedScreenshot(page, 'staff-linxiang');
  await page.getByTestId('logout').click();
});
