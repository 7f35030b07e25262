/**
 * The supervisors' moderation queue of public 差评 comments (issue 15.4) as H5 in headless
 * Chromium against the test stack: a comment citizen-a allowed to be public, passed by the
 * content check (booked as comment-check books it), is in supervisor-city's queue with its text
 * and no rater or 办件 number; approving it at the desk puts it on the anonymous 差评 board; a
 * risky one is never in the queue. Screenshot test-output/e2e/supervise-moderation.png.
 */
import type { Page } from 'playwright-core';
import { connect, type Db } from '../support/db.ts';
import { client } from '../support/api.ts';
import { realnameBadRating, rpcOk } from '../support/staff-fixtures.ts';
import { browserPerFile, checkedScreenshot, expectText, firstVisible as vis, loginAs, subpackageUrl } from './browser.ts';

jest.setTimeout(150_000);

let page: Page;
let db: Db;
browserPerFile((opened) => {
  page = opened.page;
});
beforeAll(async () => { db = await connect(); });
afterAll(() => db.end());

const month = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()).slice(0, 7);

/** A public comment of citizen-a, checked with WeChat's `suggest`. */
async function checkedComment(label: string, comment: string, suggest: 'pass' | 'risky') {
  const made = await realnameBadRating(label, comment);
  await rpcOk('citizen-a', 'set_comment_public', { p_rating_id: made.ratingId, p_public: true });
  const { rows: [m] } = await db.query(`select id, content_md5 from app.comment_moderation where rating_id = $1`, [made.ratingId]);
  // The stack's comment-check may have been quicker (same stand-in, same verdict): either way it is checked.
  await db.query(`select public.record_comment_check($1, $2, $3)`, [m.id, m.content_md5, suggest]);
  return { ...made, moderationId: m.id as string };
}

test('a supervisor approves a checked comment at the desk and the public board shows it; a risky one never reaches the queue', async () => {
  const stamp = Date.now().toString(36);
  const ok = await checkedComment('mod-ok', `窗口叫号混乱，排队一小时（${stamp}）`, 'pass');
  const risky = await checkedComment('mod-risky', `违禁词测试评论（${stamp}）`, 'risky');

  await page.setViewportSize({ width: 1280, height: 900 });
  await loginAs(page, 'supervisor-city');
  await page.goto(subpackageUrl('supervise', 'moderation'));
  const card = vis(page.locator(`[data-testid=moderation-item][data-id="${ok.moderationId}"]`));
  await card.waitFor();
  await expectText(card.getByTestId('moderation-comment'), stamp);
  const text = await card.innerText();
  expect(text).not.toContain(ok.projectNo);
  expect(text).not.toContain('citizen');
  expect(await page.locator(`[data-testid=moderation-item][data-id="${risky.moderationId}"]`).count()).toBe(0);
  await checkedScreenshot(page, 'supervise-moderation');

  const board = async () => ((await client().rpc('public_bad_review_board', { p_period: month(), p_region_code: '530902' })).data as Array<{ work_order_id: string; comment: string | null }>)
    .find((r) => r.work_order_id === ok.workOrderId);
  expect(await board()).toMatchObject({ comment: null });
  await card.getByTestId('moderation-note').locator('textarea').fill('内容属实，无不当言论');
  await card.getByTestId('moderation-approve').click();
  await expectText(page.getByTestId('moderation-done'), '已通过');
  expect(await page.locator(`[data-testid=moderation-item][data-id="${ok.moderationId}"]`).filter({ visible: true }).count()).toBe(0);
  expect(await board()).toMatchObject({ comment: `窗口叫号混乱，排队一小时（${stamp}）` });
  const { rows } = await db.query(`select action, note from app.audit_log where entity_id = $1 and action = 'comment_approved'`, [ok.ratingId]);
  expect(rows).toEqual([{ action: 'comment_approved', note: '内容属实，无不当言论' }]);
});
