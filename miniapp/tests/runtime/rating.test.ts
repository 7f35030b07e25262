/**
 * The BUILT bundles through the citizen's main path against the REAL stack: login → 首页 →
 * 待评价 (with its countdown) → 评价 a 办件 with a 差评 and a tag → 我的评价; a rating made
 * without network waits in storage and is sent once when the network returns; a window's QR
 * code opens 扫码评价 and rates the visit. Each test rates a 办件 it creates (tests/support/fixtures.ts).
 */
import { login } from '../../../tests/support/api.ts';
import { stackEnv } from '../../../tests/support/env.ts';
import { freshTransaction, ratingCount, unratedWindow, visitRatingCount } from '../../../tests/support/fixtures.ts';
import { assertBuiltFor, PLATFORMS } from './harness.ts';
import {
  OUTBOX_KEY,
  SESSION_KEY,
  bodyOf,
  closeAll,
  expectGatewayHeaders,
  expectNoErrors,
  inside,
  launch,
  node,
  nodeOf,
  only,
  storedSession,
  warmUp,
} from './helpers.ts';

jest.setTimeout(40_000);

const CITIZEN_LABEL = '群众 王*（已实名）';

afterEach(closeAll);

beforeAll(async () => {
  for (const platform of PLATFORMS) assertBuiltFor(platform, stackEnv.anonKey);
  await warmUp();
});

describe.each(PLATFORMS)('the %s bundle: rating', (platform) => {
  test('login → 待评价 with a countdown → a 差评 with a tag, sent once → 我的评价', async () => {
    const tx = await freshTransaction('citizen-b', platform === 'weapp' ? 'W' : 'A');
    const mp = launch(platform);
    await mp.waitForText(CITIZEN_LABEL);
    mp.tap(node(mp, CITIZEN_LABEL));
    await mp.waitFor(() => mp.texts().some((t) => /^\d+ 件$/.test(t)), { what: 'the pending count on 首页' });
    const token = (mp.stored(SESSION_KEY) as { access_token: string }).access_token;

    mp.tap(nodeOf(mp, 'tile', '待评价'));
    await mp.waitFor(() => mp.route === 'pages/pending/index' && mp.text().includes(tx.projectNo), { what: 'the fresh 办件 on 待评价' });
    const card = nodeOf(mp, 'pending', tx.projectNo);
    const cardText = mp.findByClassAndText('pending', tx.projectNo);
    expect(cardText).toBeDefined();
    const texts = mp.texts();
    // Issue 21.5: the card is short — what, where, until when (the officer is on the rating page).
    expect(texts).toEqual(expect.arrayContaining([tx.matterName, '办理单位：临翔区市场监督管理局', `办件编号：${tx.projectNo}`]));
    expect(texts.some((t) => /^(\d{1,2}月\d{1,2}日（周.）前可评（还剩\d+天）|今天是最后一天可评)$/.test(t))).toBe(true);
    // The countdown read only the calendar rows of its span, not the whole calendar.
    const days = only(mp.requestsTo('/rest/v1/calendar_days'), 'calendar request');
    expect(days.url).toMatch(/day=gte\.\d{4}-\d{2}-\d{2}&day=lte\.\d{4}-\d{2}-\d{2}/);
    expectGatewayHeaders(days, token);

    mp.tap(inside(card, '去评价'));
    await mp.waitFor(() => mp.route === 'pages/rate/index' && mp.text().includes('非常不满意'), { what: 'the rating form' });
    expect(mp.query).toEqual({ tx: tx.id });
    // Five labelled levels, best first.
    expect(mp.findByClass('level__name').map((n) => n.cn?.[0]?.v)).toEqual(['非常满意', '满意', '基本满意', '不满意', '非常不满意']);

    mp.tap(nodeOf(mp, 'level', '非常不满意'));
    await mp.waitForText('请选择不满意的原因（必选，可多选）');
    // A 差评 without a tag is stopped on the phone, with the server's words; nothing is sent.
    mp.tap(node(mp, '提交评价'));
    await mp.waitForText('请至少选择一项不满意的原因');
    expect(mp.requestsTo('/rpc/submit_rating')).toEqual([]);

    mp.tap(nodeOf(mp, 'tag', '服务态度差效率低'));
    await mp.waitForText('✓ 服务态度差效率低');
    // A double tap: the second tap joins the first send.
    const submit = node(mp, '提交评价');
    mp.tap(submit);
    mp.tap(submit);
    await mp.waitForText('✓ 评价已提交，感谢您的参与');
    const sent = only(mp.requestsTo('/rest/v1/rpc/submit_rating'), 'submit request');
    expect(sent.status).toBe(200);
    expectGatewayHeaders(sent, token);
    const body = bodyOf(sent);
    expect(body).toMatchObject({ p_transaction_id: tx.id, p_level: 1, p_tags: ['115'], p_comment: null, p_anonymous: false, p_channel: 'mobile' });
    expect(String(body.p_idempotency_key)).toMatch(/^hcp-[0-9a-z]+-[0-9a-f]{16}$/);
    const [result] = JSON.parse(sent.responseBody ?? '[]') as Array<{ is_bad: boolean; work_order_id: string | null }>;
    expect(result?.is_bad).toBe(true);
    // R8: the 差评 opened a work order; the page says what happens next.
    expect(result?.work_order_id).toEqual(expect.any(String));
    // Issue 21.4: what happens next and by when, once the order's timeline has answered.
    await mp.waitFor(() => /单位须在\d{1,2}月\d{1,2}日（周.）前核实，最迟\d{1,2}月\d{1,2}日（周.）前完成整改并答复您。处理进度可在“我的评价”中查看。/.test(mp.text()), { what: 'the dated next step' });
    expect(await ratingCount(tx.id)).toBe(1);
    expect(mp.stored(OUTBOX_KEY)).toEqual([]);

    mp.tap(node(mp, '查看我的评价'));
    await mp.waitFor(() => mp.route === 'pages/my-ratings/index' && mp.text().includes(tx.matterName), { what: '我的评价' });
    const item = nodeOf(mp, 'card', '原因：服务态度差效率低');
    expect(inside(item, '😠 非常不满意')).toBeDefined();
    // R8: the 差评 opened a work order, shown with its state.
    expect(inside(item, '单位核实中')).toBeDefined();
    expectNoErrors(mp);
  });

  test('without network the rating waits in storage; when the network returns it is sent once, with the same key', async () => {
    const tx = await freshTransaction('citizen-b', platform === 'weapp' ? 'X' : 'Y');
    const session = await login('citizen-b');
    const mp = launch(platform, { [SESSION_KEY]: storedSession(session) }, 'pages/rate/index', { tx: tx.id });
    await mp.waitForText(tx.matterName);
    await mp.waitForText('满意');

    mp.setOnline(false);
    mp.tap(nodeOf(mp, 'level', '基本满意'));
    await mp.waitForText('选择您的感受（可选，可多选）');
    mp.tap(node(mp, '提交评价'));
    await mp.waitForText('评价已保存在手机上');
    const stored = mp.stored(OUTBOX_KEY) as Array<{ key: string; target_id: string; level: number }>;
    expect(stored).toEqual([expect.objectContaining({ target_id: tx.id, level: 3, kind: 'transaction', failed: null })]);
    const key = stored[0]?.key;
    expect(mp.requestsTo('/rpc/submit_rating').map((r) => r.status)).toEqual([null]);
    expect(await ratingCount(tx.id)).toBe(0);

    // Back online: the app hears it and sends the stored rating with its key.
    mp.setOnline(true);
    await mp.waitFor(() => mp.requestsTo('/rpc/submit_rating').some((r) => r.status === 200), { what: 'the resend' });
    const resent = mp.requestsTo('/rpc/submit_rating');
    expect(resent.map((r) => bodyOf(r).p_idempotency_key)).toEqual([key, key]);
    await mp.waitFor(() => JSON.stringify(mp.stored(OUTBOX_KEY)) === '[]', { what: 'the outbox to empty' });
    expect(await ratingCount(tx.id)).toBe(1);

    // The app coming to the front again sends nothing more.
    mp.show();
    await new Promise((resolve) => setImmediate(resolve));
    expect(mp.requestsTo('/rpc/submit_rating')).toHaveLength(2);
    expect(await ratingCount(tx.id)).toBe(1);
    expectNoErrors(mp);
  });

  test('a window QR code (scene w=…&s=…) opens 扫码评价 with window_info; the visit rating names the officer', async () => {
    const session = await login('citizen-b');
    const win = await unratedWindow(session.user.user_id);
    const scene = encodeURIComponent(`w=${win.windowId}&s=${win.staffId}`);
    const mp = launch(platform, { [SESSION_KEY]: storedSession(session) }, 'pages/scan/index', { scene });
    await mp.waitForText(win.windowName);
    expect(mp.text()).toContain(`工作人员：${win.staffName}`);
    const info = only(mp.requestsTo('/rest/v1/rpc/window_info'), 'window_info request');
    expect(bodyOf(info)).toEqual({ p_window_id: win.windowId });

    mp.tap(nodeOf(mp, 'level', '非常满意'));
    // 4–5 stars: the tags wait under 补充（可选） (issue 21.5).
    await mp.waitForText('补充（可选）');
    mp.tap(nodeOf(mp, 'more-toggle', '补充（可选）'));
    await mp.waitForText('一窗受理一次办结');
    mp.tap(nodeOf(mp, 'tag', '一窗受理一次办结'));
    mp.tap(nodeOf(mp, 'identity__choice', '匿名评价'));
    await mp.waitForText('◉ 匿名评价');
    mp.tap(node(mp, '提交评价'));
    await mp.waitForText('✓ 评价已提交，感谢您的参与');
    const sent = only(mp.requestsTo('/rest/v1/rpc/submit_visit_rating'), 'visit rating request');
    expect(bodyOf(sent)).toMatchObject({ p_window_id: win.windowId, p_staff_id: win.staffId, p_level: 5, p_tags: ['510'], p_anonymous: true });
    expect(sent.status).toBe(200);
    expect(await visitRatingCount(session.user.user_id, win.windowId)).toBe(1);
    expectNoErrors(mp);
  });

  test('扫一扫 on 首页 reads a window code and opens 扫码评价 for that window', async () => {
    const session = await login('citizen-b');
    const win = await unratedWindow(session.user.user_id);
    const mp = launch(platform, { [SESSION_KEY]: storedSession(session) });
    await mp.waitForText('扫码评价窗口');
    const path = `pages/scan/index?scene=${encodeURIComponent(`w=${win.windowId}`)}`;
    mp.scanAnswer = platform === 'weapp' ? { result: '', path, scanType: 'WX_CODE', charSet: 'utf-8' } : { code: `https://hcp.example.gov.cn/#/${path}`, qrCode: '' };
    mp.tap(nodeOf(mp, 'tile', '扫码评价窗口'));
    await mp.waitFor(() => mp.route === 'pages/scan/index' && mp.text().includes(win.windowName), { what: '扫码评价 of the scanned window' });
    expect(mp.query).toEqual({ w: win.windowId });
    expect(mp.platformCalls.map((c) => c.name)).toContain(platform === 'weapp' ? 'scanCode' : 'scan');
    // No officer in the code: the citizen may name one, or not.
    expect(mp.text()).toContain('为您服务的工作人员（选填）');
    expect(mp.text()).toContain('不确定是哪一位');
    expectNoErrors(mp);
  });
});
