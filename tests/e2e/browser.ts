/**
 * The e2e tier's browser and checks: headless Chromium (playwright-core) on the H5 build,
 * screenshots into test-output/e2e/, and the 适老化 checks every page screenshot goes through
 * (WCAG AA text contrast, tap targets ≥ 44 CSS px).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { stackEnv } from '../support/env.ts';

export const shots = path.resolve(__dirname, '..', '..', 'test-output', 'e2e');

/** The first of the matches that is visible (Taro's H5 keeps pages it left in the DOM, hidden). */
export const firstVisible = (l: Locator): Locator => l.filter({ visible: true }).first();
/** The widths the layout tests look at: a phone, and a desk above the 1024 px desk breakpoint. */
export const PHONE = { width: 390, height: 844 };
export const DESK = { width: 1280, height: 900 };
mkdirSync(shots, { recursive: true });

export async function openBrowser(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(mkdtempSync(path.join(os.tmpdir(), 'hcp-chromium-')), {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    // A mid-range Android phone.
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    locale: 'zh-CN',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/**
 * One browser for the whole test file: opened before its first test and handed to `use` (keep
 * the page, and the context where a test needs it), closed after its last test.
 */
export function browserPerFile(use: (opened: { context: BrowserContext; page: Page }) => void): void {
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    const opened = await openBrowser();
    context = opened.context;
    use(opened);
  });
  afterAll(async () => {
    await context?.close();
  });
}

/** A Taro H5 route (hash router). */
export function url(route: string, query = ''): string {
  return `${stackEnv.h5Url}/#/pages/${route}/index${query ? `?${query}` : ''}`;
}

/** A page of a subpackage (miniapp/src/subpackages/<pkg>/pages/<route>), hash router too. */
export function subpackageUrl(pkg: 'admin' | 'staff' | 'supervise', route: string, query = ''): string {
  return `${stackEnv.h5Url}/#/subpackages/${pkg}/pages/${route}/index${query ? `?${query}` : ''}`;
}

/** A fresh visitor: no session, no settings, no outbox. */
export async function openAsNewVisitor(page: Page): Promise<void> {
  await page.goto(stackEnv.h5Url);
  await page.evaluate(() => localStorage.clear());
  await page.goto(stackEnv.h5Url);
}

export async function loginAs(page: Page, persona: string): Promise<void> {
  await openAsNewVisitor(page);
  await page.getByTestId(`persona-${persona}`).click();
  await page.getByTestId('signed-in-as').waitFor();
}

/**
 * Waits until a visible element's text contains `text` (no fixed sleeps). Visible only: Taro's H5
 * router keeps earlier pages in the DOM, hidden, and their copies of a test id may match too.
 */
export async function expectText(locator: Locator, text: string | RegExp, timeout = 10_000): Promise<void> {
  await locator.filter({ hasText: text, visible: true }).first().waitFor({ timeout });
}

/** The page-slide transition of Taro's H5 router has finished: the shown page is at rest. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const pages = [...document.querySelectorAll('.taro_page')] as HTMLElement[];
    const shown = pages.filter((p) => getComputedStyle(p).display !== 'none');
    const still = (t: string) => t === 'none' || t === 'matrix(1, 0, 0, 1, 0, 0)';
    return shown.length > 0 && shown.every((p) => still(getComputedStyle(p).transform));
  });
}

/**
 * The whole page: Taro's H5 pages scroll inside their own container, so the viewport is
 * stretched to the content for the shot (and put back after).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  await settled(page);
  const viewport = page.viewportSize() ?? { width: 390, height: 844 };
  const height = await page.evaluate(() =>
    Math.max(...[...document.querySelectorAll('.taro_page')].filter((p) => getComputedStyle(p).display !== 'none').map((p) => p.scrollHeight), 0),
  );
  if (height > viewport.height) await page.setViewportSize({ width: viewport.width, height: Math.min(height, 8000) });
  try {
    await page.screenshot({ path: path.join(shots, `${name}.png`) });
  } finally {
    if (height > viewport.height) await page.setViewportSize(viewport);
  }
}

export interface A11yFinding {
  what: 'contrast' | 'target' | 'spacing';
  text: string;
  detail: string;
}

/**
 * WCAG AA on what the visible page shows: every text node's colour against the background it
 * sits on (≥ 4.5:1, ≥ 3:1 for large text), every tappable element at least 44×44 CSS px, and no
 * two buttons stacked edge to edge (an unsteady finger lands on the wrong one; Taro spaces
 * sibling buttons, so a wrapper between two of them took the gap away unseen: 监督台, session 10).
 */
export async function a11yFindings(page: Page): Promise<A11yFinding[]> {
  await settled(page);
  return page.evaluate(() => {
    const findings: Array<{ what: 'contrast' | 'target' | 'spacing'; text: string; detail: string }> = [];
    const parse = (c: string): [number, number, number, number] => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return [0, 0, 0, 0];
      const p = (m[1] ?? '').split(',').map((x) => Number(x.trim()));
      return [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0, p[3] ?? 1];
    };
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r ?? 0) + 0.7152 * f(g ?? 0) + 0.0722 * f(b ?? 0);
    };
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor);
        if (bg[3] > 0.5) return bg;
      }
      return [255, 255, 255, 1];
    };
    const page = [...document.querySelectorAll('.taro_page')].find((p) => getComputedStyle(p).display !== 'none') ?? document.body;
    const walker = document.createTreeWalker(page, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = (n.textContent ?? '').trim();
      const el = n.parentElement;
      if (!text || !el) continue;
      const rect = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (rect.width === 0 || rect.height === 0 || style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
      const fg = parse(style.color);
      const bg = background(el);
      const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a) as [number, number];
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      const size = parseFloat(style.fontSize);
      const bold = Number(style.fontWeight) >= 700;
      const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
      if (ratio < need) findings.push({ what: 'contrast', text: text.slice(0, 30), detail: `${ratio.toFixed(2)}:1 < ${need}:1 (${style.color} on rgb(${bg.slice(0, 3).join(',')}))` });
    }
    const tappable = page.querySelectorAll('taro-button-core, button, .level, .tag, .choice, .identity__choice, .setting, [data-testid="toggle-timeline"]');
    for (const el of tappable) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.height < 44 || r.width < 44) findings.push({ what: 'target', text: (el.textContent ?? '').trim().slice(0, 30), detail: `${r.width.toFixed(0)}×${r.height.toFixed(0)} px` });
    }
    // A dialog (position: fixed) is a layer of its own: its buttons are not stacked on the page's.
    const layer = (el: Element): Element | null => {
      for (let e: Element | null = el; e && e !== page; e = e.parentElement) if (getComputedStyle(e).position === 'fixed') return e;
      return null;
    };
    const buttons = [...page.querySelectorAll('.btn')].map((el) => ({ el, r: el.getBoundingClientRect(), layer: layer(el) })).filter(({ r }) => r.width > 0 && r.height > 0);
    for (const a of buttons) {
      for (const b of buttons.filter((other) => other.layer === a.layer)) {
        const gap = b.r.top - a.r.bottom;
        const side = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
        if (side > 0 && gap > -1 && gap < 4 && b.r.top > a.r.top) {
          findings.push({ what: 'spacing', text: `${(a.el.textContent ?? '').trim().slice(0, 15)} / ${(b.el.textContent ?? '').trim().slice(0, 15)}`, detail: `${gap.toFixed(1)} px apart` });
        }
      }
    }
    return findings;
  });
}

/** Screenshot, then the 适老化 checks on what it shows. */
export async function checkedScreenshot(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect({ page: name, findings: await a11yFindings(page) }).toEqual({ page: name, findings: [] });
}
