/**
 * Runs a BUILT mini-program (miniapp/dist/weapp or miniapp/dist/alipay) inside `node:vm`, with
 * nothing but a recording `wx` / `my` as its platform, and drives the App and Page lifecycles
 * the way the WeChat / Alipay client would.
 *
 * - `request` is forwarded over HTTP (Node's fetch) to the real stack: the bundles were built
 *   with `TARO_APP_API_URL=http://127.0.0.1:54321`, which is rewritten to the stack's API_URL.
 *   The answer comes back in the platform's own callback format (WeChat `{ statusCode, data,
 *   header }`, Alipay `{ status, data, headers }`), honouring `dataType`.
 * - Storage is an in-memory map, serialised like the real one (values round-trip through JSON).
 * - Every `setData` payload is logged and applied to a copy of the page data, so a test reads
 *   the rendered tree (texts, classes) as it stands, and can tap a node through the page's
 *   `eh` event handler as the client does.
 * - Pages form a stack as on the client: `navigateTo` / `redirectTo` / `reLaunch` /
 *   `navigateBack` load the page's module, run its lifecycles and record the navigation; `tree`,
 *   `texts()` and `tap()` address the page on top (`route`, `query`).
 * - The platform's login (`wx.login` / `my.getAuthCode`), scanner (`wx.scanCode` / `my.scan`) and
 *   `requestSubscribeMessage` answer what the test sets (`loginAnswer`, `scanAnswer`) and are
 *   recorded in `platformCalls`; `setOnline(false)` makes every request fail as without signal
 *   and `setOnline(true)` tells the app's onNetworkStatusChange listeners the network is back.
 * - `downloadFile` fetches the URL like `request` (same rewrite of the baked gateway, the given
 *   headers) and writes the body, whatever the status, to a temp file it reports (WeChat
 *   `{ tempFilePath, statusCode, header }`; Alipay `{ apFilePath, tempFilePath, statusCode, header }`,
 *   which Taro maps to `tempFilePath`); recorded in `downloads`, not `requests`.
 * - The file system is real: `getFileSystemManager()` reads and writes files under a private
 *   temp directory, addressed by the platform's own paths (`env.USER_DATA_PATH`: WeChat
 *   `wxfile://usr`, Alipay `https://usr`; temp files `wxfile://tmp_…` / `https://resource/apml…`);
 *   only the user data directory is writable, as on the clients. `readFile(path)` gives a test the bytes.
 * - `openDocument`, `previewImage` and (WeChat) `shareFileMessage` are recorded in
 *   `platformCalls` with their arguments and fail, as the client does, for a local file that
 *   does not exist.
 * - Errors thrown from lifecycles, timers, request and event callbacks, unhandled rejections of
 *   the bundle's realm, and the bundle's `console.error` / `console.warn` are recorded; a platform
 *   API the harness does not implement is recorded by name and THROWS (issue 15.7: no kind success).
 * - Stricter than kind (issue 15.7): `requestSubscribeMessage` succeeds only inside a tap's handler;
 *   on Alipay an HTTP status ≥ 400 arrives through `fail` ({ error: 19, status, data, headers }) as
 *   on the client; a request without `timeout` is recorded as an error; `release: { domains }`
 *   makes the run refuse http:// and hosts outside the 合法域名 list. `onNeedPrivacyAuthorization`
 *   keeps the app's listener (`needPrivacy(referrer)` plays a privacy API called before consent) and
 *   a tap on an `agreePrivacyAuthorization` button records the consent (`privacyAgreed`).
 *
 * Run: `npm test -- build miniprogram`, or by hand against `npm start` with the stack's
 * environment exported (`export $(npm run -s status | xargs)`), `npx jest --selectProjects
 * miniprogram`. The bundles must have been built with the stack's anon key (the build tier does).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

export type Platform = 'weapp' | 'alipay';

export const PLATFORMS: readonly Platform[] = ['weapp', 'alipay'];

/** The gateway URL baked into the bundles at build time (TARO_APP_API_URL). */
export const BAKED_API_URL = 'http://127.0.0.1:54321';

export const DIST_ROOT = path.resolve(__dirname, '../../dist');

const PAGE_ROUTE = 'pages/index/index';

/** One page on the stack: its route, the options its Page() call registered, the instance and its data. */
interface OpenPage {
  route: string;
  options: MpOptions;
  instance: MpOptions;
  data: Record<string, unknown>;
  query: Record<string, string>;
}

export interface RecordedRequest {
  /** As the app asked for it (with the baked-in gateway). */
  url: string;
  /** Where the harness sent it (the stack's API_URL). */
  forwardedUrl: string;
  method: string;
  /** Header names lower-cased (Alipay's Taro adapter lower-cases them anyway). */
  headers: Record<string, string>;
  body: string | undefined;
  dataType: string | undefined;
  responseType: string | undefined;
  /** The `timeout` the app gave (ms); every request must have one (issue 15.2). */
  timeout?: number | undefined;
  /** Filled in when the answer arrives; `null` for a network failure or an abort. */
  status?: number | null;
  responseBody?: string;
}

/** One downloadFile call: the request as sent, and where the body was written. */
export interface RecordedDownload extends RecordedRequest {
  /** The platform path the body was written to (filled in with the answer). */
  tempFilePath?: string;
  /** `filePath` the app asked for, if any. */
  filePath: string | undefined;
}

export interface ConsoleEntry {
  level: 'error' | 'warn';
  text: string;
}

/** One node of the page data Taro keeps in sync through setData (`nn` name, `cn` children…). */
export interface RenderedNode {
  sid?: string;
  uid?: string;
  nn?: string;
  cl?: string;
  v?: string;
  cn?: RenderedNode[];
  [prop: string]: unknown;
}

type Callback = (res: unknown) => void;

interface MpRequestOptions {
  url: string;
  method?: string;
  header?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  data?: unknown;
  dataType?: string;
  responseType?: string;
  timeout?: number;
  success?: Callback;
  fail?: Callback;
  complete?: Callback;
}

interface MpDownloadOptions {
  url: string;
  header?: Record<string, unknown>;
  filePath?: string;
  success?: Callback;
  fail?: Callback;
  complete?: Callback;
}

interface MpAsyncOptions {
  success?: Callback;
  fail?: Callback;
  complete?: Callback;
  [key: string]: unknown;
}

type Lifecycle = (this: unknown, ...args: unknown[]) => unknown;

/** What the bundle passes to `App()` / `Page()`: lifecycles plus Taro's own fields. */
type MpOptions = Record<string, unknown>;

export interface MiniProgramOptions {
  platform: Platform;
  /** The stack's gateway, e.g. stackEnv.apiUrl. */
  apiUrl: string;
  /** Storage as the app finds it at launch (values are JSON-serialised). */
  storage?: Record<string, unknown>;
  /**
   * A release-mode run (issue 15.7): like a client running an uploaded version, every request,
   * downloadFile included, to `http://` or to a host outside `domains` (the consoles' 合法域名)
   * fails as the client fails it, and is recorded in `errors`.
   */
  release?: { domains: string[] };
  /** What the phone reports beyond the defaults, e.g. its text size (fontSizeScaleFactor, fontSizeSetting). */
  systemInfo?: Record<string, unknown>;
}

export interface WaitOptions {
  timeoutMs?: number;
  what?: string;
}

const DEFAULT_TIMEOUT_MS = 5_000;

function lowerCaseHeaders(raw: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw ?? {})) {
    if (v !== undefined && v !== null) out[k.toLowerCase()] = String(v);
  }
  return out;
}

function errorText(err: unknown): string {
  if (err instanceof Error || (typeof err === 'object' && err !== null && 'stack' in err)) {
    const e = err as { stack?: unknown; message?: unknown };
    return String(e.stack ?? e.message);
  }
  return String(err);
}

/**
 * Node's real `process`. Under jest, the test's `process` is a copy whose listeners never
 * fire; `runInThisContext` evaluates in Node's main context, where `process` is the real one.
 * (jest-circus also fails the running test on an unhandled rejection; recording it here puts
 * it next to the other errors of the run.)
 */
function hostProcess(): NodeJS.Process {
  return vm.runInThisContext('process') as NodeJS.Process;
}

/** Applies one Taro setData path (`root.cn.[0].cn.[2].v`) to `target`. */
function applyPath(target: Record<string, unknown>, dataPath: string, value: unknown): void {
  const keys = dataPath.split('.').map((k) => {
    const m = /^\[(\d+)\]$/.exec(k) ?? /^(\d+)$/.exec(k);
    return m ? Number(m[1]) : k;
  });
  let cursor: Record<string | number, unknown> = target;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) {
      cursor[key] = value;
      return;
    }
    const next = cursor[key];
    if (typeof next !== 'object' || next === null) {
      cursor[key] = typeof keys[i + 1] === 'number' ? [] : {};
    }
    cursor = cursor[key] as Record<string | number, unknown>;
  });
}

function walk(node: RenderedNode, visit: (n: RenderedNode, ancestors: RenderedNode[]) => void, ancestors: RenderedNode[] = []): void {
  visit(node, ancestors);
  for (const child of node.cn ?? []) walk(child, visit, [...ancestors, node]);
}

/**
 * Fails fast, with the fix, when a bundle is missing or was built with another anon key: a
 * mini-program has its API URL and anon key compiled in (TARO_APP_API_URL / TARO_APP_ANON_KEY).
 * (A bundle built for another URL shows up as `request` calls the harness refuses, see below.)
 */
export function assertBuiltFor(platform: Platform, anonKey: string): void {
  const root = path.join(DIST_ROOT, platform);
  const page = path.join(root, `${PAGE_ROUTE}.js`);
  const rebuild = 'rebuild with `npm test -- build` (scripts/builds.ts bakes in the local URL and anon key)';
  if (!fs.existsSync(page)) throw new Error(`no ${platform} build at ${path.dirname(page)}: ${rebuild}`);
  // The key is inlined where src/lib/config.ts ends up: a page, or a shared chunk.
  const chunks = [page, ...['app.js', 'common.js', 'vendors.js'].map((f) => path.join(root, f))].filter((f) => fs.existsSync(f));
  if (!chunks.some((f) => fs.readFileSync(f, 'utf8').includes(JSON.stringify(anonKey)))) {
    throw new Error(`dist/${platform} was not built with the stack's anon key as TARO_APP_ANON_KEY: ${rebuild}`);
  }
}

/** Text of a node and its descendants, concatenated. */
export function textOf(node: RenderedNode): string {
  let text = '';
  walk(node, (n) => {
    if (typeof n.v === 'string') text += n.v;
  });
  return text;
}

export class MiniProgram {
  readonly platform: Platform;
  readonly requests: RecordedRequest[] = [];
  /** Every setData payload, in order, as JSON-safe copies. */
  readonly payloads: Record<string, unknown>[] = [];
  /** Errors thrown out of lifecycles, timers, request and event callbacks. */
  readonly errors: string[] = [];
  readonly console: ConsoleEntry[] = [];
  /** The platform APIs the bundle called that the harness does not implement. */
  readonly unimplementedCalls: string[] = [];
  /** Every downloadFile call, in order (kept apart from `requests`). */
  readonly downloads: RecordedDownload[] = [];
  /** The platform's user data directory (`wx.env.USER_DATA_PATH` / `my.env.USER_DATA_PATH`). */
  readonly userDataPath: string;
  /** Prefix of the temp files downloadFile writes. */
  private readonly tempPrefix: string;
  /** Host directory behind the platform paths (removed by close()). */
  private readonly fsRoot: string;

  private readonly apiUrl: string;
  private readonly root: string;
  private readonly storage = new Map<string, string>();
  /** The page stack, bottom first (navigateTo pushes, navigateBack pops, reLaunch replaces). */
  private readonly stack: OpenPage[] = [];
  /** Navigations the app asked for, e.g. `navigateTo /pages/rate/index?tx=…`. */
  readonly navigations: string[] = [];
  /** Listeners of onNetworkStatusChange. */
  private readonly networkListeners: Array<(res: unknown) => void> = [];
  /** While false, every request fails as without network (and the listeners heard it). */
  private online = true;
  /** What wx.login / my.getAuthCode answer: a code, or a failure. */
  loginAnswer: { code: string } | { fail: Record<string, unknown> } = { code: 'harness-login-code' };
  /** What scanCode answers. */
  scanAnswer: Record<string, unknown> | null = null;
  /** What the subscription prompt answers for every template asked for. */
  subscribeAnswer: 'accept' | 'reject' = 'accept';
  /** While > 0, a tap's handler is running (synchronously): the only time a subscription prompt may open. */
  private tapDepth = 0;
  /** The app's onNeedPrivacyAuthorization listener (the platforms keep only the last one). */
  private privacyListener: ((resolve: (answer: unknown) => void, info: unknown) => void) | null = null;
  /** Whether the user agreed through an agreePrivacyAuthorization button, as the client records it. */
  privacyAgreed = false;
  private readonly release: { domains: string[] } | undefined;
  /** Platform calls that the harness implements, by name, in order (login, navigation, subscribe…). */
  readonly platformCalls: Array<{ name: string; args: unknown }> = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly intervals = new Set<ReturnType<typeof setInterval>>();
  private readonly inFlight = new Set<AbortController>();
  private readonly modules = new Map<string, { exports: unknown }>();
  private readonly context: vm.Context;
  private readonly contextJson: JSON;
  /** The bundle realm's own Promise: async functions there make these, whatever the globals say. */
  private readonly contextPromise: PromiseConstructor;
  private readonly onUnhandledRejection = (reason: unknown, promise: Promise<unknown>) => {
    if (promise instanceof this.contextPromise) this.errors.push(`unhandledRejection: ${errorText(reason)}`);
  };
  private appOptions: MpOptions | null = null;
  private pageOptions: MpOptions | null = null;
  private closed = false;

  private readonly systemInfoExtra: Record<string, unknown>;

  constructor(options: MiniProgramOptions) {
    this.platform = options.platform;
    this.release = options.release;
    this.systemInfoExtra = options.systemInfo ?? {};
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.root = path.join(DIST_ROOT, options.platform);
    this.userDataPath = options.platform === 'alipay' ? 'https://usr' : 'wxfile://usr';
    this.tempPrefix = options.platform === 'alipay' ? 'https://resource/apml' : 'wxfile://tmp_';
    this.fsRoot = fs.mkdtempSync(path.join(os.tmpdir(), `hcp-mp-${options.platform}-`));
    fs.mkdirSync(path.join(this.fsRoot, 'usr'));
    fs.mkdirSync(path.join(this.fsRoot, 'tmp'));
    for (const [key, value] of Object.entries(options.storage ?? {})) this.storage.set(key, JSON.stringify(value));

    const globalName = this.platform === 'alipay' ? 'my' : 'wx';
    const sandbox: Record<string, unknown> = {
      console: this.recordingConsole(),
      setTimeout: (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => this.setTimer(fn, ms, args),
      clearTimeout: (t: ReturnType<typeof setTimeout>) => {
        clearTimeout(t);
        this.timers.delete(t);
      },
      setInterval: (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
        const t = setInterval(() => this.guard('setInterval', () => fn(...args)), ms);
        this.intervals.add(t);
        return t;
      },
      clearInterval: (t: ReturnType<typeof setInterval>) => {
        clearInterval(t);
        this.intervals.delete(t);
      },
      [globalName]: this.platformApi(),
      App: (o: MpOptions) => {
        this.appOptions = o;
      },
      Page: (o: MpOptions) => {
        this.pageOptions = o;
      },
      // Custom wrapper (comp.js) and, on some platforms, pages built with Component().
      Component: (o: MpOptions) => {
        this.pageOptions ??= o;
      },
      getApp: () => this.appOptions,
      getCurrentPages: () => this.stack.map((p) => p.instance),
      requirePlugin: () => ({}),
    };
    // Alipay's logic layer has a `navigator` (Taro's Alipay runtime reads its userAgent at load).
    if (this.platform === 'alipay') sandbox.navigator = { userAgent: 'Mozilla/5.0 (node:vm) AlipayClient/10.5.0 MiniProgram' };
    sandbox.global = sandbox;
    sandbox.globalThis = sandbox;
    this.context = vm.createContext(sandbox, { name: `miniprogram:${this.platform}` });
    // Values handed to the bundle are created in its own realm (instanceof Object / Array hold).
    this.contextJson = vm.runInContext('JSON', this.context) as JSON;
    this.contextPromise = vm.runInContext('(async () => {})().constructor', this.context) as PromiseConstructor;
  }

  /** Loads app.js and a page (default the index), and runs onLaunch → onShow → page onLoad → onShow → onReady. */
  launch(query: Record<string, string> = {}, route = PAGE_ROUTE): this {
    if (!fs.existsSync(path.join(this.root, 'app.js'))) {
      throw new Error(`no ${this.platform} build at ${this.root}: run the build tier (npm test -- build) first`);
    }
    hostProcess().on('unhandledRejection', this.onUnhandledRejection);
    this.require(path.join(this.root, 'app.js'));
    const app = this.appOptions;
    if (!app) throw new Error(`${this.platform}: app.js never called App()`);
    const launchInfo = { path: route, query, scene: 1001 };
    this.call(app, app, 'onLaunch', launchInfo);
    this.call(app, app, 'onShow', launchInfo);
    this.openPage(route, query);
    return this;
  }

  /** The route of the page on top, e.g. `pages/rate/index`. */
  get route(): string {
    return this.top?.route ?? '';
  }

  /** The query the top page was opened with. */
  get query(): Record<string, string> {
    return this.top?.query ?? {};
  }

  private get top(): OpenPage | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** Loads a page's module (once) and the options its Page() call registered. */
  private pageOptionsOf(route: string): MpOptions {
    const file = path.join(this.root, `${route}.js`);
    if (!fs.existsSync(file)) throw new Error(`${this.platform}: no page ${route} in the build`);
    const cached = this.pageOptionsByRoute.get(route);
    if (cached) return cached;
    this.pageOptions = null;
    this.require(file);
    const options = this.pageOptions;
    if (!options) throw new Error(`${this.platform}: page ${route} never called Page()`);
    this.pageOptionsByRoute.set(route, options);
    return options;
  }

  private readonly pageOptionsByRoute = new Map<string, MpOptions>();

  private openPage(route: string, query: Record<string, string>): void {
    const options = this.pageOptionsOf(route);
    const instance = Object.create(options) as MpOptions;
    const data: Record<string, unknown> = {};
    const payloads = this.payloads;
    const pageId = `page-${this.pageCounter++}`;
    Object.assign(instance, {
      route,
      __route__: route,
      options: this.toContext(query),
      data,
      setData: (payload: Record<string, unknown>, cb?: () => void) => {
        payloads.push(JSON.parse(JSON.stringify(payload)) as Record<string, unknown>);
        for (const [p, v] of Object.entries(payload)) applyPath(data, p, JSON.parse(JSON.stringify(v ?? null)) as unknown);
        if (cb) this.setTimer(cb, 0, []);
      },
      $getAppWebviewId: () => this.pageCounter,
      getPageId: () => pageId,
    });
    const page: OpenPage = { route, options, instance, data, query };
    this.stack.push(page);
    this.call(instance, options, 'onLoad', query);
    this.call(instance, options, 'onShow');
    this.call(instance, options, 'onReady');
  }

  private pageCounter = 1;

  private unloadTop(): void {
    const top = this.stack.pop();
    if (top) this.call(top.instance, top.options, 'onUnload');
  }

  /** `/pages/x/index?a=1&b=2` → route and query (values decoded once, as the clients do). */
  private static parseUrl(url: string): { route: string; query: Record<string, string> } {
    const [pathPart = '', queryPart = ''] = url.split('?');
    const query: Record<string, string> = {};
    for (const pair of queryPart.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      query[decodeURIComponent(key)] = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1));
    }
    return { route: pathPart.replace(/^\//, ''), query };
  }

  /** navigateTo / redirectTo / reLaunch / navigateBack, as the client runs them: after the call returns. */
  private navigate(kind: 'navigateTo' | 'redirectTo' | 'reLaunch' | 'navigateBack', opts: MpAsyncOptions): void {
    const url = typeof opts.url === 'string' ? opts.url : '';
    this.navigations.push(kind === 'navigateBack' ? `navigateBack ${String(opts.delta ?? 1)}` : `${kind} ${url}`);
    this.setTimer(() => {
      if (kind === 'navigateBack') {
        const delta = Math.max(1, Number(opts.delta ?? 1));
        for (let i = 0; i < delta && this.stack.length > 1; i++) this.unloadTop();
        const top = this.top;
        if (top) this.call(top.instance, top.options, 'onShow');
      } else {
        const { route, query } = MiniProgram.parseUrl(url);
        if (kind === 'navigateTo') {
          const top = this.top;
          if (top) this.call(top.instance, top.options, 'onHide');
        } else if (kind === 'redirectTo') {
          this.unloadTop();
        } else {
          while (this.stack.length > 0) this.unloadTop();
        }
        this.openPage(route, query);
      }
      const ok = this.toContext({ errMsg: `${kind}:ok` });
      (opts.success as Callback | undefined)?.(ok);
      (opts.complete as Callback | undefined)?.(ok);
    }, 0, []);
  }

  /** Network off: requests fail as without signal; back on: the app's onNetworkStatusChange listeners hear it. */
  setOnline(online: boolean): void {
    this.online = online;
    const res = this.toContext({ isConnected: online, networkType: online ? 'wifi' : 'none' });
    for (const l of this.networkListeners) this.guard('onNetworkStatusChange', () => l(res));
  }

  /** Brings the app back to the front (App onShow, page onShow), as after a switch to another app. */
  show(): void {
    const app = this.appOptions;
    if (app) this.call(app, app, 'onShow', { path: this.route, query: this.query, scene: 1001 });
    const top = this.top;
    if (top) this.call(top.instance, top.options, 'onShow');
  }

  /** The page's root node as the view layer would render it. */
  get tree(): RenderedNode {
    return (this.top?.data.root ?? {}) as RenderedNode;
  }

  /**
   * The text of every element that holds text, in document order. React renders
   * `<Text>所在地区：{name}</Text>` as two text nodes; they are joined here as the view shows them.
   */
  texts(): string[] {
    const out: string[] = [];
    walk(this.tree, (n) => {
      const parts = (n.cn ?? []).filter((c) => typeof c.v === 'string').map((c) => c.v as string);
      const joined = parts.join('');
      if (joined.trim() !== '') out.push(joined);
    });
    return out;
  }

  /** The whole rendered text, for `toContain`. */
  text(): string {
    return this.texts().join('\n');
  }

  /** The first node with class `className` whose text contains `text` (a level choice, a tag, a card). */
  findByClassAndText(className: string, text: string): RenderedNode | undefined {
    return this.findByClass(className).find((n) => textOf(n).includes(text));
  }

  /** Nodes whose class list contains `className`. */
  findByClass(className: string): RenderedNode[] {
    const out: RenderedNode[] = [];
    walk(this.tree, (n) => {
      if (typeof n.cl === 'string' && n.cl.split(/\s+/).includes(className)) out.push(n);
    });
    return out;
  }

  /**
   * The innermost element whose whole text is `text` (for a `<Button>{label}</Button>`, the
   * button: the node whose tap handler React bound).
   */
  findByText(text: string): RenderedNode | undefined {
    let found: RenderedNode | undefined;
    walk(this.tree, (n, ancestors) => {
      if (found || typeof n.v !== 'string' || !text.includes(n.v)) return;
      found = [...ancestors].reverse().find((a) => a.sid !== undefined && textOf(a) === text);
    });
    return found;
  }

  /**
   * Taps a rendered node the way the client does: the template binds `tap` to the page's `eh`
   * with `id="{{i.uid||i.sid}}" data-sid="{{i.sid}}"`, and Taro's eventHandler finds the node
   * by that id and dispatches a React click.
   */
  tap(node: RenderedNode): void {
    const page = this.top?.instance;
    if (!page) throw new Error('tap before launch()');
    const sid = node.sid;
    if (sid === undefined) throw new Error(`node has no sid: ${JSON.stringify(node).slice(0, 200)}`);
    const handler = page.eh;
    if (typeof handler !== 'function') throw new Error(`${this.platform}: the page has no "eh" event handler`);
    const target = { id: node.uid ?? sid, dataset: { sid }, offsetLeft: 0, offsetTop: 0 };
    const touch = { identifier: 0, pageX: 10, pageY: 10, clientX: 10, clientY: 10 };
    const event = this.toContext({
      type: 'tap',
      timeStamp: Date.now(),
      target,
      currentTarget: target,
      detail: { x: 10, y: 10 },
      touches: [touch],
      changedTouches: [touch],
    });
    this.tapDepth++;
    try {
      this.guard('eh(tap)', () => (handler as Lifecycle).call(page, event));
    } finally {
      this.tapDepth--;
    }
    // A button with open-type="agreePrivacyAuthorization": the client records the consent and
    // (WeChat) then fires its own event, which Taro's template binds to `eh` as well.
    if (Object.values(node).includes('agreePrivacyAuthorization')) {
      this.privacyAgreed = true;
      if (this.platform === 'weapp') {
        const agreed = this.toContext({ type: 'agreeprivacyauthorization', timeStamp: Date.now(), target, currentTarget: target, detail: {} });
        this.guard('eh(agreeprivacyauthorization)', () => (handler as Lifecycle).call(page, agreed));
      }
    }
  }

  /**
   * A privacy API called before consent, as the client handles it: the app's
   * onNeedPrivacyAuthorization listener is called and the answer it resolves with is returned
   * (`undefined` when the app registered no listener: the client would show its own pop-up).
   */
  needPrivacy(referrer: string): Promise<unknown> {
    const listener = this.privacyListener;
    if (!listener) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.guard('onNeedPrivacyAuthorization', () => listener((answer: unknown) => resolve(JSON.parse(JSON.stringify(answer ?? null)) as unknown), this.toContext({ referrer })));
    });
  }

  /** Why a release-mode client refuses `url`, or null when it would send it. */
  private releaseRefusal(url: string): string | null {
    if (!this.release) return null;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return `invalid url ${url}`;
    }
    if (parsed.protocol !== 'https:') return `url not in domain list (${parsed.protocol} is not https)`;
    if (!this.release.domains.includes(parsed.host)) return `url not in domain list (${parsed.host})`;
    return null;
  }

  /** The stored value of `key` (already parsed), or undefined. */
  stored(key: string): unknown {
    const raw = this.storage.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as unknown);
  }

  requestsTo(pathPart: string, method?: string): RecordedRequest[] {
    return this.requests.filter((r) => r.url.includes(pathPart) && (method === undefined || r.method === method));
  }

  /** Polls until `predicate` holds; on timeout, fails with what the page shows and what it asked. */
  async waitFor(predicate: () => boolean, { timeoutMs = DEFAULT_TIMEOUT_MS, what = 'condition' }: WaitOptions = {}): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) {
        throw new Error(
          `${this.platform}: timed out after ${timeoutMs} ms waiting for ${what}\n` +
            `page texts: ${JSON.stringify(this.texts())}\n` +
            `requests: ${JSON.stringify(this.requests.map((r) => `${r.method} ${r.url} → ${r.status}`))}\n` +
            `downloads: ${JSON.stringify(this.downloads.map((r) => `${r.url} → ${r.status}`))}\n` +
            `errors: ${JSON.stringify(this.errors)}\nconsole: ${JSON.stringify(this.console)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  waitForText(text: string, options: WaitOptions = {}): Promise<void> {
    return this.waitFor(() => this.texts().some((t) => t.includes(text)), { what: `text "${text}"`, ...options });
  }

  /** The bytes of a file the app wrote or downloaded, by its platform path (throws when there is none). */
  readFile(platformPath: string): Buffer {
    const host = this.hostPath(platformPath);
    if (!host || !fs.existsSync(host)) throw new Error(`${this.platform}: no file ${platformPath}`);
    return fs.readFileSync(host);
  }

  /** The platform paths of every file under the user data directory. */
  userFiles(): string[] {
    return fs.readdirSync(path.join(this.fsRoot, 'usr'), { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => `${this.userDataPath}/${path.relative(path.join(this.fsRoot, 'usr'), path.join(d.parentPath, d.name)).split(path.sep).join('/')}`)
      .sort();
  }

  /** Unloads the page (React unmount) and stops every timer and request the bundle left behind. */
  close(): void {
    if (this.closed) return;
    while (this.stack.length > 0) this.unloadTop();
    this.closed = true;
    hostProcess().off('unhandledRejection', this.onUnhandledRejection);
    for (const t of this.timers) clearTimeout(t);
    for (const t of this.intervals) clearInterval(t);
    for (const c of this.inFlight) c.abort();
    this.timers.clear();
    this.intervals.clear();
    this.inFlight.clear();
    fs.rmSync(this.fsRoot, { recursive: true, force: true });
  }

  // ── the platform ────────────────────────────────────────────────────────────

  private platformApi(): Record<string, unknown> {
    const alipay = this.platform === 'alipay';
    const storage = this.storage;
    const keyOf = (arg: unknown): string => String(alipay && typeof arg === 'object' && arg !== null ? (arg as { key: unknown }).key : arg);
    const systemInfo = {
      platform: 'devtools',
      brand: 'devtools',
      model: 'node:vm',
      system: 'Node',
      language: 'zh_CN',
      version: '8.0.0',
      SDKVersion: '3.0.0',
      windowWidth: 375,
      windowHeight: 667,
      screenWidth: 375,
      screenHeight: 667,
      pixelRatio: 2,
      statusBarHeight: 20,
      ...this.systemInfoExtra,
    };
    const api: Record<string, unknown> = {
      canIUse: () => true,
      getSystemInfoSync: () => this.toContext(systemInfo),
      getWindowInfo: () => this.toContext(systemInfo),
      getDeviceInfo: () => this.toContext(systemInfo),
      getAppBaseInfo: () => this.toContext(systemInfo),
      getStorageSync: (arg: unknown) => {
        const raw = storage.get(keyOf(arg));
        const value = raw === undefined ? undefined : (this.contextJson.parse(raw) as unknown);
        // WeChat answers '' for a missing key; Alipay `{ data: null }`.
        if (alipay) return this.toContext({ data: value ?? null });
        return value ?? '';
      },
      setStorageSync: (arg: unknown, value?: unknown) => {
        if (alipay) {
          const { key, data } = arg as { key: string; data: unknown };
          storage.set(key, JSON.stringify(data));
        } else {
          storage.set(keyOf(arg), JSON.stringify(value));
        }
        return alipay ? this.toContext({ success: true }) : undefined;
      },
      removeStorageSync: (arg: unknown) => {
        storage.delete(keyOf(arg));
        return alipay ? this.toContext({ success: true }) : undefined;
      },
      request: (opts: MpRequestOptions) => this.request(opts),
      navigateTo: (o: MpAsyncOptions) => this.navigate('navigateTo', o),
      redirectTo: (o: MpAsyncOptions) => this.navigate('redirectTo', o),
      reLaunch: (o: MpAsyncOptions) => this.navigate('reLaunch', o),
      navigateBack: (o: MpAsyncOptions = {}) => this.navigate('navigateBack', o),
      onNetworkStatusChange: (cb: (res: unknown) => void) => {
        this.platformCalls.push({ name: 'onNetworkStatusChange', args: null });
        this.networkListeners.push(cb);
      },
      // WeChat: wx.login({ success({ code }) }); Alipay: my.getAuthCode({ scopes, success({ authCode }) }).
      [alipay ? 'getAuthCode' : 'login']: (o: MpAsyncOptions) => {
        this.platformCalls.push({ name: alipay ? 'getAuthCode' : 'login', args: { scopes: o.scopes } });
        const answer = this.loginAnswer;
        this.setTimer(() => {
          if ('code' in answer) {
            const res = this.toContext(alipay ? { authCode: answer.code, authErrorScopes: {} } : { code: answer.code, errMsg: 'login:ok' });
            (o.success as Callback | undefined)?.(res);
            (o.complete as Callback | undefined)?.(res);
          } else {
            const res = this.toContext(answer.fail);
            (o.fail as Callback | undefined)?.(res);
            (o.complete as Callback | undefined)?.(res);
          }
        }, 0, []);
      },
      // WeChat wx.scanCode answers { result, path, scanType }; Alipay my.scan (Taro's alias) { code, qrCode }.
      [alipay ? 'scan' : 'scanCode']: (o: MpAsyncOptions) => {
        this.platformCalls.push({ name: alipay ? 'scan' : 'scanCode', args: { type: o.type, scanType: o.scanType } });
        const answer = this.scanAnswer;
        this.setTimer(() => {
          if (answer) (o.success as Callback | undefined)?.(this.toContext({ ...answer, errMsg: alipay ? undefined : 'scanCode:ok' }));
          else (o.fail as Callback | undefined)?.(this.toContext({ errMsg: 'scanCode:fail cancel' }));
        }, 0, []);
      },
      // Only inside a tap (both clients refuse the prompt otherwise). WeChat takes `tmplIds` and
      // answers { [id]: 'accept' | 'reject', errMsg }; Alipay takes `entityIds` and answers
      // { behavior, keep, refuse, result: { subscribeEntityIds, unsubscribeEntityIds } }.
      requestSubscribeMessage: (o: MpAsyncOptions) => {
        const raw = alipay ? o.entityIds : o.tmplIds;
        const ids = Array.isArray(raw) ? (raw as unknown[]).map(String) : [];
        const inTap = this.tapDepth > 0;
        this.platformCalls.push({ name: 'requestSubscribeMessage', args: alipay ? { entityIds: ids, inTap } : { tmplIds: ids, inTap } });
        const accept = this.subscribeAnswer === 'accept';
        this.setTimer(() => {
          if (!inTap) {
            const res = this.toContext(alipay
              ? { error: 2, errorMessage: '订阅消息需要在用户点击后调用' }
              : { errMsg: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.', errCode: 20004 });
            (o.fail as Callback | undefined)?.(res);
            (o.complete as Callback | undefined)?.(res);
            return;
          }
          const res = this.toContext(alipay
            ? {
                behavior: accept ? 'subscribe' : 'cancel',
                keep: false,
                refuse: !accept,
                result: { subscribeEntityIds: accept ? ids : [], unsubscribeEntityIds: accept ? [] : ids, currentSubscribedEntityIds: accept ? ids : [] },
              }
            : { ...Object.fromEntries(ids.map((id) => [id, accept ? 'accept' : 'reject'])), errMsg: 'requestSubscribeMessage:ok' });
          (o.success as Callback | undefined)?.(res);
          (o.complete as Callback | undefined)?.(res);
        }, 0, []);
      },
      // The privacy check (issue 15.1): the app's listener, the recorded consent, the contract page.
      onNeedPrivacyAuthorization: (listener: (resolve: (answer: unknown) => void, info: unknown) => void) => {
        this.platformCalls.push({ name: 'onNeedPrivacyAuthorization', args: null });
        this.privacyListener = listener;
      },
      getPrivacySetting: (o: MpAsyncOptions) => {
        this.platformCalls.push({ name: 'getPrivacySetting', args: null });
        this.setTimer(() => (o.success as Callback | undefined)?.(this.toContext({ needAuthorization: !this.privacyAgreed, privacyContractName: '《好差评小程序用户隐私保护指引》', errMsg: 'getPrivacySetting:ok' })), 0, []);
      },
      openPrivacyContract: (o: MpAsyncOptions = {}) => {
        this.platformCalls.push({ name: 'openPrivacyContract', args: null });
        this.setTimer(() => (o.success as Callback | undefined)?.(this.toContext({ errMsg: 'openPrivacyContract:ok' })), 0, []);
      },
      showModal: (o: MpAsyncOptions) => {
        this.platformCalls.push({ name: 'showModal', args: { title: o.title, content: o.content } });
        this.setTimer(() => (o.success as Callback | undefined)?.(this.toContext({ confirm: true, cancel: false })), 0, []);
      },
      nextTick: (fn: () => void) => this.setTimer(fn, 0, []),
      // Taro copies `env` once (Taro.env = wx.env) when its API layer loads.
      env: { USER_DATA_PATH: this.userDataPath },
      downloadFile: (o: MpDownloadOptions) => this.downloadFile(o),
      getFileSystemManager: () => this.fileSystemManager(),
      openDocument: (o: MpAsyncOptions) => {
        this.platformCalls.push({ name: 'openDocument', args: { filePath: o.filePath, fileType: o.fileType, showMenu: o.showMenu } });
        this.answerWithLocalFiles('openDocument', o, [o.filePath]);
      },
      // Alipay: Taro has already turned `current` (a URL) into its index in `urls`.
      previewImage: (o: MpAsyncOptions) => {
        const urls = Array.isArray(o.urls) ? (o.urls as unknown[]).map(String) : [];
        this.platformCalls.push({ name: 'previewImage', args: { urls, current: o.current } });
        this.answerWithLocalFiles('previewImage', o, urls);
      },
      // WeChat only (Alipay has no shareFileMessage).
      ...(alipay
        ? {}
        : {
            shareFileMessage: (o: MpAsyncOptions) => {
              this.platformCalls.push({ name: 'shareFileMessage', args: { filePath: o.filePath, fileName: o.fileName } });
              this.answerWithLocalFiles('shareFileMessage', o, [o.filePath]);
            },
          }),
    };
    return new Proxy(api, {
      get: (target, prop) => {
        if (typeof prop !== 'string' || prop in target) return target[prop as string];
        // Taro's webpack runtime keeps its chunk list on the platform object.
        if (prop === 'webpackJsonp' || prop.startsWith('__') || prop.startsWith('taro')) return undefined;
        // Any other API (issue 15.7): recorded and thrown, never answered with a kind success,
        // so a path that needs an API the harness does not model fails where it calls it.
        return () => {
          this.unimplementedCalls.push(prop);
          throw new Error(`${this.platform === 'alipay' ? 'my' : 'wx'}.${prop} is not implemented by the runtime harness`);
        };
      },
      set: (target, prop, value) => {
        target[prop as string] = value;
        return true;
      },
    });
  }

  private request(opts: MpRequestOptions): { abort: () => void; onHeadersReceived: () => void; offHeadersReceived: () => void } {
    const method = (opts.method ?? 'GET').toUpperCase();
    const headers = lowerCaseHeaders(opts.header ?? opts.headers);
    const url = String(opts.url);
    const baked = url.startsWith(`${BAKED_API_URL}/`);
    const forwardedUrl = baked ? this.apiUrl + url.slice(BAKED_API_URL.length) : url;
    let body: string | undefined;
    if (opts.data !== undefined && opts.data !== null && method !== 'GET' && method !== 'HEAD') {
      body = typeof opts.data === 'string' ? opts.data : JSON.stringify(opts.data);
    }
    const record: RecordedRequest = {
      url,
      forwardedUrl,
      method,
      headers,
      body,
      dataType: opts.dataType,
      responseType: opts.responseType,
      timeout: opts.timeout,
    };
    this.requests.push(record);
    // Issue 15.2: every request sets its timeout (the clients' defaults are 60 s and 30 s).
    if (typeof opts.timeout !== 'number' || opts.timeout <= 0) this.errors.push(`request without a timeout: ${method} ${url}`);

    const controller = new AbortController();
    const noTask = { abort: () => undefined, onHeadersReceived: () => undefined, offHeadersReceived: () => undefined };
    const finish = (name: 'success' | 'fail', res: Record<string, unknown>) => {
      this.inFlight.delete(controller);
      if (this.closed) return;
      const answer = this.toContext(res);
      this.guard(`request ${name} ${method} ${url}`, () => opts[name]?.(answer));
      this.guard(`request complete ${method} ${url}`, () => opts.complete?.(answer));
    };

    const alipay = this.platform === 'alipay';
    if (!this.online) {
      record.status = null;
      this.setTimer(() => finish('fail', alipay ? { error: 12, errorMessage: '网络出错' } : { errMsg: 'request:fail net::ERR_INTERNET_DISCONNECTED' }), 0, []);
      return noTask;
    }
    const refusal = this.releaseRefusal(url);
    if (refusal) {
      this.errors.push(`request to ${url}: ${refusal}`);
      record.status = null;
      this.setTimer(() => finish('fail', alipay ? { error: 11, errorMessage: `无权跨域 ${refusal}` } : { errMsg: `request:fail ${refusal}` }), 0, []);
      return noTask;
    }
    if (!baked) {
      // Only the gateway the bundle was built for is ever reached: anything else is a finding.
      const why = `the harness only forwards ${BAKED_API_URL}/… (was the bundle built with another TARO_APP_API_URL?)`;
      this.errors.push(`request to ${url}: ${why}`);
      record.status = null;
      this.setTimer(() => finish('fail', alipay ? { error: 19, errorMessage: why } : { errMsg: `request:fail ${why}` }), 0, []);
      return noTask;
    }
    this.inFlight.add(controller);
    void (async () => {
      let res: Response;
      let text: string;
      try {
        res = await fetch(forwardedUrl, { method, headers, body, signal: controller.signal });
        text = await res.text();
      } catch (err) {
        // Refused connection, or aborted (by the app, or by close()).
        record.status = null;
        finish('fail', alipay ? { error: 19, errorMessage: errorText(err) } : { errMsg: `request:fail ${errorText(err)}` });
        return;
      }
      record.status = res.status;
      record.responseBody = text;
      const header = Object.fromEntries(res.headers.entries());
      // dataType 'json' (the default on both platforms) parses; anything else keeps the text.
      let data: unknown = text;
      if ((opts.dataType ?? 'json') === 'json') {
        try {
          data = this.contextJson.parse(text) as unknown;
        } catch {
          data = text;
        }
      }
      // Alipay reports an HTTP error status through `fail` (error 19 "HTTP错误"), with the
      // answer's status, data and headers; WeChat through success, like any answer.
      if (alipay && res.status >= 400) {
        finish('fail', { error: 19, errorMessage: 'http status error', status: res.status, data, headers: header });
        return;
      }
      finish(
        'success',
        alipay
          ? { status: res.status, data, headers: header }
          : { statusCode: res.status, data, header, cookies: [], errMsg: 'request:ok' },
      );
    })();
    return { ...noTask, abort: () => controller.abort() };
  }

  // ── files ───────────────────────────────────────────────────────────────────

  /** The host file behind a platform path: the user data directory or a temp file; null for anything else. */
  private hostPath(platformPath: unknown): string | null {
    if (typeof platformPath !== 'string') return null;
    const inside = (base: string, rest: string): string | null => {
      const resolved = path.resolve(base, rest);
      return resolved === base || resolved.startsWith(`${base}${path.sep}`) ? resolved : null;
    };
    if (platformPath.startsWith(`${this.userDataPath}/`)) return inside(path.join(this.fsRoot, 'usr'), platformPath.slice(this.userDataPath.length + 1));
    if (platformPath.startsWith(this.tempPrefix)) return inside(path.join(this.fsRoot, 'tmp'), platformPath.slice(this.tempPrefix.length));
    return null;
  }

  /** A platform's failure answer: WeChat `{ errMsg: 'api:fail …' }`, Alipay `{ error, errorMessage }`. */
  private failure(api: string, message: string, alipayCode: number): Record<string, unknown> {
    return this.platform === 'alipay' ? { error: alipayCode, errorMessage: message } : { errMsg: `${api}:fail ${message}` };
  }

  /** Answers an API that opens local files: fails (as the client does) when one of them is missing. */
  private answerWithLocalFiles(api: string, o: MpAsyncOptions, paths: unknown[]): void {
    const missing = paths.find((p) => {
      if (typeof p !== 'string') return true;
      const host = this.hostPath(p);
      // A remote URL (previewImage) is fine; a local path must exist.
      return host === null ? !/^https?:\/\//.test(p) : !fs.existsSync(host);
    });
    this.setTimer(() => {
      const res = this.toContext(
        missing === undefined
          ? this.platform === 'alipay' ? { success: true } : { errMsg: `${api}:ok` }
          : this.failure(api, `file not exist: ${String(missing)}`, 10024),
      );
      (missing === undefined ? o.success : o.fail)?.(res);
      o.complete?.(res);
    }, 0, []);
  }

  /** A temp file name, with the extension the client derives from the answer's type (or the URL). */
  private tempFileFor(url: string, contentType: string | null): string {
    const types: Record<string, string> = {
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
      'text/csv': 'csv',
      'application/json': 'json',
      'application/pdf': 'pdf',
      'image/png': 'png',
      'image/jpeg': 'jpg',
    };
    const fromType = types[(contentType ?? '').split(';')[0]!.trim().toLowerCase()];
    const fromUrl = /\.([a-z0-9]{1,5})$/i.exec(new URL(url).pathname)?.[1];
    const ext = fromType ?? fromUrl ?? 'tmp';
    return `${this.tempPrefix}${randomBytes(8).toString('hex')}.${ext}`;
  }

  /**
   * wx.downloadFile / my.downloadFile: a GET of the URL with the given headers; the body is
   * written to a temp file (or `filePath`) whatever the status, and success reports the status.
   */
  private downloadFile(opts: MpDownloadOptions): { abort: () => void; onProgressUpdate: () => void; offProgressUpdate: () => void; onHeadersReceived: () => void; offHeadersReceived: () => void } {
    const headers = lowerCaseHeaders(opts.header);
    const url = String(opts.url);
    const baked = url.startsWith(`${BAKED_API_URL}/`);
    const forwardedUrl = baked ? this.apiUrl + url.slice(BAKED_API_URL.length) : url;
    const record: RecordedDownload = {
      url,
      forwardedUrl,
      method: 'GET',
      headers,
      body: undefined,
      dataType: undefined,
      responseType: undefined,
      filePath: opts.filePath,
    };
    this.downloads.push(record);
    const controller = new AbortController();
    const noop = () => undefined;
    const task = { abort: () => controller.abort(), onProgressUpdate: noop, offProgressUpdate: noop, onHeadersReceived: noop, offHeadersReceived: noop };
    const finish = (name: 'success' | 'fail', res: Record<string, unknown>) => {
      this.inFlight.delete(controller);
      if (this.closed) return;
      const answer = this.toContext(res);
      this.guard(`downloadFile ${name} ${url}`, () => opts[name]?.(answer));
      this.guard(`downloadFile complete ${url}`, () => opts.complete?.(answer));
    };
    const fail = (message: string, alipayCode: number) => {
      record.status = null;
      this.setTimer(() => finish('fail', this.failure('downloadFile', message, alipayCode)), 0, []);
    };
    if (!this.online) {
      fail(this.platform === 'alipay' ? '网络出错' : 'net::ERR_INTERNET_DISCONNECTED', 12);
      return task;
    }
    const refusal = this.releaseRefusal(url);
    if (refusal) {
      this.errors.push(`downloadFile ${url}: ${refusal}`);
      fail(refusal, 11);
      return task;
    }
    if (!baked) {
      const why = `the harness only forwards ${BAKED_API_URL}/… (was the bundle built with another TARO_APP_API_URL?)`;
      this.errors.push(`downloadFile ${url}: ${why}`);
      fail(why, 19);
      return task;
    }
    if (opts.filePath !== undefined && this.hostPath(opts.filePath) === null) {
      fail(`permission denied, open ${opts.filePath}`, 10024);
      return task;
    }
    this.inFlight.add(controller);
    void (async () => {
      let res: Response;
      let bytes: Buffer;
      try {
        res = await fetch(forwardedUrl, { method: 'GET', headers, signal: controller.signal });
        bytes = Buffer.from(await res.arrayBuffer());
      } catch (err) {
        record.status = null;
        finish('fail', this.failure('downloadFile', errorText(err), 19));
        return;
      }
      const saved = opts.filePath ?? this.tempFileFor(forwardedUrl, res.headers.get('content-type'));
      const host = this.hostPath(saved)!;
      fs.mkdirSync(path.dirname(host), { recursive: true });
      fs.writeFileSync(host, bytes);
      record.status = res.status;
      record.responseBody = bytes.toString('utf8');
      record.tempFilePath = saved;
      const header = Object.fromEntries(res.headers.entries());
      const where = opts.filePath !== undefined ? { filePath: saved } : this.platform === 'alipay' ? { apFilePath: saved, tempFilePath: saved } : { tempFilePath: saved };
      finish(
        'success',
        this.platform === 'alipay'
          ? { ...where, statusCode: res.status, header, dataLength: bytes.length }
          : { ...where, statusCode: res.status, header, errMsg: 'downloadFile:ok' },
      );
    })();
    return task;
  }

  /**
   * wx.getFileSystemManager() / my.getFileSystemManager(): real files behind the platform paths.
   * writeFile only inside USER_DATA_PATH; readFile / access of a missing file fail like the client.
   * Encodings as Node's (utf8, base64, binary, hex…); readFile without one answers an ArrayBuffer.
   */
  private fileSystemManager(): Record<string, unknown> {
    const toBytes = (data: unknown, encoding: unknown): Buffer => {
      if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') return Buffer.from(new Uint8Array(data as ArrayBuffer));
      const enc = typeof encoding === 'string' && encoding !== '' ? encoding : 'utf8';
      return Buffer.from(String(data), enc as BufferEncoding);
    };
    const fromBytes = (bytes: Buffer, encoding: unknown): unknown => {
      if (typeof encoding === 'string' && encoding !== '') return bytes.toString(encoding as BufferEncoding);
      const ContextUint8Array = vm.runInContext('Uint8Array', this.context) as Uint8ArrayConstructor;
      return ContextUint8Array.from(bytes).buffer;
    };
    const answer = (o: MpAsyncOptions, ok: Record<string, unknown> | null, failed: Record<string, unknown> | null) => {
      this.setTimer(() => {
        const res = this.toContextKeepingBuffers(failed ?? ok ?? {});
        (failed ? o.fail : o.success)?.(res);
        o.complete?.(res);
      }, 0, []);
    };
    const okOf = (name: string, extra: Record<string, unknown> = {}) => (this.platform === 'alipay' ? { success: true, ...extra } : { errMsg: `${name}:ok`, ...extra });
    const writable = (p: unknown): string | null => (typeof p === 'string' && p.startsWith(`${this.userDataPath}/`) ? this.hostPath(p) : null);
    const record = (name: string, args: Record<string, unknown>) => this.platformCalls.push({ name: `fs.${name}`, args });
    const fsm: Record<string, unknown> = {
      writeFile: (o: MpAsyncOptions) => {
        record('writeFile', { filePath: o.filePath, encoding: o.encoding });
        const host = writable(o.filePath);
        if (!host) return answer(o, null, this.failure('writeFile', `permission denied, open ${String(o.filePath)}`, 10024));
        if (!fs.existsSync(path.dirname(host))) return answer(o, null, this.failure('writeFile', `no such file or directory, open ${String(o.filePath)}`, 10022));
        fs.writeFileSync(host, toBytes(o.data, o.encoding));
        answer(o, okOf('writeFile'), null);
      },
      readFile: (o: MpAsyncOptions) => {
        record('readFile', { filePath: o.filePath, encoding: o.encoding });
        const host = this.hostPath(o.filePath);
        if (!host || !fs.existsSync(host)) return answer(o, null, this.failure('readFile', `no such file or directory, open ${String(o.filePath)}`, 10022));
        answer(o, okOf('readFile', { data: fromBytes(fs.readFileSync(host), o.encoding) }), null);
      },
      access: (o: MpAsyncOptions) => {
        const host = this.hostPath(o.path);
        if (!host || !fs.existsSync(host)) return answer(o, null, this.failure('access', `no such file or directory ${String(o.path)}`, 10022));
        answer(o, okOf('access'), null);
      },
      unlink: (o: MpAsyncOptions) => {
        const host = this.hostPath(o.filePath);
        if (!host || !fs.existsSync(host)) return answer(o, null, this.failure('unlink', `no such file or directory, open ${String(o.filePath)}`, 10022));
        fs.rmSync(host);
        answer(o, okOf('unlink'), null);
      },
    };
    return new Proxy(fsm, {
      get: (target, prop) => {
        if (typeof prop !== 'string' || prop in target) return target[prop as string];
        return (...args: unknown[]) => {
          this.unimplementedCalls.push(`FileSystemManager.${prop}`);
          const o = args[0] as MpAsyncOptions | undefined;
          if (o && typeof o === 'object') answer(o, okOf(prop), null);
          return undefined;
        };
      },
    });
  }

  /** Like toContext, for answers that may carry an ArrayBuffer (already made in the bundle's realm). */
  private toContextKeepingBuffers(value: Record<string, unknown>): Record<string, unknown> {
    const buffers = Object.entries(value).filter(([, v]) => Object.prototype.toString.call(v) === '[object ArrayBuffer]');
    const plain = this.toContext(Object.fromEntries(Object.entries(value).filter(([, v]) => Object.prototype.toString.call(v) !== '[object ArrayBuffer]')));
    for (const [k, v] of buffers) plain[k] = v;
    return plain;
  }

  // ── plumbing ────────────────────────────────────────────────────────────────

  private recordingConsole(): Record<string, (...args: unknown[]) => void> {
    const record = (level: ConsoleEntry['level']) => (...args: unknown[]) => {
      this.console.push({ level, text: args.map((a) => (typeof a === 'string' ? a : errorText(a))).join(' ') });
    };
    const quiet = () => undefined;
    return { log: quiet, info: quiet, debug: quiet, time: quiet, timeEnd: quiet, error: record('error'), warn: record('warn') };
  }

  private setTimer(fn: (...a: unknown[]) => void, ms: number | undefined, args: unknown[]): ReturnType<typeof setTimeout> {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.guard('setTimeout', () => fn(...args));
    }, ms);
    this.timers.add(t);
    return t;
  }

  private guard(where: string, fn: () => unknown): void {
    if (this.closed) return;
    try {
      fn();
    } catch (err) {
      this.errors.push(`${where}: ${errorText(err)}`);
    }
  }

  private call(self: MpOptions, options: MpOptions, name: string, ...args: unknown[]): void {
    const fn = options[name];
    if (typeof fn === 'function') this.guard(name, () => (fn as Lifecycle).apply(self, args.map((a) => this.toContext(a))));
  }

  /** A JSON-safe value re-created in the bundle's realm. */
  private toContext<T>(value: T): T {
    return value === undefined ? value : (this.contextJson.parse(JSON.stringify(value)) as T);
  }

  /** A CommonJS `require` over the dist folder (the bundles only require their own files). */
  private require(file: string): unknown {
    const resolved = file.endsWith('.js') ? file : `${file}.js`;
    const cached = this.modules.get(resolved);
    if (cached) return cached.exports;
    const mod = { exports: {} as unknown };
    this.modules.set(resolved, mod);
    const code = fs.readFileSync(resolved, 'utf8');
    const wrapper = vm.runInContext(`(function (require, module, exports) {${code}\n})`, this.context, { filename: resolved }) as (
      req: (spec: string) => unknown,
      module: { exports: unknown },
      exports: unknown,
    ) => void;
    wrapper((spec) => this.require(path.resolve(path.dirname(resolved), spec)), mod, mod.exports);
    return mod.exports;
  }
}
