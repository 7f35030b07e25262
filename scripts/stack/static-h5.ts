/**
 * Serves the H5 build (miniapp/dist/h5) and injects the runtime config into index.html, so one
 * build talks to whichever gateway port and keys the running stack has.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export interface H5Config {
  apiUrl: string;
  anonKey: string;
  /** The identity platform the 实名认证 form asks for a ticket (locally: its stand-in). */
  idpUrl?: string;
}

export function injectConfig(html: string, config: H5Config): string {
  // JSON inside <script>: escape "<" so no value can close the tag.
  const payload = JSON.stringify(config).replace(/</g, '\\u003c');
  const tag = `<script>window.__HCP_CONFIG__=${payload}</script>`;
  return html.includes('<head>') ? html.replace('<head>', `<head>${tag}`) : tag + html;
}

/**
 * What the H5 port answers while `npm start` builds the app in the background: 503 with
 * Retry-After, and a page that reloads itself, so a browser opened early lands on the app.
 */
export function buildingPage(failed: string | null): string {
  const body = failed === null
    ? '<h1>正在构建 H5 应用…</h1><p>首次启动需要约一分钟；接口（API）已可使用。本页每 3 秒自动刷新。</p>'
    : `<h1>H5 应用构建失败</h1><p>接口（API）仍在运行。请查看 .local/stack.log 并修正后重新执行 npm start。</p><pre>${failed.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))}</pre>`;
  return '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">' +
    (failed === null ? '<meta http-equiv="refresh" content="3">' : '') +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>好差评 · 正在构建</title></head>' +
    `<body style="font-family: sans-serif; margin: 2em; color: #1f2329">${body}</body></html>`;
}

/**
 * `ready`: the build this server waits for (npm start's background build); until it settles
 * every request gets buildingPage(), and a failed build keeps answering with the reason.
 */
export function startStaticH5(opts: { root: string; port: number; config: H5Config; ready?: Promise<void> }): Promise<http.Server> {
  const root = path.resolve(opts.root);
  let state: { building: boolean; failed: string | null } = { building: opts.ready !== undefined, failed: null };
  if (opts.ready) {
    opts.ready.then(
      () => { state = { building: false, failed: null }; },
      (err: Error) => { state = { building: false, failed: err.message }; },
    );
  } else if (!existsSync(path.join(root, 'index.html'))) {
    throw new Error(`no H5 build at ${root} (run: npm run build:h5)`);
  }
  const server = http.createServer(async (req, res) => {
    if (state.building || state.failed !== null) {
      res.writeHead(state.building ? 503 : 500, { 'content-type': TYPES['.html']!, 'cache-control': 'no-store', ...(state.building ? { 'retry-after': '3' } : {}) });
      res.end(buildingPage(state.failed));
      return;
    }
    const url = new URL(req.url ?? '/', 'http://h5');
    let file = path.resolve(root, '.' + decodeURIComponent(url.pathname));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (url.pathname === '/' || !existsSync(file)) file = path.join(root, 'index.html');
    try {
      const body = await readFile(file);
      const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
      if (file.endsWith('index.html')) {
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(injectConfig(body.toString('utf8'), opts.config));
      } else {
        res.writeHead(200, { 'content-type': type });
        res.end(body);
      }
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve(server));
  });
}
