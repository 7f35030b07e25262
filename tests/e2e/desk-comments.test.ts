/**
 * 综合点评 at the desks (R18) as H5 in headless Chromium against the test stack: a citizen's
 * complaint from the 意见箱 is routed by a supervisor to a unit, answered by the unit's officer on
 * the 工作台, closed by the supervisor, and the citizen reads the answer in 意见建议; an officer of
 * another unit never sees it. A supervisor records a hotline call; bad input and a stale action are
 * refused in the server's words with nothing written. Each test makes its own comments.
 */
import type { Page } from 'playwright-core';
import { ERRORS } from '../../shared/errors.ts';
import { browserPerFile, checkedScreenshot, expectText, loginAs, subpackageUrl, url } from './browser.ts';
import { rpcAs, rpcOk } from '../support/staff-fixtures.ts';
import { shanghaiToday } from '../support/work-orders.ts';

jest.setTimeout(180_000);

let page: Page;
browserPerFile((opened) => {
  page = opened.page;
});

interface Row {
  id: string;
  status: string;
  unit_name: string | null;
  reply: string | null;
  source: string;
  contact_masked: string;
}

const UNIT = '临翔区市场监督管理局';
const tag = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

async function supervisorRows(): Promise<Row[]> {
  return rpcOk<Row[]>('supervisor-city', 'supervisor_comments', { p_status: null, p_region_code: null });
}

test('意见箱 → 转办 → 单位答复 → 办结, and the citizen reads the answer; another unit never sees it', async () => {
  const content = `窗口叫号屏经常黑屏，老人听不到叫号（${tag()}）`;
  const [sent] = await rpcOk<Row[]>('citizen-a', 'submit_comment', { p_kind: 'complaint', p_content: content, p_unit_id: null, p_contact: '13987650011' });
  expect(sent).toMatchObject({ status: 'received', contact_masked: '139****0011' });
  const id = sent!.id;

  // The supervisor at a desk: the inbox, the contact (logged), then 转办 to the unit.
  await page.setViewportSize({ width: 1280, height: 900 });
  await loginAs(page, 'supervisor-city');
  await page.getByTestId('tile-supervise').click();
  await page.getByTestId('to-comments').click();
  const card = page.locator(`[data-testid=desk-comment][data-comment="${id}"]`);
  await card.waitFor();
  await expectText(card.getByTestId('comment-status'), '已受理');
  await expectText(card.getByTestId('contact'), '139****0011');
  await expectText(card.getByTestId('contact'), '每次查看都会记入办理记录');
  await checkedScreenshot(page, 'desk-comments-inbox');
  await card.getByTestId('reveal-contact').click();
  await expectText(card.getByTestId('contact-clear'), '13987650011');
  await card.getByTestId('action-route').click();
  await card.getByTestId('submit-route').click();
  await expectText(card.getByTestId('error'), '请选择承办单位');
  await card.getByTestId('route-region-530902').click();
  await card.getByTestId('unit-choice').filter({ hasText: UNIT }).click();
  await card.locator('[data-testid=route-note] textarea').fill('请核实叫号设备并答复');
  await checkedScreenshot(page, 'desk-comments-route');
  await card.getByTestId('submit-route').click();
  await expectText(page.getByTestId('comment-done'), `已转办至 ${UNIT}`);
  expect((await supervisorRows()).find((r) => r.id === id)).toMatchObject({ status: 'routed', unit_name: UNIT });

  // Another unit's officer: not in their inbox (UI and API), and the reply is refused.
  await page.setViewportSize({ width: 390, height: 844 });
  await loginAs(page, 'staff-fengqing');
  await page.goto(subpackageUrl('staff', 'comments'));
  await page.getByTestId('tab-all').click();
  await page.getByTestId('tab-all').locator('.count__n').waitFor();
  expect(await page.locator(`[data-comment="${id}"]`).count()).toBe(0);
  expect((await rpcOk<Row[]>('staff-fengqing', 'unit_comments', { p_status: null })).map((r) => r.id)).not.toContain(id);
  const foreign = await rpcAs('staff-fengqing', 'reply_comment', { p_comment_id: id, p_reply: '不是本单位的' });
  expect(foreign.error).toMatchObject({ code: 'forbidden', message: ERRORS.forbidden.message });

  // The unit's officer answers on the 工作台 (an empty answer is refused first, nothing sent).
  await loginAs(page, 'staff-linxiang');
  await page.getByTestId('tile-staff').click();
  await page.getByTestId('to-unit-comments').click();
  const mine = page.locator(`[data-testid=unit-comment][data-comment="${id}"]`);
  await mine.waitFor();
  expect(await mine.innerText()).not.toMatch(/13987650011|139\*{4}0011/);
  await mine.getByTestId('action-reply').click();
  await mine.locator('[data-testid=reply-text] textarea').fill('　 ');
  await mine.getByTestId('submit-reply').click();
  await expectText(mine.getByTestId('error'), ERRORS.comment_content_required.message);
  expect((await supervisorRows()).find((r) => r.id === id)?.status).toBe('routed');
  const reply = '您好，叫号屏已更换，并增加了语音叫号。感谢您的监督！';
  await mine.locator('[data-testid=reply-text] textarea').fill(reply);
  await checkedScreenshot(page, 'staff-comments-reply');
  await mine.getByTestId('submit-reply').click();
  await expectText(page.getByTestId('reply-done'), '答复已发送');
  await page.getByTestId('tab-replied').click();
  const replied = page.locator(`[data-testid=unit-comment][data-comment="${id}"][data-status=replied]`);
  await expectText(replied.getByTestId('comment-reply'), reply);
  await replied.getByTestId('toggle-history').click();
  for (const label of ['群众通过意见箱提交', `转办至 ${UNIT}`, '监督员查看了联系方式（已记录）', `${UNIT} 已答复`]) {
    await expectText(replied.getByTestId('history-item'), label);
  }
  await checkedScreenshot(page, 'staff-comments');

  // The supervisor closes it.
  await page.setViewportSize({ width: 1280, height: 900 });
  await loginAs(page, 'supervisor-city');
  await page.goto(subpackageUrl('supervise', 'comments'));
  await page.getByTestId('tab-replied').click();
  const done = page.locator(`[data-testid=desk-comment][data-comment="${id}"]`);
  await done.waitFor();
  await done.getByTestId('action-close').click();
  await done.getByTestId('submit-close').click();
  await expectText(page.getByTestId('comment-done'), '已办结');
  expect((await supervisorRows()).find((r) => r.id === id)).toMatchObject({ status: 'closed', reply });

  // The citizen reads the answer in 意见建议.
  await page.setViewportSize({ width: 390, height: 844 });
  await loginAs(page, 'citizen-a');
  await page.goto(url('suggest'));
  const citizen = page.getByTestId('my-comment').filter({ hasText: content });
  await expectText(citizen, '已办结');
  await expectText(citizen, `答复：${reply}`);
  const history = await rpcOk<Array<{ event: string }>>('citizen-a', 'comment_history', { p_comment_id: id });
  expect(history.map((h) => h.event)).toEqual(['submitted', 'contact_revealed', 'routed', 'replied', 'closed']);
});

test('a hotline call is recorded at the desk; bad input and a stale action are refused in the server\'s words, nothing written', async () => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await loginAs(page, 'supervisor-city');
  await page.goto(subpackageUrl('supervise', 'comments'));
  await page.getByTestId('toggle-record').click();
  await page.getByTestId('form-record').waitFor();
  const before = (await supervisorRows()).length;

  // Empty content: refused with the server's message, nothing recorded.
  await page.getByTestId('source-hotline').click();
  await page.getByTestId('kind-suggestion').click();
  await page.getByTestId('submit-record').click();
  await expectText(page.getByTestId('form-record').getByTestId('error'), ERRORS.comment_content_required.message);
  const long = await rpcAs('supervisor-city', 'record_comment', { p_source: 'hotline', p_kind: 'suggestion', p_content: '长'.repeat(1001) });
  expect(long.error).toMatchObject({ code: 'comment_content_too_long', message: ERRORS.comment_content_too_long.message });
  await page.locator('[data-testid=record-content] textarea').fill('长'.repeat(1001));
  await page.getByTestId('submit-record').click();
  await expectText(page.getByTestId('form-record').getByTestId('error'), ERRORS.comment_content_too_long.message);
  expect((await supervisorRows()).length).toBe(before);

  const content = `12345 来电：建议延长午间办事时间（${tag()}）`;
  await page.locator('[data-testid=record-content] textarea').fill(content);
  await page.locator('[data-testid=record-contact] input').fill('0883-2123456');
  await page.getByTestId('unit-none').waitFor();
  // When the call came in: today, the time the form was opened, unless the supervisor changes it.
  await expectText(page.getByTestId('record-received-day'), shanghaiToday());
  await checkedScreenshot(page, 'desk-comments-record');
  await page.getByTestId('submit-record').click();
  await expectText(page.getByTestId('comment-done'), '已登记，待转办（临沧市）');
  const recorded = (await supervisorRows()).find((r) => r.source === 'hotline' && r.status === 'received' && (r as unknown as { content: string }).content === content);
  expect(recorded).toBeDefined();
  expect((await supervisorRows()).length).toBe(before + 1);
  // The form's minute, not the server's clock at recording (which would carry seconds).
  const receivedAt = new Date((recorded as unknown as { received_at: string }).received_at);
  expect(receivedAt.getUTCSeconds() + receivedAt.getUTCMilliseconds()).toBe(0);
  expect(Date.now() - receivedAt.getTime()).toBeGreaterThanOrEqual(0);
  expect(Date.now() - receivedAt.getTime()).toBeLessThan(10 * 60_000);

  // Someone else closes it meanwhile; this desk's 转办 is refused by the server, in its words.
  const card = page.locator(`[data-testid=desk-comment][data-comment="${recorded!.id}"]`);
  await card.waitFor();
  await card.getByTestId('action-close').click();
  await card.getByTestId('submit-close').click();
  await expectText(card.getByTestId('error'), '请写明不经单位答复即办结的原因');
  await rpcOk('supervisor-city', 'close_comment', { p_comment_id: recorded!.id, p_note: '与另一来电重复' });
  await card.getByTestId('action-route').click();
  await card.getByTestId('route-region-530902').click();
  await card.getByTestId('unit-choice').filter({ hasText: UNIT }).click();
  await card.getByTestId('submit-route').click();
  await expectText(card.getByTestId('error'), ERRORS.comment_invalid_transition.message);
  expect((await supervisorRows()).find((r) => r.id === recorded!.id)).toMatchObject({ status: 'closed', unit_name: null });
  await checkedScreenshot(page, 'desk-comments-refused');
  await page.setViewportSize({ width: 390, height: 844 });
});
