/**
 * 差评热点 and 预警 on the supervisor's dashboard (issue 16.3, 16.4), H5 in headless Chromium
 * against the test stack. A unit of its own in 临翔区 (a fresh name each run) gets a year of
 * ordinary ratings (5 % 差评) and today a spike (16 差评 of 40, with comments); the dashboard,
 * narrowed to that unit, shows the tags and the comment words with their counts as bars and a
 * table, and the 预警 list opened from it names the unit and its window with the numbers that made
 * the alert (as early_warnings() answers); the morning job's 预警 digest is listed under it, and H5
 * says truthfully that it cannot receive the subscription message. Screenshots in test-output/e2e/ pass the contrast and
 * tap-target checks.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { connect, type Db } from '../support/db.ts';
import { browserPerFile, checkedScreenshot, expectText, firstVisible as vis, loginAs, subpackageUrl } from './browser.ts';

jest.setTimeout(150_000);

let page: Page;
browserPerFile((opened) => {
  page = opened.page;
});
let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });


/** The constructed unit: a year of ordinary ratings, then today's spike with comments. */
async function spikeUnit(): Promise<{ unit: string; window: string; name: string }> {
  const name = `预警演示单位${randomUUID().slice(0, 6)}`;
  const unit = (await db.query(`insert into app.units (region_code, name) values ('530902', $1) returning id`, [name])).rows[0].id;
  const hall = (await db.query(`insert into app.halls (region_code, name, kind) values ('530902', $1, 'hall') returning id`, [`${name}大厅`])).rows[0].id;
  const window = (await db.query(`insert into app.windows (hall_id, unit_id, name) values ($1, $2, '1号窗口') returning id`, [hall, unit])).rows[0].id;
  const tags = (await db.query(`select array_agg(code order by code) as c from (select code from app.eval_tags where version = 2 and level = 1 order by code limit 2) x`)).rows[0].c;
  const insert = (count: number, bad: number, fromDaysAgo: number, toDaysAgo: number, comments: string[]) => db.query(
    `with today as (select (now() at time zone 'Asia/Shanghai')::date as d)
     insert into app.ratings (level, tags, comment, channel, unit_id, region_code, hall_id, window_id, visit_day, rated_at)
     select case when g <= $2 then 1 else 5 end,
            case when g <= $2 then ($7::text[])[1:1 + (g % 2)] else '{}' end,
            case when g <= $2 and cardinality($8::text[]) > 0 then ($8::text[])[1 + g % cardinality($8::text[])] end,
            'qrcode', $3, '530902', $4, $5, x.day, least((x.day + time '09:00') at time zone 'Asia/Shanghai', now() - interval '1 minute')
     from generate_series(1, $1::int) g, today,
     lateral (select today.d - ($6::int + ((g * 7919) % ($9::int - $6::int + 1))) as day) x`,
    [count, bad, unit, hall, window, toDaysAgo, tags, comments, fromDaysAgo]);
  await insert(400, 20, 339, 40, ['办事等了很久']);
  await insert(40, 16, 0, 0, ['排队时间太长，窗口人员态度差', '材料要求反复提交，跑了三次', '排队两个小时，材料还被退回', '工作人员态度冷淡，排队没人管']);
  return { unit, window, name };
}

test('the dashboard shows 差评热点 as bars and a table, and opens the 预警 list with the numbers', async () => {
  const spike = await spikeUnit();
  // The morning job, as the schedule runs it: today's digest for supervisor-city (临沧市 covers 临翔区).
  const { rows: [{ started }] } = await db.query(`select now() as started`);
  await db.query(`select app.run_job('record-warning-digests')`);
  try {
    await page.setViewportSize({ width: 1280, height: 900 });
    await loginAs(page, 'supervisor-city');
    await page.goto(subpackageUrl('supervise', 'dashboard'));
    await vis(page.getByTestId('region-530902')).click();
    await vis(page.locator(`[data-testid=unit-choice][data-unit="${spike.unit}"]`)).click();
    await vis(page.locator(`[data-testid=stats][data-unit="${spike.unit}"]`)).waitFor();

    // 差评热点 of the unit this month: the words of today's comments, counted once per 差评.
    const topics = vis(page.getByTestId('hot-topics'));
    await topics.getByTestId('topics-words').waitFor();
    await expectText(topics.getByTestId('topics-totals'), /差评 16 条，其中有文字意见 16 条/);
    const words = await topics.getByTestId('topics-words-row').evaluateAll((rows) =>
      Object.fromEntries(rows.map((r) => [r.getAttribute('data-key'), Number(r.getAttribute('data-current'))])));
    expect(words['排队']).toBe(12);
    expect(words['材料']).toBe(8);
    expect(words['态度']).toBe(8);
    for (const stop of ['窗口', '很', '了']) expect(words[stop]).toBeUndefined();
    expect(await topics.getByTestId('topics-tags-row').count()).toBeGreaterThanOrEqual(1);
    await topics.getByTestId('topics-tag-chart').waitFor();
    await topics.scrollIntoViewIfNeeded();
    await checkedScreenshot(page, 'supervise-hot-topics');

    // 预警, opened from the dashboard: the unit and its window, 7 and 30 days, with the numbers.
    const warnings = vis(page.getByTestId('early-warnings'));
    await warnings.getByTestId('open-warnings').click();
    await warnings.getByTestId('warning-list').waitFor();
    const item = warnings.locator(`[data-testid=warning-item][data-object="${spike.unit}"][data-days="7"]`);
    await expectText(item, spike.name);
    await expectText(item.getByTestId('warning-numbers'), /差评 16\/40（40%）· 此前一年基线 20\/400（5%）· p < 0\.0001/);
    await warnings.locator(`[data-testid=warning-item][data-object="${spike.window}"][data-days="30"]`).waitFor();
    // 每日预警摘要: today's digest, not pushed (H5: no subscription), and the page says why.
    const digest = vis(warnings.getByTestId('digest-item'));
    await expectText(digest, /临沧市：\d+ 项预警（未推送/);
    expect(await digest.getAttribute('data-status')).toBe('none');
    await expectText(vis(warnings.getByTestId('digest-elsewhere')), '网页版无法接收微信订阅消息');
    await warnings.scrollIntoViewIfNeeded();
    await checkedScreenshot(page, 'supervise-early-warnings');
  } finally {
    await db.query(`delete from app.warning_digests where created_at >= $1`, [started]);
  }
});
