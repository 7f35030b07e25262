/**
 * The BUILT weapp and alipay bundles keep the staff, supervisor and administration pages in their
 * subpackages: app.json lists them, their code (RPC names, ECharts, the QR generator) is in no file
 * of the main package, and
 * every package stays under the platforms' 2 MB limit. Prints the sizes (bytes) for the record.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DIST_ROOT } from './harness.ts';

const LIMIT = 2 * 1024 * 1024;
const ROOTS = ['subpackages/staff', 'subpackages/supervise', 'subpackages/admin'];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe.each(['weapp', 'alipay'] as const)('%s packages', (platform) => {
  const dist = path.join(DIST_ROOT, platform);
  const built = existsSync(path.join(dist, 'app.json'));
  const all = built ? files(dist) : [];
  const rel = (f: string) => path.relative(dist, f).split(path.sep).join('/');
  const inMain = all.filter((f) => !ROOTS.some((r) => rel(f).startsWith(`${r}/`)));
  const size = (list: string[]) => list.reduce((n, f) => n + statSync(f).size, 0);

  test('app.json declares the staff, supervise and admin subpackages', () => {
    expect(built).toBe(true);
    const app = JSON.parse(readFileSync(path.join(dist, 'app.json'), 'utf8')) as { subPackages?: Array<{ root: string; pages: string[] }>; subpackages?: Array<{ root: string; pages: string[] }> };
    const subs = app.subPackages ?? app.subpackages ?? [];
    expect(subs.map((s) => s.root.replace(/\/$/, ''))).toEqual(ROOTS);
    expect(subs.flatMap((s) => s.pages)).toEqual(expect.arrayContaining(['pages/index/index', 'pages/order/index', 'pages/dashboard/index', 'pages/qr/index', 'pages/people/index']));
  });

  test('no staff, supervisor or administration code in the main package', () => {
    const leaks = inMain
      .filter((f) => /\.(js|json|wxml|axml)$/.test(f))
      .filter((f) => /unit_work_orders|appeals_to_review|review_appeal|admin_save_unit|admin_find_user|create_rating_device|echarts|setPlatformAPI|qrcode-generator|createDataURL/.test(readFileSync(f, 'utf8')))
      .map(rel);
    expect(leaks).toEqual([]);
  });

  // The home page's 工作台 tile counts through my_urgent_count (issue 21.2): counts of the caller's
  // own units, 0 and 0 for anyone else, so the phones show it without carrying a staff RPC.
  test('the home tile\'s count RPC is in the main package (and is the only desk call there)', () => {
    const callers = inMain.filter((f) => f.endsWith('.js') && readFileSync(f, 'utf8').includes('my_urgent_count')).map(rel);
    expect(callers.length).toBeGreaterThan(0);
  });

  test('every package under 2 MB', () => {
    const sizes: Record<string, number> = { main: size(inMain) };
    for (const r of ROOTS) sizes[r] = size(all.filter((f) => rel(f).startsWith(`${r}/`)));
    console.log(`[${platform}] package sizes (bytes): ${JSON.stringify(sizes)}`);
    for (const [name, bytes] of Object.entries(sizes)) expect({ name, under: bytes < LIMIT }).toEqual({ name, under: true });
  });
});
