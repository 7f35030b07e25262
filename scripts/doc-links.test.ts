/**
 * Every relative link in the repository's own Markdown (README.md, BENCHMARKS.md, …) names a
 * file a clean checkout has. A file that exists here but is git-ignored does not count: session 9
 * linked BENCHMARKS.md to experiment logs that `*.log` kept out of every commit, and the links
 * were dead on every other machine.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..');

/**
 * Tracked files and new files not ignored: what the next commit can hold. Outside a git work tree
 * (an exported tarball) every file present is a checkout's, since nothing ignored was exported.
 */
function committable(): Set<string> {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return new Set(out.split('\0').filter(Boolean));
  } catch {
    const skip = new Set(['node_modules', '.git', '.local']);
    return new Set(
      readdirSync(repoRoot, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && !path.relative(repoRoot, e.parentPath).split(path.sep).some((part) => skip.has(part)))
        .map((e) => path.relative(repoRoot, path.join(e.parentPath, e.name)).split(path.sep).join('/')),
    );
  }
}

/** The relative targets of a Markdown text's inline links, without their #anchor. */
function relativeLinks(markdown: string): string[] {
  const targets = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#')).map((t) => t.replace(/#.*$/, ''));
}

test('relativeLinks keeps paths and leaves out web addresses and anchors', () => {
  const md = '[a](benchmarks/x.md) [b](https://supabase.com) [c](#how) [d](dir/) [e](f.md#part) [g](mailto:x@y.cn)';
  expect(relativeLinks(md)).toEqual(['benchmarks/x.md', 'dir/', 'f.md']);
});

const files = committable();
const markdown = [...files].filter((f) => f.endsWith('.md') && !f.includes('/')).sort();

test('the repository has Markdown of its own to check', () => {
  expect(markdown).toEqual(expect.arrayContaining(['README.md', 'BENCHMARKS.md']));
});

test.each(markdown)('%s links only to files a clean checkout has', (doc) => {
  const dead = relativeLinks(readFileSync(path.join(repoRoot, doc), 'utf8')).filter((target) => {
    const rel = path.posix.normalize(path.posix.join(path.posix.dirname(doc), target));
    if (target.endsWith('/')) return ![...files].some((f) => f.startsWith(rel));
    return !files.has(rel);
  });
  expect(dead).toEqual([]);
});
