/**
 * The supervisor's and unit admin's desk (issue 7) as H5 in headless Chromium against the test
 * stack: publishing a month (and the server's refusal of one not yet over), exporting CSV and
 * XLSX with the bearer token (the CSV's header and row count checked against the database), the
 * city's re-review of a dismissed real-name 差评 overturned at the desk (back to 整改, counted
 * again), the dashboard's region and unit pickers against stats(), a unit admin assigning the
 * 承办人, and an appeal's evidence image opened on the card. Each test makes its own 差评; counts
 * are before/after deltas. Screenshots in test-output/e2e/ pass the contrast and tap-target checks.
 */
import { readFileSync } from 'node:fs';
import { solidPng } from '../support/png.ts';
import type { Page } from 'playwright-core';
import { ratingColumns, workOrderColumns } from '../../supabase/functions/export/columns.ts';
import { ADMIN_ERRORS } from '../../shared/error-codes/admin.ts';
import { PERSONA_IDS } from '../support/db.ts';
import { parseCsv } from '../support/csv.ts';
import { stackEnv } from '../support/env.ts';
import { realnameBadRating, rpcAs, rpcOk } from '../support/staff-fixtures.ts';
import { browserPerFile, checkedScreenshot, expectText, firstVisible as vis, loginAs, openAsNewVisitor, settled, shots, subpackageUrl, url } from './browser.ts';
import path from 'node:path';

jest.setTimeout(150_000);

let page: Page;
browserPerFile((opened) => {
  page = opened.page;
});

/** The visible copy (Taro's H5 router keeps earlier pages in the DOM, hidden). */

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const thisMonth = () => today().slice(0, 7);
function previousMonth(): string {
  const [y, m] = thisMonth().split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
function monthDays(period: string): { from: string; to: string } {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return { from: `${period}-01`, to: `${period}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}` };
}

interface StatsRow { rating_count: number; bad_count: number }
/** stats() as supervisor-city for this month (the dashboard's default 本月), summed. */
async function statsTotals(region: string | null, unit: string | null): Promise<{ count: number; bad: number }> {
  const rows = await rpcOk<StatsRow[]>('supervisor-city', 'stats', {
    p_from: `${thisMonth()}-01`, p_to: today(), p_group_by: 'unit', p_region_code: region, p_unit_id: unit, p_include_default: true,
  });
  return { count: rows.reduce((n, r) => n + Number(r.rating_count), 0), bad: rows.reduce((n, r) => n + Number(r.bad_count), 0) };
}

/** What the dashboard shows now: 评价总数 and the 差评 count in the 差评率 tile. */
async function shownTotals(): Promise<{ count: number; bad: number }> {
  await vis(page.getByTestId('kpis')).waitFor();
  const count = Number((await vis(page.getByTestId('kpi-count')).locator('.kpi__value').innerText()).trim());
  const label = await vis(page.getByTestId('kpi-bad_rate')).innerText();
  return { count, bad: Number(/差评 (\d+) 条/.exec(label)?.[1] ?? NaN) };
}

const LINXIANG_UNIT = '临翔区市场监督管理局';
async function linxiangUnitId(): Promise<string> {
  const res = await rpcOk<Array<{ unit_id: string; unit_name: string }>>('supervisor-city', 'public_results', { p_period: thisMonth(), p_region_code: '530902' });
  const id = res.find((r) => r.unit_name === LINXIANG_UNIT)?.unit_id;
  if (!id) throw new Error('临翔区市场监督管理局 not found');
  return id;
}

/** The dashboard narrowed to 临翔区 and its 市场监督管理局, as supervisor-city. */
async function dashboardFor(region: string, unitId: string | null): Promise<{ count: number; bad: number }> {
  await page.goto(subpackageUrl('supervise', 'dashboard'));
  await vis(page.getByTestId(`region-${region}`)).click();
  await vis(page.locator(`[data-testid=stats][data-region="${region}"][data-unit=""]`)).waitFor();
  if (unitId) {
    await vis(page.locator(`[data-testid=unit-choice][data-unit="${unitId}"]`)).click();
    await vis(page.locator(`[data-testid=stats][data-region="${region}"][data-unit="${unitId}"]`)).waitFor();
  }
  return shownTotals();
}

test('a supervisor publishes a finished month; a month not yet over is refused in the server\'s words; anyone reads it', async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await loginAs(page, 'supervisor-city');
  await page.getByTestId('tile-supervise').click();
  await page.getByTestId('to-publish').click();
  await page.getByTestId('publish-form').waitFor();
  await vis(page.getByTestId('region-530902')).click();

  // This month is not over: the server refuses, and nothing is published.
  const now = thisMonth();
  await page.getByTestId(`month-${now}`).click();
  await page.getByTestId('month-not-over').waitFor();
  await page.getByTestId('publish').click();
  await expectText(page.getByTestId('publish-form').getByTestId('error'), ADMIN_ERRORS.period_not_over.message);
  const listed = await rpcOk<Array<{ period: string }>>('citizen-a', 'published_periods', { p_region_code: '530902' });
  expect(listed.map((p) => p.period)).not.toContain(now);

  // Last month: published with a note; listed on the page and for anyone.
  const prev = previousMonth();
  const note = `经核对无误，予以公开（${Date.now()}）`;
  await page.getByTestId(`month-${prev}`).click();
  await page.locator('[data-testid=publish-note] textarea').fill(note);
  await page.getByTestId('publish').click();
  await expectText(page.getByTestId('publish-done'), `已公开 临翔区 ${Number(prev.slice(0, 4))}年${Number(prev.slice(5, 7))}月 的评价结果`);
  const card = page.locator(`[data-testid=published-period][data-period="${prev}"]`);
  await expectText(card, note);
  await page.getByTestId('already-published').waitFor();
  await checkedScreenshot(page, 'supervise-publish');

  const anon = await fetch(`${stackEnv.apiUrl}/rest/v1/rpc/published_periods`, {
    method: 'POST',
    headers: { apikey: stackEnv.anonKey, 'content-type': 'application/json' },
    body: JSON.stringify({ p_region_code: '530902' }),
  });
  expect(anon.status).toBe(200);
  expect(((await anon.json()) as Array<{ period: string; note: string | null }>).find((p) => p.period === prev)).toMatchObject({ note });
  const results = await fetch(`${stackEnv.apiUrl}/rest/v1/rpc/public_results`, {
    method: 'POST',
    headers: { apikey: stackEnv.anonKey, 'content-type': 'application/json' },
    body: JSON.stringify({ p_period: prev, p_region_code: '530902' }),
  });
  expect(results.status).toBe(200);
  const rows = (await results.json()) as Array<{ unit_name: string }>;
  expect(rows.map((r) => r.unit_name)).toContain(LINXIANG_UNIT);

  // The 公开 page, without login, shows that month's results for 临翔区.
  await page.setViewportSize({ width: 390, height: 844 });
  await openAsNewVisitor(page);
  await page.goto(url('public'));
  await page.getByTestId(`period-${prev}`).click();
  await vis(page.getByTestId('region-530902')).click();
  await expectText(page.getByTestId('result-item'), LINXIANG_UNIT);
});

test('exports: the month\'s ratings as CSV (header and row count as in the database) and work orders as XLSX', async () => {
  await realnameBadRating('E', '导出测试：排队时间太长。');
  await page.setViewportSize({ width: 1280, height: 900 });
  await loginAs(page, 'supervisor-city');
  await page.goto(subpackageUrl('supervise', 'publish'));
  await page.getByTestId('exports').waitFor();
  await vis(page.getByTestId('region-530902')).click();
  await page.getByTestId(`month-${thisMonth()}`).click();

  const csvDownload = page.waitForEvent('download');
  await page.getByTestId('export-ratings-csv').click();
  const csv = await csvDownload;
  const { from, to } = monthDays(thisMonth());
  expect(csv.suggestedFilename()).toBe(`haochaping-ratings-530902-${from}-${to}.csv`);
  const text = readFileSync((await csv.path())!, 'utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  const rows = parseCsv(text.slice(1));
  expect(rows[0]).toEqual(ratingColumns(false).map((c) => c.header));
  const inDb = await rpcOk<Array<{ id: string }>>('supervisor-city', 'export_ratings', { p_from: from, p_to: to, p_region_code: '530902', p_limit: 5000 });
  expect(inDb.length).toBeGreaterThan(0);
  expect(rows.length - 1).toBe(inDb.length);
  expect(rows.slice(1).map((r) => r[0]).sort()).toEqual(inDb.map((r) => r.id).sort());
  expect(text).toContain('导出测试：排队时间太长。');
  await expectText(page.getByTestId('export-done'), `已下载 ${csv.suggestedFilename()}`);

  const xlsxDownload = page.waitForEvent('download');
  await page.getByTestId('export-work_orders-xlsx').click();
  const xlsx = await xlsxDownload;
  expect(xlsx.suggestedFilename()).toBe(`haochaping-work_orders-530902-${from}-${to}.xlsx`);
  const bytes = readFileSync((await xlsx.path())!);
  expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  expect(workOrderColumns(false).length).toBeGreaterThan(0);
  await checkedScreenshot(page, 'supervise-export');

  // supervisor-fengqing has only 凤庆县 to choose: no 临翔区 export is offered.
  await loginAs(page, 'supervisor-fengqing');
  await page.goto(subpackageUrl('supervise', 'publish'));
  await page.getByTestId('region-530921').waitFor();
  expect(await page.getByTestId('region-530902').count()).toBe(0);
  await page.setViewportSize({ width: 390, height: 844 });
});

test('re-review: a dismissed real-name 差评, the citizen asks, the city overturns at the desk; back to 整改 and counted again', async () => {
  const comment = `复核测试：窗口拒收材料（${Date.now()}）`;
  const { workOrderId, ratingId } = await realnameBadRating('R', comment);
  const [appeal] = await rpcOk<Array<{ id: string }>>('unit-admin-linxiang', 'submit_appeal', {
    p_work_order_id: workOrderId, p_reason: 'mistaken', p_statement: '经核查系统记录，该办件材料齐全已当场受理，属误评。', p_evidence: [],
  });
  await rpcOk('supervisor-city', 'review_appeal', { p_appeal_id: appeal!.id, p_approve: true, p_note: '核查属实，申诉成立' });
  const unitId = await linxiangUnitId();

  // The dashboard for 临翔区 / its 市场监督管理局 without the dismissed 差评.
  await page.setViewportSize({ width: 1280, height: 900 });
  await loginAs(page, 'supervisor-city');
  const before = await dashboardFor('530902', unitId);
  expect(before).toEqual(await statsTotals('530902', unitId));

  // The citizen asks for a re-review in 我的评价.
  await page.setViewportSize({ width: 390, height: 844 });
  await loginAs(page, 'citizen-a');
  await page.goto(url('my-ratings'));
  const item = page.locator(`[data-rating="${ratingId}"]`);
  await expectText(item.getByTestId('work-order-status'), '经审核不计入考核');
  await item.getByTestId('rereview').click();
  await item.locator('[data-testid=rereview-reason] textarea').fill('我当天带齐了材料，窗口说系统故障让我改天再来。');
  await item.getByTestId('rereview-submit').click();
  await expectText(page.getByTestId('my-ratings-notice'), '复核申请已提交');

  // 凤庆县's supervisor does not see 临翔区's request.
  await loginAs(page, 'supervisor-fengqing');
  await page.goto(subpackageUrl('supervise', 'rereviews'));
  await page.locator('[data-testid=empty], [data-testid=rereview]').first().waitFor();
  expect(await page.locator(`[data-testid=rereview][data-wo="${workOrderId}"]`).count()).toBe(0);

  // The city at a desk: rating, the dismissal and the citizen's reason side by side; no rater identity.
  await page.setViewportSize({ width: 1280, height: 900 });
  await loginAs(page, 'supervisor-city');
  await page.getByTestId('tile-supervise').click();
  await page.getByTestId('to-rereviews').click();
  const card = page.locator(`[data-testid=rereview][data-wo="${workOrderId}"]`);
  await card.waitFor();
  await expectText(card.getByTestId('rereview-rating'), comment);
  await expectText(card.getByTestId('rereview-reason'), '窗口说系统故障');
  await expectText(card.getByTestId('rereview-dismissal'), '属误评');
  await expectText(card.getByTestId('rereview-decision-note'), '核查属实，申诉成立');
  expect(await card.innerText()).not.toMatch(/李\*梅|1[3-9]\d\*{4}\d{4}/);
  await card.getByTestId('overturn').click();
  await expectText(card.getByTestId('error'), '复核意见至少 2 个字');
  await card.locator('[data-testid=rereview-note] textarea').fill('群众提供的取号凭条证实当日到窗口办理，申诉结论不当，予以改判');
  await card.scrollIntoViewIfNeeded();
  await checkedScreenshot(page, 'supervise-rereview');
  expect(await card.getByTestId('overturn').getAttribute('class')).toContain('btn--choice');
  expect(await card.getByTestId('uphold').getAttribute('class')).toContain('btn--choice');
  await card.getByTestId('overturn').click();
  await expectText(card.getByTestId('decide-confirm'), '复核结论为最终结论');
  // The day an overturn sets (issue 21.3): 整改 due, as decide_rereview computes it, with the days left.
  await expectText(card.getByTestId('decide-deadline'), /整改期限：\d+月\d+日（周.）前（还剩\d+天）/);
  await checkedScreenshot(page, 'supervise-rereview-confirm');
  {
    // The same sheet as a phone shows it (390 px).
    const viewport = page.viewportSize() ?? { width: 390, height: 844 };
    await page.setViewportSize({ width: 390, height: 4000 });
    try {
      await settled(page);
      await card.screenshot({ path: path.join(shots, 'supervise-rereview-confirm-phone.png') });
    } finally {
      await page.setViewportSize(viewport);
    }
  }
  await card.getByTestId('decide-yes').click();
  await expectText(page.getByTestId('rereview-done'), '已改判：差评恢复有效并计入考核');
  await expectText(page.getByTestId('rereview-done'), '整改中');
  await page.locator(`[data-testid=rereview][data-wo="${workOrderId}"]`).waitFor({ state: 'detached' });

  // Back in 整改 for the unit, and counted again on the dashboard (and in stats).
  const orders = await rpcOk<Array<{ id: string; status: string; rectify_due_on: string | null }>>('staff-linxiang', 'unit_work_orders', { p_status: null });
  expect(orders.find((o) => o.id === workOrderId)).toMatchObject({ status: 'rectifying', rectify_due_on: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  const after = await dashboardFor('530902', unitId);
  expect(after).toEqual({ count: before.count + 1, bad: before.bad + 1 });
  expect(after).toEqual(await statsTotals('530902', unitId));
  const again = await rpcAs('supervisor-city', 'decide_rereview', { p_work_order_id: workOrderId, p_overturn: false, p_note: '再次决定' });
  expect(again.error?.code).toBe('invalid_transition');
  await page.setViewportSize({ width: 390, height: 844 });
});

test('the dashboard\'s region and unit pickers drive stats(): city, county, unit', async () => {
  await realnameBadRating('D', '看板测试：叫号系统故障。');
  const unitId = await linxiangUnitId();
  await page.setViewportSize({ width: 1280, height: 900 });
  await loginAs(page, 'supervisor-city');
  await page.goto(subpackageUrl('supervise', 'dashboard'));
  await vis(page.locator('[data-testid=stats][data-region=""]')).waitFor();
  const city = await shownTotals();
  expect(city).toEqual(await statsTotals(null, null));
  await vis(page.getByTestId('region-530902')).click();
  await vis(page.locator('[data-testid=stats][data-region="530902"]')).waitFor();
  const county = await shownTotals();
  expect(county).toEqual(await statsTotals('530902', null));
  await vis(page.locator(`[data-testid=unit-choice][data-unit="${unitId}"]`)).click();
  await vis(page.locator(`[data-testid=stats][data-unit="${unitId}"]`)).waitFor();
  const unit = await shownTotals();
  expect(unit).toEqual(await statsTotals('530902', unitId));
  await expectText(page.getByTestId('stats-scope'), LINXIANG_UNIT);
  expect(unit.count).toBeGreaterThan(0);
  expect(city.count).toBeGreaterThanOrEqual(county.count);
  expect(county.count).toBeGreaterThanOrEqual(unit.count);
  await settled(page);
  await checkedScreenshot(page, 'supervise-dashboard-unit');
  await vis(page.getByTestId('region-530921')).click();
  await vis(page.locator('[data-testid=stats][data-region="530921"], [data-testid=empty]')).waitFor();
  const fengqing = await statsTotals('530921', null);
  if (fengqing.count > 0) expect(await shownTotals()).toEqual(fengqing);
  else await expectText(page.getByTestId('empty'), '这段时间没有评价数据');
  // Back to the whole city: the first numbers again.
  await vis(page.getByTestId('region-530900')).click();
  await vis(page.locator('[data-testid=stats][data-region=""]')).waitFor();
  expect(await shownTotals()).toEqual(await statsTotals(null, null));
  await page.setViewportSize({ width: 390, height: 844 });
});

test('a unit admin assigns the 承办人 on the order; the order shows it and the officer becomes the handler', async () => {
  const { workOrderId } = await realnameBadRating('H', '指派测试：答复不及时。');
  await loginAs(page, 'unit-admin-linxiang');
  await page.goto(subpackageUrl('staff', 'order', `id=${workOrderId}`));
  await page.getByTestId('assign').waitFor();
  await expectText(page.getByTestId('order-handler'), '承办人：未指定');
  await page.getByTestId('submit-assign').click();
  await expectText(page.getByTestId('assign').getByTestId('error'), '请选择承办人');
  await page.locator(`[data-testid=handler-choice][data-user="${PERSONA_IDS['staff-linxiang']}"]`).click();
  await checkedScreenshot(page, 'staff-assign');
  await page.getByTestId('submit-assign').click();
  await expectText(page.getByTestId('action-done'), '已指定 杨* 为承办人');
  await expectText(page.getByTestId('order-handler'), '承办人：杨*（窗口工作人员）');
  await expectText(page.locator(`[data-testid=handler-choice][data-user="${PERSONA_IDS['staff-linxiang']}"]`), '现承办人');
  const timeline = await rpcOk<Array<{ event: string }>>('unit-admin-linxiang', 'work_order_timeline', { p_work_order_id: workOrderId });
  expect(timeline.map((e) => e.event)).toEqual(['opened']);

  // The officer sees they are the handler; officers get no assign form.
  await loginAs(page, 'staff-linxiang');
  await page.goto(subpackageUrl('staff', 'order', `id=${workOrderId}`));
  await expectText(page.getByTestId('order-handler'), '您是本单承办人');
  expect(await page.getByTestId('assign').count()).toBe(0);
  const mine = await rpcOk<Array<{ id: string; handler_is_me: boolean }>>('staff-linxiang', 'unit_work_orders', { p_status: null });
  expect(mine.find((o) => o.id === workOrderId)?.handler_is_me).toBe(true);
});

test('the appeal card opens the uploaded evidence image', async () => {
  const { workOrderId } = await realnameBadRating('V', '佐证测试：服务态度差。');
  const png = solidPng(32, [0x0b, 0x3d, 0x91]);
  const [file] = await rpcOk<Array<{ id: string }>>('unit-admin-linxiang', 'upload_evidence', { p_file_name: '窗口监控截图.png', p_content_base64: png.toString('base64') });
  await rpcOk('unit-admin-linxiang', 'submit_appeal', {
    p_work_order_id: workOrderId, p_reason: 'malicious', p_statement: '监控显示当事人情绪激动，工作人员全程文明服务。', p_evidence: [file!.id],
  });
  await page.setViewportSize({ width: 1280, height: 900 });
  await loginAs(page, 'supervisor-city');
  await page.goto(subpackageUrl('supervise', 'appeals'));
  const appeal = page.locator(`[data-testid=appeal][data-wo="${workOrderId}"]`);
  await appeal.waitFor();
  await expectText(appeal.getByTestId('appeal-evidence'), '1 份');
  await appeal.getByTestId('open-evidence').click();
  const img = appeal.getByTestId('evidence-image').locator('img');
  await img.waitFor();
  await page.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth === 32, await img.elementHandle());
  expect(await img.getAttribute('src')).toBe(`data:image/png;base64,${png.toString('base64')}`);
  await expectText(appeal.getByTestId('open-evidence'), `窗口监控截图.png（${png.length} 字节）`);
  await appeal.scrollIntoViewIfNeeded();
  await checkedScreenshot(page, 'supervise-appeal-evidence');
  await page.setViewportSize({ width: 390, height: 844 });
});
