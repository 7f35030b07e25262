/**
 * The staff 工作台 and the supervisor 监督台 as H5 in headless Chromium against the test stack.
 * A citizen's real-name 差评 (made in each test) is verified, rectified, replied and revisited by
 * the officer on a phone, and the citizen sees each step in the timeline; a unit admin appeals it
 * with evidence, a supervisor at a desk approves it and the dashboard's 差评率 moves; an officer
 * of another unit can open neither the order's page nor its RPCs. Screenshots in
 * test-output/e2e/ pass the contrast and tap-target checks. No fixed sleeps.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { rate } from '../../shared/metrics.ts';
import { browserPerFile, checkedScreenshot, expectText, loginAs, screenshot, settled, shots, subpackageUrl } from './browser.ts';
import { randomUUID } from 'node:crypto';
import { freshTransaction } from '../support/fixtures.ts';
import { dayLabel } from '../../miniapp/src/lib/countdown.ts';
import { realnameBadRating, rpcAs, rpcOk } from '../support/staff-fixtures.ts';

jest.setTimeout(120_000);

let page: Page;
browserPerFile((opened) => {
  page = opened.page;
});

async function openOrder(workOrderId: string): Promise<void> {
  await page.goto(subpackageUrl('staff', 'index'));
  const card = page.locator(`[data-wo="${workOrderId}"]`);
  await card.waitFor();
  await card.getByTestId('open-order').click();
  await page.getByTestId('order').waitFor();
}

/** Opens an action's form, fills it with `fill`, submits, and waits for the order to be in `status`. */
async function act(action: string, form: string, fill: () => Promise<void>, status: string): Promise<void> {
  await page.getByTestId(`action-${action}`).click();
  await page.getByTestId(`form-${form}`).waitFor();
  await fill();
  await page.getByTestId(`submit-${form}`).click();
  await page.getByTestId('action-done').waitFor();
  await page.locator(`[data-testid=order][data-status=${status}]`).waitFor();
}

/** The timeline the rater reads in 我的评价. */
async function citizenTimeline(workOrderId: string): Promise<string[]> {
  const rows = await rpcOk<Array<{ event: string; note: string | null }>>('citizen-a', 'work_order_timeline', { p_work_order_id: workOrderId });
  return rows.map((r) => r.event);
}

test('首页 shows 工作台 to staff and 监督台 to supervisors, neither to citizens', async () => {
  await loginAs(page, 'staff-linxiang');
  await page.getByTestId('tile-staff').waitFor();
  expect(await page.getByTestId('tile-supervise').count()).toBe(0);
  await loginAs(page, 'supervisor-city');
  await page.getByTestId('tile-supervise').waitFor();
  expect(await page.getByTestId('tile-staff').count()).toBe(0);
  await loginAs(page, 'citizen-a');
  await page.getByTestId('whoami-name').waitFor();
  await expectText(page.getByTestId('whoami'), '已实名');
  expect(await page.getByTestId('tile-staff').count()).toBe(0);
  expect(await page.getByTestId('tile-supervise').count()).toBe(0);
});

test('an officer verifies, rectifies, replies and records a 回访 on a real-name 差评; the citizen sees every step', async () => {
  const { workOrderId, projectNo } = await realnameBadRating('W', '等了一个小时没人理。');
  await loginAs(page, 'staff-linxiang');
  await page.getByTestId('tile-staff').click();
  const card = page.locator(`[data-wo="${workOrderId}"]`);
  await card.waitFor();
  await expectText(card.getByTestId('wo-status'), '待核实');
  await expectText(card.getByTestId('wo-due'), /核实(还剩 \d+ 个工作日|今天到期|已超期 \d+ 个工作日)，截止 \d+月\d+日（周.）/);
  await expectText(card, projectNo);
  await checkedScreenshot(page, 'staff-desk');

  await card.getByTestId('open-order').click();
  await page.getByTestId('order').waitFor();
  await expectText(page.getByTestId('order-comment'), '等了一个小时没人理。');
  await expectText(page.getByTestId('order-level'), '非常不满意');
  // No rater identity anywhere on the order's page.
  const before = await page.locator('.taro_page:visible').innerText();
  expect(before).not.toMatch(/李\*梅|1[3-9]\d\*{4}\d{4}/);

  // A refusal shows the server's words: 回复 before 整改 is not offered, and a short reply is refused before sending.
  expect(await page.getByTestId('action-reply').count()).toBe(0);
  await act('verify', 'verify', () => page.locator('[data-testid=verify-note] textarea').fill('经核实，窗口当时无人值守，情况属实'), 'rectifying');
  await expectText(page.getByTestId('wo-due'), /整改还剩 1[0-9] 个工作日/);

  await page.getByTestId('action-rectify').click();
  await page.locator('[data-testid=rectify-measures] textarea').fill('设立AB岗，窗口离岗须放置告知牌并由B岗接替');
  await page.getByTestId('submit-rectify').click();
  await expectText(page.getByTestId('form-rectify').getByTestId('error'), '问题原因至少 2 个字');
  await page.locator('[data-testid=rectify-root-cause] textarea').fill('窗口人员临时离岗未安排替岗');
  await checkedScreenshot(page, 'staff-rectify-form');
  await page.getByTestId('submit-rectify').click();
  await page.locator('[data-testid=order][data-status=rectified]').waitFor();

  await act('reply', 'reply', () => page.locator('[data-testid=reply-text] textarea').fill('感谢您的监督，我们已设立AB岗，确保窗口随时有人。'), 'replied');

  // 回访: the masked contact for the handler (the verifier), then the outcome.
  await page.getByTestId('action-return_visit').click();
  await page.getByTestId('reveal-contact').click();
  await expectText(page.getByTestId('rater-contact'), /评价人：李\*梅　电话：1\d{2}\*{4}\d{4}/);
  await page.getByTestId('visit-method-phone').click();
  await page.getByTestId('visit-satisfaction-satisfied').click();
  await page.locator('[data-testid=visit-note] textarea').fill('电话回访，群众表示满意');
  await checkedScreenshot(page, 'staff-return-visit');
  await page.getByTestId('submit-return-visit').click();
  await page.locator('[data-testid=order][data-status=closed]').waitFor();
  await expectText(page.getByTestId('action-done'), '回访已登记，工单已办结');
  await expectText(page.getByTestId('timeline'), '已回访评价人');
  await checkedScreenshot(page, 'staff-order-closed');

  expect(await citizenTimeline(workOrderId)).toEqual(['opened', 'verified', 'rectified', 'replied', 'return_visit', 'closed']);
  // The citizen sees it in 我的评价.
  await loginAs(page, 'citizen-a');
  await page.getByTestId('tile-my-ratings').click();
  const mine = page.locator('[data-testid=toggle-timeline]').first();
  await mine.waitFor();
  const item = page.locator('[data-rating]').filter({ hasText: '等了一个小时没人理。' }).first();
  await expectText(item.getByTestId('work-order-status'), '已办结');
  await item.getByTestId('toggle-timeline').click();
  for (const label of ['单位已核实，开始整改', '单位已完成整改', '单位已答复', '单位已回访', '已办结']) {
    await expectText(item.getByTestId('timeline-item'), label);
  }
  await expectText(item.getByTestId('timeline'), '设立AB岗');
});

test('本单位评价 lists the period\'s ratings without any rater identity', async () => {
  await realnameBadRating('U', '材料清单和窗口说的不一样。', 'seeded');
  await loginAs(page, 'staff-linxiang');
  await page.goto(subpackageUrl('staff', 'ratings'));
  const card = page.getByTestId('unit-rating').filter({ hasText: '材料清单和窗口说的不一样。' }).first();
  await card.waitFor();
  await expectText(card, '非常不满意');
  await expectText(card, '我的办件');
  const text = await page.locator('.taro_page:visible').innerText();
  expect(text).not.toMatch(/李\*梅|实名评价|匿名评价|1[3-9]\d\*{4}\d{4}/);
  await page.getByTestId('scope-mine').click();
  await expectText(page.getByTestId('ratings-summary'), /已载入 \d+ 条评价，其中差评 \d+ 条/);
  await checkedScreenshot(page, 'staff-unit-ratings');
});

test('R13: a 差评 about the officer is marked as theirs with nothing to do; an anonymous one shows 匿名评价, never its 办件编号', async () => {
  const own = await realnameBadRating('M', '本人差评测试：解释不耐烦。', 'seeded');
  const tx = await freshTransaction('citizen-a', 'N', 'colleague');
  const [anon] = await rpcOk<Array<{ work_order_id: string }>>('citizen-a', 'submit_rating', {
    p_transaction_id: tx.id, p_level: 1, p_tags: ['115'], p_comment: '匿名差评测试：材料说不清。', p_anonymous: true,
    p_channel: 'mobile', p_idempotency_key: randomUUID(),
  });
  await loginAs(page, 'staff-linxiang');
  await page.goto(subpackageUrl('staff', 'index'));
  const ownCard = page.locator(`[data-wo="${own.workOrderId}"]`);
  await ownCard.waitFor();
  await expectText(ownCard, '针对本人的差评');
  expect(await ownCard.innerText()).not.toContain(own.projectNo);
  const anonCard = page.locator(`[data-wo="${anon!.work_order_id}"]`);
  await expectText(anonCard, '匿名评价');
  expect(await anonCard.innerText()).not.toContain(tx.projectNo);

  await ownCard.getByTestId('open-order').click();
  await page.getByTestId('order').waitFor();
  await expectText(page.getByTestId('order-about-me'), '这条差评针对的是您本人的办件');
  await expectText(page.getByTestId('order-project'), '办件编号：不向被评价人提供');
  expect(await page.getByTestId('action-verify').count()).toBe(0);
  expect(await page.getByTestId('action-appeal').count()).toBe(0);
  await checkedScreenshot(page, 'staff-order-about-me');
  // The server refuses it too, in its words.
  const refused = await rpcAs('staff-linxiang', 'verify_work_order', { p_work_order_id: own.workOrderId, p_note: null });
  expect({ status: refused.status, code: refused.error?.code }).toEqual({ status: 403, code: 'own_work_order' });

  await openOrder(anon!.work_order_id);
  await expectText(page.getByTestId('order-project'), '匿名评价（办件编号不向单位提供）');
  expect(await page.locator('.taro_page:visible').innerText()).not.toContain(tx.projectNo);
  await page.getByTestId('action-verify').waitFor();
  await checkedScreenshot(page, 'staff-order-anonymous');
});

test('an officer of another unit cannot open the order (UI and API)', async () => {
  const { workOrderId } = await realnameBadRating('X', '办事指南写得不清楚。');
  await loginAs(page, 'staff-fengqing');
  await page.goto(subpackageUrl('staff', 'order', `id=${workOrderId}`));
  await expectText(page.getByTestId('error'), '找不到这张工单：它不属于您所在的单位，或已不存在');
  expect(await page.getByTestId('order').count()).toBe(0);
  await checkedScreenshot(page, 'staff-other-unit');

  const list = await rpcOk<Array<{ id: string }>>('staff-fengqing', 'unit_work_orders', { p_status: null });
  expect(list.map((r) => r.id)).not.toContain(workOrderId);
  for (const [name, args] of [
    ['verify_work_order', { p_work_order_id: workOrderId, p_note: null }],
    ['work_order_timeline', { p_work_order_id: workOrderId }],
    ['reveal_rater_contact', { p_work_order_id: workOrderId }],
  ] as const) {
    const res = await rpcAs('staff-fengqing', name, args);
    expect({ name, status: res.status >= 400 && res.status < 500, code: res.error?.code }).toEqual({ name, status: true, code: expect.stringMatching(/^(forbidden|not_found)$/) });
    expect(res.error?.message).toMatch(/[\u4e00-\u9fff]/);
  }
  // Nothing was written: the order still waits for its own unit.
  const mine = await rpcOk<Array<{ id: string; status: string }>>('staff-linxiang', 'unit_work_orders', { p_status: null });
  expect(mine.find((r) => r.id === workOrderId)?.status).toBe('pending_verification');
});

/** One card as a phone (390 px) shows it, whatever the test's width; the width is put back after. */
async function phoneShot(locator: ReturnType<Page['locator']>, name: string): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 390, height: 844 };
  await page.setViewportSize({ width: 390, height: 4000 });
  try {
    await settled(page);
    await locator.screenshot({ path: path.join(shots, `${name}.png`) });
  } finally {
    await page.setViewportSize(viewport);
  }
}

/** One part of the page (Taro's H5 pages scroll inside their own container: the viewport is stretched for the shot). */
async function elementShot(testid: string, name: string): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 390, height: 844 };
  await page.setViewportSize({ width: viewport.width, height: 6000 });
  try {
    await page.getByTestId(testid).screenshot({ path: path.join(shots, `${name}.png`) });
  } finally {
    await page.setViewportSize(viewport);
  }
}

/** The dashboard's region totals as shown: 评价总数, 差评 count and the 差评率 value. */
/**
 * The dashboard's totals as 仅主动评价: the test stack's default-rating job may add 基本满意
 * defaults for 办件 falling due while the test runs, which would move 含默认 counts under it.
 */
async function dashboardTotals(): Promise<{ count: number; bad: number; badRate: string }> {
  await page.goto(subpackageUrl('supervise', 'dashboard'));
  await page.getByTestId('kpis').waitFor();
  await page.getByTestId('variant-active').click();
  await expectText(page.getByTestId('stats-scope'), '仅主动评价');
  await page.getByTestId('kpis').waitFor();
  const count = Number((await page.getByTestId('kpi-count').locator('.kpi__value').innerText()).trim());
  const label = await page.getByTestId('kpi-bad_rate').innerText();
  const bad = Number(/差评 (\d+) 条/.exec(label)?.[1] ?? NaN);
  const badRate = (await page.getByTestId('kpi-bad_rate').getAttribute('data-value')) ?? '';
  return { count, bad, badRate };
}

test('a unit admin appeals with evidence, a supervisor approves at the desk, and the dashboard\'s 差评率 follows', async () => {
  const { workOrderId } = await realnameBadRating('P', '工作人员态度恶劣。');

  // The supervisor's dashboard with the new 差评 counted.
  await page.setViewportSize({ width: 1280, height: 900 });
  await loginAs(page, 'supervisor-city');
  const before = await dashboardTotals();
  expect(before.badRate).toBe(String(rate(before.bad, before.count)));

  // The unit admin appeals on a phone, with a PNG as evidence.
  await page.setViewportSize({ width: 390, height: 844 });
  await loginAs(page, 'unit-admin-linxiang');
  await openOrder(workOrderId);
  await page.getByTestId('action-appeal').click();
  await page.getByTestId('appeal-reason-malicious').click();
  await page.locator('[data-testid=appeal-statement] textarea').fill('太短');
  await page.getByTestId('submit-appeal').click();
  await expectText(page.getByTestId('form-appeal').getByTestId('error'), '申诉说明至少 10 个字');
  await page.locator('[data-testid=appeal-statement] textarea').fill('监控录像显示该群众当日未到本窗口办理业务，评价与事实不符。');
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('add-evidence').click();
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('0000000d49484452', 'hex'), Buffer.alloc(32)]);
  await (await chooser).setFiles({ name: '监控截图.png', mimeType: 'image/png', buffer: png });
  await expectText(page.getByTestId('evidence-file'), '✓ 监控截图.png（已上传）');
  await checkedScreenshot(page, 'staff-appeal-form');
  await page.getByTestId('submit-appeal').click();
  await page.locator('[data-testid=order][data-status=appealing]').waitFor();
  await expectText(page.getByTestId('order-appeal'), '待审核');

  // A second appeal is refused by the server, in its words (the action is not offered any more).
  const again = await rpcAs('unit-admin-linxiang', 'submit_appeal', { p_work_order_id: workOrderId, p_reason: 'other', p_statement: '再次申诉再次申诉再次申诉', p_evidence: [] });
  expect(again.error?.code).toBe('appeal_exists');
  expect(again.error?.message).toMatch(/[\u4e00-\u9fff]/);

  // The supervisor at a desk: rating and statement side by side, then approves.
  await page.setViewportSize({ width: 1280, height: 900 });
  await loginAs(page, 'supervisor-city');
  await page.getByTestId('tile-supervise').click();
  await page.getByTestId('to-appeals').click();
  const appeal = page.locator(`[data-testid=appeal][data-wo="${workOrderId}"]`);
  await appeal.waitFor();
  await expectText(appeal.getByTestId('appeal-rating'), '工作人员态度恶劣。');
  await expectText(appeal.getByTestId('appeal-statement'), '监控录像显示');
  await expectText(appeal.getByTestId('appeal-evidence'), '1 份');
  await appeal.getByTestId('approve').click();
  await expectText(appeal.getByTestId('error'), '审核意见至少 2 个字');
  await appeal.locator('[data-testid=review-note] textarea').fill('经查监控，申诉理由成立');
  await appeal.scrollIntoViewIfNeeded();
  await screenshot(page, 'supervise-appeal');
  // Issue 21.3: the two outcomes are equal buttons (neither primary nor danger), and the chosen one
  // waits on a sheet that restates its consequence.
  expect(await appeal.getByTestId('approve').getAttribute('class')).toContain('btn--choice');
  expect(await appeal.getByTestId('reject').getAttribute('class')).toContain('btn--choice');
  await appeal.getByTestId('approve').click();
  await expectText(appeal.getByTestId('decide-confirm'), '该差评标记为无效，不计入考核');
  // …and the day the decision sets, as the server computes it (issue 21.3): upheld, the rater's
  // last day to ask for a re-review; rejected, the 整改 due day. A date with the days left.
  const [queued] = (await rpcOk<Array<{ work_order_id: string; rereview_due_if_approved: string; rectify_due_if_rejected: string }>>('supervisor-city', 'appeals_to_review', { p_status: 'pending' }))
    .filter((a) => a.work_order_id === workOrderId);
  await expectText(appeal.getByTestId('decide-deadline'), new RegExp(`可在${dayLabel(queued!.rereview_due_if_approved)}前（(还剩\\d+天|今天是最后一天)）申请一次复核`));
  await screenshot(page, 'supervise-appeal-confirm');
  await phoneShot(appeal, 'supervise-appeal-confirm-phone');
  await appeal.getByTestId('decide-no').click();
  await appeal.getByTestId('reject').click();
  await expectText(appeal.getByTestId('decide-deadline'), new RegExp(`整改期限：${dayLabel(queued!.rectify_due_if_rejected)}前（还剩\\d+天）`));
  await screenshot(page, 'supervise-appeal-confirm-reject');
  await phoneShot(appeal, 'supervise-appeal-confirm-reject-phone');
  await appeal.getByTestId('decide-no').click();
  await appeal.getByTestId('approve').click();
  await appeal.getByTestId('decide-yes').click();
  await expectText(page.getByTestId('review-done'), '申诉成立，该差评不计入考核');

  const after = await dashboardTotals();
  expect(after.count).toBe(before.count - 1);
  expect(after.bad).toBe(before.bad - 1);
  expect(after.badRate).toBe(String(rate(after.bad, after.count)));
  expect(after.badRate).not.toBe(before.badRate);
  await page.getByTestId('variant-all').click();
  await expectText(page.getByTestId('stats-scope'), '含默认评价');
  await page.getByTestId('chart-canvas').locator('canvas').waitFor();
  await checkedScreenshot(page, 'supervise-dashboard-desk');
  await elementShot('kpis', 'supervise-kpis-desk');
  await elementShot('chart', 'supervise-chart-desk');
  await page.getByTestId('group-month').click();
  await page.getByTestId('rate-bad_rate').click();
  await page.getByTestId('stats-table').waitFor();
  await expectText(page.locator('.hint'), /至 .* · 含默认评价/);
  await page.getByTestId('chart-canvas').locator('canvas').waitFor();
  await checkedScreenshot(page, 'supervise-dashboard-month');
  await elementShot('chart', 'supervise-chart-month');

  // The same on a phone, 仅主动 评价.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId('variant-active').click();
  await page.getByTestId('stats-table').waitFor();
  await settled(page);
  await checkedScreenshot(page, 'supervise-dashboard-phone');
  expect(await citizenTimeline(workOrderId)).toEqual(['opened', 'appealed', 'appeal_approved']);
});

test('监督台: overdue warnings (all counted, 20 at a time), 重点监督 and the reporting status', async () => {
  const overdueTotal = async () =>
    Number((await rpcOk<Array<{ total_count: number }>>('supervisor-city', 'overdue_work_orders', { p_limit: 1, p_offset: 0 }))[0]?.total_count ?? 0);
  const before = await overdueTotal();
  await page.setViewportSize({ width: 1280, height: 900 });
  await loginAs(page, 'supervisor-city');
  await page.goto(subpackageUrl('supervise', 'index'));
  await page.getByTestId('upstream-counts').waitFor();
  await expectText(page.getByTestId('upstream-counts'), /已送达 \d+ · 待发送 \d+ · 发送中 \d+ · 失败（死信）\d+/);
  await page.getByTestId('overdue').waitFor();
  // The header counts every escalated order (the hourly escalation may add some meanwhile), the page shows 20.
  const header = await page.getByTestId('overdue-total').innerText();
  const shown = Number(/超期预警（(\d+) 件/.exec(header)?.[1]);
  expect([before, await overdueTotal()]).toContain(shown);
  const items = page.locator('[data-testid=overdue-item]');
  await expect(items.count()).resolves.toBe(Math.min(shown, 20));
  if (shown > 20) {
    await page.getByTestId('overdue-more').click();
    await items.nth(Math.min(shown, 40) - 1).waitFor();
    await expect(items.count()).resolves.toBe(Math.min(shown, 40));
  } else {
    await expectText(page.getByTestId('overdue-end'), `已显示全部 ${shown} 件`);
  }
  await page.getByTestId('key-supervision').waitFor();
  await checkedScreenshot(page, 'supervise-desk');
  await page.setViewportSize({ width: 390, height: 844 });
});

test('工作台 has two tabs: 处理中 (the live workload, by urgency) and 已办结, which pages from the server 20 at a time, latest first (issue 21.7)', async () => {
  // 21 of the unit's 差评 dismissed on appeal: more than one page of 已办结, whatever ran before.
  const made: string[] = [];
  for (let i = 0; i < 21; i++) {
    const { workOrderId } = await realnameBadRating(`F${i}`, `已办结分页测试 ${i}`);
    const [a] = await rpcOk<Array<{ id: string }>>('unit-admin-linxiang', 'submit_appeal', { p_work_order_id: workOrderId, p_reason: 'mistaken', p_statement: '系统记录显示该办件由其他窗口办理，属误评' });
    await rpcOk('supervisor-city', 'review_appeal', { p_appeal_id: a!.id, p_approve: true, p_note: '申诉成立' });
    made.push(workOrderId);
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await loginAs(page, 'staff-linxiang');
  await page.goto(subpackageUrl('staff', 'index'));
  await page.getByTestId('counts').waitFor();
  expect(await page.getByTestId('tab-open').getAttribute('aria-selected')).toBe('true');
  // 处理中 holds no finished order.
  const openIds = await page.locator('[data-testid=wo-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-wo')));
  expect(openIds.filter((id) => made.includes(id ?? ''))).toEqual([]);

  await page.getByTestId('tab-done').click();
  await page.getByTestId('finished-list').waitFor();
  const items = page.locator('[data-testid=finished-list] [data-testid=wo-item]');
  await expect(items.count()).resolves.toBe(20);
  // Latest first: the last one dismissed heads the list.
  expect(await items.first().getAttribute('data-wo')).toBe(made[made.length - 1]);
  await expectText(items.first().getByTestId('wo-status'), '申诉成立');
  await checkedScreenshot(page, 'staff-desk-finished');
  await page.getByTestId('wo-more').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=finished-list] [data-testid=wo-item]').length > 20);
  const ids = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-wo')));
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids).toEqual(expect.arrayContaining(made));
  await page.getByTestId('tab-open').click();
  await page.getByTestId('counts').waitFor();
});
