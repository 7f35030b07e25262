/** Sizes of a built WeChat mini-program, as the platform counts them (main package ≤ 2 MB). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface PackageSize {
  totalBytes: number;
  mainBytes: number;
  subpackages: Array<{ root: string; bytes: number }>;
  /** The biggest files of the main package. */
  largest: Array<{ file: string; bytes: number }>;
}

export const WECHAT_MAIN_LIMIT = 2 * 1024 * 1024;

function files(dir: string, base = dir): Array<{ file: string; bytes: number }> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? files(full, base) : [{ file: path.relative(base, full), bytes: statSync(full).size }];
  });
}

/** Sizes of a built weapp: the main package is every file outside a subpackage root (app.json). */
export function weappSize(dist: string): PackageSize {
  const app = JSON.parse(readFileSync(path.join(dist, 'app.json'), 'utf8')) as { subPackages?: Array<{ root: string }>; subpackages?: Array<{ root: string }> };
  const roots = (app.subPackages ?? app.subpackages ?? []).map((s) => s.root.replace(/\/?$/, '/'));
  const all = files(dist);
  const inRoot = (f: string) => roots.find((r) => f.startsWith(r));
  const main = all.filter((f) => !inRoot(f.file));
  return {
    totalBytes: all.reduce((n, f) => n + f.bytes, 0),
    mainBytes: main.reduce((n, f) => n + f.bytes, 0),
    subpackages: roots.map((root) => ({ root, bytes: all.filter((f) => f.file.startsWith(root)).reduce((n, f) => n + f.bytes, 0) })),
    largest: [...main].sort((a, b) => b.bytes - a.bytes).slice(0, 5),
  };
}

