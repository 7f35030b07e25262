/**
 * The WeChat build in the real WeChat DevTools, driven by miniprogram-automator 0.12.1 (the
 * runtime the node:vm harness imitates). DevTools runs on macOS and Windows only; these tests
 * run where WECHAT_DEVTOOLS_CLI (path of the DevTools `cli`, which launches the project at the
 * repository root: project.config.json → miniapp/dist/weapp) or WECHAT_AUTOMATOR_WS (an already
 * open automation port, e.g. ws://127.0.0.1:9420) is set, with `npm i -D miniprogram-automator@0.12.1`.
 * Elsewhere they are skipped and the reason is printed. The build must point at a running stack
 * (TARO_APP_API_URL / TARO_APP_ANON_KEY, see README) with the demo personas (auth-dev).
 */
import { createRequire } from 'node:module';
import path from 'node:path';

const cliPath = process.env.WECHAT_DEVTOOLS_CLI ?? '';
const wsEndpoint = process.env.WECHAT_AUTOMATOR_WS ?? '';
const available = cliPath !== '' || wsEndpoint !== '';

const SKIP_REASON =
  'WeChat DevTools is not available here (macOS/Windows only): set WECHAT_DEVTOOLS_CLI or WECHAT_AUTOMATOR_WS to run these against the weapp build';

if (!available) {
  // Straight to stderr: jest keeps console output of a suite whose tests are all skipped to itself.
  process.stderr.write(`miniprogram-automator tests skipped: ${SKIP_REASON}\n`);
}

/** The few automator calls used here (miniprogram-automator ships no types). */
interface AutoElement {
  tap(): Promise<void>;
  text(): Promise<string>;
}
interface AutoPage {
  path: string;
  $(selector: string): Promise<AutoElement | null>;
  $$(selector: string): Promise<AutoElement[]>;
  waitFor(conditionOrMs: string | number | (() => boolean)): Promise<void>;
}
interface AutoMiniProgram {
  reLaunch(url: string): Promise<AutoPage>;
  currentPage(): Promise<AutoPage>;
  callWxMethod(name: string, ...args: unknown[]): Promise<unknown>;
  close(): Promise<void>;
  disconnect(): void;
}
interface Automator {
  launch(options: { cliPath: string; projectPath: string }): Promise<AutoMiniProgram>;
  connect(options: { wsEndpoint: string }): Promise<AutoMiniProgram>;
}

function loadAutomator(): Automator {
  const name = 'miniprogram-automator';
  try {
    return createRequire(__filename)(name) as Automator;
  } catch {
    throw new Error('WeChat DevTools is configured but miniprogram-automator is not installed: npm i -D miniprogram-automator@0.12.1');
  }
}

/** Polls the current page until `selector` has an element whose text contains `text`. */
async function waitForText(mp: AutoMiniProgram, selector: string, text: string, timeoutMs = 15_000): Promise<AutoElement> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await mp.currentPage();
    for (const el of await page.$$(selector)) {
      if ((await el.text()).includes(text)) return el;
    }
    if (Date.now() > deadline) throw new Error(`no ${selector} with "${text}" on ${page.path} after ${timeoutMs} ms`);
    await page.waitFor(200);
  }
}

(available ? describe : describe.skip)(`the weapp build in WeChat DevTools (miniprogram-automator)${available ? '' : ` — skipped: ${SKIP_REASON}`}`, () => {
  jest.setTimeout(120_000);
  let mp: AutoMiniProgram;

  beforeAll(async () => {
    const automator = loadAutomator();
    mp = wsEndpoint !== ''
      ? await automator.connect({ wsEndpoint })
      : await automator.launch({ cliPath, projectPath: path.resolve(__dirname, '../../..') });
    await mp.callWxMethod('clearStorageSync');
  });

  afterAll(async () => {
    if (!mp) return;
    if (wsEndpoint !== '') mp.disconnect();
    else await mp.close();
  });

  test('首页 offers 微信一键登录 and the demo personas; a persona logs in and sees the pending count', async () => {
    await mp.reLaunch('/pages/index/index');
    await waitForText(mp, '.login__platform', '微信一键登录');
    const persona = await waitForText(mp, '.picker__persona', '群众 王*（已实名）');
    await persona.tap();
    await waitForText(mp, '.tile__count', '件');
  });

  test('待评价 → 评价: a 差评 with a tag is submitted and thanked for', async () => {
    await (await waitForText(mp, '.tile__label', '待评价')).tap();
    await waitForText(mp, '.pending__countdown', '逾期默认为基本满意');
    await (await waitForText(mp, '.btn', '去评价')).tap();
    await (await waitForText(mp, '.level', '非常不满意')).tap();
    await (await waitForText(mp, '.tag', '服务态度差效率低')).tap();
    await (await waitForText(mp, '.btn', '提交评价')).tap();
    await waitForText(mp, '.card__title', '评价已提交');
  });
});
