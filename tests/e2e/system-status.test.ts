/**
 * 管理 → 系统状态 (issue 19.1) in headless Chromium: the city's supervisor opens it from the 管理
 * hub and sees every scheduled job with its last run; a job that has not run for twice its
 * interval is red (its last run moved back for this test, then restored), a silent feed is red;
 * a unit admin sees it too; a citizen is refused with the server's message. The screenshot passes
 * the contrast and tap-target checks.
 */
import type { Page } from 'playwright-core';
import { ERRORS } from '../../shared/errors.ts';
import { connect, type Db } from '../support/db.ts';
import { browserPerFile, checkedScreenshot, expectText, loginAs, subpackageUrl } from './browser.ts';

jest.setTimeout(120_000);

let page: Page;
browserPerFile((opened) => {
  page = opened.page;
});
let db: Db;
let inserted: number[] = [];
beforeAll(async () => { db = await connect(); });
afterAll(async () => {
  if (inserted.length) await db.query('delete from app.job_runs where id = any($1)', [inserted]);
  await db?.end();
});

test('the supervisor sees every job, a stale one red, and the feeds', async () => {
  // A run of escalate-overdue (hourly) three hours ago and none since, as the newest run: red.
  await db.query(`delete from app.job_runs where job_name = 'escalate-overdue' and started_at > now() - interval '3 hours'`);
  const { rows } = await db.query(`insert into app.job_runs (job_name, started_at, finished_at, outcome, rows_affected)
                                   values ('escalate-overdue', now() - interval '3 hours', now() - interval '3 hours' + interval '40 milliseconds', 'succeeded', 2),
                                          ('apply-default-ratings', now() - interval '1 minute', now() - interval '1 minute' + interval '15 milliseconds', 'succeeded', 0)
                                   returning id`);
  inserted = rows.map((r) => Number(r.id));
  await loginAs(page, 'supervisor-city');
  await page.goto(subpackageUrl('admin', 'index'));
  await page.getByTestId('to-admin-system').filter({ visible: true }).click();
  const job = (name: string) => page.locator(`[data-testid="job-${name}"]`).filter({ visible: true });
  await job('escalate-overdue').waitFor();
  for (const name of ['apply-default-ratings', 'escalate-overdue', 'purge-identity-tokens', 'purge-retention', 'record-warning-digests', 'report-upstream', 'send-reminders']) {
    await job(name).waitFor();
  }
  expect(await job('escalate-overdue').getAttribute('data-red')).toBe('true');
  await expectText(job('escalate-overdue'), '已超过两个周期未运行');
  expect(await job('apply-default-ratings').getAttribute('data-red')).toBe('false');
  await expectText(job('apply-default-ratings'), '成功');
  await expectText(page.getByTestId('system-outbox'), '待报送');
  await expectText(page.getByTestId('system-reminders'), '已发送');
  await page.locator('[data-testid="feed-bs_demo_530902"]').filter({ visible: true }).waitFor();
  expect(await page.getByTestId('system-overall').filter({ visible: true }).getAttribute('data-red')).toBe('true');
  await checkedScreenshot(page, 'admin-system-status');
});

test('a unit admin sees it; a citizen gets the server\'s refusal', async () => {
  await loginAs(page, 'unit-admin-linxiang');
  await page.goto(subpackageUrl('admin', 'system'));
  await page.locator('[data-testid="job-report-upstream"]').filter({ visible: true }).waitFor();
  await loginAs(page, 'citizen-a');
  await page.goto(subpackageUrl('admin', 'system'));
  await expectText(page.locator('body'), ERRORS.forbidden.message);
});
