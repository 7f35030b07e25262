/**
 * 差评热点 (issue 16.3): the most frequent problems of a scope and period, from the 差评 tags and
 * from the words of the comments, each with its change against the previous period as long.
 *
 * The database decides scope and access and hands over counts only (bad_review_topics(): per
 * period the 差评 total, each tag's count and the comment texts grouped with their counts; no
 * rater, id or time). SQL has no word segmentation, so the words are counted here, with
 * `Intl.Segmenter('zh', { granularity: 'word' })` (ICU's dictionary segmenter in Node, Deno and
 * the browsers) and the stop-word list below. A word counts once per comment that has it (the
 * number of 差评 that mention it, not how often one writer repeats it). Where a runtime has no
 * Intl.Segmenter (some mini-program engines), the Chinese runs are cut into overlapping
 * two-character pieces instead: cruder, and said so on the page (`segmenterKind`).
 */
import { z } from 'zod';
import { Num } from './staff.ts';

/** One row of bad_review_topics(). */
export const TopicSourceRow = z.object({
  period: z.enum(['current', 'previous']),
  kind: z.enum(['total', 'commented', 'tag', 'comment']),
  tag_code: z.string().nullable(),
  tag_name: z.string().nullable(),
  body: z.string().nullable(),
  n: Num,
});
export type TopicSourceRow = z.infer<typeof TopicSourceRow>;

/**
 * Words that say nothing about the problem: function words, pronouns, degree words, and the words
 * every comment on this system shares (办事, 政务, 窗口 alone tell no problem). Single characters
 * are dropped too unless they name a problem by themselves (SINGLE_KEEP).
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  // function words and pronouns
  '的', '了', '是', '在', '我', '你', '他', '她', '它', '我们', '你们', '他们', '她们', '大家', '自己', '这', '那', '这个', '那个', '这些', '那些',
  '这样', '那样', '这里', '那里', '这么', '那么', '什么', '怎么', '怎么样', '为什么', '哪里', '哪个', '谁', '和', '与', '及', '以及', '或', '或者',
  '而且', '并且', '但是', '但', '可是', '不过', '因为', '所以', '如果', '虽然', '然后', '而', '就', '都', '也', '还', '又', '再', '才', '只', '只是',
  '已经', '一直', '一下', '一些', '一点', '一个', '一次', '有些', '有点', '没有', '有', '没', '不', '被', '把', '给', '让', '对', '向', '从', '到',
  '为', '以', '于', '之', '着', '过', '吗', '吧', '呢', '啊', '呀', '哦', '嗯', '哈', '么', '得', '地', '等', '等等', '可以', '能', '会', '要', '想',
  '应该', '需要', '觉得', '感觉', '认为', '希望', '建议', '还是', '就是', '不是', '也是', '都是', '还有', '时候', '现在', '今天', '昨天', '每次',
  // degree words
  '很', '非常', '太', '特别', '比较', '十分', '极', '极其', '真', '真的', '实在', '挺', '最', '更', '越来越', '完全', '根本', '总是', '经常',
  // what every 差评 here shares
  '办事', '办理', '政务', '服务', '政务服务', '大厅', '窗口', '评价', '差评', '问题', '情况', '事情', '工作', '部门', '单位', '一下子',
  // segmenter leftovers that are no word ('还被' of 还被退回)
  '还被', '还要', '也被',
]);

/** Single characters that name a problem on their own. */
export const SINGLE_KEEP: ReadonlySet<string> = new Set(['慢', '难', '乱', '差', '贵', '烦', '远', '吵', '脏', '冷', '凶', '拖', '推', '堵', '挤']);

interface SegmenterLike {
  segment(text: string): Iterable<{ segment: string; isWordLike?: boolean }>;
}

function makeSegmenter(): SegmenterLike | null {
  const Seg = (globalThis as { Intl?: { Segmenter?: new (locale: string, options: { granularity: 'word' }) => SegmenterLike } }).Intl?.Segmenter;
  return Seg ? new Seg('zh', { granularity: 'word' }) : null;
}

let segmenter: SegmenterLike | null | undefined;
/** 'intl' where Intl.Segmenter exists, else 'bigram' (the fallback). */
export function segmenterKind(): 'intl' | 'bigram' {
  if (segmenter === undefined) segmenter = makeSegmenter();
  return segmenter ? 'intl' : 'bigram';
}

const HAN = /^[\u3400-\u9fff\uf900-\ufaff]+$/u;

function keep(word: string): boolean {
  if (STOP_WORDS.has(word)) return false;
  // Han words only: digits, Latin and punctuation name no problem here (the masked ＊＊＊ neither).
  if (!HAN.test(word)) return false;
  return [...word].length >= 2 || SINGLE_KEEP.has(word);
}

/** The distinct problem words of one comment. */
export function commentWords(text: string): string[] {
  if (segmenter === undefined) segmenter = makeSegmenter();
  const out = new Set<string>();
  if (segmenter) {
    for (const s of segmenter.segment(text)) {
      if (s.isWordLike === false) continue;
      const w = s.segment.trim();
      if (keep(w)) out.add(w);
    }
  } else {
    for (const run of text.match(/[\u3400-\u9fff\uf900-\ufaff]+/gu) ?? []) {
      const chars = [...run];
      if (chars.length === 1 && keep(run)) out.add(run);
      for (let i = 0; i + 1 < chars.length; i++) {
        const w = chars[i]! + chars[i + 1]!;
        if (keep(w)) out.add(w);
      }
    }
  }
  return [...out];
}

export interface Topic {
  key: string;
  label: string;
  current: number;
  previous: number;
  /** current − previous. */
  change: number;
  /** Share of the period's 差评 (tags) or commented 差评 (words) that name it; null when there were none. */
  share: number | null;
}

export interface HotTopics {
  total: { current: number; previous: number };
  commented: { current: number; previous: number };
  /** How many distinct comment texts came (the function sends at most 2,000 a period). */
  texts: { current: number; previous: number };
  tags: Topic[];
  words: Topic[];
  segmenter: 'intl' | 'bigram';
}

/** The period's topics, most frequent first (ties: the larger rise first, then by name). */
export function hotTopics(rows: readonly TopicSourceRow[], limit = 15): HotTopics {
  const pick = (kind: TopicSourceRow['kind'], period: TopicSourceRow['period']) =>
    rows.filter((r) => r.kind === kind && r.period === period).reduce((s, r) => s + Number(r.n), 0);
  const tags = new Map<string, { label: string; current: number; previous: number }>();
  const words = new Map<string, { label: string; current: number; previous: number }>();
  const texts = { current: 0, previous: 0 };
  for (const r of rows) {
    if (r.kind === 'tag' && r.tag_code !== null) {
      const t = tags.get(r.tag_code) ?? { label: r.tag_name ?? r.tag_code, current: 0, previous: 0 };
      t[r.period] += Number(r.n);
      tags.set(r.tag_code, t);
    } else if (r.kind === 'comment' && r.body !== null) {
      texts[r.period] += 1;
      for (const w of commentWords(r.body)) {
        const t = words.get(w) ?? { label: w, current: 0, previous: 0 };
        t[r.period] += Number(r.n);
        words.set(w, t);
      }
    }
  }
  const total = { current: pick('total', 'current'), previous: pick('total', 'previous') };
  const commented = { current: pick('commented', 'current'), previous: pick('commented', 'previous') };
  const rank = (m: Map<string, { label: string; current: number; previous: number }>, base: number): Topic[] =>
    [...m.entries()]
      .filter(([, v]) => v.current > 0)
      .map(([key, v]) => ({ key, label: v.label, current: v.current, previous: v.previous, change: v.current - v.previous, share: base > 0 ? v.current / base : null }))
      .sort((a, b) => b.current - a.current || b.change - a.change || a.label.localeCompare(b.label, 'zh-CN'))
      .slice(0, limit);
  return { total, commented, texts, tags: rank(tags, total.current), words: rank(words, commented.current), segmenter: segmenterKind() };
}

/** The change for people: ↑3, ↓2, 持平, 新出现. */
export function changeText(t: Pick<Topic, 'current' | 'previous' | 'change'>): string {
  if (t.previous === 0 && t.current > 0) return '新出现';
  if (t.change > 0) return `↑${t.change}`;
  if (t.change < 0) return `↓${-t.change}`;
  return '持平';
}

/** The previous period as long as from..to (yyyy-mm-dd, inclusive), as bad_review_topics() takes it. */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const day = 86_400_000;
  const f = Date.parse(`${from}T00:00:00Z`);
  const t = Date.parse(`${to}T00:00:00Z`);
  const len = Math.round((t - f) / day) + 1;
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: iso(f - len * day), to: iso(f - day) };
}
