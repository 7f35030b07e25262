/**
 * The H5 build in headless Chromium against the test stack: a demo persona logs in through
 * auth-dev and sees data read through PostgREST under RLS. Screenshots: test-output/e2e/.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { stackEnv } from '../support/env.ts';

jest.setTimeout(60_000);

const shots = path.resolve(__dirname, '..', '..', 'test-output', 'e2e');
mkdirSync(shots, { recursive: true });

let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  context = await chromium.launchPersistentContext(mkdtempSync(path.join(os.tmpdir(), 'hcp-chromium-')), {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    locale: 'zh-CN',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? (await context.newPage());
});

afterAll(async () => {
  await context?.close();
});

async function openAsNewVisitor(): Promise<void> {
  await page.goto(stackEnv.h5Url);
  await page.evaluate(() => localStorage.clear());
  await page.goto(stackEnv.h5Url);
}

test('a citizen logs in as a demo persona and sees themselves and the units of their county', async () => {
  await openAsNewVisitor();
  const persona = page.getByTestId('persona-citizen-a');
  await persona.waitFor();
  await page.screenshot({ path: path.join(shots, 'personas.png'), fullPage: true });
  await persona.click();

  const whoami = page.getByTestId('whoami');
  await whoami.waitFor();
  await expectText(whoami, '李*梅');
  await expectText(whoami, '临翔区');
  const units = page.getByTestId('unit-item');
  await units.first().waitFor();
  const names = await units.allInnerTexts();
  expect(names.some((n) => n.includes('临翔区市场监督管理局'))).toBe(true);
  expect(names.every((n) => !n.includes('凤庆县'))).toBe(true);
  await page.screenshot({ path: path.join(shots, 'citizen-a.png'), fullPage: true });
});

test('the session survives a reload; logging out returns to the persona list', async () => {
  await page.reload();
  await page.getByTestId('whoami').waitFor();
  await page.getByTestId('logout').click();
  await page.getByTestId('persona-staff-linxiang').waitFor();
});

test('a staff member sees their unit and role, in Chinese', async () => {
  await page.getByTestId('persona-staff-linxiang').click();
  const whoami = page.getByTestId('whoami');
  await whoami.waitFor();
  await expectText(whoami, '窗口工作人员');
  await expectText(whoami, '临翔区市场监督管理局');
  await page.screenshot({ path: path.join(shots, 'staff-linxiang.png'), fullPage: true });
  await page.getByTestId('logout').click();
});

/** Waits until the element's text contains `text` (no fixed sleeps). */
async function expectText(locator: ReturnType<Page['getByTestId']>, text: string): Promise<void> {
  await locator.filter({ hasText: text }).waitFor({ timeout: 10_000 });
}
