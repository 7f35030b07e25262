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

export function startStaticH5(opts: { root: string; port: number; config: H5Config }): Promise<http.Server> {
  const root = path.resolve(opts.root);
  if (!existsSync(path.join(root, 'index.html'))) {
    throw new Error(`no H5 build at ${root} (run: npm run build:h5)`);
  }
  const server = http.createServer(async (req, res) => {
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
