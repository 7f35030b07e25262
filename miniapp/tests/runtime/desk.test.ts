/**
 * The BUILT bundles at the supervisor's desk against the REAL stack: the mini-program-only paths.
 * 结果公开 · 数据导出 downloads the export with the bearer token (wx.downloadFile / my.downloadFile)
 * and opens the XLSX in the document viewer; a CSV goes to a chat on WeChat (shareFileMessage) and
 * is refused on Alipay before anything is downloaded; a token whose user is no longer a supervisor
 * is refused by the export function (403) in its own words. 申诉审核 opens an appeal's 佐证材料:
 * evidence_file → a file under USER_DATA_PATH (FileSystemManager, base64) → previewImage, and
 * shows the supervisor a 差评 is about that they must leave its appeal, and 差评复核 its re-review, to another (回避). Each
 * test makes its own data (a fresh platform account, a fresh 差评 and appeal). See ./harness.ts.
 */
import { solidPng } from '../../../tests/support/png.ts';
import { SessionResponse } from '../../../shared/auth.ts';
import { ERRORS } from '../../../shared/errors.ts';
import { ratingColumns } from '../../../supabase/functions/export/columns.ts';
import { login } from '../../../tests/support/api.ts';
import { parseCsv } from '../../../tests/support/csv.ts';
import { connect, PERSONA_IDS } from '../../../tests/support/db.ts';
import { stackEnv } from '../../../tests/support/env.ts';
import { realnameBadRating, rpcOk } from '../../../tests/support/staff-fixtures.ts';
import { freshFinishedTransaction } from '../../../tests/support/work-orders.ts';
import { assertBuiltFor, BAKED_API_URL, PLATFORMS, textOf, type MiniProgram, type RecordedDownload } from './harness.ts';
import { SESSION_KEY, closeAll, expectGatewayHeaders, expectNoErrors, inside, launch, node, nodeOf, only, storedSession, warmUp } from './helpers.ts';

jest.setTimeout(60_000);

const SUPERVISOR_LABEL = '临沧市政务服务管理局 监督员 刘*';
const PUBLISH = 'subpackages/supervise/pages/publish/index';
const APPEALS = 'subpackages/supervise/pages/appeals/index';
const REREVIEWS = 'subpackages/supervise/pages/rereviews/index';
const CSV_REFUSED = '手机上不能打开 CSV 文件，请选择 XLSX，或在电脑上下载 CSV';

afterEach(closeAll);

beforeAll(async () => {
  for (const platform of PLATFORMS) assertBuiltFor(platform, stackEnv.anonKey);
  await warmUp();
});

/** The export buttons come in the order 评价明细 (CSV, XLSX), 差评工单 (CSV, XLSX): the first is 评价明细's. */
function ratingsButton(mp: MiniProgram, format: 'CSV' | 'XLSX') {
  return node(mp, `下载 ${format}`);
}

async function exportDeskOf(mp: MiniProgram): Promise<void> {
  await mp.waitFor(() => mp.route === PUBLISH && mp.texts().includes('数据导出') && mp.findByText('下载 XLSX') !== undefined, { what: 'the export card', timeoutMs: 10_000 });
}

function expectExportDownload(dl: RecordedDownload, token: string, format: 'csv' | 'xlsx'): void {
  expect(dl.url.startsWith(`${BAKED_API_URL}/functions/v1/export?kind=ratings&format=${format}&from=`)).toBe(true);
  expect(dl.forwardedUrl).toBe(`${stackEnv.apiUrl}${dl.url.slice(BAKED_API_URL.length)}`);
  expect(dl.headers.authorization).toBe(`Bearer ${token}`);
  expect(dl.headers.apikey).toBe(stackEnv.anonKey);
}

/** `haochaping-ratings-<region>-<from>-<to>.<format>` from the download's query (the function's naming rule). */
function fileNameOf(dl: RecordedDownload): string {
  const q = new URL(dl.url).searchParams;
  return `haochaping-ratings-${q.get('region')}-${q.get('from')}-${q.get('to')}.${q.get('format')}`;
}

describe.each(PLATFORMS)('the %s bundle: the supervisor desk', (platform) => {
  test('supervisor-city (persona login) → 监督台 → 结果公开 · 数据导出: the ratings XLSX is downloaded with the bearer and opened in the viewer', async () => {
    const mp = launch(platform);
    await mp.waitForText(SUPERVISOR_LABEL);
    mp.tap(node(mp, SUPERVISOR_LABEL));
    await mp.waitForText('监督台 · 申诉审核和统计', { timeoutMs: 10_000 });
    const token = (mp.stored(SESSION_KEY) as { access_token: string }).access_token;
    mp.tap(nodeOf(mp, 'tile', '监督台'));
    await mp.waitFor(() => mp.route === 'subpackages/supervise/pages/index/index' && mp.findByText('结果公开 · 数据导出') !== undefined, { what: '监督台' });
    mp.tap(node(mp, '结果公开 · 数据导出'));
    await exportDeskOf(mp);

    mp.tap(ratingsButton(mp, 'XLSX'));
    await mp.waitFor(() => mp.platformCalls.some((c) => c.name === 'openDocument') && mp.texts().some((t) => t.includes('已下载 ')), { what: 'the viewer and the notice', timeoutMs: 15_000 });

    const dl = only(mp.downloads, 'download');
    expectExportDownload(dl, token, 'xlsx');
    expect(dl.status).toBe(200);
    const bytes = mp.readFile(dl.tempFilePath!);
    // A real XLSX (a zip with the OOXML parts), as the export function streams it.
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(bytes.includes(Buffer.from('[Content_Types].xml'))).toBe(true);
    expect(bytes.includes(Buffer.from('xl/workbook.xml'))).toBe(true);
    expect(dl.tempFilePath).toMatch(/\.xlsx$/);

    const opened = only(mp.platformCalls.filter((c) => c.name === 'openDocument'), 'openDocument');
    expect(opened.args).toEqual({ filePath: dl.tempFilePath, fileType: 'xlsx', showMenu: true });
    expect(mp.platformCalls.some((c) => c.name === 'shareFileMessage')).toBe(false);
    expect(mp.texts()).toContain(`✓ 已下载 ${fileNameOf(dl)}`);
    // The download went through downloadFile only: no export through request.
    expect(mp.requestsTo('/functions/v1/export')).toEqual([]);
    expectNoErrors(mp);
  });

  test(platform === 'weapp' ? 'CSV goes to a chat with wx.shareFileMessage: the file the function wrote, named by its rule' : 'CSV is refused on Alipay before anything is downloaded', async () => {
    const session = await login('supervisor-city');
    const mp = launch(platform, { [SESSION_KEY]: storedSession(session) }, PUBLISH);
    await exportDeskOf(mp);
    mp.tap(ratingsButton(mp, 'CSV'));

    if (platform === 'alipay') {
      await mp.waitForText(CSV_REFUSED);
      expect(mp.downloads).toEqual([]);
      expect(mp.platformCalls.filter((c) => ['openDocument', 'shareFileMessage', 'previewImage'].includes(c.name))).toEqual([]);
      expect(mp.text()).not.toContain('已下载');
      expectNoErrors(mp);
      return;
    }

    await mp.waitFor(() => mp.platformCalls.some((c) => c.name === 'shareFileMessage') && mp.texts().some((t) => t.includes('已下载 ')), { what: 'shareFileMessage', timeoutMs: 15_000 });
    const dl = only(mp.downloads, 'download');
    expectExportDownload(dl, session.access_token, 'csv');
    expect(dl.status).toBe(200);
    const shared = only(mp.platformCalls.filter((c) => c.name === 'shareFileMessage'), 'shareFileMessage');
    expect(shared.args).toEqual({ filePath: dl.tempFilePath, fileName: fileNameOf(dl) });
    const text = mp.readFile(dl.tempFilePath!).toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(parseCsv(text.slice(1))[0]).toEqual(ratingColumns(false).map((c) => c.header));
    expect(mp.platformCalls.some((c) => c.name === 'openDocument')).toBe(false);
    expect(mp.texts()).toContain(`✓ 已下载 ${fileNameOf(dl)}`);
    expectNoErrors(mp);
  });

  test('a citizen sees no export; a supervisor whose role is withdrawn while the page is open is refused by the function (403) in its words', async () => {
    // citizen-b: the page says who may export, and offers nothing.
    const citizen = launch(platform, { [SESSION_KEY]: storedSession(await login('citizen-b')) }, PUBLISH);
    await citizen.waitForText('只有监督员可以公开结果和导出数据');
    expect(citizen.findByText('下载 XLSX')).toBeUndefined();
    closeAll();

    // A fresh platform account, made 凤庆县's supervisor for the time the page loads.
    const provider = platform === 'weapp' ? 'wechat' : 'alipay';
    const res = await fetch(`${stackEnv.apiUrl}/functions/v1/auth-${provider}`, {
      method: 'POST',
      headers: { apikey: stackEnv.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ code: `dev-desk-${platform}-${Date.now().toString(36)}` }),
    });
    expect(res.status).toBe(200);
    const account = SessionResponse.parse(await res.json());
    const db = await connect();
    try {
      await db.query(`insert into app.staff_roles (user_id, role, scope_region_code) values ($1, 'supervisor', '530921')`, [account.user.id]);
      const mp = launch(platform, {
        [SESSION_KEY]: {
          provider,
          access_token: account.access_token,
          expires_at: Date.now() + account.expires_in * 1000,
          refresh_token: account.refresh_token,
          user: { id: account.user.id, label: '监督员（测试）', realname_verified: account.user.realname_verified, key: null },
        },
      }, PUBLISH);
      await exportDeskOf(mp);
      expect(mp.text()).toContain('凤庆县');

      // Withdrawn: from now on the token is a plain citizen's.
      await db.query(`delete from app.staff_roles where user_id = $1`, [account.user.id]);
      mp.tap(ratingsButton(mp, 'XLSX'));
      await mp.waitForText(ERRORS.forbidden.message, { timeoutMs: 15_000 });
      const dl = only(mp.downloads, 'download');
      expectExportDownload(dl, account.access_token, 'xlsx');
      expect(dl.status).toBe(403);
      // The client wrote the refusal to the temp file; the app read it back for the message.
      expect(JSON.parse(mp.readFile(dl.tempFilePath!).toString('utf8'))).toMatchObject({ code: 'forbidden', message: ERRORS.forbidden.message });
      expect(mp.platformCalls.filter((c) => c.name === 'fs.readFile')).toEqual([{ name: 'fs.readFile', args: { filePath: dl.tempFilePath, encoding: 'utf8' } }]);
      expect(mp.platformCalls.filter((c) => c.name === 'openDocument' || c.name === 'shareFileMessage')).toEqual([]);
      expect(mp.text()).not.toContain('已下载');
      expectNoErrors(mp);
    } finally {
      await db.query(`delete from app.staff_roles where user_id = $1`, [account.user.id]);
      await db.end();
    }
  });

  test('申诉审核: an appeal\'s PNG evidence is written under USER_DATA_PATH byte for byte and shown with previewImage', async () => {
    const statement = `佐证测试（${platform}-${Date.now().toString(36)}）：监控显示工作人员全程文明服务。`;
    const image = solidPng(8, platform === 'weapp' ? [0x0b, 0x3d, 0x91] : [0x91, 0x3d, 0x0b]);
    const { workOrderId } = await realnameBadRating(platform === 'weapp' ? 'V' : 'U', '佐证测试：服务态度差。');
    const [file] = await rpcOk<Array<{ id: string }>>('unit-admin-linxiang', 'upload_evidence', { p_file_name: '窗口监控截图.png', p_content_base64: image.toString('base64') });
    await rpcOk('unit-admin-linxiang', 'submit_appeal', { p_work_order_id: workOrderId, p_reason: 'malicious', p_statement: statement, p_evidence: [file!.id] });

    const session = await login('supervisor-city');
    const mp = launch(platform, { [SESSION_KEY]: storedSession(session) }, APPEALS);
    await mp.waitForText(statement, { timeoutMs: 10_000 });
    const card = nodeOf(mp, 'card', statement);
    expect(inside(card, '佐证材料：1 份')).toBeDefined();
    mp.tap(inside(card, '查看佐证材料 1'));
    await mp.waitFor(() => mp.platformCalls.some((c) => c.name === 'previewImage'), { what: 'previewImage', timeoutMs: 10_000 });

    const fetched = only(mp.requestsTo('/rest/v1/rpc/evidence_file'), 'evidence_file request');
    expect(fetched.status).toBe(200);
    expectGatewayHeaders(fetched, session.access_token);
    const path = `${mp.userDataPath}/evidence-${file!.id}.png`;
    expect(mp.userFiles()).toEqual([path]);
    expect(mp.readFile(path).equals(image)).toBe(true);
    expect(mp.platformCalls.filter((c) => c.name === 'fs.writeFile')).toEqual([{ name: 'fs.writeFile', args: { filePath: path, encoding: 'base64' } }]);
    // Alipay: Taro hands my.previewImage the index of `current`.
    expect(only(mp.platformCalls.filter((c) => c.name === 'previewImage'), 'previewImage').args).toEqual({ urls: [path], current: platform === 'weapp' ? path : 0 });
    expect(mp.platformCalls.some((c) => c.name === 'openDocument')).toBe(false);
    await mp.waitForText(`查看佐证材料 1：窗口监控截图.png（${image.length} 字节）`);
    expectNoErrors(mp);
  });
  test('申诉审核: the supervisor the 差评 is about sees 回避 in place of the decision, on that appeal only', async () => {
    const statement = `回避测试（${platform}-${Date.now().toString(36)}）：该评价与办件不符。`;
    const db = await connect();
    let transactionId: string;
    try {
      transactionId = await freshFinishedTransaction(db, PERSONA_IDS['citizen-a'], PERSONA_IDS['supervisor-city']);
    } finally {
      await db.end();
    }
    const [rated] = await rpcOk<Array<{ work_order_id: string }>>('citizen-a', 'submit_rating', {
      p_transaction_id: transactionId, p_level: 1, p_tags: ['115'], p_comment: '回避测试：态度生硬', p_anonymous: false,
      p_channel: 'mobile', p_idempotency_key: `recusal-${platform}-${transactionId}`,
    });
    await rpcOk('unit-admin-linxiang', 'submit_appeal', { p_work_order_id: rated!.work_order_id, p_reason: 'mistaken', p_statement: statement, p_evidence: [] });
    // An appeal on a 差评 about another officer, which the same supervisor decides.
    const free = `${statement.replace('回避测试', '非回避')}`;
    const { workOrderId: other } = await realnameBadRating(platform === 'weapp' ? 'R1' : 'R2', '非回避：解释不清。');
    await rpcOk('unit-admin-linxiang', 'submit_appeal', { p_work_order_id: other, p_reason: 'mistaken', p_statement: free, p_evidence: [] });

    const mp = launch(platform, { [SESSION_KEY]: storedSession(await login('supervisor-city')) }, APPEALS);
    await mp.waitForText(statement, { timeoutMs: 10_000 });
    const card = nodeOf(mp, 'card', statement);
    expect(inside(card, ERRORS.review_recused.message)).toBeDefined();
    expect(textOf(card)).not.toContain('申诉成立');
    const freeCard = nodeOf(mp, 'card', free);
    expect(inside(freeCard, '申诉成立')).toBeDefined();
    expect(inside(freeCard, '申诉不成立，须整改')).toBeDefined();
    expect(textOf(freeCard)).not.toContain(ERRORS.review_recused.message);
    expectNoErrors(mp);
  });
  test('差评复核: the city supervisor the 差评 is about sees 回避 in place of overturn and uphold', async () => {
    const comment = `复核回避测试（${platform}-${Date.now().toString(36)}）：态度生硬`;
    const db = await connect();
    let workOrderId: string;
    try {
      const transactionId = await freshFinishedTransaction(db, PERSONA_IDS['citizen-a'], PERSONA_IDS['supervisor-city']);
      const [rated] = await rpcOk<Array<{ work_order_id: string }>>('citizen-a', 'submit_rating', {
        p_transaction_id: transactionId, p_level: 1, p_tags: ['115'], p_comment: comment, p_anonymous: false,
        p_channel: 'mobile', p_idempotency_key: `rereview-recusal-${platform}-${transactionId}`,
      });
      workOrderId = rated!.work_order_id;
      const [appeal] = await rpcOk<Array<{ id: string }>>('unit-admin-linxiang', 'submit_appeal', {
        p_work_order_id: workOrderId, p_reason: 'mistaken', p_statement: '系统记录显示该办件由其他窗口办理，属误评', p_evidence: [],
      });
      // The dismissal is decided by another supervisor of 临翔区 (the rated one must recuse from that too).
      const role = (await db.query(`insert into app.staff_roles (user_id, role, scope_region_code) values ($1, 'supervisor', '530902') returning id`,
        [PERSONA_IDS['supervisor-fengqing']])).rows[0].id;
      try {
        await rpcOk('supervisor-fengqing', 'review_appeal', { p_appeal_id: appeal!.id, p_approve: true, p_note: '核对记录，申诉成立' });
      } finally {
        await db.query('delete from app.staff_roles where id = $1', [role]);
      }
    } finally {
      await db.end();
    }
    await rpcOk('citizen-a', 'request_rereview', { p_work_order_id: workOrderId, p_reason: '我就是在这个窗口办的，有回执' });

    const mp = launch(platform, { [SESSION_KEY]: storedSession(await login('supervisor-city')) }, REREVIEWS);
    await mp.waitForText(comment, { timeoutMs: 10_000 });
    const card = nodeOf(mp, 'card', comment);
    expect(inside(card, '须回避')).toBeDefined();
    expect(inside(card, ERRORS.review_recused.message)).toBeDefined();
    expect(textOf(card)).not.toMatch(/改判|维持/);
    expectNoErrors(mp);
  });
});

