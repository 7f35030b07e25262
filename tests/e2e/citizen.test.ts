/**
 * The citizen's mini-program as H5 in headless Chromium against the test stack: login as
 * citizen-a, the pending list with its countdowns, a 差评 with tags seen in 我的评价 with its
 * work order, the anonymous path, a window's QR link, a replayed submit, a rating typed without
 * network, the published results without login, and 大字模式 on every page. Every screenshot
 * (test-output/e2e/) also passes the contrast and tap-target checks. Each rating is of a 办件
 * the test creates (tests/support/fixtures.ts). No fixed sleeps: every wait is for a condition.
 */
import type { BrowserContext, Page, Request } from 'playwright-core';
import { client, login } from '../support/api.ts';
import { stackEnv } from '../support/env.ts';
import { freshTransaction, ratingCount, unratedWindow, visitRatingCount } from '../support/fixtures.ts';
import path from 'node:path';
import { dayLabel } from '../../miniapp/src/lib/countdown.ts';
import { browserPerFile, checkedScreenshot, expectText, loginAs, openAsNewVisitor, settled, shots, url } from './browser.ts';

jest.setTimeout(90_000);

let context: BrowserContext;
let page: Page;
browserPerFile((opened) => {
  ({ context, page } = opened);
});

/** The work order a rating of citizen-a opened, as my_ratings() reports it (null: none). */
async function workOrderOf(ratingId: string): Promise<{ id: string | null; status: string | null }> {
  const { access_token } = await login('citizen-a');
  const res = await client(access_token).rpc('my_ratings');
  if (res.error) throw new Error(JSON.stringify(res.error));
  const row = (res.data as Array<{ id: string; work_order_id: string | null; work_order_status: string | null }>).find((r) => r.id === ratingId);
  return { id: row?.work_order_id ?? null, status: row?.work_order_status ?? null };
}

/** Opens the 评价 page of a 办件 from 待评价 (the way a citizen gets there). */
async function openRating(projectNo: string): Promise<void> {
  await page.goto(url('index'));
  await page.getByTestId('tile-pending').click();
  const card = page.getByTestId('pending-item').filter({ hasText: projectNo });
  await card.waitFor();
  await card.getByTestId('rate').click();
  await page.getByTestId('level-1').waitFor();
}

function submits(): Request[] {
  const seen: Request[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/rest/v1/rpc/submit_rating') || r.url().includes('/rest/v1/rpc/submit_visit_rating')) seen.push(r);
  });
  return seen;
}

test('citizen-a logs in and sees 首页 and the pending 办件 with plain countdowns', async () => {
  const tx = await freshTransaction('citizen-a', 'E');
  await openAsNewVisitor(page);
  await page.getByTestId('persona-citizen-a').waitFor();
  await checkedScreenshot(page, 'login');
  await page.getByTestId('persona-citizen-a').click();
  await expectText(page.getByTestId('whoami'), '李*梅');
  await expectText(page.getByTestId('realname'), '已实名');
  await expectText(page.getByTestId('pending-count'), /^\d+ 件$/);
  await checkedScreenshot(page, 'home');

  await page.getByTestId('tile-pending').click();
  const card = page.getByTestId('pending-item').filter({ hasText: tx.projectNo });
  await card.waitFor();
  await expectText(card, tx.matterName);
  // Issue 21.5: a short card — the last day with its weekday and the days left, not 24:00 or working days.
  await expectText(card.getByTestId('countdown'), /^(即将到期)?(\d{1,2}月\d{1,2}日（周.）前可评（还剩\d+天）|今天是最后一天可评)$/);
  expect(await card.innerText()).not.toMatch(/24:00|个工作日/);
  await checkedScreenshot(page, 'pending');
});

test('a 差评 needs a tag; with tags and a comment it is sent once and shows in 我的评价 with its work order', async () => {
  const tx = await freshTransaction('citizen-a', 'B');
  await loginAs(page, 'citizen-a');
  const sent = submits();
  await openRating(tx.projectNo);
  await expectText(page.getByTestId('rate-subject'), tx.matterName);

  await page.getByTestId('level-1').click();
  await expectText(page.getByTestId('tags'), '请选择不满意的原因（必选，可多选）');
  await page.getByTestId('submit').click();
  await expectText(page.getByTestId('error'), '请至少选择一项不满意的原因');
  expect(sent).toHaveLength(0);

  await page.getByTestId('tag-115').click();
  await page.getByTestId('tag-113').click();
  await expectText(page.getByTestId('tag-115'), '✓ 服务态度差效率低');
  await page.locator('[data-testid=comment] textarea').fill('材料交了三次，每次说法不一样。');
  await expectText(page.getByTestId('counter'), '已输入 15 / 500 字');
  await checkedScreenshot(page, 'rate-bad');
  await page.getByTestId('submit').click();
  const done = page.getByTestId('rating-done');
  await done.waitFor();
  expect(sent).toHaveLength(1);
  const body = sent[0]?.postDataJSON() as Record<string, unknown>;
  expect(body).toMatchObject({ p_transaction_id: tx.id, p_level: 1, p_tags: ['115', '113'], p_comment: '材料交了三次，每次说法不一样。', p_anonymous: false, p_channel: 'mobile' });
  const answer = (await (await sent[0]?.response())?.json()) as Array<{ id: string; work_order_id: string | null }>;
  const ratingId = answer[0]?.id ?? '';
  // R8: every non-default 差评 opens a work order, waiting for the unit's verification.
  const workOrder = await workOrderOf(ratingId);
  expect(workOrder).toEqual({ id: expect.any(String), status: 'pending_verification' });
  // submit_rating answers with that work order, and the page says what happens next.
  expect(answer[0]?.work_order_id).toBe(workOrder.id);
  // Issue 21.4: what happens next and by when, in the citizen's words (never 待核实).
  await expectText(page.getByTestId('work-order-opened'), /单位须在\d{1,2}月\d{1,2}日（周.）前核实，最迟\d{1,2}月\d{1,2}日（周.）前完成整改并答复您/);
  await checkedScreenshot(page, 'rate-bad-done');
  expect(await ratingCount(tx.id)).toBe(1);

  await page.getByTestId('to-my-ratings').click();
  const item = page.locator(`[data-rating="${ratingId}"]`);
  await expectText(item, tx.matterName);
  await expectText(item, '差评');
  await expectText(item.getByTestId('rating-level'), '非常不满意');
  await expectText(item.getByTestId('rating-tags'), '服务态度差效率低、多头跑窗口和部门');
  await expectText(item.getByTestId('rating-identity'), '实名评价');
  await expectText(item.getByTestId('work-order-status'), '单位核实中');
  await expectText(item.getByTestId('work-order-next'), /单位须在\d{1,2}月\d{1,2}日（周.）前核实/);
  await item.getByTestId('toggle-timeline').click();
  await expectText(item.getByTestId('timeline-item'), '差评已转给办理单位');
  await expectText(item.getByTestId('timeline-item'), /须在\d{1,2}月\d{1,2}日（周.）前核实/);
  // The workflow's own words never reach the citizen.
  expect(await item.innerText()).not.toMatch(/待核实|申诉中|申诉成立|24:00/);
  await checkedScreenshot(page, 'my-ratings');
});

test('the anonymous path: the choice says what it means, and the rating is stored anonymous', async () => {
  const tx = await freshTransaction('citizen-a', 'N');
  await loginAs(page, 'citizen-a');
  const sent = submits();
  await openRating(tx.projectNo);
  await page.getByTestId('level-4').click();
  // Issue 21.6: what the unit sees of a real-name 差评, said as it is (R13).
  await expectText(page.getByTestId('identity-realname'), '姓氏和部分手机号（如 张*、138****5678），仅用于回访');
  // Issue 21.5: 4–5 stars fold the tags under 补充（可选）; 提交评价 stays in reach.
  await page.getByTestId('more-toggle').waitFor();
  expect(await page.getByTestId('tags').count()).toBe(0);
  expect(await page.getByTestId('submit').getAttribute('class')).toContain('rating-form__submit--sticky');
  // Issue 15.6: the levels are announced as one choice of five.
  expect(await page.getByTestId('levels').getAttribute('role')).toBe('radiogroup');
  expect(await page.getByTestId('level-4').getAttribute('aria-checked')).toBe('true');
  expect(await page.getByTestId('level-3').getAttribute('role')).toBe('radio');
  await page.getByTestId('identity-anonymous').click();
  await expectText(page.getByTestId('identity-anonymous'), '◉ 匿名评价');
  await expectText(page.getByTestId('identity-anonymous'), '不会有人回访您');
  await checkedScreenshot(page, 'rate-anonymous');
  await page.getByTestId('submit').click();
  await page.getByTestId('rating-done').waitFor();

  const { access_token } = await login('citizen-a');
  const res = await fetch(`${stackEnv.apiUrl}/rest/v1/rpc/my_ratings`, {
    method: 'POST',
    headers: { apikey: stackEnv.anonKey, authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const mine = (await res.json()) as Array<{ transaction_id: string; is_anonymous: boolean; level: number }>;
  expect(mine.filter((r) => r.transaction_id === tx.id)).toEqual([expect.objectContaining({ is_anonymous: true, level: 4 })]);
  const [{ id }] = (await (await sent[0]?.response())?.json()) as [{ id: string }];
  await page.getByTestId('to-my-ratings').click();
  await expectText(page.locator(`[data-rating="${id}"]`).getByTestId('rating-identity'), '匿名评价');
});

test('a replayed submit (double tap, then the same request again) answers the first rating and writes nothing', async () => {
  const tx = await freshTransaction('citizen-a', 'R');
  await loginAs(page, 'citizen-a');
  const sent = submits();
  await openRating(tx.projectNo);
  await page.getByTestId('level-5').click();
  await page.getByTestId('submit').dblclick();
  await page.getByTestId('rating-done').waitFor();
  expect(sent).toHaveLength(1);
  const first = sent[0] as Request;
  const firstAnswer = (await (await first.response())?.json()) as Array<{ id: string }>;

  // The network layer replays the very same request (a retry after a lost answer).
  const replay = await page.request.post(first.url(), { headers: await first.allHeaders(), data: first.postData() ?? '' });
  expect(replay.status()).toBe(200);
  expect(((await replay.json()) as Array<{ id: string }>)[0]?.id).toBe(firstAnswer[0]?.id);
  expect(await ratingCount(tx.id)).toBe(1);
});

test('typed without network: kept on the phone, sent once with the same key when the network returns', async () => {
  const tx = await freshTransaction('citizen-a', 'O');
  await loginAs(page, 'citizen-a');
  const sent = submits();
  await openRating(tx.projectNo);
  await context.setOffline(true);
  try {
    await page.getByTestId('level-3').click();
    await page.getByTestId('submit').click();
    await expectText(page.getByTestId('queued'), '评价已保存在手机上');
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('hcp.outbox') ?? 'null') as unknown);
    // Taro H5 storage wraps values: { data: [...] }.
    expect(JSON.stringify(stored)).toContain(tx.id);
    await checkedScreenshot(page, 'offline-queued');
    expect(await ratingCount(tx.id)).toBe(0);
  } finally {
    await context.setOffline(false);
  }
  await page.getByTestId('sent-later').waitFor({ timeout: 15_000 });
  expect(await ratingCount(tx.id)).toBe(1);
  const keys = sent.map((r) => (r.postDataJSON() as { p_idempotency_key: string }).p_idempotency_key);
  expect(new Set(keys).size).toBe(1);
  await checkedScreenshot(page, 'offline-sent');
});

test('a window QR link (?w=…&s=…) opens 扫码评价 with the window and its officer; the visit is rated once', async () => {
  const a = await login('citizen-a');
  const win = await unratedWindow(a.user.user_id);
  await loginAs(page, 'citizen-a');
  await page.goto(url('scan', `w=${win.windowId}&s=${win.staffId}`));
  await expectText(page.getByTestId('window-info'), win.windowName);
  await expectText(page.locator('.taro_page'), `工作人员：${win.staffName}`);
  await page.getByTestId('level-2').click();
  await page.getByTestId('tag-214').click();
  await checkedScreenshot(page, 'scan');
  await page.getByTestId('submit').click();
  await page.getByTestId('rating-done').waitFor();
  expect(await visitRatingCount(a.user.user_id, win.windowId)).toBe(1);
});

test('a weak network: a failed load says so in Chinese with 重试, and 重试 loads the list', async () => {
  await loginAs(page, 'citizen-a');
  let failures = 1;
  await page.route('**/rest/v1/rpc/my_pending_ratings', async (route) => {
    if (failures-- > 0) await route.abort('internetdisconnected');
    else await route.continue();
  });
  try {
    await page.goto(url('pending'));
    const error = page.getByTestId('error');
    await expectText(error, '网络不给力，请稍后重试');
    await checkedScreenshot(page, 'pending-error');
    await error.getByTestId('retry').click();
    await page.getByTestId('pending-item').first().waitFor();
  } finally {
    await page.unroute('**/rest/v1/rpc/my_pending_ratings');
  }
});

test('published results and the 差评 board are readable without login', async () => {
  await openAsNewVisitor(page);
  await page.getByTestId('tile-public').click();
  await page.getByTestId('result-item').first().waitFor();
  await expectText(page.getByTestId('result-item').first(), '满意率');
  await page.getByTestId('region-530902').click();
  await expectText(page.getByTestId('region-530902'), '✓ 临翔区');
  await expectText(page.getByTestId('result-item').first(), '临翔区');
  await checkedScreenshot(page, 'public');
});

/** Rates a fresh 办件 of citizen-a with a 差评 in the UI; the work order it opened. */
async function badRatingWithWorkOrder(label: string): Promise<{ ratingId: string; workOrderId: string; matterName: string }> {
  const tx = await freshTransaction('citizen-a', label);
  await loginAs(page, 'citizen-a');
  const sent = submits();
  await openRating(tx.projectNo);
  await page.getByTestId('level-2').click();
  await page.getByTestId('tag-213').click();
  await page.locator('[data-testid=comment] textarea').fill('窗口人员对业务不熟，让我跑了两趟。');
  await page.getByTestId('submit').click();
  await page.getByTestId('rating-done').waitFor();
  const [row] = (await (await sent[0]?.response())?.json()) as [{ id: string }];
  const workOrder = await workOrderOf(row.id);
  expect(workOrder.id).toEqual(expect.any(String));
  return { ratingId: row.id, workOrderId: workOrder.id ?? '', matterName: tx.matterName };
}

/** Calls an RPC as a persona through the gateway; fails the test on an error. */
async function rpcAs(persona: 'unit-admin-linxiang' | 'supervisor-city' | 'citizen-a', name: string, args: Record<string, unknown>): Promise<unknown> {
  const { access_token } = await login(persona);
  const res = await client(access_token).rpc(name, args);
  if (res.error) throw new Error(`${name} as ${persona}: ${JSON.stringify(res.error)}`);
  return res.data;
}

test('the 差评 loop as the rater sees it: verified, rectified, replied in the timeline; the citizen rates the fix; the board publishes it', async () => {
  const { ratingId, workOrderId } = await badRatingWithWorkOrder('L');
  await rpcAs('unit-admin-linxiang', 'verify_work_order', { p_work_order_id: workOrderId, p_note: '经核实情况属实' });
  await rpcAs('unit-admin-linxiang', 'rectify_work_order', { p_work_order_id: workOrderId, p_measures: '组织窗口人员业务培训，实行首问负责', p_root_cause: '新上岗人员业务不熟练' });
  await rpcAs('unit-admin-linxiang', 'reply_work_order', { p_work_order_id: workOrderId, p_reply: '已组织业务培训，感谢您的监督。' });

  await page.goto(url('my-ratings'));
  const item = page.locator(`[data-rating="${ratingId}"]`);
  await expectText(item.getByTestId('work-order-status'), '已整改并答复');
  await item.getByTestId('toggle-timeline').click();
  const timeline = item.getByTestId('timeline');
  for (const step of ['差评已转给办理单位', '单位已核实，开始整改', '单位已完成整改', '单位已答复', '已组织业务培训，感谢您的监督。']) await expectText(timeline, step);
  await checkedScreenshot(page, 'work-order-timeline');
  await item.screenshot({ path: path.join(shots, 'work-order-card.png') });

  await item.getByTestId('rate-fix').click();
  await item.getByTestId('fix-form').getByTestId('level-4').click();
  await item.getByTestId('fix-submit').click();
  await expectText(page.getByTestId('my-ratings-notice'), '已收到您对整改结果的评价，谢谢！');
  await expectText(page.locator(`[data-rating="${ratingId}"]`).getByTestId('work-order-status'), '已整改并答复');
  expect(await page.locator(`[data-rating="${ratingId}"]`).getByTestId('rate-fix').count()).toBe(0);

  await page.goto(url('public'));
  await page.getByTestId('region-530902').click();
  await expectText(page.getByTestId('board-item'), '已组织业务培训，感谢您的监督。');
  await expectText(page.getByTestId('board-item').filter({ hasText: '已组织业务培训' }).getByTestId('board-status'), '✓ 已整改并答复');
  // The board speaks citizens' words, the same as 我的评价 (issue 21 d): never the workflow's.
  for (const word of ['待核实', '申诉中', '申诉成立', '已回复']) expect(await page.getByTestId('board-status').filter({ hasText: word }).count()).toBe(0);
  await checkedScreenshot(page, 'public-board');
});

test('a dismissed 差评: the real-name rater asks once for a re-review', async () => {
  const { ratingId, workOrderId } = await badRatingWithWorkOrder('D');
  const [appeal] = (await rpcAs('unit-admin-linxiang', 'submit_appeal', {
    p_work_order_id: workOrderId, p_reason: 'mistaken', p_statement: '该群众所办事项不属于本窗口', p_evidence: [],
  })) as [{ id: string }];
  await rpcAs('supervisor-city', 'review_appeal', { p_appeal_id: appeal.id, p_approve: true, p_note: '申诉理由成立' });

  await page.goto(url('my-ratings'));
  const item = page.locator(`[data-rating="${ratingId}"]`);
  await expectText(item.getByTestId('work-order-status'), '经审核不计入考核');
  // An upheld appeal tells the citizen why (issue 21.4).
  await expectText(item.getByTestId('work-order-next'), '理由：申诉理由成立');
  // …and until when they may ask for a re-review (issue 21.4): the day the server fixed, with the days left.
  const events = (await rpcAs('citizen-a', 'work_order_timeline', { p_work_order_id: workOrderId })) as Array<{ event: string; due_on: string | null }>;
  const until = events.find((e) => e.event === 'appeal_approved')?.due_on ?? '';
  expect(until).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  await expectText(item.getByTestId('work-order-next'), new RegExp(`可在${dayLabel(until)}前（(还剩\\d+天|今天是最后一天)）申请复核`));
  await item.screenshot({ path: path.join(shots, 'work-order-dismissed-until.png') });
  await item.getByTestId('rereview').click();
  await item.getByTestId('rereview-submit').click();
  await expectText(item.getByTestId('error'), '请写明申请复核的理由');
  await item.locator('[data-testid=rereview-reason] textarea').fill('我确实在这个窗口办理的，有取号单为证。');
  await item.getByTestId('rereview-submit').click();
  await expectText(page.getByTestId('my-ratings-notice'), '复核申请已提交');
  await page.locator(`[data-rating="${ratingId}"]`).getByTestId('toggle-timeline').click();
  await expectText(page.locator(`[data-rating="${ratingId}"]`).getByTestId('timeline'), '您申请了复核');
  expect(await page.locator(`[data-rating="${ratingId}"]`).getByTestId('rereview').count()).toBe(0);
});

test('意见建议: a suggestion for a unit is sent and listed with its state', async () => {
  await loginAs(page, 'citizen-a');
  await page.goto(url('suggest'));
  await page.getByTestId('comment-form').waitFor();
  await page.getByTestId('comment-submit').click();
  await expectText(page.getByTestId('error'), '内容不能为空');
  await page.getByTestId('kind-suggestion').click();
  const unit = page.locator('[data-testid^="unit-"]').filter({ hasText: '临翔区市场监督管理局' });
  await unit.click();
  const text = `建议周六上午开放一个窗口（${Date.now()}）`;
  await page.locator('[data-testid=comment-content] textarea').fill(text);
  await checkedScreenshot(page, 'suggest');
  await page.getByTestId('comment-submit').click();
  await page.getByTestId('comment-sent').waitFor();
  const mine = page.getByTestId('my-comment').filter({ hasText: text });
  await expectText(mine, '已转交单位');
  await expectText(mine, '办理单位：临翔区市场监督管理局');
});

const PAGES = ['index', 'pending', 'my-ratings', 'suggest', 'public', 'me'] as const;
/** What shows once each page has loaded. */
const READY: Record<(typeof PAGES)[number], string> = {
  index: 'whoami-region',
  pending: 'pending-item',
  'my-ratings': 'rating-item',
  suggest: 'my-comment',
  public: 'result-item',
  me: 'privacy',
};

/** The font size of the page's body text (its first .card__line / .hint / .card__title). */
async function textSize(route: (typeof PAGES)[number]): Promise<number> {
  await page.goto(url(route));
  await page.getByTestId(READY[route]).first().waitFor();
  await settled(page);
  // The shown page's first line of body text (pages kept in the router's stack are hidden).
  return page.evaluate(() => {
    const shown = [...document.querySelectorAll('.taro_page')].find((p) => getComputedStyle(p).display !== 'none');
    const el = [...(shown?.querySelectorAll('.card__line') ?? [])].find((e) => e.getBoundingClientRect().height > 0);
    return el ? parseFloat(getComputedStyle(el).fontSize) : Number.NaN;
  });
}

test('大字模式 enlarges every page and stays on after a restart', async () => {
  await loginAs(page, 'citizen-a');
  const normal: Record<string, number> = {};
  for (const route of PAGES) normal[route] = await textSize(route);

  await page.goto(url('me'));
  await page.getByTestId('large-text').click();
  await expectText(page.getByTestId('large-text'), '已开启');
  await page.getByTestId('shell').and(page.locator('[data-large=on]')).first().waitFor();
  await page.reload();
  for (const route of PAGES) {
    const large = await textSize(route);
    const before = normal[route] ?? Number.NaN;
    // Every em below the shell scales from 32 → 42 design px: ×1.31 on every page.
    expect({ route, ratio: Math.round((large / before) * 100) / 100 }).toEqual({ route, ratio: 1.31 });
    await checkedScreenshot(page, `large-${route}`);
  }
  await page.goto(url('me'));
  await page.getByTestId('large-text').click();
  await expectText(page.getByTestId('large-text'), '已关闭');
});
