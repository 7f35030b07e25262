/**
 * 监督查评 at the 监督台 (R18) as H5 in headless Chromium against the test stack: a supervisor
 * draws a 回访抽查 sample of this month's real-name raters (two fresh ratings made here make sure
 * there are some), works through it item by item and sees the progress; a refused record shows
 * the server's words and writes nothing; a supervisor of another region cannot open the city's
 * batch. A 第三方评估 is recorded (bad input first: refused, nothing written) and listed.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { ERRORS } from '../../shared/errors.ts';
import { browserPerFile, checkedScreenshot, expectText, loginAs, subpackageUrl } from './browser.ts';
import { freshTransaction } from '../support/fixtures.ts';
import { rpcAs, rpcOk } from '../support/staff-fixtures.ts';

jest.setTimeout(180_000);

let page: Page;
browserPerFile((opened) => {
  page = opened.page;
});

/** A deep link loaded afresh (a hash change alone would keep the page already open). */
async function open(target: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(target);
}

/** A real-name, non-anonymous 非常满意 rating of a fresh 办件: a 回访 candidate today. */
async function realnameRating(persona: 'citizen-a' | 'citizen-b'): Promise<void> {
  const tx = await freshTransaction(persona, 'S');
  await rpcOk(persona, 'submit_rating', {
    p_transaction_id: tx.id,
    p_level: 5,
    p_tags: [],
    p_comment: null,
    p_anonymous: false,
    p_channel: 'mobile',
    p_idempotency_key: randomUUID(),
  });
}

interface Item {
  sample_id: string;
  item_id: string;
  position: number;
  outcome: string | null;
  satisfied: boolean | null;
  rater_masked_name: string;
}

test('回访抽查: draw, record each outcome, see the progress; another region\'s supervisor cannot open the batch', async () => {
  await realnameRating('citizen-a');
  await realnameRating('citizen-b');
  const seed = `e2e-${randomUUID().slice(0, 8)}`;

  await page.setViewportSize({ width: 1280, height: 900 });
  await loginAs(page, 'supervisor-city');
  await page.getByTestId('tile-supervise').click();
  await page.getByTestId('to-sampling').click();
  await page.getByTestId('draw-form').waitFor();
  // Defaults: last month, the city (and its counties).
  await expectText(page.locator('[data-testid=period-prev].choice--on'), '上月');
  await expectText(page.locator('[data-testid=region-530900].choice--on'), '临沧市');
  await page.getByTestId('batches').waitFor();
  await checkedScreenshot(page, 'sampling-draw');

  // A size out of range is refused in the server's words, and nothing is drawn.
  const before = (await rpcOk<unknown[]>('supervisor-city', 'return_visit_samples', { p_region_code: null })).length;
  await page.getByTestId('period-month').click();
  await page.locator('[data-testid=sample-n] input').fill('201');
  await page.getByTestId('draw').click();
  await expectText(page.getByTestId('draw-form').getByTestId('error'), ERRORS.sample_size_out_of_range.message);
  expect((await rpcOk<unknown[]>('supervisor-city', 'return_visit_samples', { p_region_code: null })).length).toBe(before);

  await page.locator('[data-testid=sample-n] input').fill('2');
  await page.locator('[data-testid=sample-seed] input').fill(seed);
  await page.getByTestId('draw').click();
  await expectText(page.getByTestId('draw-done'), '已抽取 2 名评价人');
  const view = page.getByTestId('batch-view');
  await view.waitFor();
  const sampleId = (await view.getAttribute('data-sample')) ?? '';
  expect((await rpcOk<unknown[]>('supervisor-city', 'return_visit_samples', { p_region_code: null })).length).toBe(before + 1);
  await expectText(page.getByTestId('progress-done'), '0/2');
  // Raters masked only.
  const text = await page.locator('.taro_page:visible').innerText();
  expect(text).not.toMatch(/1[3-9]\d{9}/);
  await expectText(page.getByTestId('item-rater'), /\*/);

  const items = page.getByTestId('sample-item');
  expect(await items.count()).toBe(2);
  const first = items.nth(0);
  const second = items.nth(1);

  // 1st: reached, satisfied (满意 must be chosen first).
  await first.getByTestId('outcome-reached').click();
  await first.getByTestId('submit-visit').click();
  await expectText(first.getByTestId('error'), '已回访：请选择被回访人是否满意');
  await first.getByTestId('satisfied-yes').click();
  await first.locator('[data-testid=visit-note] textarea').fill('电话回访，群众对办事效率满意');
  await checkedScreenshot(page, 'sampling-visit-form');
  await first.getByTestId('submit-visit').click();
  await expectText(first.getByTestId('item-outcome'), '已回访 · 满意');
  await expectText(page.getByTestId('progress-done'), '1/2');
  await expectText(page.getByTestId('progress-satisfied'), '100.0%');

  // 2nd: unreachable (may be tried again), then — while another supervisor records it as declined —
  // this desk's record is refused in the server's words, and the other record stands.
  await second.getByTestId('outcome-unreachable').click();
  await second.getByTestId('submit-visit').click();
  await expectText(second.getByTestId('item-outcome'), '联系不上');
  await expectText(page.getByTestId('progress-text'), '已完成 1/2 · 联系不上 1 · 满意 1/1（100.0%）');
  const itemId = (await second.getAttribute('data-item')) ?? '';
  await rpcOk('supervisor-city', 'record_sample_visit', { p_item_id: itemId, p_outcome: 'declined', p_satisfied: null, p_note: '拒绝回访' });
  await second.getByTestId('outcome-reached').click();
  await second.getByTestId('satisfied-no').click();
  await second.getByTestId('submit-visit').click();
  await expectText(page.getByTestId('visit-refused'), `第 2 位：${ERRORS.sample_visit_recorded.message}`);
  // The screen now shows what stands: declined, and the batch done.
  await expectText(page.locator(`[data-item="${itemId}"]`).getByTestId('item-outcome'), '拒绝回访');
  await expectText(page.getByTestId('progress-text'), '已完成 2/2 · 联系不上 0 · 满意 1/1（100.0%）');
  const rows = await rpcOk<Item[]>('supervisor-city', 'return_visit_sample_items', { p_sample_id: sampleId });
  expect(rows.map((r) => [r.outcome, r.satisfied])).toEqual([['reached', true], ['declined', null]]);
  await checkedScreenshot(page, 'sampling-batch');

  // Back to the list: the batch with its progress.
  await page.getByTestId('back-to-batches').click();
  const batch = page.locator(`[data-testid=batch][data-sample="${sampleId}"]`);
  await expectText(batch.getByTestId('batch-progress'), '已完成 2/2 · 满意 1 人');
  await expectText(batch, seed);
  await open(subpackageUrl('supervise', 'sampling', `sample=${sampleId}`));
  await expectText(page.getByTestId('progress-done'), '2/2');
  expect(await page.getByTestId('visit-form').count()).toBe(0);

  // 凤庆县's supervisor: not in their list, and the city's batch cannot be opened (UI and API).
  await loginAs(page, 'supervisor-fengqing');
  await page.goto(subpackageUrl('supervise', 'sampling'));
  await page.getByTestId('batches').waitFor();
  await expectText(page.locator('[data-testid=region-530921].choice--on'), '凤庆县');
  expect(await page.getByTestId('region-530900').count()).toBe(0);
  expect(await page.locator(`[data-testid=batch][data-sample="${sampleId}"]`).count()).toBe(0);
  await open(subpackageUrl('supervise', 'sampling', `sample=${sampleId}`));
  await expectText(page.getByTestId('error'), ERRORS.forbidden.message);
  expect(await page.getByTestId('sample-item').count()).toBe(0);
  await checkedScreenshot(page, 'sampling-other-region');
  for (const [name, args] of [
    ['return_visit_sample_items', { p_sample_id: sampleId }],
    ['record_sample_visit', { p_item_id: rows[0]!.item_id, p_outcome: 'declined', p_satisfied: null, p_note: null }],
  ] as const) {
    const res = await rpcAs('supervisor-fengqing', name, args);
    expect({ name, code: res.error?.code }).toEqual({ name, code: 'forbidden' });
  }
  expect((await rpcOk<Item[]>('supervisor-city', 'return_visit_sample_items', { p_sample_id: sampleId })).map((r) => r.outcome)).toEqual(['reached', 'declined']);
  await page.setViewportSize({ width: 390, height: 844 });
});

test('第三方评估: bad input refused in the server\'s words with nothing written, then recorded and listed', async () => {
  const list = async (persona: 'supervisor-city' | 'staff-linxiang') =>
    rpcOk<Array<{ id: string; assessor_org: string; score: number; unit_name: string | null }>>(persona, 'third_party_assessments', { p_region_code: null, p_unit_id: null });
  const before = (await list('supervisor-city')).length;
  const org = `云南省政务服务第三方评估中心（${randomUUID().slice(0, 6)}）`;

  await page.setViewportSize({ width: 1280, height: 900 });
  await loginAs(page, 'supervisor-city');
  await page.goto(subpackageUrl('supervise', 'assessments'));
  await page.getByTestId('assessment-form').waitFor();
  await page.getByTestId('assessments').waitFor();
  await page.getByTestId('region-530902').click();
  await page.getByTestId('target-unit').filter({ hasText: '临翔区市场监督管理局' }).click();
  await page.getByTestId('period-prev').click();
  await page.locator('[data-testid=assessor-org] input').fill(org);
  await page.locator('[data-testid=assessment-score] input').fill('120');
  await page.locator('[data-testid=assessment-summary] textarea').fill('窗口服务规范，网上办理深度有待提高。');
  await page.getByTestId('save-assessment').click();
  await expectText(page.getByTestId('assessment-form').getByTestId('error'), ERRORS.assessment_score_out_of_range.message);
  const bad = await rpcAs('supervisor-city', 'record_third_party_assessment', {
    p_region_code: '530902', p_unit_id: null, p_period_from: '2026-07-01', p_period_to: '2026-09-30', p_assessor_org: org, p_score: 120, p_summary: '越界',
  });
  expect(bad.error).toMatchObject({ code: 'assessment_score_out_of_range', message: ERRORS.assessment_score_out_of_range.message });
  expect((await list('supervisor-city')).length).toBe(before);
  await checkedScreenshot(page, 'assessments-refused');

  await page.locator('[data-testid=assessment-score] input').fill('88.5');
  await page.getByTestId('save-assessment').click();
  await expectText(page.getByTestId('assessment-saved'), '已录入：临翔区市场监督管理局');
  const card = page.getByTestId('assessment').filter({ hasText: org });
  await expectText(card.getByTestId('assessment-score-value'), '88.5 分');
  await expectText(card, '临翔区市场监督管理局');
  await checkedScreenshot(page, 'assessments');

  const after = await list('supervisor-city');
  expect(after.length).toBe(before + 1);
  expect(after.find((a) => a.assessor_org === org)).toMatchObject({ score: 88.5, unit_name: '临翔区市场监督管理局' });
  // The unit reads the assessment about itself, through the API and on 本单位评价.
  expect((await list('staff-linxiang')).map((a) => a.assessor_org)).toContain(org);
  await loginAs(page, 'staff-linxiang');
  await page.goto(subpackageUrl('staff', 'ratings'));
  const own = page.getByTestId('unit-assessments').getByTestId('assessment').filter({ hasText: org });
  await expectText(own.getByTestId('assessment-score-value'), '88.5 分');
  await checkedScreenshot(page, 'staff-unit-assessments');
  await page.setViewportSize({ width: 390, height: 844 });
});
