/**
 * 我的 settings and 评价内容公开 in the H5 build against the test stack, as citizen-anon (logged in
 * through the persona picker): the 实名认证 card without a configured identity platform, the
 * form's validation and both refusal paths (the platform refuses; realname-bind refuses the
 * ticket) with the identity platform answered by the test, 消息订阅 in plain words, and a
 * comment's publication switched on in 我的评价 and seen on the public 差评 board.
 *
 * The H5 stack does not inject `idpUrl` (scripts/stack/static-h5.ts) and the IdP stand-in sends
 * no CORS headers, so the browser cannot reach the real stand-in: the test injects `idpUrl` with
 * an init script and answers the platform's requests itself. A real binding is covered by the
 * unit tests and the functions tier.
 */
import type { Page, Route } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { client, login } from '../support/api.ts';
import { unratedWindow } from '../support/fixtures.ts';
import { checkedScreenshot, expectText, loginAs, openBrowser, url } from './browser.ts';

jest.setTimeout(90_000);

const FAKE_IDP = 'http://idp.e2e.invalid';
const VALID_ID = '11010519491231002X';

let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ context, page } = await openBrowser());
});

afterAll(async () => {
  await context?.close();
});

async function whoamiOfAnon(): Promise<{ realname_verified: boolean }> {
  const { access_token } = await login('citizen-anon');
  const res = await client(access_token).rpc('whoami');
  if (res.error) throw new Error(JSON.stringify(res.error));
  return (res.data as Array<{ realname_verified: boolean }>)[0] ?? { realname_verified: true };
}

test('我的 without an identity platform explains, and 消息订阅 reads in plain words', async () => {
  await loginAs(page, 'citizen-anon');
  await page.goto(url('me'));
  await expectText(page.getByTestId('realname-unavailable-message'), '暂未接入统一身份认证平台');
  await expectText(page.getByTestId('realname-unavailable'), '差评会有工作人员回访');
  expect(await page.getByTestId('realname-form').count()).toBe(0);
  const sub = page.getByTestId('subscription');
  await expectText(sub.getByTestId('subscription-elsewhere'), '消息提醒需要在微信小程序中开启');
  await expectText(sub, /暂无可用的消息提醒|剩余 \d+ 次|已用完/);
  await checkedScreenshot(page, 'me-settings');
});

test('实名认证: the form checks its fields, and both refusals are shown without binding', async () => {
  expect((await whoamiOfAnon()).realname_verified).toBe(false);
  // The runtime config as if the stack injected idpUrl (the lead's one-line change).
  await context.addInitScript((idp) => {
    let value: unknown;
    Object.defineProperty(window, '__HCP_CONFIG__', {
      configurable: true,
      get: () => value,
      set: (v: unknown) => {
        value = typeof v === 'object' && v !== null ? { ...v, idpUrl: idp } : v;
      },
    });
  }, FAKE_IDP);
  const asked: unknown[] = [];
  await page.route(`${FAKE_IDP}/**`, async (route: Route) => {
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type', 'access-control-allow-methods': 'POST' };
    if (route.request().method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
    const body = route.request().postDataJSON() as { name: string };
    asked.push(body);
    if (body.name === '王拒绝') return route.fulfill({ status: 400, headers: cors, contentType: 'application/json', body: '{"code":"INVALID_PARAM","message":"mismatch"}' });
    // A well-formed answer whose ticket is not signed by the platform: realname-bind must refuse it.
    return route.fulfill({ status: 200, headers: cors, contentType: 'application/json', body: JSON.stringify({ ticket: `eyJhbGciOiJSUzI1NiJ9.${'e'.repeat(40)}.sig`, ticket_id: 'x', expires_at: '2030-01-01T00:00:00Z' }) });
  });
  try {
    await loginAs(page, 'citizen-anon');
    await page.goto(url('me'));
    const form = page.getByTestId('realname-form');
    await form.waitFor();
    await expectText(form, '加密保存');

    await page.getByTestId('realname-submit').click();
    await expectText(page.getByTestId('realname-problem-name'), '请填写姓名');
    await expectText(page.getByTestId('realname-problem-idNumber'), '请填写身份证号码');
    await page.locator('[data-testid=realname-name] input').fill('王拒绝');
    await page.locator('[data-testid=realname-id] input').fill('110105194912310021');
    await page.locator('[data-testid=realname-phone] input').fill('1380000');
    await page.getByTestId('realname-submit').click();
    await expectText(page.getByTestId('realname-problem-idNumber'), '身份证号码有误');
    await expectText(page.getByTestId('realname-problem-phone'), '11 位数字');
    expect(asked).toHaveLength(0);
    await checkedScreenshot(page, 'realname-invalid');

    await page.locator('[data-testid=realname-id] input').fill(VALID_ID);
    await page.locator('[data-testid=realname-phone] input').fill('13800001111');
    await page.getByTestId('realname-submit').click();
    await expectText(form.getByTestId('error'), '统一身份认证平台未通过核验');
    expect(asked).toEqual([{ name: '王拒绝', id_number: VALID_ID, phone: '13800001111' }]);

    await page.locator('[data-testid=realname-name] input').fill('王五');
    await page.getByTestId('realname-submit').click();
    await expectText(form.getByTestId('error'), '实名认证凭证无效，请重新认证');
    await checkedScreenshot(page, 'realname-refused');
    expect((await whoamiOfAnon()).realname_verified).toBe(false);
    expect(await page.getByTestId('realname-verified').count()).toBe(0);
  } finally {
    await page.unroute(`${FAKE_IDP}/**`);
  }
});

test('评价内容公开: a 差评 comment appears on the public 差评 board only after its rater allows it', async () => {
  const { access_token, user } = await login('citizen-anon');
  const api = client(access_token);
  const win = await unratedWindow(user.user_id);
  const comment = `e2e 公开留言 ${Date.now().toString(36)}`;
  const sent = await api.rpc('submit_visit_rating', {
    p_window_id: win.windowId, p_staff_id: win.staffId, p_level: 2, p_tags: ['213'], p_comment: comment, p_anonymous: false,
    p_idempotency_key: `e2e-public-${Date.now()}`,
  });
  if (sent.error) throw new Error(JSON.stringify(sent.error));
  const ratingId = (sent.data as Array<{ id: string; work_order_id: string | null }>)[0]?.id ?? '';
  expect((sent.data as Array<{ work_order_id: string | null }>)[0]?.work_order_id).toEqual(expect.any(String));

  await page.goto(url('public'));
  await page.getByTestId('board-item').first().waitFor();
  expect(await page.getByTestId('board-item').filter({ hasText: comment }).count()).toBe(0);

  await loginAs(page, 'citizen-anon');
  await page.goto(url('my-ratings'));
  const card = page.locator(`[data-testid=rating-item][data-rating="${ratingId}"]`);
  await card.waitFor();
  const toggle = card.getByTestId('comment-public');
  await expectText(toggle.getByTestId('comment-public-state'), '未公开');
  await toggle.click();
  await expectText(toggle.getByTestId('comment-public-state'), '已公开');
  await expect(toggle.getAttribute('data-on')).resolves.toBe('yes');
  await checkedScreenshot(page, 'comment-public');
  const mine = await api.rpc('my_ratings');
  expect((mine.data as Array<{ id: string; comment_public: boolean }>).find((r) => r.id === ratingId)?.comment_public).toBe(true);

  await page.goto(url('public'));
  await expectText(page.getByTestId('board-item').filter({ hasText: comment }), `群众留言：${comment}`);
});
